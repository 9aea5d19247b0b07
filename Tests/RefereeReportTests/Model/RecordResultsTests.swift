import Testing
import RefereeAudit
@testable import RefereeReport

@Suite struct RecordResultsTests {
    @Test func duplicatesAreCountedOnce() {
        let r = RecordResults(audit: HandBuiltRecord.audit())
        #expect(r.seeds.map(\.key) == ["7", "42", "1337"])
        #expect(r.duplicates == ["train.log": "train_seed1337.log"])
        let mean = (1.22436570 + 1.22521201 + 1.22390011) / 3
        #expect(abs((r.meanBPB ?? 0) - mean) < 1e-12)
        #expect(r.bytesTotal == 15_864_120)
        #expect(r.maxTrainTimeMs == 600_101)
        #expect(r.hardware == "8×NVIDIA H100 80GB HBM3")
    }

    @Test func mixedHardwareIsNamed() {
        var h200 = HandBuiltRecord.run("b.log", seed: 2, bpb: 1.1, loss: 2.0, bytes: 1, trainMs: 1, evalMs: 1, line: 1)
        h200.gpu = "NVIDIA H200"
        let runs = [HandBuiltRecord.run("a.log", seed: 1, bpb: 1.2, loss: 2.1, bytes: 1, trainMs: 1, evalMs: 1, line: 1), h200]
        let r = RecordResults(audit: HandBuiltRecord.audit(runs: runs))
        #expect(r.hardware == "8×NVIDIA H100 80GB HBM3; 8×NVIDIA H200")
    }

    @Test func runsWithoutSeedOrScore() {
        let runs = [HandBuiltRecord.run("x.log", seed: nil, bpb: nil, loss: nil, bytes: nil, trainMs: nil, evalMs: nil, line: 1)]
        let r = RecordResults(audit: HandBuiltRecord.audit(runs: runs))
        #expect(r.seeds.map(\.key) == ["x.log#0"])
        #expect(r.meanBPB == nil && r.stdBPB == nil && r.bytesTotal == nil)
    }

    @Test func repeatedSeedsGetDistinctKeys() {
        var second = HandBuiltRecord.run("train.log", seed: 1337, bpb: 1.19, loss: 2.0, bytes: 1, trainMs: 1, evalMs: 1, line: 900)
        second.runIndex = 1
        let runs = [HandBuiltRecord.run("train.log", seed: 1337, bpb: 1.2, loss: 2.1, bytes: 1, trainMs: 1, evalMs: 1, line: 400), second]
        let r = RecordResults(audit: HandBuiltRecord.audit(runs: runs))
        #expect(r.seeds.map(\.key) == ["1337 (train.log#0)", "1337 (train.log#1)"])
        let doc = SubmissionDocument(results: r, audit: HandBuiltRecord.audit(runs: runs), metadata: HandBuiltRecord.metadata, comparison: nil, generator: "t")
        #expect(doc.seeds.count == 2)
    }
}
