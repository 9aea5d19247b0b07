import Foundation
import Testing
import RefereeLogs
import RefereeTestSupport
@testable import RefereeAudit

@Suite struct AuditorTests {
    func rules(_ ids: [String], severity: Severity = .error) -> RuleSet {
        RuleSet(track: "t", version: "1", digest: "d", rules: ids.map { Rule(id: $0, statement: "s", severity: severity, thresholds: [:], source: "x") })
    }

    @Test func unregisteredRulesAreUnverifiableNeverPass() {
        let audit = Auditor(rules: rules(["made.up", "size.artifact-cap"])).audit(Build.context(Build.threeSeeds()))
        #expect(audit.results.map(\.status) == [.unverifiable, .pass])
        #expect(audit.verdict == .incomplete)
    }

    @Test func verdictFailsOnErrorsButNotOnWarnings() {
        let over = Build.context([Build.log(Build.run(artifact: 17_000_000))])
        #expect(Auditor(rules: rules(["size.artifact-cap"])).audit(over).verdict == .fail)
        let warned = Auditor(rules: rules(["size.artifact-cap"], severity: .warning)).audit(over)
        #expect(warned.results[0].status == .fail)
        #expect(warned.results[0].severity == .warning)
        #expect(warned.verdict == .pass)
    }

    @Test func summarisesRunsAndAveragesDistinctRunsOnly() {
        var logs = Build.threeSeeds(bpbs: [1.1, 1.2, 1.3])
        logs.append(Build.log(Build.run(file: "copy.log", seed: 1, bpb: 1.1)))
        let ctx = Build.context(logs, digests: ["copy.log": "x", "train_seed1.log": "x"])
        let audit = Auditor(rules: rules(["size.artifact-cap"])).audit(ctx)
        #expect(audit.runs.count == 4)
        #expect(audit.runs[3].duplicateOf == "train_seed1.log")
        #expect(abs((audit.score ?? 0) - 1.2) < 1e-12)
        let first = audit.runs[0]
        #expect(first.seed == 1 && first.scoreLine == 112 && first.artifactBytes == 15_900_000)
        #expect(first.gpu == "NVIDIA H100 80GB HBM3" && first.gpuCount == 8)
        #expect(first.evalTimeMs == 60_000 && first.trainTimeMs == 590_000 && first.codeBytes == 60_000)
        #expect(first.scoreLabel == "final_int8_zlib_roundtrip_exact")
    }

    @Test func missingPathIsABadEvidenceError() {
        #expect(throws: AuditError.self) {
            try Auditor(rules: rules(["size.artifact-cap"])).audit(path: URL(fileURLWithPath: "/nonexistent/rec"))
        }
    }

    @Test(arguments: [
        ("10min_16mb", "track_10min_16mb"), ("non-record-unlimited-compute-16mb", "track_non_record_16mb"),
        ("track_non_record_16mb", "track_non_record_16mb"), ("something", nil),
    ])
    func tracksAreNormalised(text: String, expected: String?) {
        #expect(EvidenceLoader.normaliseTrack(text) == expected)
    }
}
