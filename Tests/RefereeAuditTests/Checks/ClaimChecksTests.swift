import RefereeCore
import Testing
import RefereeLogs
@testable import RefereeAudit

@Suite struct ClaimChecksTests {
    let bpbs = [1.10000000, 1.11000000, 1.12500000]

    @Test func scorePassesOnTheMeanAtTheClaimsPrecision() {
        let logs = Build.threeSeeds(bpbs: bpbs)
        // mean 1.11166667
        for (claim, places) in [(1.11166667, 8), (1.1117, 4), (1.112, 3)] {
            let r = Build.check("claim.score", Build.context(logs, claims: Build.claims(bpb: claim, decimals: places)))
            #expect(r.status == .pass, "\(claim): \(r.message)")
        }
    }

    @Test func scoreFailsNamingTheBestSeed() {
        let r = Build.check("claim.score", Build.context(Build.threeSeeds(bpbs: bpbs), claims: Build.claims(bpb: 1.1, decimals: 8)))
        #expect(r.status == .fail)
        #expect(r.message.contains("the best seed (train_seed1.log, seed 1)"), "\(r.message)")
    }

    @Test func scoreFailsNamingOneRunAMidTrainingLineOrASubset() {
        let one = Build.check("claim.score", Build.context(Build.threeSeeds(bpbs: bpbs), claims: Build.claims(bpb: 1.125, decimals: 8)))
        #expect(one.message.contains("one run's score (train_seed3.log)"), "\(one.message)")

        var run = Build.run(bpb: 1.2)
        run.steps = [StepPoint(step: 4000, valBPB: 1.0812, line: 77)]
        let mid = Build.check("claim.score", Build.context([Build.log(run)], claims: Build.claims(bpb: 1.0812, decimals: 4)))
        #expect(mid.status == .fail)
        #expect(mid.message.contains("mid-training validation line (step 4000)"), "\(mid.message)")
        #expect(mid.evidence.last?.location?.line == 77)

        let four = (0..<4).map { i in Build.log(Build.run(file: "s\(i).log", seed: i, bpb: [1.10, 1.12, 1.14, 1.30][i])) }
        let subset = Build.check("claim.score", Build.context(four, claims: Build.claims(bpb: 1.12, decimals: 8)))
        #expect(subset.status == .fail)
        #expect(subset.message.contains("one run's score") || subset.message.contains("subset"), "\(subset.message)")
        let sub2 = Build.check("claim.score", Build.context(four, claims: Build.claims(bpb: 1.11, decimals: 8)))
        #expect(sub2.message.contains("subset of the runs (s0.log, s1.log)"), "\(sub2.message)")
    }

    @Test func scoreUnverifiableWithoutClaimOrScores() {
        #expect(Build.check("claim.score", Build.context(Build.threeSeeds())).status == .unverifiable)
        #expect(Build.check("claim.score", Build.context(Build.threeSeeds(), claims: Build.claims())).status == .unverifiable)
        let noScore = Build.context([Build.log(Build.run(bpb: nil))], claims: Build.claims(bpb: 1.1))
        #expect(Build.check("claim.score", noScore).status == .unverifiable)
    }

    @Test func sizePassesOnTheLargestArtifactAndMatchingSeeds() {
        let claims = Build.claims(total: 15_950_000, seeds: [SeedClaim(seed: "1", artifactBytes: 15_900_000)])
        #expect(Build.check("claim.size", Build.context(Build.threeSeeds(), claims: claims)).status == .pass)
    }

    @Test(arguments: [
        (15_923_333, "mean over 3 runs"),
        (15_900_000, "one run's artifact (train_seed1.log)"),
        (15_840_000, "model bytes only of train_seed1.log"),
        (15_000_000, "differs by -950,000 bytes"),
    ])
    func sizeFailsNamingWhatTheClaimIs(total: Int, fragment: String) {
        var logs = Build.threeSeeds()
        logs[0] = Build.log(Build.run(file: "train_seed1.log", seed: 1, bpb: 1.1, artifact: 15_900_000, model: 15_840_000))
        let r = Build.check("claim.size", Build.context(logs, claims: Build.claims(total: total)))
        #expect(r.status == .fail)
        #expect(r.evidence.first?.detail.contains(fragment) == true, "\(r.evidence.first?.detail ?? "")")
    }

    @Test func sizeFailsOnAWrongPerSeedClaim() {
        let claims = Build.claims(seeds: [SeedClaim(seed: "2", artifactBytes: 15_000_000)])
        let r = Build.check("claim.size", Build.context(Build.threeSeeds(), claims: claims))
        #expect(r.status == .fail)
        #expect(r.evidence.first?.location?.description == "train_seed2.log:110")
    }

    @Test func sizeUnverifiableWithoutAClaimOrALoggedSize() {
        #expect(Build.check("claim.size", Build.context(Build.threeSeeds(), claims: Build.claims())).status == .unverifiable)
        let noSize = Build.context([Build.log(Build.run(artifact: nil))], claims: Build.claims(total: 1))
        #expect(Build.check("claim.size", noSize).status == .unverifiable)
    }
}
