import RefereeCore
import Testing
import RefereeLogs
@testable import RefereeAudit

@Suite struct TimeChecksTests {
    let train = ["max_seconds": 600.0, "grace_seconds": 1.0]

    @Test func trainPassesUnderTheCapAndWithinGraceAtTheWallclockStop() {
        #expect(Build.check("time.train", Build.context(Build.threeSeeds()), thresholds: train).status == .pass)
        let baseline = Build.context([Build.log(Build.run(trainMs: 600_038, capStop: true))])
        #expect(Build.check("time.train", baseline, thresholds: train).status == .pass)
    }

    @Test func trainFailsOverTheCap() {
        let noStop = Build.context([Build.log(Build.run(trainMs: 600_038, capStop: false))])
        #expect(Build.check("time.train", noStop, thresholds: train).status == .fail)
        let long = Build.context([Build.log(Build.run(trainMs: 14_399_952))])
        let r = Build.check("time.train", long, thresholds: train)
        #expect(r.status == .fail)
        #expect(r.evidence.first?.location?.line == 100)
    }

    @Test func trainUnverifiableWithoutATiming() {
        #expect(Build.check("time.train", Build.context([Build.log(Build.run(trainMs: nil))])).status == .unverifiable)
    }

    @Test func evalSumsEveryPassOfTheScoringPath() {
        // 100 s diagnostic + 450 s TTT + 100 s sliding = 650 s > 600 s, though each pass is under.
        let run = Build.run(evals: [
            ("pre_quant", 300_000, .preQuantization),
            ("diagnostic quantized", 100_000, .diagnostic),
            ("final_sliding_window", 100_000, .final),
            ("final_sliding_window_exact", 100_000, .final),
            ("legal_ttt", 450_000, .final),
        ])
        let timing = EvalTiming(run)
        #expect(timing.summedMs == 650_000)
        #expect(timing.counted.map(\.label) == ["diagnostic quantized", "final_sliding_window", "legal_ttt"])
        let r = Build.check("time.eval", Build.context([Build.log(run)]), thresholds: ["max_seconds": 600])
        #expect(r.status == .fail)
        #expect(r.evidence.first?.detail.contains("650.0 s") == true)
    }

    @Test func evalTakesTheLargerOfSummedAndReportedTotals() {
        var run = Build.run()
        run.totalEvalTimeMs = 605_000
        #expect(EvalTiming(run).totalMs == 605_000)
        #expect(Build.check("time.eval", Build.context([Build.log(run)]), thresholds: ["max_seconds": 600]).status == .fail)
        #expect(Build.check("time.eval", Build.context(Build.threeSeeds()), thresholds: ["max_seconds": 600]).status == .pass)
    }

    @Test func evalIgnoresPassesBeforeTheArtifactAndIsUnverifiableWithoutTimes() {
        var run = Build.run(evals: [("final", nil, .final)])
        run.evals.insert(EvalLine(label: "early", valLoss: 2, valBPB: 1.2, decimals: 4, evalTimeMs: 900_000, kind: .final, location: .init(file: run.file, line: 50)), at: 0)
        #expect(EvalTiming(run).totalMs == nil)
        #expect(Build.check("time.eval", Build.context([Build.log(run)])).status == .unverifiable)
    }
}
