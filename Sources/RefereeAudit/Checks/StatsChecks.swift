import Foundation
import RefereeCore
import RefereeLogs

/// `stats.significance`: a one-sided Welch t-test of the seeds' val_bpb against an earlier record,
/// the margin converted from nats (``ImprovementTest``), warning when the tokenizers differ. On
/// each side the sample is Referee's official scores when that record has one for every seed
/// (``AuditContext/comparisonSample``; the finding then rests on a measurement when both sides
/// are official), else the logged scores of its distinct runs.
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
        let result = test(context, rule, against: against, margin: margin, maxP: maxP)
        let sample = context.comparisonSample
        guard result.status != .unverifiable, sample.official || against.official else { return result }
        let sides = "this record's \(sample.official ? "official" : "logged") scores against \(against.official ? "official" : "logged") scores of \(against.path)"
        var out = result
        out.message += " (\(sides))"
        return sample.official && against.official ? out.resting(on: .measured) : out
    }

    private static func test(_ context: AuditContext, _ rule: Rule, against: AgainstRecord, margin: Double, maxP: Double) -> RuleResult {
        let scored = context.scoredRuns
        let sample = context.comparisonSample
        let losses = sample.valLosses
        let bpbs = sample.valBPBs
        var evidence = scored.map { Evidence("\($0.ref.label): val_bpb \(Fmt.fixed($0.score.eval.valBPB, 8)), val_loss \($0.score.eval.valLoss.map { Fmt.fixed($0, 8) } ?? "absent")", at: $0.score.eval.location) }
        if sample.official, let seeds = context.officialScoresOfCompletedSeeds {
            evidence = seeds.map { s in
                Evidence("seed \(s.seed.map(String.init) ?? "?"): official val_bpb \(Fmt.fixed(s.valBPB, 8)), val_loss \(Fmt.fixed(s.valLoss, 8)) (Referee's evaluation of its artifact)")
            }
        }
        // Values whose squares overflow make every statistic meaningless: say which one.
        let all = [("this record", losses + bpbs), (against.path, against.valLosses + against.valBPBs)]
        for (side, values) in all {
            if let extreme = values.first(where: { !$0.isFinite || abs($0) > 1e100 }) {
                let at = side == "this record" ? (scored.first { $0.score.eval.valLoss == extreme || $0.score.eval.valBPB == extreme }.map { " at \($0.score.eval.location)" } ?? "") : ""
                return rule.unverifiable("val_loss or val_bpb \(extreme) in \(side)\(at) is out of range for a t-test (the variance overflows)", evidence)
            }
        }
        guard bpbs.count >= 2, against.valBPBs.count >= 2 else {
            return natsTest(rule, losses: losses, against: against, margin: margin, maxP: maxP, evidence: evidence)
        }
        guard let test = ImprovementTest(newLosses: losses, newBPBs: bpbs, oldLosses: against.valLosses, oldBPBs: against.valBPBs, marginNats: margin) else {
            if losses.isEmpty && against.valLosses.isEmpty {
                return rule.unverifiable("no val_loss on either side: the margin of \(margin) nats cannot be converted to bits per byte", evidence)
            }
            return rule.unverifiable("both sides have zero variance: the t-test is undefined", evidence)
        }
        let w = test.welch
        var summary = "improvement \(Fmt.fixed(w.improvement, 5)) bpb over \(against.path) (mean val_bpb \(Fmt.fixed(w.old.mean, 5)) → \(Fmt.fixed(w.new.mean, 5))), margin \(margin) nats = \(Fmt.fixed(test.marginBPB, 5)) bpb, Welch t = \(Fmt.fixed(w.t, 3)), df = \(Fmt.fixed(w.degreesOfFreedom, 2)), p = \(formatP(w.pValue))"
        summary += w.pValue < maxP ? " < \(maxP)" : " ≥ \(maxP)"
        if let warning = test.tokenizerWarning { summary += "; warning: \(warning)" }
        return w.pValue < maxP ? rule.pass(summary, evidence) : rule.fail(summary, evidence)
    }

    /// The test on val_loss in nats, for an earlier record known without val_bpb values.
    static func natsTest(_ rule: Rule, losses: [Double], against: AgainstRecord, margin: Double, maxP: Double, evidence: [Evidence]) -> RuleResult {
        guard losses.count >= 2, against.valLosses.count >= 2 else {
            return rule.unverifiable("a t-test needs at least 2 runs with val_loss on each side (this record: \(losses.count), \(against.path): \(against.valLosses.count))", evidence)
        }
        guard let test = WelchTest(new: losses, old: against.valLosses, margin: margin) else {
            let all = losses + against.valLosses
            if let extreme = all.first(where: { !$0.isFinite || abs($0) > 1e100 }) {
                let side = losses.contains(extreme) ? "this record" : against.path
                return rule.unverifiable("val_loss \(extreme) in \(side) is out of range for a t-test (the variance overflows)", evidence)
            }
            return rule.unverifiable("both sides have zero variance (or the statistics overflow): the t-test is undefined", evidence)
        }
        let summary = "improvement \(Fmt.fixed(test.improvement, 5)) nats over \(against.path) (mean \(Fmt.fixed(test.old.mean, 5)) → \(Fmt.fixed(test.new.mean, 5))), margin \(margin), Welch t = \(Fmt.fixed(test.t, 3)), df = \(Fmt.fixed(test.degreesOfFreedom, 2)), p = \(formatP(test.pValue)) (in nats: no val_bpb values for \(against.path))"
        return test.pValue < maxP ? rule.pass(summary + " < \(maxP)", evidence) : rule.fail(summary + " ≥ \(maxP)", evidence)
    }

    static func formatP(_ p: Double) -> String {
        p < 1e-4 ? String(format: "%.2e", p) : Fmt.fixed(p, 4)
    }
}
