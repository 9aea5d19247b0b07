import Foundation
import Testing
import RefereeTestSupport
import RefereeSandbox
@testable import RefereeRunner

/// The built `referee` binary, driven like a user would: Ctrl-C (SIGINT) in the middle of a run.
@Suite(.serialized) struct RunCommandEndToEndTests {
    static let binary = TestPaths.repoRoot.appendingPathComponent(".build/debug/referee")

    /// Processes whose command line mentions `needle` (the unique output folder).
    func processes(mentioning needle: String) -> [pid_t] {
        ProcessTable.entries().compactMap { entry in
            guard entry.state != "Z", let data = FileManager.default.contents(atPath: "/proc/\(entry.pid)/cmdline") else { return nil }
            let cmdline = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            return cmdline.contains(needle) ? entry.pid : nil
        }
    }

    /// Processes whose environment holds `needle` (e.g. the run's unique `RUN_ID=`): inside the
    /// sandbox no host path appears on a command line, but every descendant inherits the variable.
    func processes(withEnvironment needle: String) -> [pid_t] {
        ProcessTable.entries().compactMap { entry in
            guard entry.state != "Z", let data = FileManager.default.contents(atPath: "/proc/\(entry.pid)/environ") else { return nil }
            return data.split(separator: 0).contains { String(decoding: $0, as: UTF8.self) == needle } ? entry.pid : nil
        }
    }

    @Test func ctrlCLeavesAReadablePartialLogAndNoOrphans() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
            print("SKIP ctrlCLeavesAReadablePartialLogAndNoOrphans: \(Self.binary.path) not built (run swift build first)")
            return
        }
        let name = "rec-\(UUID().uuidString)"
        let out = try TestPaths.tempDir("runner-cli-int").appendingPathComponent(name)
        let spec = LaunchSpec(executable: Self.binary.path,
                              arguments: ["run", TestPaths.fixture("runner/grandchild").path, "--seeds", "5,6", "--out", out.path,
                                          "--train-seconds", "120", "--grace-seconds", "0"],
                              environment: ProcessInfo.processInfo.environment, workingDirectory: NSTemporaryDirectory())
        let referee = try ChildProcess.spawn(spec)
        defer { close(referee.outputFD) }
        let log = out.appendingPathComponent("train_seed5.log")
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let text = try? String(contentsOf: log, encoding: .utf8), text.contains("grandchild up") { break }
            usleep(100_000)
        }
        let before = processes(withEnvironment: "RUN_ID=\(name)_seed5")
        #expect(before.count >= 2, "the submission and its grandchild should be running")
        kill(referee.pid, SIGINT)
        var status: Int32 = 0
        waitpid(referee.pid, &status, 0)
        #expect(ExitStatus(waitStatus: status) == .exited(130))
        let text = try String(contentsOf: log, encoding: .utf8)
        #expect(text.contains(" grandchild up\n"))
        #expect(processes(withEnvironment: "RUN_ID=\(name)_seed5").isEmpty, "no process of the run may survive Ctrl-C")
        #expect(processes(mentioning: out.path).isEmpty, "no process of the run may survive Ctrl-C")
        let run = try RecordJSON.decode(RunRecord.self, from: Data(contentsOf: out.appendingPathComponent("run.json")))
        #expect(run.interrupted)
        #expect(run.seeds.map(\.seed) == [5], "the second seed never started")
        #expect(run.seeds.first?.stop == .interrupted)
        #expect(run.postRun.allSatisfy { $0.status == .skipped })
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("train_seed6.log").path))
    }

    @Test func badSeedsAreUsageErrors() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
            print("SKIP badSeedsAreUsageErrors: \(Self.binary.path) not built")
            return
        }
        let result = CommandCapture.run([Self.binary.path, "run", TestPaths.fixture("runner/honest").path, "--seeds", "1,x"])
        #expect(result.status == "exit 2")
        #expect(result.output.contains("--seeds"))
    }
}

/// `referee run` killed with SIGKILL mid-run: nothing of the submission survives it (the
/// sandbox's lifeline), and the record it leaves says how far it got.
@Suite(.serialized, .enabled(if: SandboxProbe.probe().applied, "the kernel refuses namespaces here"))
struct KilledRunnerTests {
    @Test func sigkillLeavesAnIncompleteJournalAndNoSurvivor() throws {
        let binary = RunCommandEndToEndTests.binary
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            print("SKIP sigkillLeavesAnIncompleteJournalAndNoSurvivor: \(binary.path) not built")
            return
        }
        let name = "rec-\(UUID().uuidString)"
        let out = try TestPaths.tempDir("runner-cli-kill").appendingPathComponent(name)
        let spec = LaunchSpec(executable: binary.path,
                              arguments: ["run", TestPaths.fixture("runner/grandchild").path, "--seeds", "5", "--out", out.path,
                                          "--train-seconds", "120", "--grace-seconds", "0", "--no-probes"],
                              environment: ProcessInfo.processInfo.environment, workingDirectory: NSTemporaryDirectory())
        let referee = try ChildProcess.spawn(spec)
        defer { referee.close() }
        let log = out.appendingPathComponent("train_seed5.log")
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let text = try? String(contentsOf: log, encoding: .utf8), text.contains("grandchild up") { break }
            usleep(100_000)
        }
        let needle = "RUN_ID=\(name)_seed5"
        func survivors() -> [pid_t] {
            ProcessTable.entries().compactMap { entry in
                guard entry.state != "Z", let env = FileManager.default.contents(atPath: "/proc/\(entry.pid)/environ") else { return nil }
                return env.split(separator: 0).contains { String(decoding: $0, as: UTF8.self) == needle } ? entry.pid : nil
            }
        }
        #expect(survivors().count >= 2, "the submission and its grandchild (which ignores SIGTERM) should be running")
        kill(referee.pid, SIGKILL)
        var status: Int32 = 0
        waitpid(referee.pid, &status, 0)
        // The sandbox's init sees its lifeline close and takes the whole namespace with it.
        let end = Date().addingTimeInterval(5)
        while Date() < end && !survivors().isEmpty { usleep(50_000) }
        #expect(survivors().isEmpty, "a process of the run outlived a SIGKILLed referee")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("run.json").path))
        let journal = try String(contentsOf: out.appendingPathComponent("journal.jsonl"), encoding: .utf8)
        #expect(journal.contains("\"event\":\"seed_started\""))
        #expect(!journal.contains("\"event\":\"runs_complete\""))
        // The audit of what was left says why it is not a record, and never passes (runner.complete
        // is unverifiable; the partial log's missing score fails its own rules).
        let audit = CommandCapture.run([binary.path, "audit", out.path, "--track", "track_non_record_16mb", "--format", "json"], timeout: 60)
        #expect(!audit.output.contains("\"verdict\" : \"pass\""), "\(audit.output)")
        #expect(audit.output.contains("the run did not complete: the journal ends at 'seed_started'"))
    }
}
