import ArgumentParser
import Foundation
import RefereeAudit
import RefereeReport

struct SubmissionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submission",
        abstract: "Write submission.json and README.md (with SVG plots) from a record's evidence.",
        discussion: """
        Every number is recomputed from the logs and files; an existing submission.json is read only \
        for the author, GitHub id and name when the flags are not given. The date comes from --date, \
        else the latest log timestamp, else the folder name's YYYY-MM-DD_ prefix. Re-running on \
        unchanged evidence changes no byte.

        The record folder is never changed unless --in-place is given: by default the files go to \
        referee-out/<record-name>/ in the current directory (--output DIR to choose). Every file \
        written is printed on stdout.

        Exit code 0 when the audit passes or is incomplete, 1 when a rule failed (the files are \
        written anyway), 2 on bad input.
        """
    )

    @Argument(help: "The record folder (records/<track>/<date>_<name>/).")
    var recordDir: String

    @Option(help: "Author's name (default: from the existing submission.json).")
    var author: String?

    @Option(help: "Author's GitHub id (default: from the existing submission.json).")
    var githubID: String?

    @Option(help: "Name of the submission (default: existing submission.json, else the folder name).")
    var name: String?

    @Option(help: "One-paragraph description (default: a sentence generated from the results).")
    var blurb: String?

    @Option(help: "Date YYYY-MM-DD (default: latest log timestamp, else the folder name's prefix).")
    var date: String?

    @Option(help: "An earlier record folder to beat: adds its mean val_loss, the delta and the p-value (on official per-seed scores where a record has them, as stats.significance).")
    var against: String?

    @Option(help: ArgumentHelp("Folder to write into (default: referee-out/<record-name>/ in the current directory).", valueName: "DIR"))
    var output: String?

    @Flag(help: "Write into the record folder itself, replacing its submission.json and README.md.")
    var inPlace = false

    @OptionGroup var rules: RulesOptions

    func validate() throws {
        if inPlace && output != nil { throw ValidationError("use --in-place or --output, not both") }
    }

    /// Where the files go: the record folder only with `--in-place`, else `--output`, else
    /// `referee-out/<record-name>/` in the current directory.
    static func destination(recordDir: URL, output: String?, inPlace: Bool) -> URL {
        if inPlace { return recordDir }
        if let output { return URL(fileURLWithPath: output) }
        let name = recordDir.standardizedFileURL.lastPathComponent
        return URL(fileURLWithPath: "referee-out").appendingPathComponent(name.isEmpty ? "record" : name)
    }

    func run() throws {
        let url = URL(fileURLWithPath: recordDir)
        let ruleSet = try rules.ruleSet(for: url)
        let destination = Self.destination(recordDir: url, output: output, inPlace: inPlace)
        let options = RecordSubmission.Options(author: author, githubID: githubID, name: name, blurb: blurb, date: date,
                                               against: against, output: destination)
        let result = try RecordSubmission(rules: ruleSet, generator: "referee \(RefereeVersion.string)").write(recordDir: url, options: options)
        for path in result.written {
            print(result.destination.appendingPathComponent(path).path)
        }
        let place = inPlace ? "into the record folder (--in-place)" : "into \(result.destination.path) (the record folder was not changed)"
        FileHandle.standardError.write(Data("referee: wrote \(result.written.count) files \(place); verdict \(result.page.audit.verdict.rawValue) (date from \(result.dateSource))\n".utf8))
        if result.page.audit.verdict == .fail { throw ExitCode.ruleFailed }
    }
}
