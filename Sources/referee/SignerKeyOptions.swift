import ArgumentParser
import Foundation
import RefereeBundle
import RefereeCrypto

/// Which signers `verify` and `gate` trust: `--key PUB` (repeatable), `--keys DIR`, or, for an
/// integrity-only check against the record's own `referee.pub.pem`, `--trust-record-key`.
/// Without a trusted key nothing is reported as "verified".
struct SignerKeyOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A trusted signer's public key (PEM); repeat for several.", valueName: "PUB"))
    var key: [String] = []

    @Option(help: ArgumentHelp("A folder of trusted signers' public keys (every *.pem and *.pub file in it).", valueName: "DIR"))
    var keys: String?

    @Flag(help: "Check the bundle against the record's own referee.pub.pem: integrity only (detects changes since signing, not who signed).")
    var trustRecordKey = false

    func validate() throws {
        if trustRecordKey && (!key.isEmpty || keys != nil) {
            throw ValidationError("use --key/--keys or --trust-record-key, not both")
        }
    }

    var pinned: Bool { !key.isEmpty || keys != nil }

    /// The trusted keys, read and parsed; throws (exit 2) naming an unreadable or malformed file.
    func trustedKeys() throws -> [Ed25519PublicKey] {
        var paths = key
        if let keys {
            let dir = URL(fileURLWithPath: keys)
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: dir.path) } catch {
                throw ValidationError("--keys \(keys): cannot list the folder (\(error.localizedDescription))")
            }
            let found = names.filter { $0.hasSuffix(".pem") || $0.hasSuffix(".pub") }.sorted()
            if found.isEmpty { throw ValidationError("--keys \(keys): no *.pem or *.pub file in the folder") }
            paths += found.map { dir.appendingPathComponent($0).path }
        }
        return try paths.map { path throws in try Ed25519PublicKey(contentsOf: URL(fileURLWithPath: path)) }
    }

    /// What `verify` says when neither a key nor `--trust-record-key` was given.
    static let missingKeyMessage = "no trusted signer: pass --key PUB (repeatable) or --keys DIR with the signer's public key, "
        + "or --trust-record-key for an integrity-only check against the record's own \(BundleLayout.publicKeyFileName)"
}
