import Foundation

/// Mean and sample standard deviation of a list of values.
package struct SampleStats: Codable, Hashable, Sendable {
    package var count: Int
    package var mean: Double
    /// Sample variance (n − 1 denominator); 0 for a single value.
    package var variance: Double

    package init(_ values: [Double]) {
        count = values.count
        mean = values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
        if values.count > 1 {
            let m = mean
            variance = values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)
        } else {
            variance = 0
        }
    }

    package var standardDeviation: Double { variance.squareRoot() }
}

/// One-sided Welch t-test that a new set of runs improves on an old one by at least a margin.
///
/// Lower is better (val_loss in nats). The null hypothesis is `mean(old) − mean(new) ≤ margin`;
/// a small p-value says the improvement exceeds the margin. Degrees of freedom are
/// Welch–Satterthwaite's.
package struct WelchTest: Codable, Hashable, Sendable {
    package var new: SampleStats
    package var old: SampleStats
    package var margin: Double
    /// Observed improvement, `mean(old) − mean(new)`.
    package var improvement: Double
    package var t: Double
    package var degreesOfFreedom: Double
    package var pValue: Double

    /// Nil when either side has fewer than 2 values, or both have zero variance (no test possible),
    /// or a value or a statistic is not finite (values so large that the variance overflows).
    package init?(new newValues: [Double], old oldValues: [Double], margin: Double) {
        guard newValues.count >= 2, oldValues.count >= 2 else { return nil }
        guard margin.isFinite, (newValues + oldValues).allSatisfy(\.isFinite) else { return nil }
        new = SampleStats(newValues)
        old = SampleStats(oldValues)
        self.margin = margin
        improvement = old.mean - new.mean
        let vn = new.variance / Double(new.count)
        let vo = old.variance / Double(old.count)
        let se2 = vn + vo
        guard se2 > 0, se2.isFinite else { return nil }
        t = (improvement - margin) / se2.squareRoot()
        let dfDenominator = vn * vn / Double(new.count - 1) + vo * vo / Double(old.count - 1)
        degreesOfFreedom = se2 * se2 / dfDenominator
        guard t.isFinite, degreesOfFreedom.isFinite, degreesOfFreedom > 0 else { return nil }
        pValue = 1 - StudentT.cdf(t, df: degreesOfFreedom)
    }
}
