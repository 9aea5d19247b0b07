import Foundation

/// Special functions for the Student-t distribution, with no dependencies.
package enum StudentT {
    /// P(T ≤ t) for a Student-t variable with `df` (> 0, may be fractional) degrees of freedom.
    /// NaN when `t` is NaN or `df` is not a positive number (never traps: `df` comes from
    /// evidence, and ±1e308 losses make it NaN).
    ///
    /// Uses P(|T| > |t|) = I_{df/(df+t²)}(df/2, 1/2), the regularised incomplete beta function.
    package static func cdf(_ t: Double, df: Double) -> Double {
        guard df > 0, !t.isNaN else { return .nan }
        if t == .infinity { return 1 }
        if t == -.infinity { return 0 }
        let x = df / (df + t * t)
        let tail = 0.5 * regularizedIncompleteBeta(x, a: df / 2, b: 0.5)
        return t > 0 ? 1 - tail : tail
    }

    /// I_x(a, b), the regularised incomplete beta function, for 0 ≤ x ≤ 1 and a, b > 0.
    ///
    /// Continued fraction evaluated with the modified Lentz method (Numerical Recipes §6.4),
    /// using the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) where it converges faster.
    package static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let lnFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        let front = exp(lnFront)
        if x < (a + 1) / (a + b + 2) {
            return front * betaContinuedFraction(x, a: a, b: b) / a
        }
        return 1 - front * betaContinuedFraction(1 - x, a: b, b: a) / b
    }

    private static func betaContinuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        let epsilon = 1e-15
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let m = Double(m)
            let m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < epsilon { break }
        }
        return h
    }
}
