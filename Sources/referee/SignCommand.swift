import RefereeAudit
import ArgumentParser
import Foundation
import RefereeBundle
import RefereeCrypto

/// `referee sign <record-dir> --key KEY`: audits the record, hashes every file and writes
/// `referee.bundle.json` and `referee.pub.pem` into it.
struct SignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign a record folder into a DSSE bundle.",
        discussion: "Every file of the folder becomes a subject of an in-toto statement whose predicate holds the run's provenance and the audit verdicts; the statement is signed in a DSSE envelope written to referee.bundle.json, with the public key in referee.pub.pem."
    )

    @Argument(help: "The record folder.")
    var recordDir: String

    @Option(help: ArgumentHelp("Private key (PEM PKCS#8 Ed25519, from `referee keygen`).", valueName: "KEY"))
    var key: String

    @OptionGroup var rules: RulesOptions

    func run() throws {
        let record = URL(fileURLWithPath: recordDir)
        let privateKey = try Ed25519PrivateKey(contentsOf: URL(fileURLWithPath: key))
        let signer = BundleSigner(key: privateKey, toolVersion: RefereeVersion.string, audit: rules.auditProvider(for: record))
        let statement = try signer.sign(record)
        let signed = statement.predicate.audit
        print("signed \(record.path): \(statement.subject.count) files, verdict \(signed.verdict.rawValue) (rules \(signed.track) v\(signed.rulesVersion)), keyid \(try privateKey.publicKey().keyID()); wrote \(BundleLayout.bundleFileName) and \(BundleLayout.publicKeyFileName)")
    }
}
