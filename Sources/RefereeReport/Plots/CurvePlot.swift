import RefereeLogs

/// The training curve of one run as a standalone SVG: train loss over steps (top panel) and
/// the in-training val_bpb points with the run's final score (bottom panel).
package enum CurvePlot {
    /// File name of the curve of `seed` under the plots folder, e.g. `curve-seed42.svg`.
    package static func fileName(for seed: SeedResult) -> String {
        if let s = seed.seed { return "curve-seed\(s).svg" }
        let base = seed.file.map { $0.isLetter || $0.isNumber ? $0 : "_" }
        return "curve-\(String(base))-run\(seed.runIndex).svg"
    }

    /// The SVG document. `run` is nil when the run's log was not parsed: the panels then say so.
    package static func svg(seed: SeedResult, run: RunLog?) -> String {
        let steps = run?.steps ?? []
        let train = steps.compactMap { p in p.trainLoss.map { (x: Double(p.step), y: $0) } }
        let val = steps.compactMap { p in p.valBPB.map { (x: Double(p.step), y: $0) } }
        let title = "Seed \(seed.seed.map(String.init) ?? seed.key): training curve"
        let width = 640, height = 520
        var out = SVG.open(width: width, height: height, title: title)
        let top = LineChart(
            title: "Train loss (seed \(seed.seed.map(String.init) ?? seed.key))",
            xLabel: "step", yLabel: "train loss (nats)",
            series: [.init(name: "train_loss", color: "#1f77b4", points: train, markers: false)],
            references: [])
        out += top.render(x: 0, y: 0, width: Double(width), height: 260)
        var refs: [LineChart.Reference] = []
        if let score = seed.valBPB {
            refs.append(.init(label: "final \(Fixed.format(score, 8))", value: score, color: "#d62728"))
        }
        let bottom = LineChart(
            title: "Validation val_bpb", xLabel: "step", yLabel: "val_bpb",
            series: [.init(name: "in-training val_bpb", color: "#2ca02c", points: val, markers: true)],
            references: refs)
        out += bottom.render(x: 0, y: 260, width: Double(width), height: 260)
        return out + SVG.close
    }
}
