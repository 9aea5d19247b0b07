import Foundation
import RefereeTrace

/// The numbers a probe report holds, computed from the runs' raw outputs.
enum ProbeComparison {
    /// Largest |a[i] − b[i]| over positions `1 ..< limit` (the arrays index position i at i − 1),
    /// and the position where it occurs.
    static func maxDelta(_ a: [Double], _ b: [Double], below limit: Int) -> (Double, Int?) {
        var worst = 0.0
        var at: Int?
        let upto = min(limit - 1, a.count, b.count)
        guard upto > 0 else { return (0, nil) }
        for i in 0..<upto {
            let d = abs(a[i] - b[i])
            if d > worst || d.isNaN {
                worst = d.isNaN ? .infinity : d
                at = i + 1
                if d.isNaN { break }
            }
        }
        return (worst, at)
    }

    /// Largest |p − q| over the vocabulary (infinity when the lengths differ).
    static func distDelta(_ p: [Double], _ q: [Double]) -> Double {
        guard p.count == q.count else { return .infinity }
        var worst = 0.0
        for (x, y) in zip(p, q) {
            let d = abs(x - y)
            if d.isNaN { return .infinity }
            worst = max(worst, d)
        }
        return worst
    }

    /// Checks every dumped distribution of a run against its NLLs and the shard's targets.
    static func distributions(run: String, outputs: EvalOutputs, tokens: [UInt16]) -> [DistributionCheck] {
        guard let nll = outputs.nll else { return [] }
        return outputs.dists.keys.sorted().compactMap { pos in
            guard pos >= 1, pos < tokens.count, let probs = outputs.dists[pos] else { return nil }
            let target = Int(tokens[pos])
            let sum = probs.reduce(0, +)
            let p = target < probs.count ? probs[target] : 0
            let negLogP = p > 0 ? -Foundation.log(p) : .infinity
            return DistributionCheck(run: run, position: pos, target: target, vocabSize: probs.count,
                                     sum: sum, nll: nll[pos - 1], negLogP: negLogP)
        }
    }
}
