import RefereeCore
import RefereeLogs

/// `size.artifact-cap`: code + compressed model bytes within the cap, for every distinct run.
enum SizeChecks {
    static let all: [String: RuleCheck] = [
        "size.artifact-cap": artifactCap,
    ]

    static func artifactCap(_ context: AuditContext, _ rule: Rule) -> RuleResult {
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
                over.append(Evidence("\(Fmt.bytes(size.bytes)) bytes, \(Fmt.bytes(size.bytes.addingSaturating(-Int(saturating: cap)))) over the cap", at: size.location))
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
