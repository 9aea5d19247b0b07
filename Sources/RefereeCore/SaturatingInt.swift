extension Int {
    /// `value` rounded toward zero and clamped to `Int.min ... Int.max`; NaN becomes 0.
    ///
    /// `Int(_: Double)` traps on NaN, infinities and anything past ±9.22e18, which a hostile
    /// number in evidence (or a rule threshold) can reach; use this where a clamped value is the
    /// right answer, and `Int(exactly:)` where an out-of-range value must be reported instead.
    package init(saturating value: Double) {
        if value.isNaN {
            self = 0
        } else if value >= 9.223372036854775807e18 {
            self = .max
        } else if value <= -9.223372036854775808e18 {
            self = .min
        } else {
            self = Int(value)
        }
    }

    /// `self + other`, stuck at `Int.max` / `Int.min` instead of trapping on overflow.
    /// `self - other`, clamped to `Int.min...Int.max` (negating `Int.min` would trap).
    package func subtractingSaturating(_ other: Int) -> Int {
        let (value, overflow) = subtractingReportingOverflow(other)
        return overflow ? (other > 0 ? .min : .max) : value
    }

    package func addingSaturating(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }
}
