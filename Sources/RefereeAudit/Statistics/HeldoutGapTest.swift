import Foundation
import RefereeCore

/// One block of an evaluation in probes.json v2 (`official.blocks`, `heldout.blocks`): target
/// positions `[start, end)`, their summed NLL (nats) and summed target bytes.
package struct ScoreBlock: Codable, Hashable, Sendable {
    package var start: Int
    package var end: Int
    package var nll: Double
    package var bytes: Double

    package init(start: Int, end: Int, nll: Double, bytes: Double) {
        self.start = start
        self.end = end
        self.nll = nll
        self.bytes = bytes
    }

    /// Bits per byte of the block.
    package var bpb: Double { nll / (Foundation.log(2.0) * bytes) }

    /// Target positions in the block: `end - start`, 0 when reversed, saturated (a tampered
    /// probes.json may hold any two integers).
    package var length: Int { max(0, end.subtractingSaturating(start)) }
}

/// Does the validation set score better than held-out text of the same distribution by a
/// statistically significant margin? (rule `data.heldout-gap`)
///
/// **Test.** One-sided Welch t-test on per-block bits per byte, H0: mean(heldout) − mean(official)
/// ≤ 0, H1: > 0 (validation better). Blocks are 2048 consecutive targets; a block shorter than
/// half the longest block of its list (the tail) or with no bytes is left out. Adjacent blocks
/// are correlated (a document can straddle a boundary): each side's variance of the mean is
/// inflated by its lag-1 autocorrelation ρ (AR(1) effective sample size
/// n_eff = n·(1 − ρ)/(1 + ρ), with ρ = r₁ + (1 + 4r₁)/n, the sample lag-1 autocorrelation r₁
/// corrected for its small-sample bias, clamped to [0, 0.95] so that a negative estimate never
/// shrinks the variance), and Welch–Satterthwaite's degrees of freedom use n_eff.
/// **Decision.** `significant` when p < `alpha` AND the gap exceeds `minGap` (bpb): a gap below
/// `minGap` is not material even when many blocks make it significant. Under H0 the false-alarm
/// rate is at most `alpha` (measured in docs/rules.md).
package struct HeldoutGapTest: Codable, Hashable, Sendable {
    /// What one side contributed.
    package struct Side: Codable, Hashable, Sendable {
        /// Blocks used (after the short tail was left out).
        package var blocks: Int
        /// Mean and sample variance of the per-block bpb.
        package var mean: Double
        package var variance: Double
        /// Lag-1 autocorrelation of the per-block bpb, as estimated (before clamping).
        package var lag1: Double
        /// Effective number of independent blocks.
        package var effective: Double
        /// Σ nll / (ln 2 · Σ bytes) over the blocks used: the stream's val_bpb.
        package var bpb: Double
    }

    package var official: Side
    package var heldout: Side
    /// mean(heldout) − mean(official), per-block bpb: positive when validation scores better.
    package var gap: Double
    package var standardError: Double
    package var t: Double
    package var degreesOfFreedom: Double
    package var pValue: Double
    package var alpha: Double
    package var minGap: Double

    /// Fewest blocks a side needs for a test.
    package static let minimumBlocks = 4

    /// Validation scores better than held-out by a significant and material margin.
    package var significant: Bool { pValue < alpha && gap > minGap }

    /// The gap detected with probability `power` at this sample size (normal approximation:
    /// (z₁₋α + z_power) · SE, and at least `minGap`).
    package func detectableGap(power: Double = 0.9) -> Double {
        max(minGap, (Self.normalQuantile(1 - alpha) + Self.normalQuantile(power)) * standardError)
    }

    /// Nil when a side has fewer than ``minimumBlocks`` usable blocks, a value is not finite, or
    /// both sides have zero variance (no test possible). `correctAutocorrelation: false` treats
    /// blocks as independent (only to measure what the correction buys; the rule never does).
    package init?(official: [ScoreBlock], heldout: [ScoreBlock], alpha: Double, minGap: Double, correctAutocorrelation: Bool = true) {
        guard let o = Self.side(official, correct: correctAutocorrelation), let h = Self.side(heldout, correct: correctAutocorrelation),
              alpha > 0, alpha < 1, minGap.isFinite else { return nil }
        self.official = o
        self.heldout = h
        self.alpha = alpha
        self.minGap = minGap
        gap = h.mean - o.mean
        let vo = o.variance / o.effective
        let vh = h.variance / h.effective
        let se2 = vo + vh
        guard se2 > 0, se2.isFinite else { return nil }
        standardError = se2.squareRoot()
        t = gap / standardError
        let denominator = vo * vo / max(o.effective - 1, 1) + vh * vh / max(h.effective - 1, 1)
        degreesOfFreedom = se2 * se2 / denominator
        guard t.isFinite, degreesOfFreedom.isFinite, degreesOfFreedom > 0 else { return nil }
        pValue = 1 - StudentT.cdf(t, df: degreesOfFreedom)
    }

    /// The blocks a side uses: bytes > 0 and at least half as long as its longest block.
    package static func usable(_ blocks: [ScoreBlock]) -> [ScoreBlock] {
        let longest = blocks.map(\.length).max() ?? 0
        // `length >= ⌈longest / 2⌉` rather than `2 × length >= longest`, which overflows.
        return blocks.sorted { $0.start < $1.start }.filter { $0.bytes > 0 && $0.length >= longest / 2 + longest % 2 && $0.length > 0 }
    }

    static func side(_ blocks: [ScoreBlock], correct: Bool) -> Side? {
        let used = usable(blocks)
        guard used.count >= minimumBlocks else { return nil }
        let values = used.map(\.bpb)
        guard values.allSatisfy(\.isFinite) else { return nil }
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let centred = values.map { $0 - mean }
        let ss = centred.reduce(0) { $0 + $1 * $1 }
        let variance = ss / (n - 1)
        var lag1 = 0.0
        if ss > 0 {
            lag1 = zip(centred, centred.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 } / ss
        }
        // The lag-1 estimate from a few dozen blocks is biased low by about (1 + 4ρ)/n
        // (Kendall 1954; Marriott & Pope 1954): add it back, else the false-alarm rate exceeds α.
        let rho = correct ? min(max(lag1 + (1 + 4 * lag1) / n, 0), 0.95) : 0
        let effective = max(2, n * (1 - rho) / (1 + rho))
        let nll = used.reduce(0) { $0 + $1.nll }
        let bytes = used.reduce(0) { $0 + $1.bytes }
        return Side(blocks: used.count, mean: mean, variance: variance, lag1: lag1, effective: effective,
                    bpb: nll / (Foundation.log(2.0) * bytes))
    }

    /// Standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9).
    package static func normalQuantile(_ p: Double) -> Double {
        guard p > 0, p < 1 else { return p <= 0 ? -.infinity : .infinity }
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        if p < low {
            let q = (-2 * Foundation.log(p)).squareRoot()
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        if p > 1 - low { return -normalQuantile(1 - p) }
        let q = p - 0.5
        let r = q * q
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    }
}
