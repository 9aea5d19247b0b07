import Foundation
import Testing
import RefereeCrypto
import RefereeTestSupport
@testable import RefereeBundle

/// End-to-end runs of the built `referee` binary (`swift build --build-tests` builds it).
@Suite struct BundleCommandTests {
    static let binary: URL? = {
        let url = TestPaths.repoRoot.appendingPathComponent(".build/debug/referee")
        return FileManager.default.isExecutableFile(atPath: url.path) ? url : nil
    }()

    private func referee(_ args: [String]) throws -> ToolRun? {
        guard let binary = Self.binary else {
            print("SKIP: \(TestPaths.repoRoot.path)/.build/debug/referee not built")
            return nil
        }
        return try ToolRun.run([binary.path] + args)
    }

    @Test func keygenWrites0600KeyNeverPrintsItAndRefusesOverwrite() throws {
        let dir = try TestPaths.tempDir("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = dir.appendingPathComponent("signing.key")
        guard let run = try referee(["keygen", "--out", key.path]) else { return }
        #expect(run.status == 0, "\(run.stderr)")
        let mode = (try FileManager.default.attributesOfItem(atPath: key.path)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
        let pem = String(decoding: try Data(contentsOf: key), as: UTF8.self)
        let body = pem.split(separator: "\n").dropFirst().first.map(String.init) ?? "<none>"
        #expect(!run.stdout.contains(body) && !run.stderr.contains(body))
        #expect(run.stdout.contains(try Ed25519PublicKey(contentsOf: URL(fileURLWithPath: key.path + ".pub")).keyID()))

        let again = try #require(try referee(["keygen", "--out", key.path]))
        #expect(again.status == 2)
        #expect(again.stderr.contains("refusing to overwrite"))
        #expect(String(decoding: try Data(contentsOf: key), as: UTF8.self) == pem)
    }

    @Test func verifyExitCodes() throws {
        let fixture = try RecordFixture.make()
        defer { fixture.remove() }
        guard let missing = try referee(["verify", fixture.root.appendingPathComponent("nope").path]) else { return }
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("not a record folder"))

        let unsigned = try #require(try referee(["verify", fixture.record.path]))
        #expect(unsigned.status == 1)
        #expect(unsigned.stderr.contains("referee.bundle.json: missing"))

        try fixture.signer().sign(fixture.record)
        var log = try Data(contentsOf: fixture.url("train_seed42.log"))
        log[0] ^= 1
        try log.write(to: fixture.url("train_seed42.log"))
        let tampered = try #require(try referee(["verify", fixture.record.path]))
        #expect(tampered.status == 1)
        #expect(tampered.stderr.contains("train_seed42.log: content changed since signing"))

        let pub = fixture.root.appendingPathComponent("other.pub")
        try Ed25519PrivateKey.generate().publicKey().spkiPEM().write(to: pub)
        let otherKey = try #require(try referee(["verify", fixture.record.path, "--key", pub.path]))
        #expect(otherKey.status == 1)
        #expect(otherKey.stderr.contains("signed by another key"))

        let badKey = try #require(try referee(["verify", fixture.record.path, "--key", fixture.url("README.md").path]))
        #expect(badKey.status == 2)
        #expect(badKey.stderr.contains("README.md") && badKey.stderr.contains("BEGIN PUBLIC KEY"))
    }

    @Test func signWithMissingKeyIsBadInput() throws {
        let fixture = try RecordFixture.make()
        defer { fixture.remove() }
        let key = fixture.root.appendingPathComponent("absent.key")
        guard let run = try referee(["sign", fixture.record.path, "--key", key.path]) else { return }
        #expect(run.status == 2)
        #expect(run.stderr.contains(key.path))
        #expect(!FileManager.default.fileExists(atPath: fixture.bundleURL.path))
    }
}
