import Foundation
import RefereeCore
import RefereeLogs
import RefereeTrace

/// Claims the submission printed, compared with what Referee measured: `claim.train-time`,
/// `claim.artifact-size`, `claim.val-tokens`, `claim.bytes`. Each shows both figures and the
/// difference; without a measurement the claim cannot be checked (`unverifiable`).
enum MeasuredClaimChecks {
    static let all: [String: RuleCheck] = [
        "claim.train-time": trainTime,
        "claim.artifact-size": artifactSize,
        "claim.val-tokens": valTokens,
        "claim.bytes": bytes,
    ]

    static let noRunJSON = "no run.json: nothing measured to compare the claim with (a record made by `referee run` has it)"

    static func signed(_ value: Double, _ decimals: Int) -> String {
        (value >= 0 ? "+" : "") + Fmt.fixed(value, decimals)
    }

    static func signed(_ value: Int) -> String {
        (value >= 0 ? "+" : "") + Fmt.bytes(value)
    }

    // MARK: train time

    /// The logged `train_time` against Referee's clock: the final figure may not exceed the
    /// measured wall time, and between any two stamped step lines the logged clock may not
    /// advance more slowly than Referee's (beyond `max_slowdown` and `slack_seconds`).
    /// Intervals that end at a validation line are skipped (scripts pause their clock there).
    static func trainTime(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        guard let measured = context.measured, !measured.seeds.isEmpty else { return rule.unverifiable(noRunJSON) }
        let slowdown = rule.threshold("max_slowdown", default: 0.05)
        let slack = rule.threshold("slack_seconds", default: 2)
        let tolerance = rule.threshold("tolerance_seconds", default: 2)
        var bad: [Evidence] = []
        var good: [Evidence] = []
        var missing: [Evidence] = []
        for seed in measured.seeds {
            guard let ref = context.run(for: seed) else {
                missing.append(Evidence("\(seed.label): no log run to read a claim from", at: context.runJSON))
                continue
            }
            guard let loggedMs = ref.run.trainTimeMs else {
                missing.append(Evidence("\(ref.label): logs no train_time", at: ref.wholeFile))
                continue
            }
            let wall = seed.measuredTrainingSeconds
            if let wall {
                let difference = loggedMs / 1000 - wall
                let text = "\(ref.label): logged train_time \(Fmt.seconds(ms: loggedMs)), measured \(Fmt.fixed(wall, 1)) s from spawn (difference \(signed(difference, 1)) s; start-up and paused validation are outside train_time)"
                if difference > tolerance {
                    bad.append(Evidence(text + ": the log claims more training than Referee's clock saw", at: ref.run.trainTimeLocation ?? ref.wholeFile))
                } else {
                    good.append(Evidence(text, at: ref.run.trainTimeLocation ?? ref.wholeFile))
                }
            }
            let steps = (context.logScans[ref.run.file]?.steps ?? []).filter { $0.line >= ref.run.firstLine && $0.line <= ref.run.lastLine && $0.stamp != nil }
            var worst: (ratio: Double, evidence: Evidence)? = nil
            var compared = 0
            for (a, b) in zip(steps, steps.dropFirst()) where !b.validation {
                let clock = b.stamp! - a.stamp!
                let logged = (b.trainTimeMs - a.trainTimeMs) / 1000
                guard clock > 0 else { continue }
                compared += 1
                if logged < clock * (1 - slowdown) - slack {
                    let ratio = logged / clock
                    let e = Evidence("\(ref.label): train_time advanced \(Fmt.fixed(logged, 1)) s between lines \(a.line) and \(b.line) while Referee's clock advanced \(Fmt.fixed(clock, 1)) s (\(Fmt.fixed(100 * ratio, 1))% of real time)", at: SourceLocation(file: ref.run.file, line: b.line))
                    if worst == nil || ratio < worst!.ratio { worst = (ratio, e) }
                }
            }
            if let worst { bad.append(worst.evidence) }
            if wall == nil && compared == 0 {
                missing.append(Evidence("\(ref.label): neither a measured training time nor two stamped step lines to compare train_time with", at: ref.wholeFile))
            }
        }
        if !bad.isEmpty { return rule.fail("the logged train_time disagrees with Referee's clock", bad + missing).resting(on: .measured) }
        if !missing.isEmpty { return rule.unverifiable("\(missing.count) seed(s) cannot be compared", missing + good).resting(on: .measured) }
        return rule.pass("logged train_time agrees with Referee's clock for \(measured.seeds.count) seed(s) (at most \(Fmt.fixed(100 * slowdown, 0))% + \(Fmt.fixed(slack, 0)) s slower between stamped step lines)", good).resting(on: .measured)
    }

    // MARK: artifact size

    /// The logged `code + compressed model` size against the declared artifact file's bytes plus
    /// the code bytes Referee counted.
    static func artifactSize(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        guard let measured = context.measured, !measured.seeds.isEmpty else { return rule.unverifiable(noRunJSON) }
        let tolerance = Int(saturating: rule.threshold("tolerance_bytes", default: 0))
        var bad: [Evidence] = []
        var good: [Evidence] = []
        var missing: [Evidence] = []
        for seed in measured.seeds {
            guard let size = MeasuredSize(measured, seed) else {
                missing.append(Evidence("\(seed.label): run.json measures no artifact file", at: context.runJSON))
                continue
            }
            guard let ref = context.run(for: seed), let logged = ref.run.sizes.artifactBytes else {
                missing.append(Evidence("\(seed.label): the log states no artifact size", at: context.runJSON))
                continue
            }
            let difference = logged.bytes.subtractingSaturating(size.total)
            let text = "\(ref.label): logged \(Fmt.bytes(logged.bytes)) bytes, measured \(Fmt.bytes(size.total)) (\(size.description)); difference \(signed(difference)) bytes"
            if difference.magnitude > tolerance.magnitude || tolerance < 0 {
                bad.append(Evidence(text, at: logged.location))
            } else {
                good.append(Evidence(text, at: logged.location))
            }
        }
        if !bad.isEmpty { return rule.fail("the logged artifact size is not the measured one", bad + missing).resting(on: .measured) }
        if !missing.isEmpty { return rule.unverifiable("\(missing.count) seed(s) cannot be compared", missing + good).resting(on: .measured) }
        return rule.pass("logged artifact sizes equal the measured files (\(measured.seeds.count) seed(s))", good).resting(on: .measured)
    }

    // MARK: tokens and bytes

    /// The trace's declared `val_tokens` against the tokens of the validation shards Referee
    /// supplied.
    static func valTokens(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        guard let n = context.measured?.data?.valTokens else {
            return rule.unverifiable("run.json does not count the validation tokens Referee supplied (data.val_tokens)")
        }
        guard !context.traces.isEmpty else { return rule.unverifiable("no traces: nothing declared to compare with \(n) measured tokens").resting(on: .measured) }
        var bad: [Evidence] = []
        var good: [Evidence] = []
        for facts in context.traces {
            let name = TraceChecks.label(facts)
            guard let declared = facts.valTokens else {
                bad.append(Evidence("\(name): the trace declares no val_tokens", at: SourceLocation(file: facts.directory, line: 0)))
                continue
            }
            let text = "\(name): trace declares val_tokens \(Fmt.bytes(declared)), the validation shards hold \(Fmt.bytes(n)) (difference \(signed(declared.subtractingSaturating(n))))"
            if declared != n { bad.append(Evidence(text, at: SourceLocation(file: facts.directory, line: 0))) } else { good.append(Evidence(text)) }
        }
        if !bad.isEmpty { return rule.fail("declared validation tokens differ from the shards Referee supplied", bad).resting(on: .measured) }
        return rule.pass("every trace declares the \(Fmt.bytes(n)) tokens of the validation shards", good).resting(on: .measured)
    }

    /// The bytes the trace's score events sum to against Referee's own count over the shards.
    static func bytes(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        // In decoy mode the training run's trace scored the decoy (training_validation.bytes).
        guard let measuredBytes = context.measured?.trainingStreamBytes, let stream = context.measured?.trainingStreamName else {
            return rule.unverifiable(context.measured?.trainedOnDecoy == true
                ? "run.json does not count the decoy's bytes (training_validation.bytes)"
                : "run.json does not count the validation bytes (data.val_bytes)")
        }
        guard !context.traces.isEmpty else { return rule.unverifiable("no traces: no byte count declared to compare with \(measuredBytes) measured bytes").resting(on: .measured) }
        let tolerance = rule.threshold("tolerance_bytes", default: 0.5)
        var bad: [Evidence] = []
        var good: [Evidence] = []
        for facts in context.traces {
            let name = TraceChecks.label(facts)
            let difference = facts.bytesSum - Double(measuredBytes)
            let text = "\(name): score events sum to \(Fmt.fixed(facts.bytesSum, 0)) bytes, Referee counts \(Fmt.bytes(measuredBytes)) over \(stream) (difference \(signed(difference, 0)))"
            if !(abs(difference) <= tolerance) { bad.append(Evidence(text, at: SourceLocation(file: facts.directory, line: 0))) } else { good.append(Evidence(text)) }
        }
        if !bad.isEmpty { return rule.fail("declared byte counts differ from Referee's count", bad).resting(on: .measured) }
        return rule.pass("every trace's bytes equal Referee's count \(Fmt.bytes(measuredBytes))", good).resting(on: .measured)
    }
}

/// The size of one seed's submission as Referee measured it: the declared artifact file plus the
/// code bytes (the entry script, the record's other modules it imported, and modules imported
/// from outside the record).
struct MeasuredSize {
    var artifact: Int
    var entry: Int
    var recordModules: Int
    var outsideModules: Int
    var outsidePaths: [String]

    init?(_ measured: MeasuredRecord, _ seed: MeasuredRecord.Seed) {
        guard let artifact = seed.artifact?.bytes else { return nil }
        self.artifact = artifact
        let entryName = measured.entry
        let entryFile = measured.code?.files?.first { $0.path == entryName }
        entry = measured.code?.countedBytes ?? entryFile?.bytes ?? 0
        var seen = Set<String>()
        if let digest = entryFile?.sha256 { seen.insert(digest) }
        var record = 0, outside = 0
        var paths: [String] = []
        for module in seed.importedModules ?? [] {
            let name = (module.path.map { ($0 as NSString).lastPathComponent }) ?? ""
            guard let bytes = module.bytes, module.origin == "record" || module.origin == "outside" else { continue }
            if module.origin == "record", name == entryName { continue }
            if let digest = module.sha256, !seen.insert(digest).inserted { continue }
            if module.origin == "outside" {
                outside = outside.addingSaturating(bytes)
                paths.append(module.path ?? "?")
            } else {
                record = record.addingSaturating(bytes)
            }
        }
        recordModules = record
        outsideModules = outside
        outsidePaths = paths
    }

    // Saturating: run.json's numbers are input (a tampered record must not trap the sums).
    var code: Int { entry.addingSaturating(recordModules).addingSaturating(outsideModules) }
    var total: Int { artifact.addingSaturating(code) }

    var description: String {
        var parts = ["artifact file \(Fmt.bytes(artifact))", "entry script \(Fmt.bytes(entry))"]
        if recordModules > 0 { parts.append("imported record modules \(Fmt.bytes(recordModules))") }
        if outsideModules > 0 { parts.append("modules imported from outside the record \(Fmt.bytes(outsideModules))") }
        return parts.joined(separator: " + ")
    }
}
