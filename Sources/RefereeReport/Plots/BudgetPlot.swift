/// The budget bars as a standalone SVG: artifact size, training time and evaluation time, each
/// the maximum over the record's runs, against its cap. A bar past its cap is red (amber while
/// within the rule's grace); a missing measurement is an empty track saying "not in the logs".
package enum BudgetPlot {
    package static let fileName = "budget.svg"

    /// One bar: what was used against what is allowed.
    package struct Bar: Hashable, Sendable {
        package var label: String
        package var used: Double?
        package var cap: Double
        package var usedText: String
        package var capText: String
        /// How far past `cap` the rule still passes (the training grace); 0 for a hard cap.
        package var grace: Double = 0

        /// Green within the cap, amber within the grace, red beyond.
        var color: String? {
            guard let used else { return nil }
            if used <= cap { return "#2ca02c" }
            return used <= cap + grace ? "#e8b400" : "#d62728"
        }
    }

    /// The three bars of a record.
    package static func bars(_ r: RecordResults, budgets: Budgets) -> [Bar] {
        [
            Bar(label: "Artifact size", used: r.bytesTotal.map(Double.init), cap: Double(budgets.maxBytes),
                usedText: r.bytesTotal.map { "\(Fixed.grouped($0)) bytes" } ?? "not in the logs",
                capText: "\(Fixed.grouped(budgets.maxBytes)) bytes"),
            Bar(label: "Training time", used: r.maxTrainTimeMs.map { $0 / 1000 }, cap: budgets.maxTrainSeconds,
                usedText: r.maxTrainTimeMs.map { "\(Fixed.seconds(ms: $0)) s" } ?? "not in the logs",
                capText: "\(Fixed.format(budgets.maxTrainSeconds, 0)) s" + (budgets.trainGraceSeconds > 0 ? " (+\(Fixed.format(budgets.trainGraceSeconds, 0)) s grace)" : ""),
                grace: budgets.trainGraceSeconds),
            Bar(label: "Evaluation time", used: r.maxEvalTimeMs.map { $0 / 1000 }, cap: budgets.maxEvalSeconds,
                usedText: r.maxEvalTimeMs.map { "\(Fixed.seconds(ms: $0)) s" } ?? "not in the logs",
                capText: "\(Fixed.format(budgets.maxEvalSeconds, 0)) s"),
        ]
    }

    /// The SVG document.
    package static func svg(_ r: RecordResults, budgets: Budgets) -> String {
        let bars = bars(r, budgets: budgets)
        let width = 640.0, rowHeight = 56.0
        let height = 40 + rowHeight * Double(bars.count)
        var out = SVG.open(width: Int(width), height: Int(height), title: "Budgets: used against caps")
        out += "<text x=\"16\" y=\"22\" font-size=\"13\" font-weight=\"bold\">Budgets (max over runs) against caps</text>\n"
        let trackX = 140.0, trackW = 440.0
        for (i, bar) in bars.enumerated() {
            let y = 36 + rowHeight * Double(i)
            out += "<text x=\"16\" y=\"\(SVG.c(y + 18))\">\(SVG.escape(bar.label))</text>\n"
            out += "<rect x=\"\(SVG.c(trackX))\" y=\"\(SVG.c(y + 4))\" width=\"\(SVG.c(trackW))\" height=\"20\" fill=\"#eeeeee\" stroke=\"#999999\"/>\n"
            let fraction = bar.used.map { $0 / bar.cap }
            if let f = fraction, let color = bar.color {
                let w = min(f, 1.1) * trackW
                out += "<rect x=\"\(SVG.c(trackX))\" y=\"\(SVG.c(y + 4))\" width=\"\(SVG.c(w))\" height=\"20\" fill=\"\(color)\"/>\n"
                out += "<text x=\"\(SVG.c(trackX + trackW + 6))\" y=\"\(SVG.c(y + 18))\" fill=\"\(color)\">\(Fixed.format(f * 100, 2))%</text>\n"
            }
            out += "<line x1=\"\(SVG.c(trackX + trackW))\" y1=\"\(SVG.c(y))\" x2=\"\(SVG.c(trackX + trackW))\" y2=\"\(SVG.c(y + 28))\" stroke=\"#000000\" stroke-width=\"2\"/>\n"
            out += "<text x=\"\(SVG.c(trackX))\" y=\"\(SVG.c(y + 40))\" fill=\"#444444\">\(SVG.escape(bar.usedText)) of \(SVG.escape(bar.capText))</text>\n"
        }
        return out + SVG.close
    }
}
