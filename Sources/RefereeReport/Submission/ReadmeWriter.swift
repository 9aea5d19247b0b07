import Foundation
import RefereeAudit
import RefereeCore

/// README.md of a record in the records' usual shape: summary, results per seed, budgets,
/// reproduction command, compliance table, included files. Plots are linked as SVG files
/// written beside it (see ``RecordPage/plots()``).
package enum ReadmeWriter {
    package static func render(_ page: RecordPage) -> String {
        let r = page.results, d = page.document, a = page.audit
        var md = "# \(d.name)\n\n"
        md += "**val_bpb \(opt(r.meanBPB, 8))** (mean of \(r.seeds.count) run\(r.seeds.count == 1 ? "" : "s")"
        if let s = r.stdBPB { md += ", std \(Fixed.format(s, 8))" }
        md += ") · val_loss \(opt(r.meanValLoss, 8)) nats · \(page.measuredHardware ?? r.hardware ?? "hardware not in the logs") · track `\(a.track)`\n\n"
        if let data = page.datasetStatement { md += "**Data:** \(data).\n\n" }
        md += "Author: \(d.author) (@\(d.githubID)) · Date: \(d.date) · Audit verdict: \(RecordPage.verdictText(a.verdict))\n\n"
        md += "\(d.blurb)\n\n"
        md += "## Summary\n\n"
        md += "| | |\n|---|---|\n"
        md += "| val_bpb (mean) | \(opt(r.meanBPB, 8)) |\n"
        md += "| val_bpb (std) | \(opt(r.stdBPB, 8)) |\n"
        md += "| val_loss (mean, nats) | \(opt(r.meanValLoss, 8)) |\n"
        md += "| Artifact bytes (max) | \(r.bytesTotal.map(Fixed.grouped) ?? "n/a") |\n"
        md += "| Code bytes (max) | \(r.bytesCode.map(Fixed.grouped) ?? "n/a") |\n"
        md += "| Runs | \(r.seeds.count)\(r.duplicates.isEmpty ? "" : " (\(r.duplicates.count) byte-identical cop\(r.duplicates.count == 1 ? "y" : "ies") counted once)") |\n"
        if let against = d.against {
            if let deltaBPB = against.deltaBPB, let marginBPB = against.marginBPB {
                md += "| Against | `\(against.record)`: val_bpb \(opt(against.valBPB, 8)), Δ \(Fixed.format(deltaBPB, 8)) bpb (margin \(Fixed.format(against.marginNats, 3)) nats = \(Fixed.format(marginBPB, 5)) bpb), p = \(against.pValue.map { Fixed.format($0, 6) } ?? "n/a")\(against.warning.map { "; ⚠️ \(cell($0))" } ?? "") |\n"
            } else {
                md += "| Against | `\(against.record)`: val_loss \(opt(against.valLoss, 8)), Δ \(opt(against.deltaNats, 8)) nats (margin \(Fixed.format(against.marginNats, 3))), p = \(against.pValue.map { Fixed.format($0, 6) } ?? "n/a") |\n"
            }
        }
        md += "\n## Results\n\n"
        md += "| Seed | val_bpb | val_loss | Artifact bytes | Code bytes | Train time (s) | Eval time (s) | Score line |\n"
        md += "|---|---:|---:|---:|---:|---:|---:|---|\n"
        for s in r.seeds {
            let where_ = s.scoreLine.map { "`\(s.file):\($0)`" } ?? "`\(s.file)`"
            md += "| \(s.seed.map(String.init) ?? s.key) | \(opt(s.valBPB, 8)) | \(opt(s.valLoss, 8)) | \(s.artifactBytes.map(Fixed.grouped) ?? "n/a") | \(s.codeBytes.map(Fixed.grouped) ?? "n/a") | \(s.trainTimeMs.map { Fixed.seconds(ms: $0) } ?? "n/a") | \(s.evalTimeMs.map { Fixed.seconds(ms: $0) } ?? "n/a") | \(where_)\(s.scoreLabel.map { " `\($0)`" } ?? "") |\n"
        }
        md += "| **Mean** | **\(opt(r.meanBPB, 8))** | **\(opt(r.meanValLoss, 8))** | | | | | |\n"
        md += "| Std | \(opt(r.stdBPB, 8)) | \(opt(r.stdValLoss, 8)) | | | | | |\n"
        for (copy, original) in r.duplicates.sorted(by: { $0.key < $1.key }) {
            md += "\n`\(copy)` is a byte-identical copy of `\(original)` and is counted once."
        }
        if !r.duplicates.isEmpty { md += "\n" }
        md += measuredTable(page)
        md += "\n### Training curves\n\n"
        for s in r.seeds {
            md += "![Training curve of seed \(s.seed.map(String.init) ?? s.key)](\(page.plotsFolder)/\(CurvePlot.fileName(for: s)))\n"
        }
        md += "\n## Budgets\n\n"
        md += "![Budgets against caps](\(page.plotsFolder)/\(BudgetPlot.fileName))\n\n"
        md += "| Budget | Used (max over runs) | Cap | Share |\n|---|---:|---:|---:|\n"
        for bar in BudgetPlot.bars(r, budgets: page.budgets) {
            md += "| \(bar.label) | \(bar.usedText) | \(bar.capText) | \(bar.used.map { Fixed.format($0 / bar.cap * 100, 2) + "%" } ?? "n/a") |\n"
        }
        md += "\n## Reproduction\n\n```bash\n\(page.reproductionCommand)\n```\n\n"
        md += "Regenerate this README and submission.json from the logs with `referee submission <record-dir> --in-place`.\n"
        md += "\n## Compliance\n\n"
        md += "Rules `\(a.track)` version \(a.rulesVersion) (sha256 `\(a.rulesDigest)`). Verdict: \(RecordPage.verdictText(a.verdict)).\n\n"
        md += "Evidence: `measured` = Referee's own measurement (run.json, environment.json, its clock, the files and shards it hashed, its probes); `logged` = what the submission printed or wrote.\n\n"
        md += "| Rule | Status | Severity | Evidence | Detail |\n|---|---|---|---|---|\n"
        for row in RuleRows.rows(a.results) {
            let result = row.result
            md += "| \(row.ids.map { "`\($0)`" }.joined(separator: ", ")) | \(RecordPage.statusText(result.status)) | \(result.severity.rawValue) | \(result.source.rawValue) | \(cell(result.message))\(evidenceText(result)) |\n"
        }
        if a.results.isEmpty { md += "| (none) | | | | no rule was evaluated |\n" }
        md += "\n## Included files\n\n| File | Bytes |\n|---|---:|\n"
        for f in page.evidence.files {
            md += "| `\(f.path)` | \(Fixed.grouped(f.bytes)) |\n"
        }
        md += "\nGenerated by \(d.generatedBy) with README.md, submission.json and `\(page.plotsFolder)/*.svg`.\n"
        return md
    }

    /// Per seed, what Referee measured beside what the log says (records made by `referee run`).
    static func measuredTable(_ page: RecordPage) -> String {
        guard let m = page.evidence.measured, !m.seeds.isEmpty else { return "" }
        var md = "\n### Measured by Referee (run.json)\n\n"
        md += "| Seed | Training, Referee's clock (s) | train_time logged (s) | Artifact file bytes | Artifact sha256 |\n|---|---:|---:|---:|---|\n"
        for seed in m.seeds {
            let logged = page.results.seeds.first { $0.seed == seed.seed }?.trainTimeMs
            let training = seed.measuredTrainingSeconds.map { Fixed.format($0, 1) } ?? "n/a"
            md += "| \(seed.seed.map(String.init) ?? "?") | \(training) | \(logged.map { Fixed.seconds(ms: $0) } ?? "n/a") | \(seed.artifact?.bytes.map(Fixed.grouped) ?? "n/a") | \(seed.artifact?.sha256.map { "`\($0.prefix(16))…`" } ?? "n/a") |\n"
        }
        return md
    }

    static func opt(_ v: Double?, _ decimals: Int) -> String { v.map { Fixed.format($0, decimals) } ?? "n/a" }

    /// Table-cell safe text: pipes escaped, newlines folded.
    static func cell(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    static func evidenceText(_ r: RuleResult) -> String {
        let locs = r.evidence.compactMap { $0.location?.description }
        guard !locs.isEmpty else { return "" }
        let shown = locs.prefix(3).map { "`\($0)`" }.joined(separator: ", ")
        return " (\(shown)\(locs.count > 3 ? ", …" : ""))"
    }
}
