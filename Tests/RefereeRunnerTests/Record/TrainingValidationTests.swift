import Foundation
import Testing
import RefereeData
import RefereeSandbox
import RefereeTestSupport
@testable import RefereeRunner

/// `--training-validation decoy`: what the decoy is made of, and that in the sandbox a training
/// process cannot read the real validation shard or the held-out shard (hostile fixture
/// `runner/val_reader`).
@Suite(.serialized) struct TrainingValidationTests {
    static func shard(_ tokens: [UInt16], _ url: URL) throws { try ShardWriter.write(tokens, to: url) }

    /// The decoy's documents (BOS positions in the decoy stream) are recorded: the training
    /// run's trace counts the decoy's positions, so `causal.single-pass` orders it by them.
    @Test func theDecoyRecordsItsDocuments() throws {
        let dir = try TestPaths.tempDir("decoy-docs")
        let data = dir.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        // Stream: 1 5 6 1 7 8 9 1 4 4 | 1 2 3 1 — the decoy is its last 8 tokens: 9 1 4 4 1 2 3 1.
        try Self.shard([1, 5, 6, 1, 7, 8, 9, 1, 4, 4], data.appendingPathComponent("fineweb_train_000000.bin"))
        try Self.shard([1, 2, 3, 1], data.appendingPathComponent("fineweb_train_000001.bin"))
        let t = try TrainingData.decoy(dataPath: data, valTokens: 8, tokenizer: nil, stage: dir.appendingPathComponent("stage"),
                                       sandboxed: false, reason: "test", hidden: [data.path])
        #expect(t.record.documentStarts == [1, 4, 7])
    }

    @Test func theDecoyIsTheTailOfTheTrainingStreamCutOffTheTrainingShards() throws {
        let dir = try TestPaths.tempDir("decoy-unit")
        let data = dir.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let a = (0..<100).map { UInt16($0) }, b = (100..<150).map { UInt16($0) }
        try Self.shard(a, data.appendingPathComponent("fineweb_train_000000.bin"))
        try Self.shard(b, data.appendingPathComponent("fineweb_train_000001.bin"))
        try Self.shard((0..<70).map { _ in UInt16(999) }, data.appendingPathComponent("fineweb_val_000000.bin"))
        try Data("notes".utf8).write(to: data.appendingPathComponent("README.txt"))
        for sandboxed in [true, false] {
            let stage = dir.appendingPathComponent("stage-\(sandboxed)")
            let t = try TrainingData.decoy(dataPath: data, valTokens: 70, tokenizer: nil, stage: stage, sandboxed: sandboxed,
                                           reason: "test", hidden: [data.path])
            // Last 70 tokens of the stream 0..149: 80..<150, i.e. shard 0 [80, 100) + shard 1 whole.
            let decoy = try ShardReader(url: stage.appendingPathComponent("fineweb_val_000000.bin")).readAll()
            #expect(decoy == (80..<150).map { UInt16($0) })
            #expect(t.record.tokens == 70 && t.record.mode == .decoy)
            #expect(t.record.source?.slices == [DecoySource.Slice(shard: "fineweb_train_000000.bin", start: 80, end: 100),
                                                 DecoySource.Slice(shard: "fineweb_train_000001.bin", start: 0, end: 50)])
            // Training gets shard 0 cut to 80 tokens and no shard 1: it never trains on the decoy.
            #expect(try ShardReader(url: stage.appendingPathComponent("fineweb_train_000000.bin")).readAll() == (0..<80).map { UInt16($0) })
            #expect(!FileManager.default.fileExists(atPath: stage.appendingPathComponent("fineweb_train_000001.bin").path))
            #expect(t.record.trainingShards.map(\.name) == ["fineweb_train_000000.bin"] && t.record.trainingShards[0].tokens == 80)
            // Other files pass through (bound over a placeholder, or linked); the real val never.
            #expect(t.passThrough.map(\.lastPathComponent) == ["README.txt"])
            let names = try FileManager.default.contentsOfDirectory(atPath: stage.path).sorted()
            #expect(names == ["README.txt", "fineweb_train_000000.bin", "fineweb_val_000000.bin"])
            let digest = try FileDigest.of(stage.appendingPathComponent("fineweb_val_000000.bin"), relative: "v").sha256
            #expect(t.record.sha256 == digest)
        }
        // Not enough training text for a decoy: a bad input naming the way out.
        #expect(throws: RunnerError.self) {
            _ = try TrainingData.decoy(dataPath: data, valTokens: 150, tokenizer: nil, stage: dir.appendingPathComponent("s3"),
                                       sandboxed: true, reason: "test", hidden: [])
        }
    }

    @Test func theDefaultModeFollowsTheEntryScript() throws {
        let dir = try TestPaths.tempDir("decoy-detect")
        let with = dir.appendingPathComponent("a.py"), without = dir.appendingPathComponent("b.py")
        try Data("import referee_probe\n".utf8).write(to: with)
        try Data("print('baseline')\n".utf8).write(to: without)
        #expect(TrainingValidationMode.detect(entryScript: with).mode == .decoy)
        #expect(TrainingValidationMode.detect(entryScript: without).mode == .real)
        #expect(TrainingValidationMode.detect(entryScript: dir.appendingPathComponent("none.py")).mode == .real)
    }

    static let data = TestPaths.repoRoot.appendingPathComponent("data/sp1024_synth")

    func run(_ mode: TrainingValidationMode?) throws -> (RunRecord, String) {
        let out = try TestPaths.tempDir("decoy-run").appendingPathComponent("rec")
        let realVal = Self.data.appendingPathComponent("dataset/fineweb_val_000000.bin").path
        let heldout = Self.data.appendingPathComponent("heldout/fineweb_heldout_000000.bin").path
        var config = RunConfiguration(recordDir: TestPaths.fixture("runner/val_reader"), outDir: out, seeds: [1],
                                      launch: LaunchPlan(dataPath: Self.data.appendingPathComponent("dataset").path,
                                                         extraEnvironment: ["REAL_VAL": realVal, "HELDOUT": heldout]),
                                      caps: PhaseCaps(trainSeconds: 30, evalSeconds: 30, graceSeconds: 5), isolateNetwork: true,
                                      refereeVersion: "test", captureEnvironment: false)
        config.trainingValidation = mode
        config.heldoutPath = Self.data.appendingPathComponent("heldout")
        let run = try Runner(config: config, pipeline: PostRunPipeline(steps: []), progress: ProgressReporter(mode: .quiet), interrupt: nil).run()
        return (run, try String(contentsOf: out.appendingPathComponent("train_seed1.log"), encoding: .utf8))
    }

    @Test func inTheSandboxTrainingCannotReadTheValidationOrHeldoutShards() throws {
        guard SandboxProbe.probe().applied else { return }  // the kernel refuses namespaces here
        let realSHA = try FileDigest.of(Self.data.appendingPathComponent("dataset/fineweb_val_000000.bin"), relative: "v").sha256
        let (run, log) = try run(nil)
        #expect(run.seeds.first?.exitCode == 0, "\(log)")
        let tv = try #require(run.trainingValidation)
        #expect(tv.mode == .decoy && tv.reason.contains("REFEREE_EVAL_ONLY"))
        #expect(tv.tokens == run.data?.valTokens)
        #expect(run.heldout?.tokens == 65_613 && run.heldout?.shards.map(\.name) == ["fineweb_heldout_000000.bin"])
        // The data folder holds the training shards and the decoy, not the validation shard.
        #expect(log.contains("data_files:fineweb_train_000000.bin,fineweb_train_000001.bin,fineweb_val_000000.bin\n"))
        #expect(log.contains("data_val:readable sha256=\(tv.sha256!)"))
        #expect(!log.contains(realSHA), "the real validation shard was readable")
        #expect(log.contains("real_val:unreadable"))
        #expect(log.contains("heldout:unreadable"))
    }

    @Test func modeRealGivesTheValidationShardsButStillHidesTheHeldoutShards() throws {
        guard SandboxProbe.probe().applied else { return }
        let realSHA = try FileDigest.of(Self.data.appendingPathComponent("dataset/fineweb_val_000000.bin"), relative: "v").sha256
        let (run, log) = try run(.real)
        #expect(run.trainingValidation?.mode == .real && run.trainingValidation?.sha256 == nil)
        #expect(log.contains("data_val:readable sha256=\(realSHA)"))
        #expect(log.contains("heldout:unreadable"))
    }
}
