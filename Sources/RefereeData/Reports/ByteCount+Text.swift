extension ByteCount {
    /// A plain-text table: one line per shard (path, tokens, targets, bytes), then the totals.
    package func text() -> String {
        var rows: [[String]] = [["shard", "tokens", "targets", "bytes"]]
        for shard in shards {
            rows.append([shard.path, String(shard.tokens), String(shard.targets), String(shard.bytes)])
        }
        rows.append(["total", String(tokens), String(targets), String(bytes)])
        var out = "tokenizer: \(tokenizer) (vocab \(vocabSize))\n"
        out += TextTable.render(rows)
        if tokens > 0 {
            let ratio = targets > 0 ? Double(bytes) / Double(targets) : 0
            out += "bytes per target: \(format6(ratio))\n"
        }
        return out
    }
}

/// Left-aligns the first column and right-aligns the others.
enum TextTable {
    static func render(_ rows: [[String]]) -> String {
        guard let columns = rows.map(\.count).max() else { return "" }
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        var out = ""
        for row in rows {
            var cells: [String] = []
            for (i, cell) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                cells.append(i == 0 ? cell + pad : pad + cell)
            }
            out += cells.joined(separator: "  ") + "\n"
        }
        return out
    }
}

/// Formats with 6 decimals without Foundation's locale-dependent formatting.
func format6(_ value: Double) -> String {
    let scaled = (value * 1_000_000).rounded()
    guard scaled.isFinite, abs(scaled) < 9e18 else { return String(value) }
    let whole = Int(scaled) / 1_000_000
    let frac = abs(Int(scaled) % 1_000_000)
    let fracText = String(frac)
    return "\(whole)." + String(repeating: "0", count: 6 - fracText.count) + fracText
}
