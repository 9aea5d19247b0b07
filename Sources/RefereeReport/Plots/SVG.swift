/// Helpers for hand-written SVG: escaping and fixed coordinates.
enum SVG {
    /// Escapes text for XML content and attribute values (``XMLEscape``).
    static func escape(_ s: String) -> String { XMLEscape.escape(s) }

    /// A coordinate with one decimal, locale-free.
    static func c(_ v: Double) -> String { Fixed.format(v, 1) }

    /// The opening tag of a standalone SVG document of the given size.
    static func open(width: Int, height: Int, title: String) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" font-family="Helvetica, Arial, sans-serif" font-size="12" role="img" aria-label="\(escape(title))">
        <title>\(escape(title))</title>
        <rect x="0" y="0" width="\(width)" height="\(height)" fill="#ffffff"/>

        """
    }

    static let close = "</svg>\n"

    /// Round tick positions covering `lo...hi`, about `count` of them.
    static func ticks(_ lo: Double, _ hi: Double, count: Int = 5) -> (values: [Double], decimals: Int) {
        guard hi > lo, lo.isFinite, hi.isFinite else { return ([lo], 2) }
        let raw = (hi - lo) / Double(max(1, count - 1))
        var magnitude = 1.0
        var decimals = 0
        while magnitude > raw { magnitude /= 10; decimals += 1 }
        while magnitude * 10 <= raw { magnitude *= 10; decimals = max(0, decimals - 1) }
        let step: Double
        if raw <= magnitude { step = magnitude }
        else if raw <= 2 * magnitude { step = 2 * magnitude }
        else if raw <= 5 * magnitude { step = 5 * magnitude }
        else { step = 10 * magnitude; decimals = max(0, decimals - 1) }
        var values: [Double] = []
        var v = (lo / step).rounded(.up) * step
        while v <= hi + step * 1e-9 && values.count < 20 {
            values.append(v)
            v += step
        }
        return (values, decimals)
    }
}
