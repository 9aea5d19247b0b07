import Foundation
import RefereeTestSupport

/// Runs the built `referee` binary under a deadline: a hostile input that makes it hang must
/// fail the test, not hang the suite. Output goes to files (no pipe can fill up).
enum HostileRun {
    /// `.build/debug/referee`, or `$REFEREE_HOSTILE_BINARY` (to show these tests fail on a build
    /// without the defences, e.g. main's).
    static let binary = ProcessInfo.processInfo.environment["REFEREE_HOSTILE_BINARY"].map { URL(fileURLWithPath: $0) }
        ?? TestPaths.repoRoot.appendingPathComponent(".build/debug/referee")
    static var available: Bool { FileManager.default.isExecutableFile(atPath: binary.path) }

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
        var timedOut: Bool
        var signalled: Bool
        /// Peak resident memory of the child in KiB (0 when not measured).
        var maxRSSKiB: Int = 0
        var output: String { stdout + stderr }
    }

    /// Runs `referee <arguments>`, killing it after `timeout` seconds.
    static func referee(_ arguments: [String], timeout: Double = 60) throws -> Outcome {
        let dir = try TestPaths.tempDir("hostile-run")
        defer { try? FileManager.default.removeItem(at: dir) }
        let outURL = dir.appendingPathComponent("out"), errURL = dir.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        try process.run()
        var timedOut = false
        if done.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
            done.wait()
        }
        let signalled = process.terminationReason == .uncaughtSignal
        return Outcome(status: process.terminationStatus,
                       stdout: String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self),
                       stderr: String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self),
                       timedOut: timedOut, signalled: signalled)
    }

    /// Runs `referee <arguments>` through a small python3 wrapper that reports the child's peak
    /// resident memory (`ru_maxrss` of RUSAGE_CHILDREN, KiB on Linux). Nil when python3 is absent.
    static func measured(_ arguments: [String], timeout: Double = 120) throws -> Outcome? {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else { return nil }
        let script = """
        import resource, subprocess, sys
        try:
            r = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=\(Int(timeout)))
            code = r.returncode
            out = r.stdout.decode("utf-8", "replace") + r.stderr.decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            code, out = -999, "timed out"
        print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        sys.stdout.write(out[-4000:])
        """
        let run = try ToolRun.run(["python3", "-c", script, binary.path] + arguments)
        let firstLine = run.stdout.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        let parts = firstLine.split(separator: " ").compactMap { Int($0) }
        guard parts.count == 2 else { return nil }
        return Outcome(status: Int32(truncatingIfNeeded: parts[0]), stdout: run.stdout, stderr: run.stderr,
                       timedOut: parts[0] == -999, signalled: parts[0] < 0, maxRSSKiB: parts[1])
    }
}

/// Hostile record folders built in a temporary directory from the committed clean fixture.
struct HostileRecord {
    let root: URL
    let record: URL

    /// A copy of `Tests/Fixtures/report/cheaters/track_10min_16mb/clean` (three honest logs,
    /// submission.json, train_gpt.py) under `<tmp>/track_10min_16mb/rec`.
    static func clean() throws -> HostileRecord {
        let root = try TestPaths.tempDir("hostile")
        let record = root.appendingPathComponent("track_10min_16mb/rec")
        try FileManager.default.createDirectory(at: record.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: TestPaths.fixture("report/cheaters/track_10min_16mb/clean"), to: record)
        return HostileRecord(root: root, record: record)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    func url(_ relative: String) -> URL { record.appendingPathComponent(relative) }

    func write(_ relative: String, _ text: String) throws {
        try write(relative, Data(text.utf8))
    }

    func write(_ relative: String, _ data: Data) throws {
        let u = url(relative)
        try FileManager.default.createDirectory(at: u.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: u)
    }

    func read(_ relative: String) throws -> String {
        String(decoding: try Data(contentsOf: url(relative)), as: UTF8.self)
    }

    func mkdirs(_ relative: String) throws {
        try FileManager.default.createDirectory(at: url(relative), withIntermediateDirectories: true)
    }

    func fifo(_ relative: String) throws {
        try mkdirs((relative as NSString).deletingLastPathComponent)
        guard mkfifo(url(relative).path, 0o644) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    func symlink(_ relative: String, to target: String) throws {
        try mkdirs((relative as NSString).deletingLastPathComponent)
        try FileManager.default.createSymbolicLink(atPath: url(relative).path, withDestinationPath: target)
    }
}
