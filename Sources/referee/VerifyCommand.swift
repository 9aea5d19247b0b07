import RefereeAudit
import ArgumentParser
import Foundation
import RefereeBundle
import RefereeCore
import RefereeCrypto

/// `referee verify <record-dir> --key PUB | --keys DIR | --trust-record-key`: checks the
/// bundle's signature, every file's digest, that no file is unlisted, and re-runs the audit
/// against the signed verdicts. Exit 0 verified (or, with `--trust-record-key`, integrity-only),
/// 1 verification failed (the first failure is printed), 2 bad input or no signer given.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a record's signed bundle and re-run its audit.",
        discussion: """
        The signer must be trusted: --key PUB (repeatable) or --keys DIR names the public keys \
        accepted, and the bundle must be signed by one of them; stdout then starts with \
        "verified". With --trust-record-key instead, the record's own referee.pub.pem is used: \
        that detects any change since signing but not a record re-signed with another key, and \
        stdout starts with "integrity-only". With neither, nothing is checked and the exit code \
        is 2. Exit codes: 0 verified (or integrity-only with --trust-record-key), 1 verification \
        failed (the first failure is printed), 2 bad input or no signer given.
        """
    )

    @Argument(help: "The record folder.")
    var recordDir: String

    @OptionGroup var signers: SignerKeyOptions

    @OptionGroup var rules: RulesOptions

    func run() throws {
        guard signers.pinned || signers.trustRecordKey else { throw ValidationError(SignerKeyOptions.missingKeyMessage) }
        let record = URL(fileURLWithPath: recordDir)
        let trusted = try signers.trustedKeys()
        let provider = rules.auditProvider(for: record)
        let report = try BundleVerifier(trustedKeys: trusted, audit: provider).verify(record)
        if let failure = report.failure {
            FileHandle.standardError.write(Data("referee: verification failed: \(ErrorText.located(record.path, failure.description))\n".utf8))
            throw ExitCode.ruleFailed
        }
        let statement = report.statement
        let signed = statement?.predicate.audit
        let files = "\(statement?.subject.count ?? 0) files"
        let audit = "verdict \(signed?.verdict.rawValue ?? "?") re-audited under rules \(signed?.rulesDigest ?? "?")"
        if report.keyPinned {
            print("verified \(record.path): \(files), signature by keyid \(report.keyID ?? "?"), a trusted key, \(audit)")
        } else {
            print("integrity-only \(record.path): \(files) match the bundle, signature by keyid \(report.keyID ?? "?") checked against the record's own \(BundleLayout.publicKeyFileName) (the signer is not authenticated: pass --key to check it), \(audit)")
        }
    }
}
