import Foundation
import RefereeCore
import RefereeLogs

/// `claim.score` and `claim.size`: what submission.json claims, against what the logs show.
enum ClaimChecks {
    static let all: [String: RuleCheck] = [
        "claim.score": score,
        "claim.size": size,
    ]

    /// Decimal places of a number as written (from the claim file when known).
    static func decimals(of value: Double, written: Int?) -> Int {
        if let written { return written }
        let text = "\(value)"
        guard let dot = text.firstIndex(of: "."), !text.contains("e") else { return 0 }
        return text.distance(from: text.index(after: dot), to: text.endIndex)
    }

    static func score(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        guard let claims = context.claims, let at = context.claimsLocation else {
            return rule.unverifiable("no submission.json: nothing claimed to compare")
        }
        guard let claimed = claims.valBPB else {
            return rule.unverifiable("submission.json has no val_bpb", [Evidence("claims", at: at)])
        }
        let scored = context.scoredRuns
        guard !scored.isEmpty, let mean = context.meanScore else {
            return rule.unverifiable("no run has a score line to compare val_bpb \(claimed) with", [Evidence("claims", at: at)])
        }
        let places = decimals(of: claimed, written: claims.valBPBDecimals)
        // One unit in the claim's last place: a mean of per-seed values rounded at that
        // precision may differ from the exact mean by up to that much.
        let tolerance = pow(10, -Double(places)) + 1e-12
        let half = 0.5 * pow(10, -Double(places)) + 1e-12
        let perRun = scored.map { Evidence("\($0.ref.label): val_bpb \(Fmt.fixed($0.score.eval.valBPB, $0.score.eval.decimals))", at: $0.score.eval.location) }
        let meanText = Fmt.fixed(mean, max(places, 8))
        let claimText = Fmt.fixed(claimed, places)
        let missing = context.distinctRuns.count - scored.count
        let missingNote = missing > 0 ? " (\(missing) run(s) without a score line are not in the mean)" : ""
        if abs(claimed - mean) <= tolerance {
            return rule.pass("val_bpb \(claimText) = mean of \(scored.count) distinct run(s) \(meanText)\(missingNote)", perRun)
        }
        // The score that counts may be Referee's own evaluation (protocol v2, score.official),
        // which `referee run` writes into submission.json: that is no claim from the logs.
        if let official = context.officialScore, abs(claimed - official) <= tolerance {
            return rule.pass("val_bpb \(claimText) = Referee's official score \(Fmt.fixed(official, max(places, 8))) (mean of its own evaluation of every seed's artifact; the logs' mean is \(meanText))", perRun)
        }
        let evidence = [Evidence("claimed val_bpb \(claimText)", at: at)] + perRun
        let what = diagnose(claimed, half: half, context: context, scored: scored)
        return rule.fail("val_bpb \(claimText) is not the mean \(meanText) of \(scored.count) distinct run(s)\(what.text.map { ": it equals \($0)" } ?? "")\(missingNote)", evidence + what.evidence)
    }

    /// Names what a wrong score claim equals: the best seed, one run, a non-final line, a subset.
    private static func diagnose(_ claimed: Double, half: Double, context: AuditContext, scored: [(ref: RunRef, score: ScoreChoice)]) -> (text: String?, evidence: [Evidence]) {
        func close(_ v: Double) -> Bool { abs(v - claimed) <= half }
        let best = scored.min { $0.score.eval.valBPB < $1.score.eval.valBPB }!
        if scored.count > 1, close(best.score.eval.valBPB) {
            let seeds = scored.compactMap(\.ref.run.seed)
            let distinctSeeds = seeds.count == scored.count && Set(seeds).count == seeds.count
            let what = distinctSeeds ? "the best seed" : "the best run"
            return ("\(what) (\(best.ref.label)\(best.ref.run.seed.map { ", seed \($0)" } ?? ""))", [Evidence("\(what)'s score", at: best.score.eval.location)])
        }
        if let one = scored.first(where: { close($0.score.eval.valBPB) }) {
            return ("one run's score (\(one.ref.label))", [Evidence("that run's score", at: one.score.eval.location)])
        }
        for ref in context.allRuns {
            if let line = ref.run.evals.first(where: { close($0.valBPB) && $0.location != ref.run.score?.eval.location }) {
                return ("a \(line.kind.rawValue.replacingOccurrences(of: "_", with: "-")) line, not a score (\(line.label))", [Evidence("line matching the claim", at: line.location)])
            }
            if let step = ref.run.steps.first(where: { $0.valBPB.map(close) ?? false }) {
                return ("a mid-training validation line (step \(step.step))", [Evidence("line matching the claim", at: SourceLocation(file: ref.run.file, line: step.line))])
            }
        }
        if scored.count > 2, scored.count <= 12 {
            let values = scored.map(\.score.eval.valBPB)
            for mask in 1..<(1 << values.count) where mask.nonzeroBitCount >= 2 && mask.nonzeroBitCount < values.count {
                let picked = values.indices.filter { mask & (1 << $0) != 0 }
                let m = picked.map { values[$0] }.reduce(0, +) / Double(picked.count)
                if abs(m - claimed) <= 2 * half {
                    let names = picked.map { scored[$0].ref.label }.joined(separator: ", ")
                    return ("the mean of a subset of the runs (\(names))", [])
                }
            }
        }
        return (nil, [])
    }

    static func size(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        guard let claims = context.claims, let at = context.claimsLocation else {
            return rule.unverifiable("no submission.json: nothing claimed to compare")
        }
        let perSeed = claims.seeds.filter { $0.artifactBytes != nil }
        guard claims.bytesTotal != nil || !perSeed.isEmpty else {
            return rule.unverifiable("submission.json claims no bytes_total and no per-seed artifact bytes", [Evidence("claims", at: at)])
        }
        let sized = context.distinctRuns.compactMap { ref in ref.run.sizes.artifactBytes.map { (ref: ref, size: $0) } }
        guard let largest = sized.max(by: { $0.size.bytes < $1.size.bytes }) else {
            return rule.unverifiable("no log has an artifact size line to compare the claim with", [Evidence("claims", at: at)])
        }
        var problems: [Evidence] = []
        var evidence: [Evidence] = []
        if let total = claims.bytesTotal {
            if total == largest.size.bytes {
                evidence.append(Evidence("bytes_total \(Fmt.bytes(total)) = largest logged artifact", at: largest.size.location))
            } else {
                problems.append(Evidence("bytes_total \(Fmt.bytes(total)) ≠ largest logged artifact \(Fmt.bytes(largest.size.bytes)): \(describe(total, sized: sized, context: context))", at: at))
                problems.append(Evidence("largest artifact", at: largest.size.location))
            }
        }
        for claim in perSeed {
            let bytes = claim.artifactBytes!
            guard let run = sized.first(where: { $0.ref.run.seed.map(String.init) == claim.seed }) else {
                problems.append(Evidence("seed \(claim.seed): claims \(Fmt.bytes(bytes)) bytes, but no log of that seed has a size line", at: at))
                continue
            }
            if run.size.bytes != bytes {
                problems.append(Evidence("seed \(claim.seed): claims \(Fmt.bytes(bytes)) bytes, the log says \(Fmt.bytes(run.size.bytes))", at: run.size.location))
            }
        }
        if !problems.isEmpty { return rule.fail("claimed artifact size does not match the logs", problems) }
        let what = claims.bytesTotal.map { "bytes_total \(Fmt.bytes($0)) is the largest logged artifact" } ?? "per-seed artifact bytes match the logs"
        return rule.pass(what, evidence)
    }

    /// What a wrong bytes_total equals: the mean, one seed's artifact, model bytes only.
    private static func describe(_ total: Int, sized: [(ref: RunRef, size: ByteCount)], context: AuditContext) -> String {
        let mean = Double(sized.map(\.size.bytes).reduce(0, +)) / Double(sized.count)
        if sized.count > 1, abs(Double(total) - mean) <= 1 {
            return "it is the mean over \(sized.count) runs, not the maximum"
        }
        if let one = sized.first(where: { $0.size.bytes == total }) {
            return "it is one run's artifact (\(one.ref.label)), not the largest"
        }
        for ref in context.distinctRuns {
            if let model = ref.run.sizes.modelBytes, model.bytes == total {
                return "it is the model bytes only of \(ref.label), without the code"
            }
        }
        let delta = total - sized.map(\.size.bytes).max()!
        return "it differs by \(delta > 0 ? "+" : "")\(Fmt.bytes(delta)) bytes"
    }
}
