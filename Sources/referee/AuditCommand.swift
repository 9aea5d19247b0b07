import ArgumentParser
import Foundation
import RefereeAudit
import RefereeReport

/// Output formats of `referee audit`.
enum AuditFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, junit, github
}

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Audit logs and record folders against a track's rules.",
        discussion: """
        Every verdict is recomputed from the logs, submission.json and files of each path. \
        The track defaults to the one the record folder declares, else track_10min_16mb. \
        Exit codes: 0 no rule failed, 1 an error-severity rule failed, 2 bad input or usage.
        """
    )

    @Argument(help: "Log files or record folders to audit.")
    var paths: [String]

    @OptionGroup var rules: RulesOptions

    @Option(help: "An earlier record folder to test significance against (stats.significance).")
    var against: String?

    @Option(help: "Output format: text, json, junit or github.")
    var format: AuditFormat = .text

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one log file or record folder") }
    }

    func run() throws {
        var audits: [RecordAudit] = []
        var ruleSets: [RuleSet] = []
        for path in paths {
            let url = URL(fileURLWithPath: path)
            let ruleSet = try rules.ruleSet(for: url)
            let audit = try Auditor(rules: ruleSet).audit(path: url, against: against.map { URL(fileURLWithPath: $0) }, displayPath: path)
            audits.append(audit)
            ruleSets.append(ruleSet)
        }
        switch format {
        case .text:
            let parts = zip(audits, ruleSets).map { AuditTextReport(rules: $1).render($0) }
            print(parts.joined(separator: "\n"), terminator: "")
        case .json:
            FileHandle.standardOutput.write(AuditJSONReport.render(audits))
        case .junit:
            print(JUnitReport.render(audits), terminator: "")
        case .github:
            print(GitHubAnnotations.render(audits), terminator: "")
        }
        if audits.contains(where: { $0.verdict == .fail }) {
            throw ExitCode.ruleFailed
        }
    }
}
