import Foundation
import Testing
import RefereeTestSupport
@testable import RefereeCrypto

@Suite struct PEMTests {
    @Test func privateAndPublicRoundTrip() throws {
        let key = try Ed25519PrivateKey.generate()
        let pem = try key.pkcs8PEM()
        #expect(String(decoding: pem, as: UTF8.self).hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        let reread = try Ed25519PrivateKey(pem: pem)
        #expect(try reread.publicKey() == key.publicKey())
        let pubPEM = try key.publicKey().spkiPEM()
        #expect(String(decoding: pubPEM, as: UTF8.self).hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
        #expect(try Ed25519PublicKey(pem: pubPEM) == key.publicKey())
        #expect(try key.publicKey().spkiDER().count == 44)
    }

    @Test func garbageNamesPathAndExpectation() {
        do {
            _ = try Ed25519PublicKey(pem: Data("not a key\n".utf8), path: "keys/x.pub")
            Issue.record("garbage parsed as a key")
        } catch {
            guard case .badKey(let path, let reason) = error else { Issue.record("wrong error \(error)"); return }
            #expect(path == "keys/x.pub")
            #expect(reason.contains("BEGIN PUBLIC KEY"))
        }
        #expect(throws: CryptoError.self) { try Ed25519PrivateKey(pem: Data(), path: "k") }
    }

    /// A key made by the openssl CLI parses; an RSA key is refused as the wrong type.
    @Test func opensslKeysParseAndOtherTypesAreRefused() throws {
        let dir = try TestPaths.tempDir("pem")
        defer { try? FileManager.default.removeItem(at: dir) }
        let ed = dir.appendingPathComponent("ed.pem"), edPub = dir.appendingPathComponent("ed.pub")
        #expect(try ToolRun.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", ed.path]).status == 0)
        #expect(try ToolRun.run(["openssl", "pkey", "-in", ed.path, "-pubout", "-out", edPub.path]).status == 0)
        let key = try Ed25519PrivateKey(contentsOf: ed)
        #expect(try key.publicKey() == Ed25519PublicKey(contentsOf: edPub))

        let rsa = dir.appendingPathComponent("rsa.pem")
        #expect(try ToolRun.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", rsa.path]).status == 0)
        do {
            _ = try Ed25519PrivateKey(contentsOf: rsa)
            Issue.record("RSA key accepted as Ed25519")
        } catch {
            #expect(error.description.contains(rsa.path))
            #expect(error.description.contains("expected an Ed25519 private key"))
        }
    }

    @Test func keyIDIsSha256OfDERSubjectPublicKeyInfo() throws {
        let dir = try TestPaths.tempDir("pem")
        defer { try? FileManager.default.removeItem(at: dir) }
        let pub = try Ed25519PrivateKey.generate().publicKey()
        let url = dir.appendingPathComponent("k.pub")
        try pub.spkiPEM().write(to: url)
        let der = try ToolRun.run(["sh", "-c", "openssl pkey -pubin -in '\(url.path)' -outform DER | sha256sum"])
        #expect(der.status == 0)
        #expect(der.stdout.split(separator: " ").first.map(String.init) == (try pub.keyID()))
    }
}
