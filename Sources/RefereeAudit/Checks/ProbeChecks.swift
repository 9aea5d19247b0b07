import Foundation
import RefereeTrace

/// Checks computed from Referee's official evaluation and the probe campaign (probes.json v2):
/// score.official, causal.prefix-invariance, causal.target-flip, norm.full-vocab.
///
/// Thresholds (rule file): `tolerance` (nats, for NLL differences, default 1e-4),
/// `prob_tolerance` (probability, for distribution differences, default 1e-4) and `max_noise`
/// (nats, default 1e-4): `official` and `control` must agree within `max_noise` at every
/// position, otherwise the evaluation is non-deterministic and the rule fails. Allowances are
/// never widened by a measured noise, so a submission cannot buy room by making its
/// evaluations disagree. A version-1 report proves nothing about the official evaluation:
/// these rules are then `unverifiable`, saying why.
enum ProbeChecks {
    static let all: [String: RuleCheck] = [
        "causal.prefix-invariance": prefixInvariance,
        "causal.target-flip": targetFlip,
        "norm.full-vocab": fullVocab,
        "score.official": officialScore,
    ]

    static let howToAdd = "run `referee probe <record-dir>` to write probes.json; the submission's train_gpt.py must honour "
        + "REFEREE_EVAL_ONLY=1 (load the artifact, evaluate REFEREE_EVAL_SHARD, write nll.f64 and dists.jsonl into "
        + "REFEREE_EVAL_OUT with python/referee_probe.py's eval_request() / write_eval_outputs())"

    static let v1Limits = "probes.json is protocol version 1: its probes covered only the first 4096–8192 validation tokens, "
        + "and its eval-only runs are not tied to the scored run (a submission could behave differently there), so it proves "
        + "nothing about the official evaluation; re-probe with `referee probe <record-dir>` (protocol v2)"

    /// The probe report when it has usable evaluations, else the result to return.
    static func usable(_ context: AuditContext, _ rule: Rule) -> Result<ProbeReport, Unusable> {
        guard let report = context.probes else {
            return .failure(Unusable(RuleResult(id: rule.id, status: .unverifiable, severity: rule.severity, message: "no probes.json: " + howToAdd)))
        }
        // Probes prove something only about the artifact they probed: in a record made by
        // `referee run`, that must be an artifact run.json lists.
        if let measured = context.measured {
            let digests = Set(measured.seeds.flatMap { seed in ([seed.artifact?.sha256] + (seed.artifacts ?? []).map(\.sha256)).compactMap { $0 } })
            if !digests.isEmpty, !(report.artifactSHA256.map(digests.contains) ?? false) {
                return .failure(Unusable(rule.fail("probes.json was made for another artifact (sha256 \(report.artifactSHA256 ?? "none")), not one that run.json lists for this record: probes of another artifact prove nothing about this one",
                                                   [Evidence("probes.json artifact_sha256")]).resting(on: .measured)))
            }
        }
        // A file that is not a probe report (duplicate keys, wrong types): say so first.
        if !report.entryPoint, let broken = report.problems.first(where: { $0.contains("not a probe report") }) {
            return .failure(Unusable(RuleResult(id: rule.id, status: .unverifiable, severity: rule.severity, message: "probes could not be read: \(broken). " + howToAdd)))
        }
        guard report.isV2 else {
            return .failure(Unusable(RuleResult(id: rule.id, status: .unverifiable, severity: rule.severity, message: v1Limits)))
        }
        guard report.entryPoint, report.official != nil else {
            let why = report.problems.last ?? "the submission has no eval entry point"
            return .failure(Unusable(RuleResult(id: rule.id, status: .unverifiable, severity: rule.severity,
                                                message: "no eval entry point: Referee could not evaluate the artifact itself (\(why)). " + howToAdd)))
        }
        return .success(report)
    }

    struct Unusable: Error { var result: RuleResult; init(_ r: RuleResult) { result = r } }

    /// A failure when `official` and `control` disagree beyond `max_noise` (or no control ran).
    static func nondeterministic(_ rule: Rule, _ report: ProbeReport) -> RuleResult? {
        let limit = rule.threshold("max_noise", default: 1e-4)
        guard let noise = report.noise else {
            return RuleResult(id: rule.id, status: .unverifiable, severity: rule.severity,
                              message: "probes.json has no control evaluation, so determinism is unknown; \(header(report))")
        }
        guard !(noise <= limit) else { return nil }
        return RuleResult(id: rule.id, status: .fail, severity: rule.severity,
                          message: "non-deterministic evaluation: official and control differ by \(noise) nats at target position \(report.noisePosition ?? -1) (at most \(limit) allowed; a deterministic evaluation is the norm, and noise is never added to a tolerance); \(header(report))",
                          evidence: [Evidence("probes.json noise \(noise) at \(report.noisePosition ?? -1)")])
    }

    static func header(_ report: ProbeReport) -> String {
        let p = report.power
        let power = p.map { ", \($0.cuts) cuts: a leak at 1%/5%/25% of positions is caught with probability \(format($0.f001))/\(format($0.f005))/\(format($0.f025))" } ?? ""
        return "artifact \(report.artifact ?? "?") sha256 \(report.artifactSHA256?.prefix(12) ?? "?"), probe seed \(report.seed.map(String.init) ?? "?")\(power)"
    }

    static func format(_ x: Double) -> String { String(format: "%.3f", x) }

    static func cutsOrUnverifiable(_ rule: Rule, _ report: ProbeReport) -> RuleResult? {
        if let failure = nondeterministic(rule, report) { return failure }
        guard !report.cuts.isEmpty else {
            return RuleResult(id: rule.id, status: .unverifiable, severity: rule.severity, message: "probes.json has no cut evaluation (a seed that was not probed). " + howToAdd)
        }
        return nil
    }

    static func prefixInvariance(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        let report: ProbeReport
        switch usable(context, rule) {
        case .failure(let u): return u.result
        case .success(let r): report = r
        }
        if let early = cutsOrUnverifiable(rule, report) { return early }
        let limit = rule.threshold("tolerance", default: 1e-4)
        var evidence: [Evidence] = []
        var measured: [String] = []
        for cut in report.cuts {
            guard let delta = cut.prefixMaxDelta else {
                return RuleResult(id: rule.id, status: .unverifiable, severity: rule.severity, message: "\(cut.run): no NLLs to compare. " + howToAdd)
            }
            measured.append("\(cut.run) at \(cut.position) (\(cut.kind)): \(delta)")
            if !(delta <= limit) {
                evidence.append(Evidence("\(cut.run): cut at \(cut.position) (\(cut.kind)): the NLL at target position \(cut.prefixWorstPosition ?? -1) moved by \(delta) nats against the official evaluation although only later tokens changed"))
            }
        }
        let detail = "max |ΔNLL| before each cut against the official evaluation: " + measured.joined(separator: "; ") + " (allowed \(limit) nats); \(header(report))"
        return RuleResult(id: rule.id, status: evidence.isEmpty ? .pass : .fail, severity: rule.severity,
                          message: evidence.isEmpty ? detail : "scores before a cut depend on later tokens (or the evaluation behaves differently from the official one): \(detail)",
                          evidence: evidence)
    }

    static func targetFlip(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        let report: ProbeReport
        switch usable(context, rule) {
        case .failure(let u): return u.result
        case .success(let r): report = r
        }
        if let early = cutsOrUnverifiable(rule, report) { return early }
        let limit = rule.threshold("prob_tolerance", default: 1e-4)
        var evidence: [Evidence] = []
        var measured: [String] = []
        for cut in report.cuts {
            guard let delta = cut.distDelta else {
                return RuleResult(id: rule.id, status: .unverifiable, severity: rule.severity,
                                  message: "\(cut.run): no distribution at \(cut.position) (or at a D position before it) to compare. " + howToAdd)
            }
            measured.append("\(cut.run) at \(cut.position) (\(cut.kind)): \(delta)")
            if !(delta <= limit) {
                evidence.append(Evidence("\(cut.run): the distribution at the cut \(cut.position) (\(cut.kind)) or at a dumped position before it changed by up to \(delta) in probability when only x[\(cut.position)…] changed (it reads its target or later tokens)"))
            }
        }
        let detail = "max |Δp| at each cut (and dumped positions before it) against the official evaluation: " + measured.joined(separator: "; ") + " (allowed \(limit) in probability); \(header(report))"
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
