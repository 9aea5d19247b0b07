import RefereeAudit

/// Sample statistics of a record's runs and the significance of an improvement.
package enum Statistics {
    /// Arithmetic mean; nil for an empty sample.
    package static func mean(_ xs: [Double]) -> Double? {
        xs.isEmpty ? nil : xs.reduce(0, +) / Double(xs.count)
    }

    /// Sample standard deviation (n − 1 denominator); nil with fewer than two values.
    package static func sampleStd(_ xs: [Double]) -> Double? {
        guard xs.count >= 2 else { return nil }
        return SampleStats(xs).standardDeviation
    }

    /// One-sided p-value that the new runs' mean val_loss is lower than the old record's mean
    /// by more than `margin` nats (H0: mean(old) − mean(new) ≤ margin).
    ///
    /// With two or more old runs this is the audit's ``WelchTest`` (the same number the
    /// `stats.significance` rule judges); with one old value (a record known only by its mean)
    /// a one-sample t-test of the new runs against `old − margin`. Nil when the new sample has
    /// fewer than two runs or no variance.
    package static func improvementPValue(new: [Double], old: [Double], margin: Double) -> Double? {
        if old.count >= 2 {
            return WelchTest(new: new, old: old, margin: margin)?.pValue
        }
        guard new.count >= 2, let oldValue = old.first, let sd = sampleStd(new), sd > 0, let m = mean(new) else { return nil }
        let t = ((oldValue - margin) - m) / (sd / Double(new.count).squareRoot())
        guard t.isFinite else { return nil }
        return 1 - StudentT.cdf(t, df: Double(new.count - 1))
    }
}
