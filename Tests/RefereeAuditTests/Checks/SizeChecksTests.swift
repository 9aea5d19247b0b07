import RefereeCore
import Testing
import RefereeLogs
@testable import RefereeAudit

@Suite struct SizeChecksTests {
    @Test func passesUnderTheCapAndReportsTheLargest() {
        let r = Build.check("size.artifact-cap", Build.context(Build.threeSeeds()), thresholds: ["max_bytes": 16_000_000])
        #expect(r.status == .pass)
        #expect(r.message.contains("15,950,000"))
        #expect(r.evidence.first?.location?.file == "train_seed2.log")
    }

    /// A rules file (`--rules FILE`) whose cap does not fit an Int is read saturated, not trapped on.
    @Test func anAbsurdCapFromARulesFileIsNoTrap() {
        #expect(Build.check("size.artifact-cap", Build.context(Build.threeSeeds()), thresholds: ["max_bytes": 1e300]).status == .pass)
        #expect(Build.check("size.artifact-cap", Build.context(Build.threeSeeds()), thresholds: ["max_bytes": -1e300]).status == .fail)
    }

    @Test func failsWhenOneSeedIsAFewBytesOver() {
        let logs = Build.threeSeeds(artifacts: [15_900_000, 16_000_001, 15_920_000])
        let r = Build.check("size.artifact-cap", Build.context(logs), thresholds: ["max_bytes": 16_000_000])
        #expect(r.status == .fail)
        #expect(r.evidence.first?.location?.description == "train_seed2.log:110")
        #expect(r.evidence.first?.detail.contains("1 over the cap") == true)
    }

    @Test func unverifiableWithoutASizeLineOrRuns() {
        let noSize = Build.context([Build.log(Build.run(artifact: nil))])
        #expect(Build.check("size.artifact-cap", noSize).status == .unverifiable)
        #expect(Build.check("size.artifact-cap", Build.context([])).status == .unverifiable)
    }

    @Test func byteIdenticalCopiesAreNotCountedTwice() {
        let a = Build.log(Build.run(file: "train.log", artifact: 16_100_000))
        let b = Build.log(Build.run(file: "train_seed1.log", artifact: 16_100_000))
        let ctx = Build.context([a, b], digests: ["train.log": "same", "train_seed1.log": "same"])
        let r = Build.check("size.artifact-cap", ctx)
        #expect(r.status == .fail)
        #expect(r.evidence.count == 1)
    }
}
