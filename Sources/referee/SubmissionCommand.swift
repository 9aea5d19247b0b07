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
        let ruleSet = try rules.ruleSet(for: url)
        let options = RecordSubmission.Options(author: author, githubID: githubID, name: name, blurb: blurb, date: date,
                                               against: against, output: output.map { URL(fileURLWithPath: $0) })
        let result = try RecordSubmission(rules: ruleSet, generator: "referee \(RefereeVersion.string)").write(recordDir: url, options: options)
        for path in result.written {
            print(result.destination.appendingPathComponent(path).path)
        }
        FileHandle.standardError.write(Data("referee: verdict \(result.page.audit.verdict.rawValue) (date from \(result.dateSource))\n".utf8))
        if result.page.audit.verdict == .fail { throw ExitCode.ruleFailed }
    }
}
