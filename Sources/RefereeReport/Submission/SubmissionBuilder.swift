import Foundation
import RefereeAudit
import RefereeLogs

/// Builds the page of `referee submission`: audits the record, writes the numbers into a draft
/// submission.json, then audits again with that draft as the record's claims, so that the
/// compliance table shows the audit of exactly the file being written (and a second run on the
/// written folder gives the same bytes).
package struct SubmissionBuilder: Sendable {
    package var auditor: Auditor
    package var generator: String

    package init(auditor: Auditor, generator: String) {
        self.auditor = auditor
        self.generator = generator
    }

    /// `context` must be built with paths relative to the record folder (display path `""`).
    /// Throws ``ReportError/noScoredRun(path:)`` when no run has a final score.
    package func page(context: AuditContext, recordDir: URL, metadata: SubmissionMetadata, comparison: Comparison?, plotsFolder: String = "plots") throws(ReportError) -> RecordPage {
        let first = auditor.audit(context)
        guard first.runs.contains(where: { $0.score != nil }) else {
            throw ReportError.noScoredRun(path: recordDir.path)
        }
        let files = try RecordFileList.list(recordDir, excludingFolder: plotsFolder)
        let folderName = recordDir.standardizedFileURL.lastPathComponent
        let budgets = Budgets(rules: auditor.rules)
        let draft = RecordPage(evidence: RecordEvidence(audit: first, logs: context.logs, files: files, folderName: folderName, measured: context.measured, officialValDigests: auditor.rules.officialValDigests),
                               metadata: metadata, budgets: budgets, comparison: comparison, generator: generator, plotsFolder: plotsFolder)
        var withClaims = context
        withClaims.claims = draft.document.claims(path: "submission.json")
        let final = auditor.audit(withClaims)
        return RecordPage(evidence: RecordEvidence(audit: final, logs: context.logs, files: files, folderName: folderName, measured: context.measured, officialValDigests: auditor.rules.officialValDigests),
                          metadata: metadata, budgets: budgets, comparison: comparison, generator: generator, plotsFolder: plotsFolder)
    }
}

extension SubmissionDocument {
    /// What this document claims, as the auditor's claim checks read a submission.json.
    package func claims(path: String) -> SubmissionClaims {
        var c = SubmissionClaims(path: path)
        c.name = name
        c.author = author
        c.githubID = githubID
        c.date = date
        c.track = track
        c.valBPB = valBPB
        c.valBPBDecimals = valBPB == nil ? nil : 8
        c.valLoss = valLoss
        c.bytesTotal = bytesTotal
        c.bytesCode = bytesCode
        c.seeds = seeds.keys.sorted().map { key in
            let s = seeds[key]!
            return SeedClaim(seed: seedNumbers[key].map(String.init) ?? key, valBPB: s.valBPB, valLoss: s.valLoss, artifactBytes: s.bytesTotal)
        }
        return c
    }
}
