import RefereeCore
import RefereeLogs

/// `time.train` and `time.eval`, recomputed per distinct run from the logged timings.
enum TimeChecks {
    static let all: [String: RuleCheck] = [
        "time.train": train,
        "time.eval": eval,
    ]

    static func train(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        if let measured = context.measured, measured.seeds.contains(where: { $0.measuredTrainingSeconds != nil }) {
            return measuredTrain(context, rule, measured).resting(on: .measured)
        }
        return loggedTrain(context, rule)
    }

    /// `time.train` on Referee's clock: spawn → training stop / the artifact's final write,
    /// against the cap plus the start-up allowance. The logged figure is shown beside it.
    static func measuredTrain(_ context: AuditContext, _ rule: Rule, _ measured: MeasuredRecord) -> RuleResult {
        let cap = rule.threshold("max_seconds", default: 600)
        let startup = rule.threshold("startup_seconds", default: 60)
        let allowed = cap + startup
        var over: [Evidence] = []
        var missing: [Evidence] = []
        var good: [Evidence] = []
        var longest = -Double.infinity
        for seed in measured.seeds {
            guard let seconds = seed.measuredTrainingSeconds else {
                missing.append(Evidence("\(seed.label): run.json has no measured training time", at: context.runJSON))
                continue
            }
            let logged = context.run(for: seed).flatMap { ref in ref.run.trainTimeMs.map { "; the log says train_time \(Fmt.seconds(ms: $0)) (:\(ref.run.trainTimeLocation?.line ?? 0))" } } ?? "; the log states no train_time"
            let text = "\(seed.label): \(Fmt.fixed(seconds, 1)) s from spawn to the end of training (Referee's clock)\(logged)"
            longest = max(longest, seconds)
            if seconds < 0 {
                over.append(Evidence(text + ": a negative duration is impossible", at: context.runJSON))
            } else if seconds > allowed {
                over.append(Evidence(text + ", \(Fmt.fixed(seconds - allowed, 1)) s over \(Fmt.fixed(cap, 0)) s + \(Fmt.fixed(startup, 0)) s start-up", at: context.runJSON))
            } else {
                good.append(Evidence(text, at: context.runJSON))
            }
        }
        if !over.isEmpty { return rule.fail("\(over.count) seed(s) trained longer than \(Fmt.fixed(cap, 0)) s + \(Fmt.fixed(startup, 0)) s start-up on Referee's clock", over + missing) }
        if !missing.isEmpty { return rule.unverifiable("\(missing.count) of \(measured.seeds.count) seed(s) have no measured training time", missing + good) }
        return rule.pass("longest training \(Fmt.fixed(longest, 1)) s from spawn = \(Fmt.percent(longest, of: allowed)) of \(Fmt.fixed(cap, 0)) s + \(Fmt.fixed(startup, 0)) s start-up (Referee's clock)", good)
    }

    static func loggedTrain(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        let capMs = rule.threshold("max_seconds", default: 600) * 1000
        let graceMs = rule.threshold("grace_seconds", default: 0) * 1000
        let runs = context.distinctRuns
        guard !runs.isEmpty else { return rule.unverifiable("no run found in the logs") }
        var over: [Evidence] = []
        var missing: [Evidence] = []
        var longest: (ms: Double, at: SourceLocation?)? = nil
        for ref in runs {
            guard let ms = ref.run.trainTimeMs else {
                missing.append(Evidence("\(ref.label): no train_time line", at: ref.wholeFile))
                continue
            }
            if longest == nil || ms > longest!.ms { longest = (ms, ref.run.trainTimeLocation) }
            let allowed = capMs + (ref.run.stoppedAtWallclockCap ? graceMs : 0)
            if ms > allowed {
                over.append(Evidence("training took \(Fmt.seconds(ms: ms)) (cap \(Fmt.seconds(ms: capMs)))", at: ref.run.trainTimeLocation ?? ref.wholeFile))
            }
        }
        if !over.isEmpty { return rule.fail("\(over.count) run(s) trained longer than \(Fmt.seconds(ms: capMs))", over + missing) }
        if !missing.isEmpty { return rule.unverifiable("\(missing.count) of \(runs.count) run(s) log no training time", missing) }
        let l = longest!
        return rule.pass("longest training \(Fmt.seconds(ms: l.ms)) = \(Fmt.percent(l.ms, of: capMs)) of the cap", [Evidence("longest training", at: l.at)])
    }

    static func eval(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        if let measured = measuredEval(context, rule) { return measured.resting(on: .measured) }
        return loggedEval(context, rule)
    }

    /// Evaluation as Referee measured it: from the declared artifact's final write to the end of
    /// the process, both on Referee's clock (run.json), against `max_seconds` plus
    /// `shutdown_seconds` (interpreter and launcher exit). Nil when run.json does not say.
    static func measuredEval(_ context: AuditContext, _ rule: Rule) -> RuleResult? {
        guard let measured = context.measured else { return nil }
        let timed = measured.seeds.compactMap { seed -> (MeasuredRecord.Seed, Double)? in
            guard let written = seed.artifact?.finalWriteAt, let end = seed.timestamps?.end else { return nil }
            return (seed, end - written)
        }
        guard !timed.isEmpty, timed.count == measured.seeds.count else { return nil }
        let cap = rule.threshold("max_seconds", default: 600)
        let allowance = rule.threshold("shutdown_seconds", default: 30)
        let at = context.runJSON
        let logged = context.distinctRuns.compactMap { EvalTiming($0.run).totalMs }.max()
        let loggedText = logged.map { "; the log says \(Fmt.seconds(ms: $0))" } ?? ""
        let over = timed.filter { $0.1 > cap + allowance }
        if !over.isEmpty {
            return rule.fail("\(over.count) seed(s) evaluated longer than \(Fmt.seconds(ms: cap * 1000)) + \(Fmt.seconds(ms: allowance * 1000)) on Referee's clock",
                             over.map { Evidence("\($0.0.label): \(Fmt.seconds(ms: $0.1 * 1000)) from the artifact's final write to the end of the run", at: at) })
        }
        let longest = timed.map(\.1).max() ?? 0
        return rule.pass("longest evaluation \(Fmt.seconds(ms: longest * 1000)) from the artifact's final write to the end of the run = \(Fmt.percent(longest * 1000, of: cap * 1000)) of the cap (Referee's clock)\(loggedText)",
                         [Evidence("run.json artifact.final_write_at → timestamps.end", at: at)])
    }

    static func loggedEval(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        let capMs = rule.threshold("max_seconds", default: 600) * 1000
        let runs = context.distinctRuns
        guard !runs.isEmpty else { return rule.unverifiable("no run found in the logs") }
        var over: [Evidence] = []
        var missing: [Evidence] = []
        var longest: (ms: Double, at: SourceLocation?)? = nil
        for ref in runs {
            let timing = EvalTiming(ref.run)
            guard let ms = timing.totalMs else {
                missing.append(Evidence("\(ref.label): no eval time on the scoring path", at: ref.wholeFile))
                continue
            }
            let at = timing.counted.last?.location ?? ref.wholeFile
            if longest == nil || ms > longest!.ms { longest = (ms, at) }
            if ms > capMs {
                let parts = timing.counted.map { "\($0.label) \(Fmt.seconds(ms: $0.evalTimeMs ?? 0)) (:\($0.location.line))" }
                over.append(Evidence("evaluation took \(Fmt.seconds(ms: ms)): \(parts.joined(separator: " + "))", at: at))
            }
        }
        if !over.isEmpty { return rule.fail("\(over.count) run(s) evaluated longer than \(Fmt.seconds(ms: capMs))", over + missing) }
        if !missing.isEmpty { return rule.unverifiable("\(missing.count) of \(runs.count) run(s) log no eval time after the artifact", missing) }
        let l = longest!
        return rule.pass("longest evaluation \(Fmt.seconds(ms: l.ms)) = \(Fmt.percent(l.ms, of: capMs)) of the cap", [Evidence("longest evaluation (all passes summed)", at: l.at)])
    }
}

/// The evaluation time of a run's scoring path: every timed eval of the artifact after its size
/// line (final and diagnostic passes; pre-quantisation, in-training and progress lines excluded),
/// a pass printed twice (`x` and `x_exact` with the same time) counted once; the larger of that
/// sum and a logged `total_eval_time`.
package struct EvalTiming: Sendable {
    /// The eval lines whose times were summed.
    package var counted: [EvalLine]
    /// Sum of their times (ms), nil when none had a time.
    package var summedMs: Double?
    /// What the run reports as total_eval_time, when printed.
    package var reportedMs: Double?

    package init(_ run: RunLog) {
        let sizeLine = run.sizes.artifactBytes?.location.line ?? 0
        var seen = Set<String>()
        var counted: [EvalLine] = []
        for eval in run.evals where eval.location.line > sizeLine && (eval.kind == .final || eval.kind == .diagnostic) {
            guard let ms = eval.evalTimeMs else { continue }
            let base = eval.label.hasSuffix("_exact") ? String(eval.label.dropLast(6)) : eval.label
            guard seen.insert("\(base)|\(ms)").inserted else { continue }
            counted.append(eval)
        }
        self.counted = counted
        summedMs = counted.isEmpty ? nil : counted.reduce(0) { $0 + ($1.evalTimeMs ?? 0) }
        reportedMs = run.totalEvalTimeMs
    }

    /// The time charged to the eval budget: the larger of the summed and the reported time.
    package var totalMs: Double? {
        switch (summedMs, reportedMs) {
        case let (s?, r?): return max(s, r)
        case let (s?, nil): return s
        case let (nil, r?): return r
        default: return nil
        }
    }
}
