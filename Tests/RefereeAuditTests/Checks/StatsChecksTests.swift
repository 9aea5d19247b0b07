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
