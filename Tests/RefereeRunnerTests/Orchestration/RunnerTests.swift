import Foundation
import Testing
import RefereeTestSupport
@testable import RefereeRunner

@Suite(.serialized) struct RunnerTests {
    func config(_ fixture: String, out: URL, seeds: [Int], caps: PhaseCaps) -> RunConfiguration {
        RunConfiguration(recordDir: TestPaths.fixture("runner/\(fixture)"), outDir: out, seeds: seeds,
                         launch: LaunchPlan(dataPath: TestPaths.repoRoot.appendingPathComponent("data/sp1024_synth/dataset").path), caps: caps, isolateNetwork: true,
                         refereeVersion: "test", captureEnvironment: false)
    }

    @Test func honestThreeSeedsMakeACompleteRecord() throws {
        let out = try TestPaths.tempDir("runner-rec").appendingPathComponent("rec")
        let seen = LockedBox<[String]>([])
        let pipeline = PostRunPipeline(steps: [
            .init(name: "audit") { ctx in
                seen.mutate { $0.append(ctx.record.lastPathComponent) }
                return (.ok, "\(ctx.run.seeds.count) seeds")
            },
            .init(name: "boom") { _ in throw RunnerError.io(path: "x", reason: "fails on purpose") },
        ])
        let runner = Runner(config: config("honest", out: out, seeds: [1337, 42, 2025], caps: PhaseCaps(trainSeconds: 30, evalSeconds: 30, graceSeconds: 5)),
                            pipeline: pipeline, progress: ProgressReporter(mode: .quiet), interrupt: nil)
        let run = try runner.run()
        #expect(run.allSeedsCompleted)
        #expect(run.seeds.map(\.seed) == [1337, 42, 2025])
        #expect(seen.value == ["rec"])
        #expect(run.postRun.map(\.status) == [.ok, .error])
        for seed in run.seeds {
            #expect(seed.exitCode == 0 && !seed.overBudget)
            #expect(seed.environment.contains("SEED=\(seed.seed)"))
            // Inside the sandbox the data folder sits at a fixed path, the same for every run.
            #expect(seed.environment.contains("DATA_PATH=\(run.sandbox?.namespaces == true ? SandboxLayout.data : TestPaths.repoRoot.appendingPathComponent("data/sp1024_synth/dataset").path)"))
            #expect(seed.artifacts.map(\.path) == ["artifacts/seed\(seed.seed)/final_model.int8.ptz"])
            #expect(seed.artifacts.first?.bytes == 1024)
            // Checked against coreutils' sha256sum, an implementation independent of Referee's.
            let sum = CommandCapture.run(["sha256sum", out.appendingPathComponent(seed.artifacts[0].path).path])
            #expect(sum.succeeded)
            #expect(seed.artifacts.first?.sha256 == sum.output.split(separator: " ").first.map(String.init))
            let log = try String(contentsOf: out.appendingPathComponent("train_seed\(seed.seed).log"), encoding: .utf8)
            #expect(log.contains(" seed:\(seed.seed) run_id:rec_seed\(seed.seed)\n"))
            #expect(seed.wallSeconds.training != nil && seed.wallSeconds.evaluation != nil)
            #expect(seed.timestamps.start <= seed.timestamps.trainingStopped! && seed.timestamps.finalScore! <= seed.timestamps.end)
        }
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("train_gpt.py").path))
        #expect(run.code.countedBytes == (try Data(contentsOf: TestPaths.fixture("runner/honest/train_gpt.py"))).count)
        let decoded = try RecordJSON.decode(RunRecord.self, from: Data(contentsOf: out.appendingPathComponent("run.json")))
        #expect(decoded == run)
        let raw = try String(contentsOf: out.appendingPathComponent("run.json"), encoding: .utf8)
        #expect(raw.contains("\"network_isolation\" : \"\(run.networkIsolation.description)\""))
        // A second run into the same folder would mix evidence: refused, nothing touched.
        #expect(throws: RunnerError.self) { _ = try runner.run() }
        #expect(try RecordJSON.decode(RunRecord.self, from: Data(contentsOf: out.appendingPathComponent("run.json"))) == run)
    }

    @Test func hangingSubmissionIsRecordedOverBudget() throws {
        let out = try TestPaths.tempDir("runner-rec-hang")
        let runner = Runner(config: config("hanging", out: out, seeds: [1, 2], caps: PhaseCaps(trainSeconds: 1, evalSeconds: 1, graceSeconds: 0.5, killGraceSeconds: 1)),
                            pipeline: PostRunPipeline(steps: []), progress: ProgressReporter(mode: .quiet), interrupt: nil)
        let run = try runner.run()
        #expect(!run.allSeedsCompleted)
        #expect(run.seeds.count == 2)
        for seed in run.seeds {
            #expect(seed.stop == .overBudget)
            #expect(seed.overBudget && seed.overBudgetPhases == ["training"])
            #expect(seed.signal == Int(SIGTERM))
            #expect(seed.survivors == 0)
            #expect(seed.logLines == 1, "the partial log is kept")
        }
    }

    @Test func missingEntryScriptIsBadInput() throws {
        let out = try TestPaths.tempDir("runner-rec-missing")
        let runner = Runner(config: config("does-not-exist", out: out, seeds: [1], caps: .tenMinuteTrack),
                            pipeline: PostRunPipeline(steps: []), progress: ProgressReporter(mode: .quiet), interrupt: nil)
        #expect(throws: RunnerError.self) { _ = try runner.run() }
    }
}

/// A small lock-protected box for values shared with `@Sendable` pipeline steps.
final class LockedBox<T>: @unchecked Sendable {
    // @unchecked: every access goes through `lock`.
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { stored = value }
    var value: T { lock.lock(); defer { lock.unlock() }; return stored }
    func mutate(_ body: (inout T) -> Void) { lock.lock(); defer { lock.unlock() }; body(&stored) }
}
