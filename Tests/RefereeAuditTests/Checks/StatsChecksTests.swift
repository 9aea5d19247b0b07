import Foundation
import Testing
import RefereeLogs
@testable import RefereeAudit

@Suite struct StatsChecksTests {
    let th = ["min_improvement_nats": 0.005, "max_p_value": 0.01]

    func logs(_ losses: [Double]) -> [LogFile] {
        losses.enumerated().map { i, loss in Build.log(Build.run(file: "s\(i).log", seed: i, loss: loss)) }
    }

    @Test func passesOnAClearImprovement() {
        // The real seed values of WelchTestTests.realRecordsMatchScipy: p = 0.00389.
        let against = AgainstRecord(path: "old", valLosses: [1.90301335, 1.90518030, 1.90563076], valBPBs: [])
        let r = Build.check("stats.significance", Build.context(logs([1.89385556, 1.89307789, 1.89556781]), against: against), thresholds: th)
        #expect(r.status == .pass)
        #expect(r.message.contains("p = 0.0039"), "\(r.message)")
    }

    @Test func failsOnAnImprovementBelowTheMargin() {
        let against = AgainstRecord(path: "old", valLosses: [1.9030, 1.9040, 1.9035], valBPBs: [])
        let r = Build.check("stats.significance", Build.context(logs([1.9000, 1.9010, 1.9005]), against: against), thresholds: th)
        #expect(r.status == .fail)
    }

    @Test func unverifiableWithoutAgainstOrEnoughRuns() {
        #expect(Build.check("stats.significance", Build.context(logs([1.9, 1.8]))).status == .unverifiable)
        let against = AgainstRecord(path: "old", valLosses: [1.95], valBPBs: [])
        let r = Build.check("stats.significance", Build.context(logs([1.9, 1.8]), against: against))
        #expect(r.status == .unverifiable)
        #expect(r.message.contains("at least 2 runs"))
    }
}

/// The `--against` test runs in bits per byte, and warns when the tokenizers differ.
@Suite struct ImprovementTestTests {
    let th = ["min_improvement_nats": 0.005, "max_p_value": 0.01]

    /// One tokenizer: val_bpb = val_loss × r for every run, so the bpb test with the margin
    /// converted at r gives exactly the nats test's p-value.
    @Test func sameTokenizerGivesTheNatsPValue() throws {
        let r = 0.5904, newLoss = [1.89385556, 1.89307789, 1.89556781], oldLoss = [1.90301335, 1.90518030, 1.90563076]
        let test = try #require(ImprovementTest(newLosses: newLoss, newBPBs: newLoss.map { $0 * r }, oldLosses: oldLoss,
                                                oldBPBs: oldLoss.map { $0 * r }, marginNats: 0.005))
        let nats = try #require(WelchTest(new: newLoss, old: oldLoss, margin: 0.005))
        #expect(abs(test.welch.pValue - nats.pValue) < 1e-9)
        #expect(abs(test.marginBPB - 0.005 * r) < 1e-12)
        #expect(!test.tokenizersDiffer)
        #expect(test.tokenizerWarning == nil)
    }

    /// sp8192 (about 0.27 tokens per byte) against sp1024 (about 0.41): in nats the new record
    /// looks 1 nat worse, in bpb it is 0.01 better; the test uses bpb and says why.
    @Test func differentTokenizersCompareBitsPerByteWithAWarning() throws {
        let oldBPB = [1.2250, 1.2262, 1.2244], newBPB = [1.2150, 1.2161, 1.2139]
        let oldLoss = oldBPB.map { $0 * log(2) / 0.41 }, newLoss = newBPB.map { $0 * log(2) / 0.27 }
        let test = try #require(ImprovementTest(newLosses: newLoss, newBPBs: newBPB, oldLosses: oldLoss, oldBPBs: oldBPB, marginNats: 0.005))
        #expect(test.tokenizersDiffer)
        #expect(test.welch.improvement > 0.009 && test.welch.improvement < 0.011)
        #expect(test.tokenizerWarning?.contains("0.2700 vs 0.4100 tokens per byte") == true, "\(test.tokenizerWarning ?? "")")
        // The nats test would call this a large, certain regression.
        #expect((WelchTest(new: newLoss, old: oldLoss, margin: 0.005)?.pValue ?? 0) > 0.99)
    }

    /// The rule under both tracks' rule files (error on the record track, warning on the
    /// non-record track): the message is in bpb and carries the tokenizer warning.
    @Test(arguments: ["track_10min_16mb", "track_non_record_16mb"])
    func ruleReportsBitsPerByteUnderBothTracks(track: String) throws {
        let rules = try RuleSet.builtin(track: track, environment: [:])
        let rule = try #require(rules.rule("stats.significance"))
        let oldBPB = [1.2250, 1.2262, 1.2244], newBPB = [1.2150, 1.2161, 1.2139]
        let logs = newBPB.enumerated().map { i, b in Build.log(Build.run(file: "s\(i).log", seed: i, bpb: b, loss: b * log(2) / 0.27)) }
        let against = AgainstRecord(path: "old", valLosses: oldBPB.map { $0 * log(2) / 0.41 }, valBPBs: oldBPB)
        let r = Build.check("stats.significance", Build.context(logs, against: against), thresholds: rule.thresholds)
        #expect(r.status == .pass, "\(r.message)")
        #expect(r.message.contains(" bpb over old (mean val_bpb 1.22520 → 1.21500)"), "\(r.message)")
        #expect(r.message.contains("margin 0.005 nats = "))
        #expect(r.message.contains("warning: the records use different tokenizers"))
    }
}
