import ArgumentParser
import Foundation
import RefereeCrypto

/// `referee keygen --out KEY`: a new Ed25519 key, private PEM PKCS#8 at KEY (mode 0600) and
/// public PEM SubjectPublicKeyInfo at KEY.pub. Refuses to overwrite; never prints the key.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Generate an Ed25519 signing key.",
        discussion: "Writes the private key to KEY (PEM PKCS#8, mode 0600) and the public key to KEY.pub. Existing files are never overwritten."
    )

    @Option(help: ArgumentHelp("Private key file to create; the public key goes to KEY.pub.", valueName: "KEY"))
    var out: String

    func run() throws {
        let url = URL(fileURLWithPath: out)
        let key = try Ed25519PrivateKey.generate()
        try KeyFiles.writeNew(privateKey: key, to: url)
        let keyID = try key.publicKey().keyID()
        print("wrote \(url.path) (private, mode 0600) and \(KeyFiles.publicKeyURL(for: url).path) (public); keyid \(keyID)")
    }
}
