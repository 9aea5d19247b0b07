import RefereeSandbox
import Foundation
import Testing
import RefereeTestSupport
@testable import RefereeRunner

/// Real python3 children (the fixtures in Tests/Fixtures/runner), real signals, real /proc.
@Suite(.serialized) struct SeedExecutorTests {
    static let python = "python3"

    func spec(_ fixture: String, in dir: URL) -> LaunchSpec {
        var env = ProcessInfo.processInfo.environment
        env["PYTHONUNBUFFERED"] = "1"
        env["SEED"] = "7"
        return LaunchSpec(executable: Self.python,
                          arguments: [TestPaths.fixture("runner/\(fixture)/train_gpt.py").path],
                          environment: env, workingDirectory: dir.path)
    }

    func logLines(_ url: URL) throws -> [String] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    @Test func honestRunIsStampedAndPhased() throws {
        let dir = try TestPaths.tempDir("runner-honest")
        let log = dir.appendingPathComponent("train_seed7.log")
        let result = try SeedExecutor(caps: PhaseCaps(trainSeconds: 30, evalSeconds: 30, graceSeconds: 5), interrupt: nil)
            .run(spec("honest", in: dir), logURL: log)
        #expect(result.exit == .exited(0))
        #expect(result.stop == .exited)
        #expect(result.phases.phase == .finished)
        #expect(result.phases.step == 40 && result.phases.iterations == 40)
        #expect(result.phases.lastValBPB == 1.3)
        let lines = try logLines(log).filter { !$0.isEmpty }
        #expect(lines.count == result.lineCount)
        #expect(lines.count == 11)
        var previous = 0.0
        for line in lines {
            let parts = line.split(separator: " ", maxSplits: 1)
            let stamp = try #require(Double(parts[0]))
            #expect(parts[0].split(separator: ".").last?.count == 6, "six decimals: \(line)")
            #expect(stamp >= previous, "timestamps never go back")
            #expect(abs(stamp - Date().timeIntervalSince1970) < 120)
            previous = stamp
        }
        // The child's own text is kept byte for byte after the prefix.
        #expect(lines.contains { $0.hasSuffix(" final_int8_zlib_roundtrip_exact val_loss:2.10000000 val_bpb:1.30000000") })
        // The echoed f-string in line 2 did not end training; the real step line did.
        let stopped = try #require(result.phases.trainingStoppedAt)
        let artifact = try #require(result.phases.artifactWrittenAt)
        let final = try #require(result.phases.finalScoreAt)
        #expect(result.startedAt <= stopped && stopped <= artifact && artifact <= final && final <= result.endedAt)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("final_model.int8.ptz").path))
    }

    @Test func hangingChildIsKilledAtItsCap() throws {
        let dir = try TestPaths.tempDir("runner-hang")
        let log = dir.appendingPathComponent("train_seed7.log")
        let caps = PhaseCaps(trainSeconds: 1.5, evalSeconds: 1, graceSeconds: 0.5, killGraceSeconds: 1)
        let begin = Date()
        let result = try SeedExecutor(caps: caps, interrupt: nil).run(spec("hanging", in: dir), logURL: log)
        let elapsed = Date().timeIntervalSince(begin)
        #expect(result.stop == .overBudget)
        #expect(result.capReachedIn == .training)
        #expect(result.exit == .signaled(SIGTERM))
        #expect(elapsed >= 2 && elapsed < 8, "stopped at the cap, not before, not much after: \(elapsed)")
        #expect(result.survivors == 0)
        #expect(ProcessTable.entry(result.pid) == nil || kill(result.pid, 0) != 0)
        #expect(try logLines(log).first?.hasSuffix(" step:1/100 train_loss:3.0000 train_time:10ms step_avg:10.00ms") == true)
    }

    @Test func grandchildIgnoringSigtermDoesNotSurvive() throws {
        becomeChildSubreaper()
        let dir = try TestPaths.tempDir("runner-grandchild")
        let log = dir.appendingPathComponent("train_seed7.log")
        let caps = PhaseCaps(trainSeconds: 2, evalSeconds: 1, graceSeconds: 0, killGraceSeconds: 1)
        let result = try SeedExecutor(caps: caps, interrupt: nil).run(spec("grandchild", in: dir), logURL: log)
        #expect(result.stop == .overBudget)
        #expect(result.exit == .signaled(SIGKILL), "the child ignores SIGTERM, so only SIGKILL ends it")
        let pidText = try String(contentsOf: dir.appendingPathComponent("grandchild.pid"), encoding: .utf8)
        let grandchild = try #require(pid_t(pidText.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(grandchild, 0) != 0, "grandchild \(grandchild) still exists")
        #expect(ProcessGroup(pgid: result.pid).liveMembers().isEmpty)
        let text = try String(contentsOf: log, encoding: .utf8)
        #expect(text.contains(" grandchild up\n"))
    }

    @Test func interruptStopsTheGroupAndKeepsThePartialLog() throws {
        let dir = try TestPaths.tempDir("runner-int")
        let log = dir.appendingPathComponent("train_seed7.log")
        let trap = InterruptTrap(catchSignals: false)
        DispatchQueue.global().asyncAfter(deadline: .now() + 1.0) { trap.fire() }
        let result = try SeedExecutor(caps: PhaseCaps(trainSeconds: 60, evalSeconds: 60, graceSeconds: 0, killGraceSeconds: 1), interrupt: trap)
            .run(spec("hanging", in: dir), logURL: log)
        #expect(result.stop == .interrupted)
        #expect(result.survivors == 0)
        #expect(result.endedAt - result.startedAt < 10)
        #expect(try logLines(log).first?.contains("step:1/100") == true)
    }

    @Test func crashIsAResultAndThePartialLineIsKept() throws {
        let dir = try TestPaths.tempDir("runner-crash")
        let log = dir.appendingPathComponent("train_seed7.log")
        let result = try SeedExecutor(caps: PhaseCaps(trainSeconds: 30, evalSeconds: 30, graceSeconds: 0), interrupt: nil)
            .run(spec("crash", in: dir), logURL: log)
        #expect(result.exit == .exited(1))
        #expect(result.stop == .exited)
        let text = try String(contentsOf: log, encoding: .utf8)
        #expect(text.contains(" partial line without newlineTraceback") || text.contains(" partial line without newline"))
        #expect(text.contains("RuntimeError: boom"))
    }

    @Test func longLinesAreWrittenWhole() throws {
        let dir = try TestPaths.tempDir("runner-long")
        let log = dir.appendingPathComponent("train_seed7.log")
        let result = try SeedExecutor(caps: PhaseCaps(trainSeconds: 30, evalSeconds: 30, graceSeconds: 0), interrupt: nil)
            .run(spec("longline", in: dir), logURL: log)
        #expect(result.exit == .exited(0))
        let lines = try logLines(log).filter { !$0.isEmpty }
        #expect(lines.count == 3)
        let long = try #require(lines.dropFirst().first)
        let body = long.split(separator: " ", maxSplits: 1)[1]
        #expect(body.count == 300_000)
        #expect(body.allSatisfy { $0 == "x" })
    }

    @Test func childClosingItsOutputIsWaitedForWithoutSpinning() throws {
        let dir = try TestPaths.tempDir("runner-closed")
        let log = dir.appendingPathComponent("train_seed7.log")
        var usage = rusage()
        getrusage(1 /* RUSAGE_THREAD: this test runs on one thread */, &usage)
        let cpuBefore = Self.cpuSeconds(usage)
        let result = try SeedExecutor(caps: PhaseCaps(trainSeconds: 30, evalSeconds: 30, graceSeconds: 0), interrupt: nil)
            .run(spec("closed_stdout", in: dir), logURL: log)
        getrusage(1 /* RUSAGE_THREAD: this test runs on one thread */, &usage)
        let cpuAfter = Self.cpuSeconds(usage)
        #expect(result.exit == .exited(0))
        #expect(result.endedAt - result.startedAt >= 1.5, "waited for the exit, not just for EOF")
        #expect(cpuAfter - cpuBefore < 0.5, "the wait must not busy-loop: \(cpuAfter - cpuBefore) s of CPU")
        #expect(result.lineCount == 1)
    }

    /// User + system CPU seconds (a poll loop spins in the kernel, so system time counts).
    static func cpuSeconds(_ u: rusage) -> Double {
        Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
    }

    @Test func missingExecutableIsALaunchError() throws {
        let dir = try TestPaths.tempDir("runner-missing")
        let spec = LaunchSpec(executable: "/nonexistent/python", arguments: [], environment: [:], workingDirectory: dir.path)
        #expect(throws: RunnerError.self) {
            _ = try SeedExecutor(caps: .tenMinuteTrack, interrupt: nil).run(spec, logURL: dir.appendingPathComponent("x.log"))
        }
    }
}
