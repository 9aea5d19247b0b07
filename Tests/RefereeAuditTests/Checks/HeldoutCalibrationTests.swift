import Foundation
import Testing
import RefereeTestSupport
@testable import RefereeAudit

/// data.heldout-gap on REAL runs (Tests/Fixtures/heldout, written by
/// scripts/heldout-calibration.py): the honest CPU reference and the cheater
/// validation_in_training, trained by `referee run` on seeds 1–10 in both
/// --training-validation modes, each artifact evaluated through its eval entry point on the whole
/// validation shard and on the held-out shard of data/sp1024_synth. Decided by the check the
/// audit runs, with the thresholds of the built-in track rules.
struct HeldoutCalibrationTests {
    struct Case { var name: String; var blocks: ProbeBlocks }

    static let cases: [Case] = {
        let dir = TestPaths.fixture("heldout")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        return names.compactMap { name in
            guard let data = try? Data(contentsOf: dir.appendingPathComponent(name)) else { return nil }
            return Case(name: String(name.dropLast(5)), blocks: ProbeBlocks.decode(data))
        }
    }()

    static func verdict(_ c: Case, track: String) throws -> RuleResult {
        let rule = try #require(try RuleSet.builtin(track: track).rule("data.heldout-gap"))
        var context = AuditContext(path: c.name, folder: nil, logs: [], claims: nil, logDigests: [:])
        context.probeBlocks = c.blocks
        return HeldoutChecks.heldoutGap(context, rule)
    }

    @Test(arguments: ["track_10min_16mb", "track_non_record_16mb"])
    func honestRunsPassAndTheCheaterFailsOnlyWhenItSawValidation(track: String) throws {
        let honest = Self.cases.filter { $0.name.hasPrefix("reference_cpu-") }
        let sawVal = Self.cases.filter { $0.name.hasPrefix("validation_in_training-real-") }
        let decoyed = Self.cases.filter { $0.name.hasPrefix("validation_in_training-decoy-") }
        #expect(honest.count >= 10 && sawVal.count >= 5 && decoyed.count >= 5, "run scripts/heldout-calibration.py")
        var falseAlarms: [String] = []
        var missed: [String] = []
        for c in honest + decoyed {
            let r = try Self.verdict(c, track: track)
            if r.status != .pass { falseAlarms.append("\(c.name): \(r.status) \(r.message)") }
        }
        for c in sawVal {
            let r = try Self.verdict(c, track: track)
            if r.status != .fail { missed.append("\(c.name): \(r.status) \(r.message)") }
        }
        func summary(_ cs: [Case]) -> String {
            let tests = cs.compactMap { HeldoutGapTest(official: $0.blocks.official?.blocks ?? [], heldout: $0.blocks.heldout?.blocks ?? [], alpha: 0.01, minGap: 0.002) }
            let gaps = tests.map(\.gap), ps = tests.map(\.pValue)
            return String(format: "gap %.4f…%.4f bpb, p %.3g…%.3g", gaps.min() ?? .nan, gaps.max() ?? .nan, ps.min() ?? .nan, ps.max() ?? .nan)
        }
        print("data.heldout-gap real runs: honest \(summary(honest)); decoyed cheater \(summary(decoyed)); cheater that saw validation \(summary(sawVal))")
        print("data.heldout-gap on real runs (\(track)): honest reference \(honest.count) runs, cheater with the decoy \(decoyed.count) runs: \(falseAlarms.count) false alarms; cheater that saw validation: caught \(sawVal.count - missed.count)/\(sawVal.count)")
        #expect(falseAlarms.isEmpty, "\(falseAlarms)")
        #expect(missed.isEmpty, "\(missed)")
    }
}
