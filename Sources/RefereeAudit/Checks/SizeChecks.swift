import RefereeCore
import RefereeLogs

/// `size.artifact-cap`: code + compressed model bytes within the cap, for every distinct run.
enum SizeChecks {
    static let all: [String: RuleCheck] = [
        "size.artifact-cap": artifactCap,
        "code.self-contained": selfContained,
    ]

    static func artifactCap(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        if let measured = context.measured, measured.seeds.contains(where: { $0.artifact?.bytes != nil }) {
            return measuredCap(context, rule, measured).resting(on: .measured)
        }
        return loggedCap(context, rule)
    }

    /// The cap on what Referee measured: the declared artifact file plus every code file the run
    /// executed (imported modules from outside the record included).
    static func measuredCap(_ context: AuditContext, _ rule: Rule, _ measured: MeasuredRecord) -> RuleResult {
        let cap = Int(saturating: rule.threshold("max_bytes", default: 16_000_000))
        var over: [Evidence] = []
        var missing: [Evidence] = []
        var largest: (Int, String)? = nil
        for seed in measured.seeds {
            guard let size = MeasuredSize(measured, seed) else {
                missing.append(Evidence("\(seed.label): run.json measures no artifact file", at: context.runJSON))
                continue
            }
            let logged = context.run(for: seed)?.run.sizes.artifactBytes.map { "; the log says \(Fmt.bytes($0.bytes))" } ?? ""
            let text = "\(seed.label): \(Fmt.bytes(size.total)) bytes = \(size.description)\(logged)"
            if largest == nil || size.total > largest!.0 { largest = (size.total, text) }
            if size.total > cap { over.append(Evidence(text + ", \(Fmt.bytes(size.total.subtractingSaturating(cap))) over the cap", at: context.runJSON)) }
        }
        if !over.isEmpty { return rule.fail("\(over.count) seed(s) over the \(Fmt.bytes(cap))-byte cap (measured)", over + missing) }
        if !missing.isEmpty { return rule.unverifiable("\(missing.count) of \(measured.seeds.count) seed(s) have no measured artifact", missing) }
        let (bytes, text) = largest!
        return rule.pass("largest artifact \(Fmt.bytes(bytes)) bytes (measured) = \(Fmt.percent(Double(bytes), of: Double(cap))) of the cap", [Evidence(text, at: context.runJSON)])
    }

    /// `code.self-contained`: every module the run imported lies in the record folder (or is the
    /// standard library or an installed package), so the record re-runs from its own files.
    static func selfContained(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        guard let measured = context.measured else {
            return rule.unverifiable("no run.json: what the run imported was not recorded")
        }
        let recorded = measured.seeds.filter { $0.importedModules != nil }
        guard !recorded.isEmpty else {
            return rule.unverifiable("run.json records no imported_modules for any seed").resting(on: .measured)
        }
        var outside: [Evidence] = []
        for seed in recorded {
            for module in seed.importedModules ?? [] where module.origin == "outside" {
                outside.append(Evidence("\(seed.label) imported \(module.path ?? "?") (\(module.bytes.map(Fmt.bytes) ?? "?") bytes, sha256 \(module.sha256.map { String($0.prefix(16)) + "…" } ?? "?")) from outside the record", at: context.runJSON))
            }
        }
        let unrecorded = measured.seeds.count - recorded.count
        if !outside.isEmpty {
            return rule.fail("\(outside.count) module(s) imported from outside the record: it cannot re-run from its own files (their bytes are counted in size.artifact-cap)", outside).resting(on: .measured)
        }
        if unrecorded > 0 {
            return rule.unverifiable("\(unrecorded) of \(measured.seeds.count) seed(s) record no imported modules").resting(on: .measured)
        }
        return rule.pass("every imported module of \(recorded.count) seed(s) is in the record, the standard library or an installed package").resting(on: .measured)
    }

    static func loggedCap(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        let cap = rule.threshold("max_bytes", default: 16_000_000)
        let runs = context.distinctRuns
        guard !runs.isEmpty else {
            return rule.unverifiable("no run found in the logs, so no logged artifact size; submission.json is not evidence")
        }
        var over: [Evidence] = []
        var missing: [Evidence] = []
        var largest: ByteCount? = nil
        for ref in runs {
            if let text = ref.run.sizes.rejectedArtifactSize {
                // Never converted to Int (1e30 would trap): a number past the cap fails, any other
                // non-count (negative, fractional) leaves the size unknown.
                let at = ref.run.sizes.rejectedArtifactSizeLocation ?? ref.wholeFile
                let message = "\(ref.label): artifact size \(text) is not a byte count (expected an integer from 0 to 9e15)"
                if let value = Double(text), value > cap { over.append(Evidence(message, at: at)) } else { missing.append(Evidence(message, at: at)) }
                continue
            }
            guard let size = ref.run.sizes.artifactBytes else {
                missing.append(Evidence("\(ref.label): no artifact size line (code + compressed model)", at: ref.wholeFile))
                continue
            }
            if largest == nil || size.bytes > largest!.bytes { largest = size }
            if Double(size.bytes) > cap {
                over.append(Evidence("\(Fmt.bytes(size.bytes)) bytes, \(Fmt.bytes(size.bytes.subtractingSaturating(Int(saturating: cap)))) over the cap", at: size.location))
            }
        }
        if !over.isEmpty {
            return rule.fail("\(over.count) run(s) over the \(Fmt.bytes(Int(saturating: cap)))-byte cap", over + missing)
        }
        if !missing.isEmpty {
            return rule.unverifiable("\(missing.count) of \(runs.count) run(s) log no artifact size", missing)
        }
        let max = largest!
        return rule.pass("largest artifact \(Fmt.bytes(max.bytes)) bytes = \(Fmt.percent(Double(max.bytes), of: cap)) of the cap", [Evidence("largest artifact", at: max.location)])
    }
}
