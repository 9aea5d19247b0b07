import RefereeCore
import Testing
@testable import RefereeLogs

@Suite struct RunBuilderTests {
    func eval(_ label: String, _ bpb: Double, line: Int) -> EvalLine {
        EvalLine(label: label, valLoss: nil, valBPB: bpb, decimals: 8, evalTimeMs: nil, kind: LineClassifier.kind(ofLabel: label),
                 location: SourceLocation(file: "f", line: line))
    }

    @Test func finalEvalsBeforeTheSizeLineBecomePreQuantization() {
        var b = RunBuilder(file: "f", runIndex: 0, firstLine: 1)
        b.eval(eval("final_model_exact", 1.1, line: 5))
        b.size(.artifact(100), line: 6)
        b.eval(eval("final_roundtrip_exact", 1.2, line: 7))
        let run = b.finished(lastLine: 7)
        #expect(run.evals.map(\.kind) == [.preQuantization, .final])
        #expect(run.score?.eval.location.line == 7)
    }

    @Test func unqualifiedTotalIsAFallbackWithANote() {
        var b = RunBuilder(file: "f", runIndex: 0, firstLine: 1)
        b.size(.unqualifiedTotal(67_000_000), line: 3)
        var run = b.finished(lastLine: 3)
        #expect(run.sizes.artifactBytes?.bytes == 67_000_000)
        #expect(run.notes.contains { $0.contains("raw fp checkpoint") })
        b.size(.artifact(15_000_000), line: 4)
        run = b.finished(lastLine: 4)
        #expect(run.sizes.artifactBytes?.bytes == 15_000_000)
        #expect(run.notes.isEmpty)
    }

    @Test func headerAfterTrainingMovesToTheNextRun() {
        var old = RunBuilder(file: "f", runIndex: 0, firstLine: 1)
        old.worldSize(8, line: 1)
        old.gpuRow(index: 0, model: "NVIDIA H100 80GB HBM3", line: 2)
        old.step(StepPoint(step: 1, trainLoss: 2, line: 3))
        old.worldSize(2, line: 10)
        old.gpuRow(index: 0, model: "NVIDIA H200", line: 11)
        old.gpuRow(index: 1, model: "NVIDIA H200", line: 12)
        var next = RunBuilder(file: "f", runIndex: 1, firstLine: 9)
        old.handOverHeader(from: 9, to: &next)
        let a = old.finished(lastLine: 8)
        let b = next.finished(lastLine: 20)
        #expect(a.worldSize == 8)
        #expect(a.gpu?.model == "NVIDIA H100 80GB HBM3")
        #expect(a.gpu?.count == 1)
        #expect(b.worldSize == 2)
        #expect(b.gpu?.count == 2)
        #expect(b.gpu?.location.line == 11)
    }

    @Test func trainAndValLinesOfOneStepMerge() {
        var b = RunBuilder(file: "f", runIndex: 0, firstLine: 1)
        b.step(StepPoint(step: 100, trainLoss: 2.5, trainTimeMs: 10, line: 4))
        b.step(StepPoint(step: 100, valLoss: 2.4, valBPB: 1.4, trainTimeMs: 11, line: 5))
        b.step(StepPoint(step: 200, trainLoss: 2.3, line: 6))
        let run = b.finished(lastLine: 6)
        #expect(run.steps.count == 2)
        #expect(run.steps[0].trainLoss == 2.5)
        #expect(run.steps[0].valBPB == 1.4)
        #expect(run.trainTimeMs == 11)
    }
}
