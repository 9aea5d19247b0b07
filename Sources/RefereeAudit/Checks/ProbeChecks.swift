import Foundation
import RefereeTrace

/// Checks computed from black-box probe results: causal.prefix-invariance, causal.target-flip,
/// norm.full-vocab (helper "trace" owns this file).
///
/// Thresholds (rule file): `tolerance` (nats or probability, default 1e-4) and `noise_factor`
/// (default 3): a difference passes when it is ≤ max(tolerance, noise_factor × control noise).
enum ProbeChecks {
    static let all: [String: RuleCheck] = [
        "causal.prefix-invariance": prefixInvariance,
        "causal.target-flip": targetFlip,
        "norm.full-vocab": fullVocab,
    ]

    static let howToAdd = "run `referee probe <record-dir>` to write probes.json; the submission's train_gpt.py must honour "
        + "REFEREE_EVAL_ONLY=1 (load the artifact, evaluate REFEREE_EVAL_SHARD, write nll.f64 and dists.jsonl into "
        + "REFEREE_EVAL_OUT with python/referee_probe.py's eval_request() / write_eval_outputs())"

    /// The probe report when it has usable runs, else the `unverifiable` result to return.
    private static func usable(_ context: AuditContext, _ rule: Rule) -> Result<ProbeReport, Unusable> {
        guard let report = context.probes else {
            return .failure(Unusable(RuleResult(id: rule.id, status: .unverifiable, severity: rule.severity, message: "no probes.json: " + howToAdd)))
        }
        // Probes prove something only about the artifact they probed: in a record made by
        // `referee run`, that must be an artifact run.json lists (not one transplanted from
        // another record, nor a stale file).
        if let measured = context.measured {
            let digests = Set(measured.seeds.flatMap { seed in ([seed.artifact?.sha256] + (seed.artifacts ?? []).map(\.sha256)).compactMap { $0 } })
            if !digests.isEmpty, !(report.artifactSHA256.map(digests.contains) ?? false) {
                return .failure(Unusable(rule.fail("probes.json was made for another artifact (sha256 \(report.artifactSHA256 ?? "none")), not one that run.json lists for this record: probes of another artifact prove nothing about this one",
                                                   [Evidence("probes.json artifact_sha256")]).resting(on: .measured)))
            }
        }
        guard report.entryPoint else {
            let why = report.problems.last ?? "the submission has no eval entry point"
            return .failure(Unusable(RuleResult(id: rule.id, status: .unverifiable, severity: rule.severity,
                                                message: "probes could not run: \(why). " + howToAdd)))
        }
        return .success(report)
    }

    struct Unusable: Error { var result: RuleResult; init(_ r: RuleResult) { result = r } }

    static func allowed(_ rule: Rule, _ report: ProbeReport) -> Double {
        let tolerance = rule.threshold("tolerance", default: 1e-4)
        let factor = rule.threshold("noise_factor", default: 3)
        return max(tolerance, factor * (report.noise ?? 0))
    }

    private static func header(_ report: ProbeReport) -> String {
        "artifact \(report.artifact ?? "?") sha256 \(report.artifactSHA256?.prefix(12) ?? "?"), probe seed \(report.seed.map(String.init) ?? "?")"
    }

    static func prefixInvariance(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        let report: ProbeReport
        switch usable(context, rule) {
        case .failure(let u): return u.result
        case .success(let r): report = r
        }
        guard let delta = report.prefixMaxDelta, let cut = report.cut else {
            return RuleResult(id: rule.id, status: .unverifiable, severity: rule.severity, message: "probes.json has no prefix comparison. " + howToAdd)
        }
        let limit = allowed(rule, report)
        let detail = "max |ΔNLL| on positions < \(cut) after replacing the suffix: \(delta) nats (allowed \(limit), control noise \(report.noise ?? 0)); \(header(report))"
        if delta > limit {
            return RuleResult(id: rule.id, status: .fail, severity: rule.severity,
                              message: "scores before the cut depend on later tokens: \(detail)",
                              evidence: [Evidence("worst at target position \(report.prefixWorstPosition ?? -1)")])
        }
        return RuleResult(id: rule.id, status: .pass, severity: rule.severity, message: detail)
    }

    static func targetFlip(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        let report: ProbeReport
        switch usable(context, rule) {
        case .failure(let u): return u.result
        case .success(let r): report = r
        }
        guard !report.flips.isEmpty else {
            return RuleResult(id: rule.id, status: .unverifiable, severity: rule.severity, message: "probes.json has no flip comparison. " + howToAdd)
        }
        let limit = allowed(rule, report)
        var evidence: [Evidence] = []
        var measured: [String] = []
        for flip in report.flips {
            guard let delta = flip.maxDelta, let dist = flip.distDelta else {
                return RuleResult(id: rule.id, status: .unverifiable, severity: rule.severity,
                                  message: "\(flip.run): no NLL or no distribution at position \(flip.position) to compare. " + howToAdd)
            }
            let what = "\(flip.run) (x[\(flip.position)] \(flip.from)→\(flip.to), \(flip.strategy))"
            measured.append("\(what): max |ΔNLL| before \(delta), max |Δp| at it \(dist)")
            if delta > limit {
                evidence.append(Evidence("\(what): NLL at target position \(flip.worstPosition ?? -1) moved by \(delta) nats although only a later token changed"))
            }
            if dist > limit {
                evidence.append(Evidence("\(what): the distribution at \(flip.position) changed by up to \(dist) when only its own target changed (it reads the target)"))
            }
        }
        let detail = measured.joined(separator: "; ") + " (allowed \(limit)); \(header(report))"
        return RuleResult(id: rule.id, status: evidence.isEmpty ? .pass : .fail, severity: rule.severity,
                          message: evidence.isEmpty ? detail : "the prediction depends on the target: \(detail)", evidence: evidence)
    }

    static func fullVocab(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        let report: ProbeReport
        switch usable(context, rule) {
        case .failure(let u): return u.result
        case .success(let r): report = r
        }
        guard !report.distributions.isEmpty else {
            return RuleResult(id: rule.id, status: .unverifiable, severity: rule.severity, message: "probes.json holds no dumped distribution. " + howToAdd)
        }
        let tolerance = rule.threshold("tolerance", default: 1e-4)
        var evidence: [Evidence] = []
        for d in report.distributions {
            if !(abs(d.sum - 1) <= tolerance) {
                evidence.append(Evidence("\(d.run) position \(d.position): the \(d.vocabSize) probabilities sum to \(d.sum)"))
            }
            if !(abs(d.nll - d.negLogP) <= tolerance) {
                evidence.append(Evidence("\(d.run) position \(d.position): scored NLL \(d.nll) but −ln p[\(d.target)] = \(d.negLogP)"))
            }
        }
        let detail = "\(report.distributions.count) dumped distributions, tolerance \(tolerance); \(header(report))"
        if evidence.isEmpty {
            return RuleResult(id: rule.id, status: .pass, severity: rule.severity, message: "every distribution sums to 1 and gives the scored NLL: \(detail)")
        }
        return RuleResult(id: rule.id, status: .fail, severity: rule.severity, message: "\(evidence.count) problem(s): \(detail)", evidence: evidence)
    }
}
