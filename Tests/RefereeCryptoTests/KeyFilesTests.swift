import Foundation
import Testing
import RefereeTestSupport
@testable import RefereeCrypto

@Suite struct KeyFilesTests {
    @Test func writesPrivate0600AndPublicBeside() throws {
        let dir = try TestPaths.tempDir("keys")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("signing.key")
        let key = try Ed25519PrivateKey.generate()
        try KeyFiles.writeNew(privateKey: key, to: url)
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let pubURL = dir.appendingPathComponent("signing.key.pub")
        #expect(KeyFiles.publicKeyURL(for: url) == pubURL)
        #expect(try Ed25519PublicKey(contentsOf: pubURL) == key.publicKey())
        #expect(try Ed25519PrivateKey(contentsOf: url).publicKey() == key.publicKey())
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty)
    }

    @Test func refusesToOverwriteEitherFile() throws {
        let dir = try TestPaths.tempDir("keys")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("k")
        try Data("precious".utf8).write(to: url)
        #expect(throws: CryptoError.exists(path: url.path)) { try KeyFiles.writeNew(privateKey: Ed25519PrivateKey.generate(), to: url) }
        #expect(try Data(contentsOf: url) == Data("precious".utf8))
        #expect(!FileManager.default.fileExists(atPath: url.path + ".pub"))

        let other = dir.appendingPathComponent("k2")
        try Data("old public".utf8).write(to: URL(fileURLWithPath: other.path + ".pub"))
        #expect(throws: CryptoError.exists(path: other.path + ".pub")) { try KeyFiles.writeNew(privateKey: Ed25519PrivateKey.generate(), to: other) }
        #expect(!FileManager.default.fileExists(atPath: other.path))
    }
}
