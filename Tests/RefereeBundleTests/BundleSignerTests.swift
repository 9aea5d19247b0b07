import RefereeCore
import Foundation
import Testing
import RefereeAudit
import RefereeCrypto
@testable import RefereeBundle

@Suite struct BundleSignerTests {
    @Test func signedRecordVerifiesAndListsEveryFile() throws {
        let fixture = try RecordFixture.make()
        defer { fixture.remove() }
        try fixture.signer().sign(fixture.record)
        let report = try fixture.verifier().verify(fixture.record)
        #expect(report.verified, "\(report.failure?.description ?? "")")
        #expect(!report.keyPinned)
        #expect(report.keyID == (try fixture.key.publicKey().keyID()))

        let statement = try #require(report.statement)
        let expected = RecordFixture.files.map(\.0).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        #expect(statement.subject.map(\.name) == expected)
        for (path, data) in RecordFixture.files {
            #expect(statement.subject.first { $0.name == path }?.sha256 == SHA256.hex(data))
        }
        #expect(!statement.subject.contains { BundleLayout.excludedTopLevelFiles.contains($0.name) })
        #expect(statement.type == "https://in-toto.io/Statement/v1")
        #expect(statement.predicateType == BundleLayout.predicateType)
        let predicate = statement.predicate
        #expect(predicate.tool == .init(name: "referee", version: "0.1.0-test"))
        guard case .object(let run)? = predicate.provenance.run, case .object(let env)? = predicate.provenance.environment else {
            Issue.record("provenance not embedded: \(predicate.provenance)")
            return
        }
        #expect(run["seeds"] == .array([.int(42)]))
        #expect(env["gpu_count"] == .int(8))
        #expect(predicate.audit.results.map(\.id) == ["size.artifact-cap", "time.train", "trace.coverage"])
        #expect(predicate.audit.verdict == .incomplete)
        #expect(predicate.audit.runs.first?.seed == 42)
        #expect(try Ed25519PublicKey(contentsOf: fixture.publicKeyURL) == fixture.key.publicKey())
    }

    /// The same record and key give a byte-identical bundle (canonical JSON, deterministic Ed25519).
    @Test func signingIsDeterministic() throws {
        let fixture = try RecordFixture.make()
        defer { fixture.remove() }
        try fixture.signer().sign(fixture.record)
        let first = try Data(contentsOf: fixture.bundleURL)
        try fixture.signer().sign(fixture.record)
        #expect(try Data(contentsOf: fixture.bundleURL) == first)
    }

    @Test func symlinkInsideTheFolderIsASubject() throws {
        let fixture = try RecordFixture.make()
        defer { fixture.remove() }
        try FileManager.default.createSymbolicLink(atPath: fixture.url("latest.log").path, withDestinationPath: "train_seed42.log")
        let statement = try fixture.signer().sign(fixture.record)
        let digests = Dictionary(uniqueKeysWithValues: statement.subject.map { ($0.name, $0.sha256) })
        #expect(digests["latest.log"] == digests["train_seed42.log"])
        #expect(try fixture.verifier().verify(fixture.record).verified)
    }

    /// A sign that fails leaves no bundle, no key, and an earlier bundle untouched.
    @Test func failedSignLeavesNothingBehind() throws {
        let fixture = try RecordFixture.make()
        defer { fixture.remove() }
        let failing = BundleSigner(key: fixture.key, toolVersion: "t", audit: { _ in throw FixtureAuditError() })
        do {
            try failing.sign(fixture.record)
            Issue.record("sign succeeded without an audit")
        } catch {
            guard case .auditFailed(_, let reason) = error else { Issue.record("wrong error \(error)"); return }
            #expect(reason.contains("track_10min_16mb.toml"))
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.bundleURL.path))
        #expect(!FileManager.default.fileExists(atPath: fixture.publicKeyURL.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.record.path).filter { $0.hasPrefix(".") }.isEmpty)

        try fixture.signer().sign(fixture.record)
        let before = try Data(contentsOf: fixture.bundleURL)
        try Data("x".utf8).write(to: fixture.outside.appendingPathComponent("secret"))
        try FileManager.default.createSymbolicLink(atPath: fixture.url("escape.txt").path, withDestinationPath: fixture.outside.appendingPathComponent("secret").path)
        #expect(throws: BundleError.self) { try fixture.signer(key: Ed25519PrivateKey.generate()).sign(fixture.record) }
        #expect(try Data(contentsOf: fixture.bundleURL) == before)
        #expect(try Ed25519PublicKey(contentsOf: fixture.publicKeyURL) == fixture.key.publicKey())
    }

    @Test func escapingSymlinkIsRefusedByName() throws {
        let fixture = try RecordFixture.make()
        defer { fixture.remove() }
        try FileManager.default.createSymbolicLink(atPath: fixture.url("traces/data.bin").path, withDestinationPath: "../../../outside/none")
        do {
            try fixture.signer().sign(fixture.record)
            Issue.record("signed a record with an escaping symlink")
        } catch {
            guard case .unsignableFile(let path, _) = error else { Issue.record("wrong error \(error)"); return }
            #expect(path == "traces/data.bin")
        }
    }

    @Test func provenanceThatIsNotAnObjectIsBadInput() throws {
        let fixture = try RecordFixture.make()
        defer { fixture.remove() }
        try Data("[1, 2]".utf8).write(to: fixture.url("run.json"))
        #expect(throws: BundleError.badProvenance(path: fixture.url("run.json").path, reason: "the top level is not an object")) {
            try fixture.signer().sign(fixture.record)
        }
        try Data("{".utf8).write(to: fixture.url("environment.json"))
        try Data("{}".utf8).write(to: fixture.url("run.json"))
        #expect(throws: BundleError.self) { try fixture.signer().sign(fixture.record) }
    }

    @Test func missingFolderIsBadInput() throws {
        let fixture = try RecordFixture.make()
        defer { fixture.remove() }
        let nowhere = fixture.root.appendingPathComponent("nope")
        #expect(throws: BundleError.notARecordFolder(path: nowhere.path)) { try fixture.signer().sign(nowhere) }
        #expect(throws: BundleError.notARecordFolder(path: nowhere.path)) { try fixture.verifier().verify(nowhere) }
    }
}
