/// One panel of a line chart drawn into an SVG group: axes, ticks, series, reference lines.
struct LineChart {
    struct Series {
        var name: String
        var color: String
        var points: [(x: Double, y: Double)]
        /// Draw markers at every point (for sparse series such as periodic validations).
        var markers: Bool
    }

    struct Reference {
        var label: String
        var value: Double
        var color: String
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var series: [Series]
    var references: [Reference]

    /// The y-range: all references and the points past the first 10% of the x-range, so that
    /// the first steps' losses (often 3–10× the rest) do not flatten the curve. Points above
    /// the range are drawn on its top edge.
    func yRange() -> (Double, Double) {
        let allX = series.flatMap { $0.points.map(\.x) }
        let xMin = allX.min() ?? 0, xMax = allX.max() ?? 1
        let cut = xMin + (xMax - xMin) * 0.1
        var ys = series.flatMap { s in s.points.filter { $0.x >= cut }.map(\.y) }
        if ys.isEmpty { ys = series.flatMap { $0.points.map(\.y) } }
        ys += references.map(\.value)
        guard var lo = ys.min(), var hi = ys.max() else { return (0, 1) }
        if hi - lo < 1e-9 { lo -= 0.5; hi += 0.5 }
        let pad = (hi - lo) * 0.08
        return (lo - pad, hi + pad)
    }

    /// Renders the panel in the box (x, y, width, height) of the enclosing SVG.
    func render(x: Double, y: Double, width: Double, height: Double) -> String {
        let left = x + 56, right = x + width - 12, top = y + 24, bottom = y + height - 36
        let allX = series.flatMap { $0.points.map(\.x) }
        var xMin = allX.min() ?? 0, xMax = allX.max() ?? 1
        if xMax - xMin < 1e-9 { xMin -= 1; xMax += 1 }
        let (yMin, yMax) = yRange()
        func px(_ v: Double) -> Double { left + (v - xMin) / (xMax - xMin) * (right - left) }
        func py(_ v: Double) -> Double { bottom - (min(max(v, yMin), yMax) - yMin) / (yMax - yMin) * (bottom - top) }
        var out = "<g>\n"
        out += "<text x=\"\(SVG.c(left))\" y=\"\(SVG.c(y + 15))\" font-size=\"13\" font-weight=\"bold\">\(SVG.escape(title))</text>\n"
        out += "<rect x=\"\(SVG.c(left))\" y=\"\(SVG.c(top))\" width=\"\(SVG.c(right - left))\" height=\"\(SVG.c(bottom - top))\" fill=\"#fafafa\" stroke=\"#999999\"/>\n"
        let yt = SVG.ticks(yMin, yMax)
        for v in yt.values {
            out += "<line x1=\"\(SVG.c(left))\" y1=\"\(SVG.c(py(v)))\" x2=\"\(SVG.c(right))\" y2=\"\(SVG.c(py(v)))\" stroke=\"#e0e0e0\"/>\n"
            out += "<text x=\"\(SVG.c(left - 4))\" y=\"\(SVG.c(py(v) + 4))\" text-anchor=\"end\" fill=\"#444444\">\(Fixed.format(v, yt.decimals))</text>\n"
        }
        let xt = SVG.ticks(xMin, xMax)
        for v in xt.values {
            out += "<text x=\"\(SVG.c(px(v)))\" y=\"\(SVG.c(bottom + 14))\" text-anchor=\"middle\" fill=\"#444444\">\(Fixed.format(v, xt.decimals))</text>\n"
        }
        out += "<text x=\"\(SVG.c((left + right) / 2))\" y=\"\(SVG.c(bottom + 30))\" text-anchor=\"middle\" fill=\"#444444\">\(SVG.escape(xLabel))</text>\n"
        out += "<text x=\"\(SVG.c(x + 12))\" y=\"\(SVG.c((top + bottom) / 2))\" text-anchor=\"middle\" fill=\"#444444\" transform=\"rotate(-90 \(SVG.c(x + 12)) \(SVG.c((top + bottom) / 2)))\">\(SVG.escape(yLabel))</text>\n"
        for r in references {
            out += "<line x1=\"\(SVG.c(left))\" y1=\"\(SVG.c(py(r.value)))\" x2=\"\(SVG.c(right))\" y2=\"\(SVG.c(py(r.value)))\" stroke=\"\(r.color)\" stroke-dasharray=\"6 4\"/>\n"
            out += "<text x=\"\(SVG.c(right - 4))\" y=\"\(SVG.c(py(r.value) - 4))\" text-anchor=\"end\" fill=\"\(r.color)\">\(SVG.escape(r.label))</text>\n"
        }
        var legendX = right
        var offScale: [(x: Double, y: Double)] = []
        for s in series where !s.points.isEmpty {
            // Points above the scale (warm-up spikes) are left out of the line and named below.
            let shown = s.points.filter { $0.y <= yMax }
            offScale += s.points.filter { $0.y > yMax }
            let coords = shown.map { "\(SVG.c(px($0.x))),\(SVG.c(py($0.y)))" }.joined(separator: " ")
            out += "<polyline fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"1.5\" points=\"\(coords)\"/>\n"
            if s.markers {
                for p in shown {
                    out += "<circle cx=\"\(SVG.c(px(p.x)))\" cy=\"\(SVG.c(py(p.y)))\" r=\"3\" fill=\"\(s.color)\"/>\n"
                }
            }
            out += "<text x=\"\(SVG.c(legendX))\" y=\"\(SVG.c(y + 15))\" text-anchor=\"end\" fill=\"\(s.color)\">\(SVG.escape(s.name))</text>\n"
            legendX -= 8 + 7 * Double(s.name.count)
        }
        if let highest = offScale.max(by: { $0.y < $1.y }) {
            let note = "\(offScale.count) point\(offScale.count == 1 ? "" : "s") above the scale (max \(Fixed.format(highest.y, 4)) at step \(Fixed.format(highest.x, 0)))"
            out += "<text x=\"\(SVG.c(left + 6))\" y=\"\(SVG.c(top + 14))\" fill=\"#777777\" font-size=\"11\">\(SVG.escape(note))</text>\n"
        }
        if series.allSatisfy({ $0.points.isEmpty }) {
            out += "<text x=\"\(SVG.c((left + right) / 2))\" y=\"\(SVG.c((top + bottom) / 2))\" text-anchor=\"middle\" fill=\"#999999\">no data points in the log</text>\n"
        }
        return out + "</g>\n"
    }
}
