import Foundation
import Testing
@testable import RefereeSandbox
#if canImport(Glibc)
import Glibc
#endif

/// Runs `script` under `sh -c` and collects its output and exit; a blocking helper for tests.
struct Ran {
    var output: String
    var exit: ProcessExit
}

func runShell(_ script: String, sandbox: SandboxPolicy?, cwd: String = "/", env: [String: String] = [:]) throws -> Ran {
    var environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
    for (k, v) in env { environment[k] = v }
    let child = try SpawnedChild.spawn(executable: "sh", arguments: ["-c", script], environment: environment,
                                       workingDirectory: cwd, sandbox: sandbox)
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        var fd = pollfd(fd: child.outputFD, events: Int16(POLLIN), revents: 0)
        _ = poll(&fd, 1, 10_000)
        let n = buffer.withUnsafeMutableBytes { read(child.outputFD, $0.baseAddress, $0.count) }
        if n > 0 { bytes += buffer[0..<n] } else if n == 0 { break } else if errno != EAGAIN && errno != EINTR { break }
    }
    var status: Int32 = 0
    while waitpid(child.pid, &status, 0) < 0 && errno == EINTR {}
    let exit = child.commandExit(initStatus: status)
    child.close()
    return Ran(output: String(decoding: bytes, as: UTF8.self), exit: exit)
}

/// A scratch folder, removed by the caller. Under /var/tmp, not /tmp: the sandbox's /tmp is a
/// private tmpfs, so a path under the host's /tmp would be absent inside whatever the defences do.
func scratch(_ name: String) throws -> URL {
    let url = URL(fileURLWithPath: "/var/tmp").appendingPathComponent("referee-sandbox-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Namespaces need root or unprivileged user namespaces; the tests say so and skip otherwise.
let namespacesAvailable: Bool = SandboxProbe.probe().applied

@Suite("Sandbox", .enabled(if: namespacesAvailable, "the kernel refuses namespaces here (SandboxProbe)"))
struct SandboxTests {
    @Test("the command's own exit status reaches the caller")
    func exitStatus() throws {
        let ran = try runShell("echo hello; exit 3", sandbox: SandboxPolicy(mounts: SandboxPolicy.privateScratch))
        #expect(ran.output == "hello\n")
        #expect(ran.exit == .exited(3))
        let killed = try runShell("kill -9 $$", sandbox: SandboxPolicy(mounts: SandboxPolicy.privateScratch))
        #expect(killed.exit == .signaled(SIGKILL))
    }

    @Test("only the writable bind can be written; the rest of the file system is read-only")
    func readOnlyRoot() throws {
        let base = try scratch("ro")
        defer { try? FileManager.default.removeItem(at: base) }
        let outside = base.appendingPathComponent("outside.txt")
        try Data("original".utf8).write(to: outside)
        let work = base.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let policy = SandboxPolicy(mounts: SandboxPolicy.privateScratch + [.writable(source: work.path, target: "/tmp/referee/work")])
        let ran = try runShell("""
            echo forged > /tmp/referee/work/ok.txt && echo wrote-work
            echo forged > \(outside.path) 2>/dev/null && echo wrote-outside
            touch /etc/referee-forged 2>/dev/null && echo wrote-etc
            echo scratch > /tmp/x && echo wrote-tmp
            exit 0
            """, sandbox: policy, cwd: "/tmp/referee/work")
        #expect(ran.output.contains("wrote-work"))
        #expect(ran.output.contains("wrote-tmp"))
        #expect(!ran.output.contains("wrote-outside"))
        #expect(!ran.output.contains("wrote-etc"))
        #expect(try String(contentsOf: outside, encoding: .utf8) == "original")
        #expect(try String(contentsOf: work.appendingPathComponent("ok.txt"), encoding: .utf8) == "forged\n")
        #expect(!FileManager.default.fileExists(atPath: "/etc/referee-forged"))
    }

    @Test("a hidden folder shows nothing, a read-only bind cannot be changed")
    func hiddenAndReadOnlyBind() throws {
        let base = try scratch("hide")
        defer { try? FileManager.default.removeItem(at: base) }
        let secret = base.appendingPathComponent("record")
        try FileManager.default.createDirectory(at: secret, withIntermediateDirectories: true)
        try Data("signed evidence".utf8).write(to: secret.appendingPathComponent("train_seed1.log"))
        let data = base.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try Data("shard".utf8).write(to: data.appendingPathComponent("val.bin"))
        let policy = SandboxPolicy(readOnlyRoot: true, mounts: [.hidden(target: secret.path)] + SandboxPolicy.privateScratch
                                   + [.readOnly(source: data.path, target: "/tmp/referee/data")])
        let ran = try runShell("""
            ls -A \(secret.path) 2>&1 | wc -l
            cat /tmp/referee/data/val.bin; echo
            { echo x >> /tmp/referee/data/val.bin; } 2>/dev/null && echo changed-data
            """, sandbox: policy)
        #expect(ran.output.hasPrefix("0\nshard\n"))
        #expect(!ran.output.contains("changed-data"))
        #expect(try String(contentsOf: data.appendingPathComponent("val.bin"), encoding: .utf8) == "shard")
    }

    @Test("a daemon in a new session dies when the command exits (PID namespace)")
    func daemonDies() throws {
        let base = try scratch("daemon")
        defer { try? FileManager.default.removeItem(at: base) }
        let policy = SandboxPolicy(mounts: SandboxPolicy.privateScratch + [.writable(source: base.path, target: "/tmp/referee/work")])
        // setsid + background + the parent exiting at once: the classic escape from a process group.
        let ran = try runShell("""
            setsid sh -c 'while true; do date +%s%N >> /tmp/referee/work/beat; sleep 0.05; done' >/dev/null 2>&1 < /dev/null &
            sleep 0.3; echo started
            """, sandbox: policy)
        #expect(ran.output == "started\n")
        let beat = base.appendingPathComponent("beat")
        let before = try Data(contentsOf: beat).count
        #expect(before > 0)
        Thread.sleep(forTimeInterval: 0.5)
        #expect(try Data(contentsOf: beat).count == before, "the daemon still writes after the run ended")
    }

    @Test("the sandbox has its own network namespace with loopback up and nothing else")
    func loopbackOnly() throws {
        let ran = try runShell("cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d ' '; cat /sys/class/net/lo/flags 2>/dev/null; echo $$",
                               sandbox: SandboxPolicy(mounts: SandboxPolicy.privateScratch))
        let lines = ran.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "lo")
        #expect(lines.dropFirst().first.map { !$0.hasPrefix("0x") || Int($0.dropFirst(2), radix: 16).map { $0 & 1 == 1 } == true } == true)
        // The command is pid 2: the init is pid 1 of a new PID namespace.
        #expect(lines.last == "2")
    }

    @Test("closing the lifeline (the caller died) ends every process of the sandbox")
    func lifeline() throws {
        let base = try scratch("life")
        defer { try? FileManager.default.removeItem(at: base) }
        let policy = SandboxPolicy(mounts: SandboxPolicy.privateScratch + [.writable(source: base.path, target: "/tmp/referee/work")])
        let child = try SpawnedChild.spawn(executable: "sh", arguments: ["-c", "while true; do echo x >> /tmp/referee/work/beat; sleep 0.05; done"],
                                           environment: ["PATH": "/usr/bin:/bin"], workingDirectory: "/", sandbox: policy)
        Thread.sleep(forTimeInterval: 0.3)
        if let fd = child.lifelineFD { close(fd) }
        var status: Int32 = 0
        while waitpid(child.pid, &status, 0) < 0 && errno == EINTR {}
        let size = try Data(contentsOf: base.appendingPathComponent("beat")).count
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try Data(contentsOf: base.appendingPathComponent("beat")).count == size)
        close(child.outputFD)
        if let s = child.statusFD { close(s) }
    }

    @Test("a missing executable or working folder is an error naming it, not a hang")
    func spawnErrors() throws {
        #expect(throws: SpawnError.self) {
            _ = try SpawnedChild.spawn(executable: "/nonexistent/python", arguments: [], environment: [:], workingDirectory: "/",
                                       sandbox: SandboxPolicy(mounts: SandboxPolicy.privateScratch))
        }
        do {
            _ = try SpawnedChild.spawn(executable: "sh", arguments: ["-c", "true"], environment: ["PATH": "/usr/bin:/bin"],
                                       workingDirectory: "/tmp/referee/absent", sandbox: SandboxPolicy(mounts: SandboxPolicy.privateScratch))
            Issue.record("expected a chdir error")
        } catch {
            #expect(error.stage == "chdir")
            #expect(error.description.contains("/tmp/referee/absent"))
        }
    }
}

/// A mount that cannot be made names the mount, so that the user knows which path to fix.
@Suite(.enabled(if: namespacesAvailable, "the kernel refuses namespaces here (SandboxProbe)"))
struct SandboxMountErrorTests {
    @Test func aMissingBindSourceIsNamed() throws {
        let missing = "/var/tmp/referee-absent-\(UUID().uuidString)"
        do {
            _ = try SpawnedChild.spawn(executable: "sh", arguments: ["-c", "true"], environment: ["PATH": "/usr/bin:/bin"], workingDirectory: "/",
                                       sandbox: SandboxPolicy(mounts: SandboxPolicy.privateScratch + [.readOnly(source: missing, target: "/tmp/referee/data")]))
            Issue.record("expected the missing bind source to stop the spawn")
        } catch {
            #expect(error.stage == "open_tree (bind source)")
            #expect(error.description.contains(missing) && error.description.contains("/tmp/referee/data"), "\(error)")
        }
    }
}
