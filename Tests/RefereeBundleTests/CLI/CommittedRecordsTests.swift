import Foundation
import Testing
import RefereeTestSupport

/// Every record committed under `records/` verifies offline with the built binary: signature,
/// every file, and a re-run of the audit under today's rules. A failure after a rules edit means
/// the record must be re-audited and re-signed (its verdicts were signed under the old rules).
@Suite struct CommittedRecordsTests {
    static var records: [URL] {
        let root = TestPaths.repoRoot.appendingPathComponent("records")
        let fm = FileManager.default
        let tracks = (try? fm.contentsOfDirectory(atPath: root.path)) ?? []
        return tracks.sorted().flatMap { track -> [URL] in
            let dir = root.appendingPathComponent(track)
            return ((try? fm.contentsOfDirectory(atPath: dir.path)) ?? []).sorted().map { dir.appendingPathComponent($0) }
        }.filter { fm.fileExists(atPath: $0.appendingPathComponent("referee.bundle.json").path) }
    }

    @Test func thereIsAtLeastOneSignedRecord() {
        #expect(!Self.records.isEmpty, "records/ holds no signed record")
    }

    @Test(arguments: records)
    func committedRecordVerifies(record: URL) throws {
        guard let binary = BundleCommandTests.binary else {
            print("SKIP: .build/debug/referee not built")
            return
        }
        // No trusted copy of the signer's key is committed apart from the record: integrity only.
        let run = try ToolRun.run([binary.path, "verify", record.path, "--trust-record-key"])
        #expect(run.status == 0, "referee verify \(record.lastPathComponent): \(run.stdout)\(run.stderr)")
        #expect(run.stdout.hasPrefix("integrity-only "), "\(run.stdout)")
        #expect(run.stdout.contains("verdict pass"), "\(run.stdout)")
    }
}
