import ArgumentParser
import Foundation
import RefereeAudit
import RefereeReport

struct SubmissionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submission",
        abstract: "Write submission.json and README.md (with SVG plots) from a record's evidence.",
        discussion: """
        Every number is recomputed from the logs and files; an existing submission.json is read only
        for the author, GitHub id and name when the flags are not given. The date comes from --date,
        else the latest log timestamp, else the folder name's YYYY-MM-DD_ prefix. Re-running on
        unchanged evidence changes no byte. Exit code 0 when the audit passes or is incomplete,
        1 when a rule failed (the files are written anyway), 2 on bad input.
        """
    )

    @Argument(help: "The record folder (records/<track>/<date>_<name>/).")
    var recordDir: String

    @Option(help: "Author's name (default: from the existing submission.json).")
    var author: String?

    @Option(name: .customLong("github-id"), help: "Author's GitHub id (default: from the existing submission.json).")
    var githubID: String?

    @Option(help: "Name of the submission (default: existing submission.json, else the folder name).")
    var name: String?

    @Option(help: "One-paragraph description (default: a sentence generated from the results).")
    var blurb: String?

    @Option(help: "Date YYYY-MM-DD (default: latest log timestamp, else the folder name's prefix).")
    var date: String?

    @Option(help: "An earlier record folder to beat: adds its mean val_loss, the delta and the p-value.")
    var against: String?

    @Option(help: "Folder to write into (default: the record folder itself).")
    var output: String?

    @OptionGroup var rules: RulesOptions

    func run() throws {
        let url = URL(fileURLWithPath: recordDir)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ReportError.io(path: recordDir, reason: "not a record folder (expected a directory holding train logs and train_gpt.py)")
        }
        let ruleSet = try rules.ruleSet(for: url)
        let loader = EvidenceLoader()
        var context = try loader.context(for: url, displayPath: "")
        var comparison: Comparison?
        if let against {
            let record = try loader.againstRecord(URL(fileURLWithPath: against))
            context.against = AgainstRecord(path: against, valLosses: record.valLosses, valBPBs: record.valBPBs)
            let margin = ruleSet.rule("stats.significance")?.threshold("min_improvement_nats", default: 0.005) ?? 0.005
            comparison = Comparison(record: against, valLosses: record.valLosses, marginNats: margin)
        }
        guard context.logs.contains(where: { $0.runs.contains { $0.score != nil } }) else {
            throw ReportError.noScoredRun(path: recordDir)
        }
        let folderName = url.standardizedFileURL.lastPathComponent
        let when = try RecordDate.resolve(flag: date, logs: context.logs, folderName: folderName)
        guard let authorName = author ?? context.claims?.author else {
            throw ValidationError("no author: pass --author (the record has no submission.json naming one)")
        }
        guard let github = githubID ?? context.claims?.githubID else {
            throw ValidationError("no GitHub id: pass --github-id (the record has no submission.json naming one)")
        }
        let metadata = SubmissionMetadata(author: authorName, githubID: github, name: name ?? context.claims?.name ?? folderName,
                                          blurb: blurb ?? "", date: when.date)
        let builder = SubmissionBuilder(auditor: Auditor(rules: ruleSet), generator: "referee \(RefereeVersion.string)")
        let page = try builder.page(context: context, recordDir: url, metadata: metadata, comparison: comparison)
        let destination = output.map { URL(fileURLWithPath: $0) } ?? url
        let written = try ReportFileWriter.writeSubmission(page, to: destination)
        for path in written {
            print(destination.appendingPathComponent(path).path)
        }
        FileHandle.standardError.write(Data("referee: verdict \(page.audit.verdict.rawValue) (date from \(when.source.rawValue))\n".utf8))
        if page.audit.verdict == .fail { throw ExitCode.ruleFailed }
    }
}

/// `--track` / `--rules`, shared by `submission`, `report` and `gate`.
struct RulesOptions: ParsableArguments {
    @Option(help: "Track whose built-in rules apply (default: the track the record folder sits under, else track_10min_16mb).")
    var track: String?

    @Option(name: .customLong("rules"), help: "A rules TOML file to use instead of the built-in rules.")
    var rulesFile: String?

    func validate() throws {
        if track != nil && rulesFile != nil { throw ValidationError("use --track or --rules, not both") }
    }

    /// The rule set for `url`.
    func ruleSet(for url: URL) throws -> RuleSet {
        if let rulesFile { return try RuleSet.load(URL(fileURLWithPath: rulesFile)) }
        let chosen = track ?? EvidenceLoader().track(of: url) ?? "track_10min_16mb"
        return try RuleSet.builtin(track: chosen)
    }
}
