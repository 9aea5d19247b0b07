import Foundation
import RefereeAudit
import RefereeCore

/// The human-readable audit: per record a header with the verdict and score, a table of runs
/// with budgets used as a percentage of their caps, then one line per rule with its status and
/// evidence as file:line (unverifiable rules with the same cause share one entry: ``RuleRows``).
package struct AuditTextReport: Sendable {
    /// Caps used for the percentage columns (from the rule set when given).
    package var maxBytes: Double
    package var maxTrainSeconds: Double
    package var maxEvalSeconds: Double
    /// Evidence lines shown per failed or unverifiable rule before "… N more".
    package var evidenceLimit = 6

    package init(rules: RuleSet? = nil) {
        maxBytes = rules?.rule("size.artifact-cap")?.thresholds["max_bytes"] ?? 16_000_000
        maxTrainSeconds = rules?.rule("time.train")?.thresholds["max_seconds"] ?? 600
        maxEvalSeconds = rules?.rule("time.eval")?.thresholds["max_seconds"] ?? 600
    }

    package func render(_ audits: [RecordAudit]) -> String {
        audits.map(render).joined(separator: "\n")
    }

    package func render(_ audit: RecordAudit) -> String {
        var out = "\(audit.path)\n"
        let distinct = audit.runs.filter { $0.duplicateOf == nil }
        let score = audit.score.map { String(format: "%.8f", $0) } ?? "none"
        out += "  verdict \(audit.verdict.rawValue.uppercased())   score \(score) (mean of \(distinct.filter { $0.score != nil }.count) distinct run(s))   track \(audit.track), rules \(audit.rulesVersion) (\(audit.rulesDigest.prefix(12)))\n"
        if let measured = audit.measuredScore {
            out += "  measured val_bpb \(String(format: "%.8f", measured)) (Referee's: Σ nll of the traces over the validation bytes it counted itself)\n"
        }
        if let official = audit.officialScore {
            out += "  official val_bpb \(String(format: "%.8f", official)) (Referee's own evaluation of every seed's artifact, the score that counts: rule score.official)\n"
        }
        out += "\n"
        out += runTable(audit.runs, record: audit.path)
        out += "\n"
        let rows = RuleRows.rows(audit.results)
        let idWidth = rows.filter { !$0.isGroup }.map(\.result.id.count).max() ?? 10
        for row in rows {
            let result = row.result
            if row.isGroup {
                // Unverifiable rules with one cause: their ids on one line, the cause once.
                out += "  ----  \(row.ids.joined(separator: ", ")) (\(row.ids.count) rules)\n"
                out += "  \(pad("", 4))  \(result.message)\n"
                for e in result.evidence.prefix(evidenceLimit) {
                    let place = e.location.map { SourceLocation(file: short($0.file, audit.path), line: $0.line).description } ?? ""
                    out += "  \(pad("", 4))    \(place)\(place.isEmpty ? e.detail : "  \(e.detail)")\n"
                }
                continue
            }
            let tag: String
            switch (result.status, result.severity) {
            case (.pass, _): tag = "PASS"
            case (.fail, .error): tag = "FAIL"
            case (.fail, .warning): tag = "WARN"
            case (.unverifiable, _): tag = "----"
            }
            out += "  \(tag)  \(pad(result.id, idWidth))  \(pad(result.source.rawValue, 8))  \(result.message)\n"
            let shown = result.status == .pass ? Array(result.evidence.filter { $0.location != nil }.prefix(1)) : Array(result.evidence.prefix(evidenceLimit))
            for e in shown {
                let file = e.location.map { short($0.file, audit.path) }
                let place = e.location.map { SourceLocation(file: short($0.file, audit.path), line: $0.line).description } ?? ""
                // The location already names the file: drop a leading "file: " from the detail.
                var text = e.detail
                if let file, text.hasPrefix(file + ": ") { text = String(text.dropFirst(file.count + 2)) }
                let detail = result.status == .pass ? "" : (place.isEmpty ? text : "  \(text)")
                out += "  \(pad("", 4))  \(pad("", idWidth))  \(pad("", 8))    \(place)\(detail)\n"
            }
            if result.status != .pass, result.evidence.count > evidenceLimit {
                out += "  \(pad("", 4))  \(pad("", idWidth))  \(pad("", 8))    … \(result.evidence.count - evidenceLimit) more\n"
            }
        }
        return out
    }

    /// `file` relative to the record path when it lies inside it.
    func short(_ file: String, _ record: String) -> String {
        let prefix = record.hasSuffix("/") ? record : record + "/"
        return file.hasPrefix(prefix) ? String(file.dropFirst(prefix.count)) : file
    }

    func runTable(_ runs: [RunSummary], record: String) -> String {
        guard !runs.isEmpty else { return "  (no runs)\n" }
        let header = ["run", "seed", "val_bpb", "line", "train", "eval", "artifact bytes", "gpus"]
        var rows: [[String]] = []
        for r in runs {
            let file = short(r.file, record)
            var name = r.runIndex == 0 ? file : "\(file) #\(r.runIndex + 1)"
            if let original = r.duplicateOf { name += " (copy of \((original as NSString).lastPathComponent))" }
            rows.append([
                name,
                r.seed.map(String.init) ?? "-",
                r.score.map { String(format: "%.8f", $0) } ?? "-",
                r.scoreLine.map(String.init) ?? "-",
                r.trainTimeMs.map { budget($0 / 1000, of: maxTrainSeconds, unit: "s") } ?? "-",
                r.evalTimeMs.map { budget($0 / 1000, of: maxEvalSeconds, unit: "s") } ?? "-",
                r.artifactBytes.map { "\($0) \(String(format: "%5.1f%%", 100 * Double($0) / maxBytes))" } ?? "-",
                r.gpuCount.map { "\($0)× \(r.gpu ?? "?")" } ?? "-",
            ])
        }
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            "  " + cells.enumerated().map { pad($1, widths[$0]) }.joined(separator: "  ").trimmingTrailingSpaces() + "\n"
        }
        return line(header) + rows.map(line).joined()
    }

    func budget(_ value: Double, of cap: Double, unit: String) -> String {
        String(format: "%.1f", value) + unit + " " + String(format: "%5.1f%%", 100 * value / cap)
    }

    func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
