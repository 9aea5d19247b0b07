import Foundation
import Testing
import RefereeTestSupport
@testable import RefereeCrypto

/// Signatures interoperate with the openssl CLI in both directions.
@Suite struct OpenSSLInteropTests {
    @Test func ourSignatureVerifiesWithOpensslAndTheirsWithUs() throws {
        let dir = try TestPaths.tempDir("interop")
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = try Ed25519PrivateKey.generate()
        let pubURL = dir.appendingPathComponent("pub.pem"), keyURL = dir.appendingPathComponent("key.pem")
        try key.publicKey().spkiPEM().write(to: pubURL)
        try key.pkcs8PEM().write(to: keyURL)
        let message = Data("DSSEv1 28 application/vnd.in-toto+json 2 {}".utf8)
        let msgURL = dir.appendingPathComponent("msg"), sigURL = dir.appendingPathComponent("sig")
        try message.write(to: msgURL)
        try key.signature(for: message).write(to: sigURL)
        let verify = try ToolRun.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pubURL.path, "-rawin", "-in", msgURL.path, "-sigfile", sigURL.path])
        #expect(verify.status == 0, "openssl: \(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("Signature Verified Successfully"))

        var altered = message
        altered[altered.count - 1] ^= 1
        try altered.write(to: msgURL)
        let reject = try ToolRun.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pubURL.path, "-rawin", "-in", msgURL.path, "-sigfile", sigURL.path])
        #expect(reject.status != 0)

        let theirSig = dir.appendingPathComponent("their.sig")
        #expect(try ToolRun.run(["openssl", "pkeyutl", "-sign", "-inkey", keyURL.path, "-rawin", "-in", msgURL.path, "-out", theirSig.path]).status == 0)
        let their = try Data(contentsOf: theirSig)
        let pub = try key.publicKey()
        #expect(pub.isValidSignature(their, for: altered))
        #expect(!pub.isValidSignature(their, for: message))
    }
}
