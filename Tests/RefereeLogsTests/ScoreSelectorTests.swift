import RefereeCore
import Testing
@testable import RefereeLogs

@Suite struct ScoreSelectorTests {
    func e(_ label: String, _ bpb: Double, _ decimals: Int, _ kind: EvalKind = .final, line: Int) -> EvalLine {
        EvalLine(label: label, valLoss: nil, valBPB: bpb, decimals: decimals, evalTimeMs: nil, kind: kind, location: SourceLocation(file: "f", line: line))
    }
    let size = SourceLocation(file: "f", line: 10)

    @Test func lastFinalAfterSizeLineWins() {
        let evals = [e("final_a_exact", 1.5, 8, line: 5), e("final_a_exact", 1.2, 8, line: 11), e("final_b_exact", 1.1, 8, line: 12)]
        #expect(ScoreSelector.choose(from: evals, artifactLine: size)?.eval.location.line == 12)
    }

    @Test func evalsBeforeTheSizeLineNeverCount() {
        #expect(ScoreSelector.choose(from: [e("final_a_exact", 1.2, 8, line: 9)], artifactLine: size) == nil)
    }

    @Test("non-final kinds are never the score", arguments: [EvalKind.diagnostic, .preQuantization, .inTraining, .progress])
    func nonFinalKinds(_ kind: EvalKind) {
        let evals = [e("final_a_exact", 1.2, 8, line: 11), e("x", 0.5, 8, kind, line: 12)]
        #expect(ScoreSelector.choose(from: evals, artifactLine: size)?.eval.valBPB == 1.2)
    }

    @Test func fourDecimalLastLineUsesItsExactTwin() {
        let evals = [e("legal_ttt_exact", 1.12345678, 8, line: 11), e("legal_ttt", 1.1235, 4, line: 12)]
        let s = ScoreSelector.choose(from: evals, artifactLine: size)
        #expect(s?.eval.valBPB == 1.12345678)
    }

    @Test func twinMustMatchFamilyAndValue() {
        let other = [e("final_a_exact", 1.12345678, 8, line: 11), e("legal_ttt", 1.1235, 4, line: 12)]
        #expect(ScoreSelector.choose(from: other, artifactLine: size)?.eval.valBPB == 1.1235)
        let differentValue = [e("legal_ttt_exact", 1.13, 8, line: 11), e("legal_ttt", 1.1235, 4, line: 12)]
        #expect(ScoreSelector.choose(from: differentValue, artifactLine: size)?.eval.valBPB == 1.1235)
    }

    @Test func familyStripsExactAndParameters() {
        #expect(ScoreSelector.family("final_sliding_window_eval_exact stride:64") == "final_sliding_window_eval")
        #expect(ScoreSelector.family("legal_ttt") == "legal_ttt")
    }
}
