import Foundation
import RefereeCore
import RefereeLogs

/// `stats.significance`: a one-sided Welch t-test of the runs' val_loss against an earlier record.
enum StatsChecks {
    static let all: [String: RuleCheck] = [
        "stats.significance": significance,
    ]

    static func significance(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        let margin = rule.threshold("min_improvement_nats", default: 0.005)
        let maxP = rule.threshold("max_p_value", default: 0.01)
        guard let against = context.against else {
            return rule.unverifiable("no earlier record to compare with: pass --against <record-dir>")
        }
        let scored = context.scoredRuns
        let losses = scored.compactMap(\.score.eval.valLoss)
        let evidence = scored.map { Evidence("\($0.ref.label): val_loss \($0.score.eval.valLoss.map { Fmt.fixed($0, 8) } ?? "absent")", at: $0.score.eval.location) }
        guard losses.count >= 2, against.valLosses.count >= 2 else {
            return rule.unverifiable("a t-test needs at least 2 runs with val_loss on each side (this record: \(losses.count), \(against.path): \(against.valLosses.count))", evidence)
        }
        guard let test = WelchTest(new: losses, old: against.valLosses, margin: margin) else {
            let all = losses + against.valLosses
            if let extreme = all.first(where: { !$0.isFinite || abs($0) > 1e100 }) {
                let at = scored.first { $0.score.eval.valLoss == extreme }.map { " at \($0.score.eval.location)" } ?? " in \(against.path)"
                return rule.unverifiable("val_loss \(extreme)\(at) is out of range for a t-test (the variance overflows)", evidence)
            }
            return rule.unverifiable("both sides have zero variance (or the statistics overflow): the t-test is undefined", evidence)
        }
        let summary = "improvement \(Fmt.fixed(test.improvement, 5)) nats over \(against.path) (mean \(Fmt.fixed(test.old.mean, 5)) → \(Fmt.fixed(test.new.mean, 5))), margin \(margin), Welch t = \(Fmt.fixed(test.t, 3)), df = \(Fmt.fixed(test.degreesOfFreedom, 2)), p = \(formatP(test.pValue))"
        if test.pValue < maxP {
            return rule.pass(summary + " < \(maxP)", evidence)
        }
        return rule.fail(summary + " ≥ \(maxP)", evidence)
    }

    static func formatP(_ p: Double) -> String {
        p < 1e-4 ? String(format: "%.2e", p) : Fmt.fixed(p, 4)
    }
}
