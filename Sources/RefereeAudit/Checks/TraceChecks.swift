import Foundation
import RefereeCore
import RefereeLogs
import RefereeTrace

/// Checks computed from trace files: causal.score-before-update, causal.single-pass,
/// trace.coverage, trace.chain, norm.sums-to-one, trace.matches-log (helper "trace" owns this file).
///
/// Each check looks at every traced seed; one failing seed fails the rule. A record without
/// traces is `unverifiable`, with the way to add them.
enum TraceChecks {
    static let all: [String: RuleCheck] = [
        "causal.score-before-update": scoreBeforeUpdate,
        "causal.single-pass": singlePass,
        "trace.coverage": coverage,
        "trace.chain": chain,
        "norm.sums-to-one": sumsToOne,
        "trace.matches-log": matchesLog,
    ]

    /// What to do when a record has no traces.
    static let howToAdd = "no traces: run the evaluation with REFEREE_TRACE_DIR set (`referee run` does this) and "
        + "call python/referee_probe.py's trace hooks from the eval loop, then keep traces/seed<SEED>/rank<R>.jsonl in the record"

    /// Runs `judge` on every seed's facts; fail if any seed fails, unverifiable if none has traces.
    private static func perSeed(_ context: AuditContext, _ rule: Rule, passMessage: String,
                                _ judge: (TraceFacts) -> (failures: [Evidence], unverifiable: String?)) -> RuleResult {
        guard !context.traces.isEmpty else {
            return RuleResult(id: rule.id, status: .unverifiable, severity: rule.severity, message: howToAdd)
        }
        var evidence: [Evidence] = []
        var unverifiable: [String] = []
        for facts in context.traces {
            let (failures, missing) = judge(facts)
            evidence += failures
            if let missing { unverifiable.append("\(label(facts)): \(missing)") }
        }
        if !evidence.isEmpty {
            return RuleResult(id: rule.id, status: .fail, severity: rule.severity,
                              message: "\(evidence.count) violation(s): " + (evidence.first?.detail ?? ""), evidence: evidence)
        }
        if !unverifiable.isEmpty {
            return RuleResult(id: rule.id, status: .unverifiable, severity: rule.severity, message: unverifiable.joined(separator: "; "))
        }
        let seeds = context.traces.map(label).joined(separator: ", ")
        return RuleResult(id: rule.id, status: .pass, severity: rule.severity, message: "\(passMessage) (\(seeds))")
    }

    static func label(_ facts: TraceFacts) -> String {
        facts.seed.map { "seed \($0)" } ?? facts.directory
    }

    static func evidence(_ list: FindingList, _ prefix: String) -> [Evidence] {
        var out = list.items.map { Evidence("\(prefix)\($0.message)", at: $0.location) }
        if list.count > list.items.count {
            out.append(Evidence("\(prefix)… and \(list.count - list.items.count) more"))
        }
        return out
    }

    static func scoreBeforeUpdate(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        perSeed(context, rule, passMessage: "every update read only positions scored before it") { facts in
            if facts.scoreEvents == 0 { return ([], "the trace holds no score event") }
            return (evidence(facts.unscoredReads, ""), nil)
        }
    }

    static func singlePass(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        perSeed(context, rule, passMessage: "no position scored twice; each rank's ranges ascend") { facts in
            if facts.scoreEvents == 0 { return ([], "the trace holds no score event") }
            return (evidence(facts.overlaps, "") + evidence(facts.outOfOrder, ""), nil)
        }
    }

    static func coverage(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        perSeed(context, rule, passMessage: "scored ranges cover [1, N) exactly") { facts in
            guard let n = facts.valTokens else {
                return ([], "no eval_start phase with val_tokens: the trace does not say what must be covered")
            }
            var failures = evidence(facts.gaps, "")
            if facts.uncoveredPositions > 0 {
                failures.append(Evidence("\(facts.uncoveredPositions) of \(n - 1) target positions never scored"))
            }
            failures += evidence(facts.overlaps, "overlap: ") + evidence(facts.outOfRange, "")
            return (failures, nil)
        }
    }

    static func chain(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        perSeed(context, rule, passMessage: "prev links and seq numbers intact") { facts in
            if facts.lineCount == 0 { return ([], "the trace folder holds no line") }
            return (evidence(facts.chainBreaks, "") + evidence(facts.malformed, "malformed: "), nil)
        }
    }

    static func sumsToOne(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        let tolerance = rule.threshold("tolerance", default: 1e-4)
        return perSeed(context, rule, passMessage: "every psum within \(tolerance) of 1") { facts in
            guard let lo = facts.psumMin, let hi = facts.psumMax else { return ([], "the trace holds no score event") }
            var failures: [Evidence] = []
            if abs(lo - 1) > tolerance {
                failures.append(Evidence("psum_min \(lo) is more than \(tolerance) from 1", at: facts.psumMinLocation))
            }
            if abs(hi - 1) > tolerance {
                failures.append(Evidence("psum_max \(hi) is more than \(tolerance) from 1", at: facts.psumMaxLocation))
            }
            return (failures, nil)
        }
    }

    static func matchesLog(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        let tolerance = rule.threshold("tolerance", default: 1e-6)
        let runs = context.logs.flatMap(\.runs)
        return perSeed(context, rule, passMessage: "trace sums reproduce the logged score within \(tolerance)") { facts in
            guard let bpb = facts.valBPB, let loss = facts.valLoss else { return ([], "the trace holds no score event") }
            let candidates = runs.filter { $0.seed != nil && $0.seed == facts.seed && $0.score != nil }
            guard let run = candidates.last, let score = run.score else {
                return ([], "no log run with seed \(facts.seed.map(String.init) ?? "?") and a score line to compare with")
            }
            var failures: [Evidence] = []
            let at = score.eval.location
            if abs(bpb - score.eval.valBPB) > tolerance {
                failures.append(Evidence("trace gives val_bpb \(bpb), the log's score line says \(score.eval.valBPB)", at: at))
            }
            if let logged = score.eval.valLoss, abs(loss - logged) > tolerance {
                failures.append(Evidence("trace gives val_loss \(loss), the log's score line says \(logged)", at: at))
            }
            return (failures, nil)
        }
    }
}
