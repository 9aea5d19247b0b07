import ArgumentParser
import Foundation
import RefereeBundle
import RefereeCrypto

/// `referee verify <record-dir> [--key PUB]`: checks the bundle's signature, every file's
/// digest, that no file is unlisted, and re-runs the audit against the signed verdicts.
/// Exit 0 verified, 1 verification failed (the first failure is printed), 2 bad input.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a record's signed bundle and re-run its audit.",
        discussion: "Without --key the record's own referee.pub.pem is used: that detects any change since signing but not a record re-signed with another key. Pass the signer's public key with --key to pin it."
    )

    @Argument(help: "The record folder.")
    var recordDir: String

    @Option(name: .long, help: ArgumentHelp("The signer's public key (PEM); default: the record's referee.pub.pem.", valueName: "PUB"))
    var key: String?

    @OptionGroup var rules: RulesOptions

    func run() throws {
        let record = URL(fileURLWithPath: recordDir)
        let trusted = try key.map { try Ed25519PublicKey(contentsOf: URL(fileURLWithPath: $0)) }
        let provider = rules.auditProvider(for: record)
        let report = try BundleVerifier(trustedKey: trusted, audit: provider).verify(record)
        if let failure = report.failure {
            FileHandle.standardError.write(Data("referee: verification failed: \(record.path): \(failure.description)\n".utf8))
            throw ExitCode.ruleFailed
        }
        let statement = report.statement
        let signed = statement?.predicate.audit
        let keyNote = report.keyPinned ? "the given key" : "the record's own \(BundleLayout.publicKeyFileName) (pass --key to pin the signer)"
        print("verified \(record.path): \(statement?.subject.count ?? 0) files, signature by keyid \(report.keyID ?? "?") checked against \(keyNote), verdict \(signed?.verdict.rawValue ?? "?") re-audited under rules \(signed?.rulesDigest ?? "?")")
    }
}
