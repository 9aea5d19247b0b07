import RefereeCore
import Testing
import RefereeLogs
@testable import RefereeAudit

@Suite struct EvidenceChecksTests {
    @Test func logsPresentPassesFailsOnEmptyFolderAndOnClaimedSeedsWithoutLogs() {
        #expect(Build.check("evidence.logs-present", Build.context(Build.threeSeeds())).status == .pass)
        let empty = Build.context([], folderFiles: ["README.md", "submission.json"])
        let r = Build.check("evidence.logs-present", empty)
        #expect(r.status == .fail)
        #expect(r.message.contains("README.md"))
        let claims = Build.claims(seeds: [SeedClaim(seed: "1"), SeedClaim(seed: "7")])
        let missingSeed = Build.check("evidence.logs-present", Build.context(Build.threeSeeds(), claims: claims))
        #expect(missingSeed.status == .fail)
        #expect(missingSeed.evidence.last?.detail.contains("7") == true)
    }

    @Test func logsPresentFailsOnAFileWithNoRun() {
        let garbage = LogFile(path: "train.log", byteCount: 10, lineCount: 1, runs: [], notes: ["binary content"])
        let r = Build.check("evidence.logs-present", Build.context([garbage]))
        #expect(r.status == .fail)
        #expect(r.evidence.first?.detail.contains("binary content") == true)
    }

    @Test func finalScorePassesFailsAndIsUnverifiable() {
        #expect(Build.check("evidence.final-score", Build.context(Build.threeSeeds())).status == .pass)
        var logs = Build.threeSeeds()
        logs[2] = Build.log(Build.run(file: "train_seed3.log", seed: 3, bpb: nil))
        let r = Build.check("evidence.final-score", Build.context(logs))
        #expect(r.status == .fail)
        #expect(r.evidence.first?.location?.file == "train_seed3.log")
        #expect(Build.check("evidence.final-score", Build.context([])).status == .unverifiable)
    }

    @Test func finalScoreFailsWhenTheScoreIsAMidTrainingLine() {
        var run = Build.run()
        let mid = EvalLine(label: "step:1000", valLoss: 2.4, valBPB: 1.05, decimals: 4, evalTimeMs: nil, kind: .inTraining, location: .init(file: run.file, line: 60))
        run.score = ScoreChoice(eval: mid, reason: "test")
        let r = Build.check("evidence.final-score", Build.context([Build.log(run)]))
        #expect(r.status == .fail)
        #expect(r.evidence.first?.location?.line == 60)
    }

    @Test func seedsPassWhenDistinctAndCountIdenticalCopiesOnce() {
        var logs = Build.threeSeeds()
        logs.append(Build.log(Build.run(file: "train.log", seed: 1)))
        let ctx = Build.context(logs, digests: ["train.log": "d1", "train_seed1.log": "d1"])
        let r = Build.check("evidence.seeds", ctx)
        #expect(r.status == .pass)
        #expect(r.evidence.contains { $0.detail.contains("byte-identical copy of train_seed1.log") })
    }

    @Test func seedsFailOnRepeatedSeedsAndFileNameMismatch() {
        let repeated = [Build.log(Build.run(file: "a.log", seed: 1337)), Build.log(Build.run(file: "b.log", seed: 1337))]
        let r = Build.check("evidence.seeds", Build.context(repeated))
        #expect(r.status == .fail)
        #expect(r.evidence.first?.detail.contains("seed 1337 used by 2") == true)
        let misnamed = [Build.log(Build.run(file: "train_seed42.log", seed: 7))]
        let m = Build.check("evidence.seeds", Build.context(misnamed))
        #expect(m.status == .fail)
        #expect(m.evidence.first?.detail == "file name says seed 42, the log says seed 7")
    }

    @Test func seedsUnverifiableWithoutLoggedSeeds() {
        #expect(Build.check("evidence.seeds", Build.context([Build.log(Build.run(seed: nil))])).status == .unverifiable)
    }

    @Test(arguments: [
        ("train_seed42.log", 42), ("logs/train0.txt", 0), ("ternary_log_1337.txt", 1337),
        ("train_seed-7.log", 7), ("seed_2025.log", 2025),
    ])
    func fileNameSeeds(name: String, seed: Int) {
        #expect(FileNameSeed.parse(name) == seed)
    }

    @Test(arguments: ["train.log", "train_byte260_4h.log", "train_sp1024_best_10_min.log", "run_v2.log"])
    func fileNamesWithoutSeeds(name: String) {
        #expect(FileNameSeed.parse(name) == nil)
    }
}
