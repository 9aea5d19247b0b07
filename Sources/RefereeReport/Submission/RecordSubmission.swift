import RefereeLogs
import Foundation
import RefereeAudit

/// Generates a record's submission.json, README.md and plots from its evidence: the one code
/// path behind `referee submission` and the report step of `referee run`.
package struct RecordSubmission: Sendable {
    /// What the caller says about the record; nil fields fall back to the existing
    /// submission.json's text fields (never its numbers), then to defaults.
    package struct Options: Sendable {
        package var author: String?
        package var githubID: String?
        package var name: String?
        package var blurb: String?
        package var date: String?
        /// An earlier record folder to beat (adds its mean val_loss, the delta and the p-value).
        package var against: String?
        /// Folder to write into; nil writes into the record folder.
        package var output: URL?

        package init(author: String? = nil, githubID: String? = nil, name: String? = nil, blurb: String? = nil,
                    date: String? = nil, against: String? = nil, output: URL? = nil) {
            self.author = author
            self.githubID = githubID
            self.name = name
            self.blurb = blurb
            self.date = date
            self.against = against
            self.output = output
        }
    }

    /// What was written.
    package struct Result: Sendable {
        package var page: RecordPage
        /// Paths written, relative to `destination`.
        package var written: [String]
        package var destination: URL
        package var dateSource: String
    }

    package var rules: RuleSet
    package var generator: String

    package init(rules: RuleSet, generator: String) {
        self.rules = rules
        self.generator = generator
    }

    /// Audits `recordDir`, builds the page and writes the files atomically.
    package func write(recordDir url: URL, options: Options) throws -> Result {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ReportError.io(path: url.path, reason: "not a record folder (expected a directory holding train logs and train_gpt.py)")
        }
        let loader = EvidenceLoader()
        var context = try loader.context(for: url, displayPath: "")
        var comparison: Comparison?
        if let against = options.against {
            let record = try loader.againstRecord(URL(fileURLWithPath: against))
            context.against = AgainstRecord(path: against, valLosses: record.valLosses, valBPBs: record.valBPBs)
            let margin = rules.rule("stats.significance")?.threshold("min_improvement_nats", default: 0.005) ?? 0.005
            comparison = Comparison(record: against, valLosses: record.valLosses, marginNats: margin, valBPBs: record.valBPBs)
        }
        guard context.logs.contains(where: { $0.runs.contains { $0.score != nil } }) else {
            throw ReportError.noScoredRun(path: url.path)
        }
        let folderName = url.standardizedFileURL.lastPathComponent
        let when = try RecordDate.resolve(flag: options.date, logs: context.logs, folderName: folderName)
        guard let author = options.author ?? context.claims?.author else {
            throw ReportError.missingMetadata(field: "author", flag: "--author")
        }
        guard let github = options.githubID ?? context.claims?.githubID else {
            throw ReportError.missingMetadata(field: "github_id", flag: "--github-id")
        }
        let metadata = SubmissionMetadata(author: author, githubID: github, name: options.name ?? context.claims?.name ?? folderName,
                                          blurb: options.blurb ?? "", date: when.date)
        let builder = SubmissionBuilder(auditor: Auditor(rules: rules), generator: generator)
        let page = try builder.page(context: context, recordDir: url, metadata: metadata, comparison: comparison)
        let destination = options.output ?? url
        let written = try ReportFileWriter.writeSubmission(page, to: destination)
        return Result(page: page, written: written, destination: destination, dateSource: when.source.rawValue)
    }
}
