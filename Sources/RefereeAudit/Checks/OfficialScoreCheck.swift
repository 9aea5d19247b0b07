import RefereeCore
import Foundation
import RefereeLogs
import RefereeTrace

/// score.official: the val_bpb that counts is Referee's, recomputed from the official
/// evaluation's blocks (probes.json and evaluations/seed<S>.json, protocol v2) with Referee's
/// byte count; every claimed val_bpb (a log's score line, submission.json) is a claim and fails
/// when it is better than the official one by more than `tolerance` bpb.
extension ProbeChecks {
    static func officialScore(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        let report: ProbeReport
        switch usable(context, rule) {
        case .failure(let u): return u.result
        case .success(let r): report = r
        }
        let tolerance = rule.threshold("tolerance", default: 0.002)
        var reports = [report]
        for extra in context.evaluations where extra.isV2 && extra.artifactSHA256 != report.artifactSHA256 { reports.append(extra) }
        var evidence: [Evidence] = []
        var scores: [(seed: Int?, bpb: Double)] = []
        for r in reports {
            guard let official = r.official else {
                evidence.append(Evidence("\(r.artifact ?? "?") sha256 \(r.artifactSHA256?.prefix(12) ?? "?"): the official evaluation wrote no NLLs"))
                continue
            }
            if let problem = consistency(official, r) {
                evidence.append(Evidence(problem))
                continue
            }
            guard let bpb = official.recomputed().valBPB else {
                return RuleResult(id: rule.id, status: .unverifiable, severity: rule.severity,
                                  message: "the official evaluation has no byte count (no tokenizer given), so Referee cannot compute val_bpb; give --tokenizer-path")
            }
            let seed = context.measured?.seeds.first { s in
                ([s.artifact?.sha256] + (s.artifacts ?? []).map(\.sha256)).compactMap { $0 }.contains { $0 == r.artifactSHA256 }
            }?.seed
            scores.append((seed, bpb))
        }
        if !evidence.isEmpty {
            return RuleResult(id: rule.id, status: .fail, severity: rule.severity, message: "the official evaluation is not usable: " + evidence.map(\.detail).joined(separator: "; "), evidence: evidence).resting(on: .measured)
        }
        var lines: [String] = []
        for (seed, bpb) in scores {
            var line = "seed \(seed.map(String.init) ?? "?"): official val_bpb \(String(format: "%.8f", bpb))"
            // The log runs of that seed (run.json ties the artifact to its seed); in a record made
            // elsewhere with a single scored run, that run.
            let scored = context.logs.flatMap(\.runs).filter { $0.score != nil }
            let runs = context.measured == nil && scores.count == 1 && reports.count == 1 && scored.count == 1
                ? scored : scored.filter { $0.seed != nil && $0.seed == seed }
            let claimed = runs.compactMap { $0.score?.eval.valBPB }
            // In decoy mode the training process scored the decoy it was given, not the
            // validation set: its logged score is no claim about validation.
            if context.measured?.trainedOnDecoy == true {
                if let last = claimed.last { line += ", logged \(last) on the decoy training got (not compared)" }
                lines.append(line)
                continue
            }
            for claim in claimed {
                line += ", logged \(claim)"
                if claim < bpb - tolerance {
                    evidence.append(Evidence("seed \(seed.map(String.init) ?? "?"): the log claims val_bpb \(claim), better than Referee's official \(String(format: "%.8f", bpb)) by \(String(format: "%.6f", bpb - claim)) (> \(tolerance))"))
                }
            }
            lines.append(line)
        }
        if let claim = context.claims?.valBPB, !scores.isEmpty {
            let mean = scores.map(\.bpb).reduce(0, +) / Double(scores.count)
            lines.append("submission.json claims \(claim), mean official \(String(format: "%.8f", mean)) over \(scores.count) evaluated seed(s)")
            if claim < mean - tolerance {
                evidence.append(Evidence("submission.json claims val_bpb \(claim), better than the mean official \(String(format: "%.8f", mean)) by more than \(tolerance)"))
            }
        }
        let detail = lines.joined(separator: "; ") + " (claims may be better by at most \(tolerance) bpb); \(header(report))"
        return RuleResult(id: rule.id, status: evidence.isEmpty ? .pass : .fail, severity: rule.severity,
                          message: evidence.isEmpty ? "Referee's official evaluation: \(detail)" : "a claimed score is better than Referee's official evaluation: \(detail)",
                          evidence: evidence)
    }

    /// Why the blocks do not cover every target of the stream once, or disagree with the
    /// report's byte count; nil when they are consistent.
    static func consistency(_ score: EvaluationScore, _ report: ProbeReport) -> String? {
        var next = 1
        for block in score.blocks {
            guard block.start == next, block.end > block.start, block.nll.isFinite, block.nll >= 0, block.bytes >= 0 else {
                return "official blocks: block [\(block.start), \(block.end)) does not continue at \(next) with a finite, non-negative NLL sum"
            }
            next = block.end
        }
        if let n = report.valTokens, next != n {
            return "official blocks end at \(next), but the validation stream has \(n) tokens (targets 1…\(n.subtractingSaturating(1)))"
        }
        if let bytes = report.valBytes, let summed = score.recomputed().bytes, summed != bytes {
            return "official blocks sum to \(summed) bytes, but Referee counted \(bytes) over the validation stream"
        }
        return nil
    }
}

extension AuditContext {
    /// Mean official val_bpb over the seeds (see ``RecordAudit/officialScore``).
    var officialScore: Double? {
        if measured != nil {
            guard let seeds = officialScoresOfCompletedSeeds else { return nil }
            return seeds.map(\.valBPB).reduce(0, +) / Double(seeds.count)
        }
        let (bySHA, reports) = officialScoresByArtifact
        guard !bySHA.isEmpty, bySHA.count == reports else { return nil }
        return bySHA.values.map(\.valBPB).reduce(0, +) / Double(bySHA.count)
    }

    /// Official val_bpb of each completed seed of run.json, by seed number (see
    /// ``RecordAudit/officialScores``): nil unless every completed seed's artifact has one.
    var officialScoresBySeed: [Int: Double]? {
        guard let seeds = officialScoresOfCompletedSeeds else { return nil }
        return Dictionary(seeds.compactMap { s in s.seed.map { ($0, s.valBPB) } }, uniquingKeysWith: { a, _ in a })
    }

    /// The official scores of every completed seed of run.json, in its order: nil without
    /// run.json, without a completed seed, or when one lacks an official evaluation.
    var officialScoresOfCompletedSeeds: [OfficialSeedScore]? {
        guard let measured else { return nil }
        let (bySHA, _) = officialScoresByArtifact
        let completed = measured.seeds.filter { $0.artifact?.sha256 != nil }
        guard !completed.isEmpty else { return nil }
        var out: [OfficialSeedScore] = []
        for s in completed {
            guard let sha = s.artifact?.sha256, let score = bySHA[sha] else { return nil }
            out.append(OfficialSeedScore(seed: s.seed, valBPB: score.valBPB, valLoss: score.valLoss))
        }
        return out
    }

    /// The per-seed sample a comparison with another record uses: Referee's official scores
    /// when every completed seed has one, else the logged scores of the distinct scored runs.
    var comparisonSample: ScoreSample {
        if let seeds = officialScoresOfCompletedSeeds {
            return ScoreSample(valLosses: seeds.map(\.valLoss), valBPBs: seeds.map(\.valBPB), official: true)
        }
        let scored = scoredRuns.map(\.score.eval)
        return ScoreSample(valLosses: scored.compactMap(\.valLoss), valBPBs: scored.map(\.valBPB), official: false)
    }

    /// Official val_bpb per artifact SHA-256, from every consistent protocol-v2 report, and the
    /// number of such reports.
    private var officialScoresByArtifact: (scores: [String: (valBPB: Double, valLoss: Double)], reports: Int) {
        let reports = ([probes].compactMap { $0 } + evaluations).filter { $0.isV2 && $0.entryPoint }
        var bySHA: [String: (valBPB: Double, valLoss: Double)] = [:]
        for r in reports {
            guard let sha = r.artifactSHA256, let official = r.official, ProbeChecks.consistency(official, r) == nil else { continue }
            let score = official.recomputed()
            guard let bpb = score.valBPB else { continue }
            bySHA[sha] = (bpb, score.valLoss)
        }
        return (bySHA, reports.count)
    }
}

/// One seed's official scores (Referee's evaluation of its artifact, recomputed from the blocks).
package struct OfficialSeedScore: Hashable, Sendable {
    package var seed: Int?
    package var valBPB: Double
    /// Mean NLL per target, nats.
    package var valLoss: Double
}

/// Per-seed scores of a record for a comparison (``AuditContext/comparisonSample``).
package struct ScoreSample: Hashable, Sendable {
    package var valLosses: [Double]
    package var valBPBs: [Double]
    /// Referee's official scores, not the logged ones.
    package var official: Bool
}
