import ArgumentParser
import Foundation
import RefereeAudit
import RefereeBundle
import RefereeCrypto
import RefereeReport

struct GateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Audit and verify for CI; non-zero exit on any failure.",
        discussion: """
        Audits each path (a record folder or a log), verifies its referee.bundle.json when present,
        prints GitHub Actions annotations (::error file=…,line=…::) on stdout, and writes JUnit XML
        (--junit) and a Markdown summary for a PR comment (--summary). Exit code 0 when every path
        passes (an incomplete verdict passes unless --strict), 1 when a rule or a bundle failed,
        2 when a path could not be audited.
        """
    )

    @Argument(help: "Record folders or log files to gate.")
    var paths: [String]

    @Option(help: "Write JUnit XML here (one test suite per path, one test case per rule).")
    var junit: String?

    @Option(help: "Write a Markdown summary here (e.g. $GITHUB_STEP_SUMMARY or a PR comment body).")
    var summary: String?

    @Flag(help: "Fail incomplete verdicts too (rules that could not be checked).")
    var strict = false

    @Flag(name: .customLong("no-annotations"), help: "Do not print GitHub Actions annotations.")
    var noAnnotations = false

    @Option(name: .long, help: ArgumentHelp("Pin the bundles' signer to this public key (PEM); default: each record's referee.pub.pem.", valueName: "PUB"))
    var key: String?

    @OptionGroup var rules: RulesOptions

    func run() throws {
        let pinned = try key.map { try Ed25519PublicKey(contentsOf: URL(fileURLWithPath: $0)) }
        var entries: [GateEntry] = []
        for path in paths {
            let url = URL(fileURLWithPath: path)
            do {
                let ruleSet = try rules.ruleSet(for: url)
                let audit = try Auditor(rules: ruleSet).audit(path: url, displayPath: path)
                entries.append(GateEntry(path: path, audit: audit, bundle: GateBundle.status(of: url, rules: ruleSet, key: pinned)))
            } catch {
                entries.append(GateEntry(path: path, audit: nil, error: "\(error)"))
            }
        }
        // JUnit and annotations are helper "audit"'s formatters, fed the audits plus the gate's
        // own results (`gate.audit` for unreadable paths, `bundle.verify`).
        let audits = entries.map(\.reportedAudit)
        if !noAnnotations {
            print(GitHubAnnotations.render(audits), terminator: "")
        }
        if let junit {
            try ReportFileWriter.write(JUnitReport.render(audits), to: URL(fileURLWithPath: junit))
        }
        if let summary {
            try ReportFileWriter.write(GateSummary.markdown(entries, strict: strict), to: URL(fileURLWithPath: summary))
        }
        for e in entries {
            let state = e.error != nil ? "error: \(e.error!)" : (e.audit?.verdict.rawValue ?? "?")
            FileHandle.standardError.write(Data("referee gate: \(e.path): \(e.fails(strict: strict) ? "FAIL" : "ok") (\(state))\n".utf8))
        }
        if entries.contains(where: { $0.error != nil }) { throw ExitCode.badInput }
        if entries.contains(where: { $0.fails(strict: strict) }) { throw ExitCode.ruleFailed }
    }
}

/// Bundle verification for the gate: helper "bundle"'s ``BundleVerifier`` with the gate's rules.
enum GateBundle {
    /// `.absent` without `referee.bundle.json`; otherwise the verifier's result. `key` pins the
    /// signer; without it the record's own `referee.pub.pem` is used (detects any change since
    /// signing, not a record re-signed with another key).
    static func status(of url: URL, rules: RuleSet, key: Ed25519PublicKey?) -> BundleStatus {
        let file = url.appendingPathComponent(BundleLayout.bundleFileName)
        guard FileManager.default.fileExists(atPath: file.path) else { return .absent }
        let verifier = BundleVerifier(trustedKey: key, audit: { record in try RulesOptions.audit(record, rules: rules) })
        do {
            let report = try verifier.verify(url)
            if let failure = report.failure {
                return .invalid(reason: "\(BundleLayout.bundleFileName): \(failure.description)")
            }
            return .verified(signer: "keyid \(report.keyID ?? "?")\(report.keyPinned ? ", pinned" : "")")
        } catch {
            return .invalid(reason: "\(BundleLayout.bundleFileName): \(error)")
        }
    }
}
