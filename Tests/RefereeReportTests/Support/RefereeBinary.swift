import Foundation
import RefereeTestSupport

/// Runs the built `referee` executable (`.build/debug/referee`, built by `swift build
/// --build-tests`). Tests that need it skip, saying so, when it is absent.
enum RefereeBinary {
    static let url = TestPaths.repoRoot.appendingPathComponent(".build/debug/referee")
    static var available: Bool { FileManager.default.isExecutableFile(atPath: url.path) }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], in directory: URL? = nil) throws -> Result {
        try run(executable: url, arguments, in: directory)
    }

    static func run(executable: URL, _ arguments: [String], in directory: URL? = nil, environment: [String: String]? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes to the end before waiting, so a full pipe cannot block the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A sample record folder, nil when the shared samples are absent.
    static func sample(_ name: String) -> URL? {
        TestPaths.samples?.appendingPathComponent("track_10min_16mb/\(name)")
    }

    /// Every sample record folder, sorted.
    static func allSamples() -> [URL] {
        guard let root = TestPaths.samples else { return [] }
        var out: [URL] = []
        for track in ["track_10min_16mb", "track_non_record_16mb"] {
            let dir = root.appendingPathComponent(track)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            out += names.sorted().map { dir.appendingPathComponent($0) }
        }
        return out
    }

    static func cheater(_ name: String) -> URL {
        TestPaths.fixture("report/cheaters/track_10min_16mb/\(name)")
    }
}
