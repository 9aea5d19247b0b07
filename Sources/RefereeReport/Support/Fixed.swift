/// Locale-free, deterministic number formatting for every generated file.
///
/// `String(format:)` depends on the C library and locale; these helpers depend only on the
/// value, so unchanged evidence always gives the same bytes.
package enum Fixed {
    /// `value` rounded half away from zero to `decimals` places, e.g. `format(1.5, 2) == "1.50"`.
    /// Non-finite values are written `nan`, `inf` or `-inf`. `decimals` is clamped to 0...12.
    package static func format(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        let places = max(0, min(12, decimals))
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9.0e18 else { return String(value) }
        let units = UInt64(scaled)
        let divisor = UInt64(scale)
        let whole = units / divisor
        let fraction = units % divisor
        let sign = (value < 0 && units != 0) ? "-" : ""
        if places == 0 { return "\(sign)\(whole)" }
        var digits = String(fraction)
        while digits.count < places { digits = "0" + digits }
        return "\(sign)\(whole).\(digits)"
    }

    /// `value` rounded to `decimals` places as a Double, whose shortest description (and so its
    /// JSON encoding) has at most `decimals` places.
    package static func round(_ value: Double, _ decimals: Int) -> Double {
        guard value.isFinite else { return value }
        var scale = 1.0
        for _ in 0..<max(0, min(12, decimals)) { scale *= 10 }
        return (value * scale).rounded(.toNearestOrAwayFromZero) / scale
    }

    /// An integer with thousands separators: `15992995` → `15,992,995`.
    package static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// Milliseconds as seconds with one decimal: `588045` → `588.0`.
    package static func seconds(ms: Double) -> String { format(ms / 1000, 1) }
}
