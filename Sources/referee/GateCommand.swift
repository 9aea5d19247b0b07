import ArgumentParser
import Foundation
import RefereeAudit
import RefereeBundle
import RefereeCore
import RefereeCrypto
import RefereeReport

struct GateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Audit and verify for CI; non-zero exit on any failure.",
        discussion: """
        Audits each path (a record folder or a log), checks its referee.bundle.json when present, \
        prints GitHub Actions annotations (::error file=…,line=…::) on stdout, and writes JUnit XML \
        (--junit) and a Markdown summary for a PR comment (--summary). A bundle is "verified" only \
        when signed by a key given with --key or --keys; otherwise its files are checked against \
        the record's own key and it is reported as not checked (or integrity only with \
        --trust-record-key).

        Exit code 0 when every path passes (an incomplete verdict or an unchecked signer passes \
        unless --strict), 1 when a rule or a bundle failed, 2 when a path could not be audited.
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

    @Flag(help: "Do not print GitHub Actions annotations.")
    var noAnnotations = false

    @OptionGroup var signers: SignerKeyOptions

    @OptionGroup var rules: RulesOptions

    func run() throws {
        let trusted = try signers.trustedKeys()
        var entries: [GateEntry] = []
        for path in paths {
            let url = URL(fileURLWithPath: path)
            do {
                let ruleSet = try rules.ruleSet(for: url)
                let audit = try Auditor(rules: ruleSet).audit(path: url, displayPath: path)
                entries.append(GateEntry(path: path, audit: audit, bundle: GateBundle.status(of: url, rules: ruleSet, keys: trusted, trustRecordKey: signers.trustRecordKey)))
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
    /// `.absent` without `referee.bundle.json`. With trusted `keys`: `.verified` or `.invalid`.
    /// Without: the files are still checked against the record's own `referee.pub.pem` (a
    /// mismatch is `.invalid`); a match is `.integrityOnly` when `trustRecordKey` was given, else
    /// `.notChecked` (the signer is not authenticated; fails under `--strict`).
    static func status(of url: URL, rules: RuleSet, keys: [Ed25519PublicKey], trustRecordKey: Bool) -> BundleStatus {
        let file = url.appendingPathComponent(BundleLayout.bundleFileName)
        guard FileManager.default.fileExists(atPath: file.path) else { return .absent }
        let verifier = BundleVerifier(trustedKeys: keys, audit: { snapshot in try RulesOptions.audit(snapshot, rules: rules) })
        do {
            let report = try verifier.verify(url)
            if let failure = report.failure {
                return .invalid(reason: failure.description)
            }
            let signer = "keyid \(report.keyID ?? "?")"
            if report.keyPinned { return .verified(signer: "\(signer), a trusted key") }
            if trustRecordKey { return .integrityOnly(signer: signer) }
            return .notChecked(reason: "\(BundleLayout.bundleFileName): files match the record's own key (\(signer)) but the signer is not authenticated; pass --key PUB or --keys DIR, or --trust-record-key to accept integrity only")
        } catch {
            return .invalid(reason: ErrorText.located(BundleLayout.bundleFileName, "\(error)"))
        }
    }
}
