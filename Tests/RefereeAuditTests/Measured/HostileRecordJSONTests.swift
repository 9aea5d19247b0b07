import Foundation
import Testing
import RefereeCore
import RefereeTestSupport
@testable import RefereeAudit
import RefereeReport

/// A record's JSON evidence edited by hand (a tampered record audited before its signature is
/// checked): run.json, probes.json and an evaluation — every number in it, one at a time, set
/// to a value no count or time can hold gives
/// an audit (its text, JSON, JUnit and annotation reports, a generated README, submission.json
/// and HTML page) or a clear error, never a trap.
@Suite struct HostileRecordJSONTests {
    static var values: [Any] { [Int.max, Int.min, -1, 1e300, -1e300] }

    /// Paths to every number of a JSON object (booleans are not numbers here).
    static func numberPaths(_ value: Any, _ path: [Any] = []) -> [[Any]] {
        if let object = value as? [String: Any] {
            return object.keys.sorted().flatMap { numberPaths(object[$0]!, path + [$0]) }
        }
        if let array = value as? [Any] {   // the first 2 elements stand for the rest (290 document starts…)
            return array.indices.prefix(2).flatMap { numberPaths(array[$0], path + [$0]) }
        }
        if value is Int || value is Double { return [path] }   // the record's own dictionary: Swift values
        return []
    }

    static func replacing(_ value: Any, at path: ArraySlice<Any>, with new: Any) -> Any {
        guard let key = path.first else { return new }
        if var object = value as? [String: Any], let k = key as? String {
            object[k] = replacing(object[k]!, at: path.dropFirst(), with: new)
            return object
        }
        if var array = value as? [Any], let i = key as? Int {
            array[i] = replacing(array[i], at: path.dropFirst(), with: new)
            return array
        }
        return value
    }

    @Test func everyNumberOfAHandWrittenRunJSON() throws {
        var liar = LiarRecord()
        liar.documentStarts = [0, 10]
        let dir = try liar.write()
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        try Self.sweep(dir, file: "run.json", liar.runJSON, atLeast: 20)
    }

    /// The run.json `referee run` wrote for the LoRA TTT record on 2 H200s (docs/gpu-runs), in
    /// a copy of that record.
    @Test func everyNumberOfARealRunJSON() throws {
        try Self.sweepCopy(of: GPUAutotraceEvidenceTests.folder.appendingPathComponent("lora"), file: "run.json", atLeast: 40)
    }

    /// The signed GPU reference record's probes.json and one seed's official evaluation (the
    /// official score, the probes and the held-out check read them).
    @Test(arguments: ["probes.json", "evaluations/seed42.json"])
    func everyNumberOfTheProbeEvidence(file: String) throws {
        let record = TestPaths.repoRoot.appendingPathComponent("records/track_non_record_16mb/2026-11-30_reference_gpu_2xH200")
        try Self.sweepCopy(of: record, file: file, atLeast: 30)
    }

    /// Sweeps `file` in a copy of the record folder `source`.
    static func sweepCopy(of source: URL, file: String, atLeast: Int) throws {
        let dir = try TestPaths.tempDir("hostile-json").appendingPathComponent(source.lastPathComponent)
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        try FileManager.default.copyItem(at: source, to: dir)
        let original = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent(file)))
        try sweep(dir, file: file, original, atLeast: atLeast)
    }

    static func sweep(_ dir: URL, file: String, _ original: Any, atLeast: Int) throws {
        let rules = try LiarRecord.rules
        let out = try TestPaths.tempDir("hostile-runjson-out")
        defer { try? FileManager.default.removeItem(at: out) }
        let paths = Self.numberPaths(original)
        #expect(paths.count >= atLeast, "only \(paths.count) numbers in \(file)")
        var audited = 0, refused = 0, written = 0
        for path in paths {
            for value in Self.values {
                let edited = Self.replacing(original, at: path[...], with: value)
                try JSONSerialization.data(withJSONObject: edited, options: [.sortedKeys]).write(to: dir.appendingPathComponent(file))
                do {
                    let context = try EvidenceLoader().context(for: dir, displayPath: "rec")
                    let audit = Auditor(rules: rules).audit(context)
                    // Every report of `referee audit` and `referee gate`.
                    _ = AuditTextReport(rules: rules).render([audit])
                    _ = AuditJSONReport.render([audit])
                    _ = JUnitReport.render([audit])
                    _ = GitHubAnnotations.render([audit])
                    // The same evidence through `referee submission` (README, submission.json, plots)
                    // and the HTML page.
                    if let result = try? RecordSubmission(rules: rules, generator: "test").write(
                        recordDir: dir, options: .init(author: "a", githubID: "g", date: "2026-11-30", output: out)) {
                        _ = HTMLReport.render(result.page)
                        written += 1
                    }
                    audited += 1
                } catch {
                    refused += 1   // EvidenceLoader throws AuditError only: a clear, located error
                }
            }
        }
        #expect(audited > 0 && written > 0, "audited \(audited), README written \(written)")
        print("\(dir.lastPathComponent)/\(file): \(paths.count) numbers × \(Self.values.count) values: \(audited) audited (\(written) READMEs), \(refused) refused")
    }
}
