import Foundation
import Testing
@testable import RefereeRunner

@Suite struct LaunchPlanTests {
    let script = URL(fileURLWithPath: "/r/train_gpt.py")
    let traces = URL(fileURLWithPath: "/r/traces/seed42")
    let work = URL(fileURLWithPath: "/r/artifacts/seed42")

    @Test(arguments: [(1, false, "python3"), (1, true, "torchrun"), (8, false, "torchrun")])
    func launcherChoice(nproc: Int, force: Bool, expected: String) {
        let plan = LaunchPlan(nprocPerNode: nproc, forceTorchrun: force, baseEnvironment: [:])
        let spec = plan.spec(script: script, seed: 42, runId: "x", traceDir: traces, workingDirectory: work)
        #expect(spec.executable == expected)
        if expected == "torchrun" {
            #expect(spec.arguments == ["--standalone", "--nproc_per_node=\(nproc)", script.path])
        } else {
            #expect(spec.arguments == [script.path])
        }
        #expect(spec.workingDirectory == work.path)
    }

    @Test(arguments: [1, 2])
    func autotraceWrapsTheEntryScriptAsAModule(nproc: Int) {
        var plan = LaunchPlan(nprocPerNode: nproc, baseEnvironment: [:])
        plan.autotrace = true
        let spec = plan.spec(script: script, seed: 42, runId: "x", traceDir: traces, workingDirectory: work)
        if nproc > 1 {
            #expect(spec.executable == "torchrun")
            #expect(spec.arguments == ["--standalone", "--nproc_per_node=2", "-m", "referee_autotrace", script.path])
        } else {
            #expect(spec.executable == "python3")
            #expect(spec.arguments == ["-m", "referee_autotrace", script.path])
        }
        #expect(spec.environment["REFEREE_TRACE_DIR"] == traces.path)
    }

    @Test func environmentIsSetAndExtraCannotOverrideSeedOrTrace() {
        let plan = LaunchPlan(dataPath: "/d", tokenizerPath: "/t.model", refereeHome: URL(fileURLWithPath: "/home/ref"),
                              extraEnvironment: ["SEED": "1", "REFEREE_TRACE_DIR": "/evil", "ITERATIONS": "5", "DATA_PATH": "/other"],
                              baseEnvironment: ["PYTHONPATH": "/x", "HOME": "/root"])
        let env = plan.spec(script: script, seed: 42, runId: "rec_seed42", traceDir: traces, workingDirectory: work).environment
        #expect(env["SEED"] == "42")
        #expect(env["RUN_ID"] == "rec_seed42")
        #expect(env["REFEREE_TRACE_DIR"] == traces.path)
        #expect(env["DATA_PATH"] == "/other")
        #expect(env["TOKENIZER_PATH"] == "/t.model")
        #expect(env["ITERATIONS"] == "5")
        #expect(env["PYTHONUNBUFFERED"] == "1")
        #expect(env["PYTHONPATH"] == "/home/ref/python:/x")
        #expect(env["HOME"] == "/root")
    }

    @Test(arguments: ["applied", "disabled", "unavailable(unshare: Operation not permitted)"])
    func networkIsolationRoundTrips(text: String) throws {
        let data = try JSONEncoder().encode([text])
        let decoded = try JSONDecoder().decode([NetworkIsolation].self, from: data)
        #expect(decoded[0].description == text)
    }

    @Test func seedsAndEnvironmentParsing() throws {
        #expect(try RunConfiguration.parseSeeds("1337,42,2025") == [1337, 42, 2025])
        #expect(throws: RunnerError.self) { try RunConfiguration.parseSeeds("1337,,42") }
        #expect(throws: RunnerError.self) { try RunConfiguration.parseSeeds("1,1") }
        #expect(throws: RunnerError.self) { try RunConfiguration.parseSeeds("abc") }
        #expect(try RunConfiguration.parseEnvironment(["A=1", "B=x=y"]) == ["A": "1", "B": "x=y"])
        #expect(throws: RunnerError.self) { try RunConfiguration.parseEnvironment(["NOEQUALS"]) }
    }

    @Test func defaultOutNamesTrackDateAndFolder() {
        let date = Date(timeIntervalSince1970: 1_774_000_000)  // 2026-03-20 UTC
        let out = RunConfiguration.defaultOut(track: "track_10min_16mb", recordDir: URL(fileURLWithPath: "/x/my_sub/"), date: date)
        #expect(out.relativePath == "records/track_10min_16mb/2026-03-20_my_sub")
    }

    @Test func progressLineShowsSeedPhaseStepAndETA() {
        var tracker = PhaseTracker()
        tracker.observe(StampedLine(time: 0, text: "step:100/1000 val_loss:2 val_bpb:1.2345 train_time:10000ms", truncated: false))
        let line = ProgressReporter.describe(index: 0, count: 3, seed: 1337, tracker: tracker, startedAt: 0,
                                             caps: .tenMinuteTrack, now: 12)
        #expect(line == "seed 1/3 (1337) training step 100/1000 train_time 10.0s ETA 1m30s val_bpb 1.2345 [12s]")
        var written: [String] = []
        let reporter = ProgressReporter(mode: .plain) { written.append($0) }
        reporter.update(index: 0, count: 1, seed: 1, tracker: tracker, startedAt: 0, caps: .tenMinuteTrack, now: 1)
        reporter.update(index: 0, count: 1, seed: 1, tracker: tracker, startedAt: 0, caps: .tenMinuteTrack, now: 2)
        #expect(written.count == 1, "plain mode prints on phase change or every 30 s, not every tick")
    }

    @Test func terminalModeRewritesOneLine() {
        var tracker = PhaseTracker()
        tracker.observe(StampedLine(time: 0, text: "step:5/10 train_loss:1 train_time:500ms", truncated: false))
        var written: [String] = []
        let reporter = ProgressReporter(mode: .terminal) { written.append($0) }
        reporter.update(index: 1, count: 2, seed: 9, tracker: tracker, startedAt: 0, caps: .tenMinuteTrack, now: 100)
        reporter.update(index: 1, count: 2, seed: 9, tracker: tracker, startedAt: 0, caps: .tenMinuteTrack, now: 101)
        reporter.finish("done")
        #expect(written.count == 3)
        #expect(written.allSatisfy { $0.hasPrefix("\r") })
        #expect(!written[0].contains("\n") && !written[1].contains("\n"))
        #expect(written[0].contains("seed 2/2 (9) training step 5/10"))
        #expect(written[2].hasSuffix("\rdone\n"))
    }
}
