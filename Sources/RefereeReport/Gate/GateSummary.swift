import RefereeAudit

/// The Markdown summary `referee gate --summary FILE` writes for a pull-request comment (or
/// `$GITHUB_STEP_SUMMARY`): an overall line, one table row per path, then the failed rules of
/// each failing path with their evidence locations.
package enum GateSummary {
    package static func markdown(_ entries: [GateEntry], strict: Bool) -> String {
        let failing = entries.filter { $0.fails(strict: strict) }
        var md = failing.isEmpty
            ? "## ✅ Referee gate passed\n\n"
            : "## ❌ Referee gate failed: \(failing.count) of \(entries.count) path\(entries.count == 1 ? "" : "s")\n\n"
        md += "| Path | Verdict | val_bpb | Runs | Failed rules | Unverifiable | Bundle |\n|---|---|---:|---:|---:|---:|---|\n"
        for e in entries {
            if let a = e.audit {
                let failed = a.results.filter { $0.status == .fail }.count
                let unverifiable = a.results.filter { $0.status == .unverifiable }.count
                md += "| `\(e.path)` | \(RecordPage.verdictText(a.verdict).split(separator: " (").first.map(String.init) ?? "") | \(a.score.map { Fixed.format($0, 8) } ?? "n/a") | \(a.runs.count) | \(failed) | \(unverifiable) | \(ReadmeWriter.cell(e.bundle.text)) |\n"
            } else {
                md += "| `\(e.path)` | ❌ ERROR | n/a | 0 | | | \(ReadmeWriter.cell(e.bundle.text)) |\n"
            }
        }
        for e in failing {
            md += "\n### `\(e.path)`\n\n"
            if let error = e.error { md += "- Could not audit: \(error)\n" }
            if case .invalid(let reason) = e.bundle { md += "- Bundle: \(reason)\n" }
            if let a = e.audit {
                for r in a.results where r.status == .fail || (strict && r.status == .unverifiable) {
                    md += "- `\(r.id)` (\(r.severity.rawValue), \(r.status.rawValue)): \(r.message)\(ReadmeWriter.evidenceText(r))\n"
                }
            }
        }
        return md
    }
}
