import Foundation
import Testing
import RefereeCore
import RefereeTestSupport
@testable import RefereeAudit

/// A rules file given with `--rules FILE` is input too: every threshold of every rule set to a
/// number no count can hold (±1e300, ±infinity, NaN) gives a result, never a trap. Found by it:
/// `size.artifact-cap` negated `Int.min` and `Fmt.bytes` took `abs(Int.min)`.
@Suite struct AbsurdThresholdsTests {
    static let values: [Double] = [1e300, -1e300, .infinity, -.infinity, .nan, 0]

    @Test func everyCheckSurvivesEveryAbsurdThreshold() throws {
        var liar = LiarRecord()
        liar.documentStarts = [0, 10]
        let dir = try liar.write()
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let contexts = [
            try EvidenceLoader().context(for: dir, displayPath: "rec"),        // measured (run.json)
            Build.context(Build.threeSeeds()),                                   // logged only
            try EvidenceLoader().context(for: GPUAutotraceEvidenceTests.folder.appendingPathComponent("lora"), displayPath: "lora"),
        ]
        var checked = 0
        for track in ["track_10min_16mb", "track_non_record_16mb"] {
            let set = try RuleSet.load(TestPaths.repoRoot.appendingPathComponent("Rules/\(track).toml"))
            for rule in set.rules {
                guard let check = CheckRegistry.checks[rule.id] else { continue }
                for key in rule.thresholds.keys.sorted() {
                    for value in Self.values {
                        var absurd = rule
                        absurd.thresholds[key] = value
                        for context in contexts {
                            #expect(check(context, absurd).id == rule.id)
                            checked += 1
                        }
                    }
                }
            }
        }
        #expect(checked > 300, "only \(checked) threshold cases ran")
    }
}
