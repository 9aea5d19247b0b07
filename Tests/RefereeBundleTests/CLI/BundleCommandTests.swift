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
        guard let missing = try referee(["verify", fixture.root.appendingPathComponent("nope").path, "--trust-record-key"]) else { return }
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("not a record folder"))

        let unsigned = try #require(try referee(["verify", fixture.record.path, "--trust-record-key"]))
        #expect(unsigned.status == 1)
        #expect(unsigned.stderr.contains("referee.bundle.json: missing"))

        try fixture.signer().sign(fixture.record)
        // No trusted signer: nothing is checked, exit 2, and the message says what to pass.
        let noKey = try #require(try referee(["verify", fixture.record.path]))
        #expect(noKey.status == 2)
        #expect(noKey.stderr.hasPrefix("referee: error: no trusted signer: pass --key PUB"), "\(noKey.stderr)")
        #expect(noKey.stderr.contains("--trust-record-key"))
        #expect(noKey.stdout.isEmpty)

        var log = try Data(contentsOf: fixture.url("train_seed42.log"))
        log[0] ^= 1
        try log.write(to: fixture.url("train_seed42.log"))
        let tampered = try #require(try referee(["verify", fixture.record.path, "--trust-record-key"]))
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

    /// `referee verify` says "verified" only for a trusted signer (`--key`, repeatable, or
    /// `--keys DIR`); the record's own key only with `--trust-record-key`, as "integrity-only".
    @Test func verifyNeedsATrustedSigner() throws {
        let root = try TestPaths.tempDir("verify-keys")
        defer { try? FileManager.default.removeItem(at: root) }
        let record = root.appendingPathComponent("track_10min_16mb/2026-04-01_clean")
        try FileManager.default.createDirectory(at: record.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: TestPaths.fixture("report/cheaters/track_10min_16mb/clean"), to: record)
        let key = root.appendingPathComponent("signer.pem")
        guard let keygen = try referee(["keygen", "--out", key.path]) else { return }
        #expect(keygen.status == 0)
        let sign = try #require(try referee(["sign", record.path, "--key", key.path]))
        #expect(sign.status == 0, "\(sign.stderr)")
        let signerPub = URL(fileURLWithPath: key.path + ".pub")
        let stranger = root.appendingPathComponent("stranger.pub")
        try Ed25519PrivateKey.generate().publicKey().spkiPEM().write(to: stranger)

        let own = try #require(try referee(["verify", record.path, "--trust-record-key"]))
        #expect(own.status == 0, "\(own.stderr)")
        #expect(own.stdout.hasPrefix("integrity-only "), "\(own.stdout)")
        #expect(!own.stdout.contains("verified"))
        #expect(own.stdout.contains("the signer is not authenticated"))

        let pinned = try #require(try referee(["verify", record.path, "--key", stranger.path, "--key", signerPub.path]))
        #expect(pinned.status == 0, "\(pinned.stderr)")
        #expect(pinned.stdout.hasPrefix("verified "), "\(pinned.stdout)")

        let keysDir = root.appendingPathComponent("trusted")
        try FileManager.default.createDirectory(at: keysDir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: signerPub, to: keysDir.appendingPathComponent("signer.pem"))
        let viaDir = try #require(try referee(["verify", record.path, "--keys", keysDir.path]))
        #expect(viaDir.status == 0 && viaDir.stdout.hasPrefix("verified "), "\(viaDir.stdout)\(viaDir.stderr)")

        let strangerOnly = try #require(try referee(["verify", record.path, "--key", stranger.path]))
        #expect(strangerOnly.status == 1)
        #expect(strangerOnly.stderr.contains("signed by another key"))
        let both = try #require(try referee(["verify", record.path, "--key", signerPub.path, "--trust-record-key"]))
        #expect(both.status == 2)

        // gate: no key → the bundle is "not checked" (passes, fails under --strict); with the
        // key → verified; --trust-record-key → integrity only.
        let summary = root.appendingPathComponent("summary.md")
        let gateNoKey = try #require(try referee(["gate", record.path, "--summary", summary.path]))
        #expect(gateNoKey.status == 0, "\(gateNoKey.stderr)")
        #expect(try String(contentsOf: summary, encoding: .utf8).contains("not checked"))
        let gateStrict = try #require(try referee(["gate", record.path, "--strict", "--no-annotations"]))
        #expect(gateStrict.status == 1)
        _ = try #require(try referee(["gate", record.path, "--key", signerPub.path, "--summary", summary.path]))
        #expect(try String(contentsOf: summary, encoding: .utf8).contains("✅ verified"))
        _ = try #require(try referee(["gate", record.path, "--trust-record-key", "--summary", summary.path]))
        #expect(try String(contentsOf: summary, encoding: .utf8).contains("integrity only"))
    }
}
