import Foundation
import RefereeAudit
import RefereeBundle
import RefereeCore
import RefereeCrypto
import RefereeTestSupport
import Testing

/// Sign and verify read a record once (``RecordSnapshotReader``) and audit that read: the
/// audit must equal the audit of the folder on disk, and must be computed from the bytes whose
/// digests are signed, whatever happens to the folder after it was read.
@Suite struct RecordSnapshotTests {
    /// Every record folder at hand: the cheater fixtures, the committed signed records and,
    /// when present, the shared sample records.
    static let records: [URL] = {
        var out: [URL] = []
        let fm = FileManager.default
        func folders(_ url: URL, depth: Int) -> [URL] {
            guard let names = try? fm.contentsOfDirectory(atPath: url.path) else { return [] }
            return names.sorted().flatMap { name -> [URL] in
                let child = url.appendingPathComponent(name)
                var isDir: ObjCBool = false
                guard fm.fileExists(atPath: child.path, isDirectory: &isDir), isDir.boolValue else { return [] }
                return depth == 0 ? [child] : folders(child, depth: depth - 1)
            }
        }
        out += folders(TestPaths.fixture("report/cheaters"), depth: 1)
        out += folders(TestPaths.repoRoot.appendingPathComponent("records"), depth: 1)
        if let samples = TestPaths.samples { out += folders(samples, depth: 1) }
        return out
    }()

    static func rules(for url: URL) throws -> RuleSet {
        let track = EvidenceLoader().track(of: url) ?? "track_10min_16mb"
        return try RuleSet.builtin(track: track)
    }

    @Test func thereAreRecordsToCompare() {
        #expect(Self.records.count >= 6)
    }

    @Test(arguments: records)
    func snapshotAuditEqualsFolderAudit(record: URL) throws {
        let rules = try Self.rules(for: record)
        let onDisk = try Auditor(rules: rules).audit(path: record, displayPath: "")
        let snapshot = try RecordSnapshotReader.read(record)
        let fromSnapshot = try Auditor(rules: rules).audit(snapshot: snapshot, displayPath: "")
        #expect(fromSnapshot == onDisk, "\(record.path)")
        // Also when nothing is kept in memory: every input read again and digest-checked.
        let unkept = try RecordSnapshotReader.read(record, keptFileLimit: 0, keptTotalLimit: 0)
        #expect(unkept.files.allSatisfy { $0.bytes == nil })
        #expect(try Auditor(rules: rules).audit(snapshot: unkept, displayPath: "") == onDisk, "\(record.path)")
    }

    @Test func snapshotHashesEveryFileAsTheFileHashDoes() throws {
        let fixture = try RecordFixture.make()
        defer { fixture.remove() }
        let snapshot = try RecordSnapshotReader.read(fixture.record)
        let subjects = snapshot.files.filter { !$0.excluded }.map(\.path)
        #expect(subjects == RecordFixture.files.map(\.0).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        for file in snapshot.files {
            #expect(file.sha256 == (try SHA256.hex(fileAt: fixture.url(file.path))), "\(file.path)")
        }
        // Only the audit's inputs are kept: the artifact and the README are hashed only.
        #expect(snapshot.file("final_model.int8.ptz")?.bytes == nil)
        #expect(snapshot.file("README.md")?.bytes == nil)
        #expect(snapshot.file("train_seed42.log")?.bytes != nil)
        #expect(snapshot.file("submission.json")?.bytes != nil)
    }

    /// The custody gap closed: a log swapped after the record was hashed (a process left
    /// behind, or a race with the signer) must not reach the audit. With an audit that reads
    /// the folder again (before), the swapped log's better score would be signed beside the
    /// digest of the honest log.
    @Test func auditReadsTheBytesThatWereHashedNotTheFolder() throws {
        let fixture = try RecordFixture.make()
        defer { fixture.remove() }
        // The hand-written provenance of the fixture is not a run.json the auditor reads.
        try FileManager.default.removeItem(at: fixture.url("run.json"))
        try FileManager.default.removeItem(at: fixture.url("environment.json"))
        let log = fixture.url("train_seed42.log")
        let honest = try Data(contentsOf: log)
        let rules = try RuleSet.builtin(track: "track_10min_16mb")
        let swapped = Data("step:20000/20000 val_loss:1.0000 val_bpb:0.9000\nfinal_int8_zlib_roundtrip_exact val_loss:1.00 val_bpb:0.90000000\n".utf8)
        // The swap happens inside the audit provider: after every file was hashed, before the
        // audit reads anything.
        let signer = BundleSigner(key: fixture.key, toolVersion: "t", audit: { snapshot in
            try swapped.write(to: log)
            return try Auditor(rules: rules).audit(snapshot: snapshot, displayPath: "")
        })
        let statement = try signer.statement(for: fixture.record)
        let signedLog = try #require(statement.subject.first { $0.name == "train_seed42.log" })
        #expect(signedLog.sha256 == SHA256.hex(honest))
        let scores = statement.predicate.audit.runs.compactMap(\.score)
        #expect(scores == [1.22436570], "the signed audit read the honest log, whose digest is signed")
        // The folder audit (what the audit read before) now sees the swapped log.
        let now = try Auditor(rules: rules).audit(path: fixture.record, displayPath: "")
        #expect(now.runs.compactMap(\.score) == [0.9])
    }

    /// A log too large to keep is read again for the audit, hashed as it is read: a swap after
    /// the hash is refused, not audited.
    @Test func inputTooLargeToKeepIsRefusedWhenItChangedAfterTheHash() throws {
        let fixture = try RecordFixture.make()
        defer { fixture.remove() }
        try FileManager.default.removeItem(at: fixture.url("run.json"))
        try FileManager.default.removeItem(at: fixture.url("environment.json"))
        let rules = try RuleSet.builtin(track: "track_10min_16mb")
        // Audits when nothing changed.
        let before = try RecordSnapshotReader.read(fixture.record, keptFileLimit: 0, keptTotalLimit: 0)
        #expect(try Auditor(rules: rules).audit(snapshot: before, displayPath: "").runs.compactMap(\.score) == [1.22436570])
        let snapshot = try RecordSnapshotReader.read(fixture.record, keptFileLimit: 0, keptTotalLimit: 0)
        #expect(snapshot.file("train_seed42.log")?.bytes == nil)
        try Data("step:20000/20000 val_loss:1.0000 val_bpb:0.9000\n".utf8).write(to: fixture.url("train_seed42.log"))
        do {
            _ = try Auditor(rules: rules).audit(snapshot: snapshot, displayPath: "")
            Issue.record("a log changed after the hash was audited")
        } catch {
            #expect(error.description.contains("train_seed42.log"))
            #expect(error.description.contains("changed after it was hashed"))
        }
    }

    /// Verification audits the snapshot whose digests it checked: a provider sees exactly the
    /// subjects' bytes.
    @Test func verifierAuditsTheSnapshotItChecked() throws {
        let fixture = try RecordFixture.make()
        defer { fixture.remove() }
        try fixture.signer().sign(fixture.record)
        let seen = SnapshotBox()
        let verifier = BundleVerifier(trustedKey: try fixture.key.publicKey(), audit: { snapshot in
            seen.set(snapshot)
            return .handMade()
        })
        let report = try verifier.verify(fixture.record)
        #expect(report.failure == nil)
        let snapshot = try #require(seen.get())
        let subjects = try #require(report.statement?.subject)
        for subject in subjects {
            let file = try #require(snapshot.file(subject.name))
            #expect(file.sha256 == subject.sha256)
            if let bytes = file.bytes { #expect(SHA256.hex(bytes) == subject.sha256) }
        }
    }
}

/// Carries a snapshot out of a `@Sendable` provider.
private final class SnapshotBox: @unchecked Sendable {
    // Safe: written once by the provider and read after `verify` returned, on one thread.
    private var value: RecordSnapshot?
    func set(_ snapshot: RecordSnapshot) { value = snapshot }
    func get() -> RecordSnapshot? { value }
}
