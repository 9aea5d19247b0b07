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
    /// With `needsScores`, a seed whose trace holds no score event is unverifiable: it observed
    /// nothing, so no order, normalisation or chain property of it says anything (coverage, which
    /// fails such a trace, passes false).
    ///
    /// With `needsWholeObservation` (every rule but the chain), a seed whose trace autotrace
    /// wrote while seeing calls it could not follow (``TraceFacts/observerGaps``: losses inside
    /// compiled graphs, counted values stored into buffers, errors of its hooks) is
    /// unverifiable with those reasons: what was not observed could hold a score or an update,
    /// so neither a pass nor a violation of the observed part proves anything.
    private static func perSeed(_ context: AuditContext, _ rule: Rule, passMessage: String, needsScores: Bool = true,
                                needsWholeObservation: Bool = true,
                                _ judge: (TraceFacts) -> (failures: [Evidence], unverifiable: String?)) -> RuleResult {
        guard !context.traces.isEmpty else {
            return RuleResult(id: rule.id, status: .unverifiable, severity: rule.severity, message: howToAdd)
        }
        var evidence: [Evidence] = missingSeedTraces(context)
        var unverifiable: [String] = []
        for facts in context.traces {
            // An autotrace run whose evaluator computes its losses outside PyTorch looks like this.
            if needsScores && facts.scoreEvents == 0 {
                unverifiable.append("\(label(facts)): the trace holds no score event, so nothing was observed to check")
                continue
            }
            let (failures, missing) = judge(facts)
            if needsWholeObservation && !facts.observerGaps.isEmpty {
                let seen = failures.first.map { "; in what was observed: \(failures.count) violation(s), e.g. \($0.detail)" } ?? ""
                unverifiable.append("\(label(facts)): autotrace did not observe everything: "
                                    + facts.observerGaps.joined(separator: "; ") + seen)
                continue
            }
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

    /// Seeds of the record with no trace folder, when some seeds have one: every seed needs its
    /// evidence (traces for one seed out of three prove nothing about the other two). The seeds
    /// are Referee's (run.json) when measured, else the distinct logged runs'.
    static func missingSeedTraces(_ context: AuditContext) -> [Evidence] {
        let traced = Set(context.traces.compactMap(\.seed))
        let expected: [Int]
        let at: SourceLocation?
        if let measured = context.measured, !measured.seedNumbers.isEmpty {
            expected = measured.seedNumbers
            at = context.runJSON
        } else {
            expected = context.distinctRuns.compactMap(\.run.seed)
            at = nil
        }
        var seen = Set<Int>()
        return expected.filter { !traced.contains($0) && seen.insert($0).inserted }.map {
            Evidence("seed \($0) has no trace (traces/seed\($0)/ is missing): the rule cannot hold for a run it never saw", at: at)
        }
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
        var result = perSeed(context, rule, passMessage: "every update read only positions scored before it") { facts in
            if facts.scoreEvents == 0 { return ([], "the trace holds no score event") }
            return (evidence(facts.unscoredReads, ""), nil)
        }
        if result.status == .pass && context.traces.contains(where: \.observedByAutotrace) {
            result.message += "; observed by autotrace, which sees updates through autograd, optimizers and "
                + "parameter writes only (state kept elsewhere is the probes' evidence: causal.prefix-invariance, causal.target-flip)"
        }
        return result
    }

    /// `causal.single-pass`: no position scored twice, and each rank's score ranges ascend. When
    /// Referee read the validation documents (run.json), they must ascend within each document
    /// only: evaluators may take documents in any order (the LoRA TTT record batches them by
    /// length); whether state carried from one document to another leaks a later one into an
    /// earlier one is C1, which the probes test.
    static func singlePass(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        let byDocument = !context.traces.isEmpty && context.traces.allSatisfy(\.orderedByDocument)
        let stream = context.measured?.trainedOnDecoy == true ? "document of the decoy training scored" : "validation document"
        let order = byDocument
            ? "each rank's ranges ascend within every \(stream) (documents from run.json)"
            : "each rank's ranges ascend"
        return perSeed(context, rule, passMessage: "no position scored twice; \(order)") { facts in
            if facts.scoreEvents == 0 { return ([], "the trace holds no score event") }
            return (evidence(facts.overlaps, "") + evidence(facts.outOfOrder, ""), nil)
        }
    }

    static func coverage(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        if let n = context.measured?.data?.valTokens {
            return perSeed(context, rule, passMessage: "scored ranges cover [1, \(n)) exactly, N from the validation shards Referee supplied", needsScores: false) { facts in
                (measuredCoverage(facts, n: n), nil)
            }.resting(on: .measured)
        }
        return perSeed(context, rule, passMessage: "scored ranges cover [1, N) exactly", needsScores: false) { facts in
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

    /// Coverage of `[1, n)` by the scored ranges, `n` measured (never the trace's declaration).
    static func measuredCoverage(_ facts: TraceFacts, n: Int) -> [Evidence] {
        guard n > 1 else {   // a tampered run.json (evidence.plausible-values names it too)
            return [Evidence("\(label(facts)): run.json's data.val_tokens is \(n): there is no validation stream to cover")]
        }
        var failures: [Evidence] = []
        var covered = 0
        var next = 1
        var gaps: [String] = []
        var beyond = 0
        for range in facts.scored {
            let lo = max(range.start, 1), hi = min(range.end, n)
            if range.end > n { beyond = beyond.addingSaturating(range.end.subtractingSaturating(max(range.start, n))) }
            guard hi > lo else { continue }
            if lo > next, gaps.count < 5 { gaps.append("[\(next), \(lo))") }
            covered += hi - lo
            next = max(next, hi)
        }
        if next < n, gaps.count < 5 { gaps.append("[\(next), \(n))") }
        let uncovered = (n - 1) - covered
        let declared = facts.valTokens.map { $0 == n ? "" : " (the trace declares val_tokens \($0))" } ?? " (the trace declares no val_tokens)"
        if uncovered > 0 {
            failures.append(Evidence("\(label(facts)): \(uncovered) of \(n - 1) target positions of the validation shards never scored\(declared); unscored: \(gaps.joined(separator: ", "))", at: SourceLocation(file: facts.directory, line: 0)))
        }
        if beyond > 0 {
            failures.append(Evidence("\(label(facts)): \(beyond) scored positions lie beyond the \(n) validation tokens", at: SourceLocation(file: facts.directory, line: 0)))
        }
        return failures + evidence(facts.overlaps, "overlap: ")
    }

    static func chain(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        perSeed(context, rule, passMessage: "prev links and seq numbers intact", needsWholeObservation: false) { facts in
            if facts.lineCount == 0 { return ([], "the trace folder holds no line") }
            return (evidence(facts.chainBreaks, "") + evidence(facts.malformed, "malformed: "), nil)
        }
    }

    static func sumsToOne(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        let tolerance = rule.threshold("tolerance", default: 1e-4)
        return perSeed(context, rule, passMessage: "every psum within \(tolerance) of 1") { facts in
            guard let lo = facts.psumMin, let hi = facts.psumMax else { return ([], "the trace holds no score event") }
            // Every event's psum_min and psum_max must lie within the tolerance of 1: the four
            // extremes over all events bound them (an event whose whole range sums to 1.5 has
            // psum_min 1.5, which the smallest psum_min alone never shows).
            let extremes: [(String, Double?, SourceLocation?)] = [
                ("psum_min", lo, facts.psumMinLocation),
                ("psum_max", hi, facts.psumMaxLocation),
                ("psum_min", facts.psumMinLargest, facts.psumMinLargestLocation),
                ("psum_max", facts.psumMaxSmallest, facts.psumMaxSmallestLocation),
            ]
            var failures: [Evidence] = []
            var reported = Set<String>()
            for (name, value, location) in extremes {
                guard let value, !(abs(value - 1) <= tolerance) else { continue }
                guard reported.insert("\(name)|\(value)|\(location?.description ?? "")").inserted else { continue }
                failures.append(Evidence("\(name) \(value) is more than \(tolerance) from 1", at: location))
            }
            return (failures, nil)
        }
    }

    /// `trace.matches-log`: the trace's val_bpb and val_loss against the seed's logged score line.
    /// A line printed with d decimals is the true value rounded to d places, so it matches when
    /// it is within `tolerance` + half a unit of its last decimal; a line printed with fewer than
    /// `min_decimals` places is too coarse to say anything and fails (a submission must not
    /// widen the check by printing less).
    static func matchesLog(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        let tolerance = rule.threshold("tolerance", default: 1e-6)
        // Clamped: a rules file's value is a Double (a huge or NaN one must not trap).
        let minDecimals = max(0, min(17, Int(saturating: rule.threshold("min_decimals", default: 4).rounded(.up))))
        let runs = context.logs.flatMap(\.runs)
        // In decoy mode the training run scored the decoy: its trace sums over the decoy's bytes.
        let measuredBytes = context.measured?.trainingStreamBytes
        let within = "within \(tolerance) + half a unit of the printed last decimal (at least \(minDecimals) decimals)"
        let result = perSeed(context, rule, passMessage: measuredBytes == nil
            ? "trace sums reproduce the logged score \(within)"
            : "Σ nll / (ln 2 × \(measuredBytes!) bytes Referee counted) reproduces the logged score \(within)") { facts in
            guard let loss = facts.valLoss, var bpb = facts.valBPB else { return ([], "the trace holds no score event") }
            if let measuredBytes {
                // Referee's val_bpb: the trace's Σ nll over Referee's own byte count.
                guard measuredBytes > 0 else { return ([Evidence("run.json counts \(measuredBytes) validation bytes")], nil) }
                bpb = facts.nllSum / (Double.ln2 * Double(measuredBytes))
            }
            let candidates = runs.filter { $0.seed != nil && $0.seed == facts.seed && $0.score != nil }
            guard let run = candidates.last, let score = run.score else {
                return ([], "no log run with seed \(facts.seed.map(String.init) ?? "?") and a score line to compare with")
            }
            var failures: [Evidence] = []
            let at = score.eval.location
            let what = measuredBytes == nil ? "trace gives" : "Referee's count gives"
            let checks: [(name: String, ours: Double, logged: Double?, decimals: Int?)] = [
                ("val_bpb", bpb, score.eval.valBPB, score.eval.decimals),
                ("val_loss", loss, score.eval.valLoss, score.eval.valLossDecimals),
            ]
            for check in checks {
                guard let logged = check.logged else { continue }
                let source = check.name == "val_bpb" ? what : "trace gives"
                if let d = check.decimals, d < minDecimals {
                    failures.append(Evidence("the log's score line prints \(check.name) \(logged) with \(d) decimal(s); "
                                             + "at least \(minDecimals) are needed to check it against the trace (\(source) \(check.ours))", at: at))
                    continue
                }
                let allowed = tolerance + (check.decimals.map { 0.5 * pow(10.0, -Double($0)) } ?? 0) * (1 + 1e-9)
                if !(abs(check.ours - logged) <= allowed) {
                    let printed = check.decimals.map { ", printed with \($0) decimals" } ?? ""
                    failures.append(Evidence("\(source) \(check.name) \(check.ours), the log's score line says \(logged)\(printed)", at: at))
                }
            }
            return (failures, nil)
        }
        return measuredBytes == nil ? result : result.resting(on: .measured)
    }
}

extension Double {
    fileprivate static let ln2 = 0.6931471805599453
}
