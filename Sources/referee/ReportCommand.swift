import RefereeLogs
import ArgumentParser
import Foundation
import RefereeAudit
import RefereeReport

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML report of a record (compliance table, results, plots).",
        discussion: """
        The page has inline CSS and SVG and no external resources. The audit reads the record as it \
        is (including its own submission.json). Exit code 0 when the audit passes or is incomplete, \
        1 when a rule failed (the report is written anyway), 2 on bad input.
        """
    )

    @Argument(help: "The record folder.")
    var recordDir: String

    @Option(help: "The HTML file to write.")
    var html: String

    @Option(help: "Date YYYY-MM-DD shown in the report (default: latest log timestamp, else the folder name's prefix).")
    var date: String?

    @OptionGroup var rules: RulesOptions

    func run() throws {
        let url = URL(fileURLWithPath: recordDir)
        let ruleSet = try rules.ruleSet(for: url)
        let context = try EvidenceLoader().context(for: url, displayPath: "")
        let audit = Auditor(rules: ruleSet).audit(context)
        let folderName = url.standardizedFileURL.lastPathComponent
        // The page shows a date but does not need one: without evidence of it, say so.
        let when: String
        if date != nil {
            when = try RecordDate.resolve(flag: date, logs: context.logs, folderName: folderName).date
        } else {
            when = (try? RecordDate.resolve(flag: nil, logs: context.logs, folderName: folderName))?.date ?? "date not in the evidence"
        }
        let files = try RecordFileList.list(url)
        let claims = context.claims
        let metadata = SubmissionMetadata(author: claims?.author ?? "unknown", githubID: claims?.githubID ?? "unknown",
                                          name: claims?.name ?? folderName, blurb: "", date: when)
        let page = RecordPage(evidence: RecordEvidence(audit: audit, logs: context.logs, files: files, folderName: folderName, measured: context.measured, officialValDigests: ruleSet.officialValDigests),
                              metadata: metadata, budgets: Budgets(rules: ruleSet), generator: "referee \(RefereeVersion.string)")
        let out = URL(fileURLWithPath: html)
        try ReportFileWriter.write(HTMLReport.render(page), to: out)
        print(out.path)
        if audit.verdict == .fail { throw ExitCode.ruleFailed }
    }
}
