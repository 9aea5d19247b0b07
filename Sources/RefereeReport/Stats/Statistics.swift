import Foundation

/// Sample statistics and the significance test a new record must pass.
public enum Statistics {
    /// Arithmetic mean; nil for an empty sample.
    public static func mean(_ xs: [Double]) -> Double? {
        xs.isEmpty ? nil : xs.reduce(0, +) / Double(xs.count)
    }

    /// Sample standard deviation (n − 1 denominator); nil with fewer than two values.
    public static func sampleStd(_ xs: [Double]) -> Double? {
        guard xs.count >= 2, let m = mean(xs) else { return nil }
        let ss = xs.reduce(0) { $0 + ($1 - m) * ($1 - m) }
        return (ss / Double(xs.count - 1)).squareRoot()
    }

    /// One-sided p-value that the new runs' mean val_loss is lower than the old record's mean
    /// by at least `margin` nats (H0: mean(new) ≥ mean(old) − margin).
    ///
    /// With two or more old runs this is Welch's t-test; with one old value (a record known only
    /// by its mean) a one-sample t-test of the new runs against `old − margin`. Returns nil when
    /// the new sample has fewer than two runs or has zero variance against a single old value.
    public static func improvementPValue(new: [Double], old: [Double], margin: Double) -> Double? {
        guard new.count >= 2, !old.isEmpty, let mNew = mean(new), let mOld = mean(old),
              let sNew = sampleStd(new) else { return nil }
        let diff = (mOld - margin) - mNew
        let vNew = sNew * sNew / Double(new.count)
        let t: Double
        let df: Double
        if old.count >= 2, let sOld = sampleStd(old) {
            let vOld = sOld * sOld / Double(old.count)
            let se2 = vNew + vOld
            guard se2 > 0 else { return diff > 0 ? 0 : 1 }
            t = diff / se2.squareRoot()
            let denom = vNew * vNew / Double(new.count - 1) + vOld * vOld / Double(old.count - 1)
            df = denom > 0 ? se2 * se2 / denom : Double(new.count + old.count - 2)
        } else {
            guard vNew > 0 else { return nil }
            t = diff / vNew.squareRoot()
            df = Double(new.count - 1)
        }
        return studentTUpperTail(t, df: df)
    }

    /// P(T > t) for Student's t with `df` degrees of freedom.
    public static func studentTUpperTail(_ t: Double, df: Double) -> Double {
        let x = df / (df + t * t)
        let tail = 0.5 * regularizedIncompleteBeta(x, a: df / 2, b: 0.5)
        return t >= 0 ? tail : 1 - tail
    }

    /// I_x(a, b), by the continued fraction of Numerical Recipes (§6.4).
    static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let lnGammas: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
        let lnPowers: Double = a * log(x) + b * log(1 - x)
        let lnFront = lnGammas + lnPowers
        let front = exp(lnFront)
        if x < (a + 1) / (a + b + 2) {
            return front * betaContinuedFraction(x, a: a, b: b) / a
        }
        return 1 - front * betaContinuedFraction(1 - x, a: b, b: a) / b
    }

    private static func betaContinuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...300 {
            let m = Double(m)
            let m2 = 2 * m
            var aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return h
    }
}
