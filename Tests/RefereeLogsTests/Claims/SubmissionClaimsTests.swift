import Foundation
import Testing
import RefereeLogs
import RefereeTestSupport

/// A sample submission.json with values read off the file by hand.
struct SampleClaim: CustomStringConvertible, Sendable {
    var file: String
    var valBPB: Double
    var decimals: Int
    var bytesTotal: Int?
    var bytesCode: Int?
    var track: String?
    var seeds: [String]
    var description: String { file }
}

let sampleClaims: [SampleClaim] = [
    SampleClaim(file: "track_10min_16mb/2026-03-17_NaiveBaseline/submission.json", valBPB: 1.2243657, decimals: 7, bytesTotal: 15863489, bytesCode: 47642, track: nil, seeds: []),
    SampleClaim(file: "track_10min_16mb/2026-03-19_MixedQuant_Int6Int8_SlidingWindow/submission.json", valBPB: 1.16301431, decimals: 8, bytesTotal: 15353490, bytesCode: 56770, track: nil, seeds: []),
    SampleClaim(file: "track_10min_16mb/2026-03-19_SlidingWindowEval/submission.json", valBPB: 1.19250007, decimals: 8, bytesTotal: 15874829, bytesCode: 58340, track: nil, seeds: []),
    SampleClaim(file: "track_10min_16mb/2026-03-20_11L_XSA4_EMA_Int6_MLP3x_WD04_1.1271/submission.json", valBPB: 1.12707468, decimals: 8, bytesTotal: 15534645, bytesCode: 66133, track: nil, seeds: []),
    SampleClaim(file: "track_10min_16mb/2026-03-23_LeakyReLU_LegalTTT_ParallelMuon/submission.json", valBPB: 1.1194, decimals: 4, bytesTotal: 15990006, bytesCode: nil, track: nil, seeds: []),
    SampleClaim(file: "track_10min_16mb/2026-03-24_74M_Ternary_UNet_FP8_10L_8192BPE_YaRN_NeoMuon/submission_ternary.json", valBPB: 1.1565, decimals: 4, bytesTotal: 15993853, bytesCode: 70853, track: nil, seeds: []),
    SampleClaim(file: "track_10min_16mb/2026-04-05_SP8192_GPTQ-Embeddings_SDClip_Loop45x2/submission.json", valBPB: 1.08563, decimals: 5, bytesTotal: 15985678, bytesCode: 15516, track: "10min_16mb", seeds: ["1", "42", "1234", "1337", "2025"]),
    SampleClaim(file: "track_10min_16mb/2026-04-09_A2_Muon097_3Seed/submission.json", valBPB: 1.07983273, decimals: 8, bytesTotal: 15994604, bytesCode: nil, track: nil, seeds: ["0", "42", "1234"]),
    SampleClaim(file: "track_10min_16mb/2026-04-13_VarLenAttn_PhasingTTT2000/submission.json", valBPB: 1.07280628, decimals: 8, bytesTotal: nil, bytesCode: nil, track: "10min_16mb", seeds: ["0", "1", "2"]),
    SampleClaim(file: "track_10min_16mb/2026-04-27_SP8192_LQER_SparseGate_BOSSmearFix_9HpStack_1.0611/submission.json", valBPB: 1.06107587, decimals: 8, bytesTotal: 15907550, bytesCode: nil, track: "10min_16mb", seeds: ["42", "0", "1234"]),
    SampleClaim(file: "track_non_record_16mb/2026-03-29_HNet_ByteVsSubword_Study/submission.json", valBPB: 1.35945128, decimals: 8, bytesTotal: 15962226, bytesCode: 57968, track: "non-record-unlimited-compute-16mb", seeds: []),
]

@Suite struct SubmissionClaimsTests {
    func temp(_ text: String) throws -> URL {
        let url = try TestPaths.tempDir("claims").appendingPathComponent("submission.json")
        try Data(text.utf8).write(to: url)
        return url
    }

    @Test("every sample submission.json", arguments: sampleClaims)
    func sample(_ expected: SampleClaim) throws {
        guard let root = TestPaths.samples else {
            print("SKIP: shared samples not found beside the repository")
            return
        }
        let claims = try SubmissionClaims.load(root.appendingPathComponent(expected.file))
        #expect(claims.valBPB == expected.valBPB)
        #expect(claims.valBPBDecimals == expected.decimals)
        #expect(claims.bytesTotal == expected.bytesTotal)
        #expect(claims.bytesCode == expected.bytesCode)
        #expect(claims.track == expected.track)
        #expect(claims.seeds.map(\.seed) == expected.seeds)
        #expect(claims.name != nil)
    }

    @Test func perSeedResultsFromBothSchemas() throws {
        guard let root = TestPaths.samples else { return }
        let a = try SubmissionClaims.load(root.appendingPathComponent("track_10min_16mb/2026-04-09_A2_Muon097_3Seed/submission.json"))
        #expect(a.seeds.first { $0.seed == "42" } == SeedClaim(seed: "42", valBPB: 1.07996676, valLoss: 2.78966630, artifactBytes: 15992995))
        let b = try SubmissionClaims.load(root.appendingPathComponent("track_10min_16mb/2026-04-13_VarLenAttn_PhasingTTT2000/submission.json"))
        #expect(b.seeds.first { $0.seed == "2" } == SeedClaim(seed: "2", valBPB: 1.07325147, valLoss: 2.77232000, artifactBytes: 15988805))
        #expect(b.author == "romeerp")
        #expect(b.githubID == "romeerp")
        #expect(b.date == "2026-04-13")
        #expect(b.valLoss == 2.77117005)
    }

    @Test func wronglyTypedFieldNamesFileLineAndField() throws {
        let url = try temp("{\n  \"name\": \"x\",\n  \"val_bpb\": \"abc\"\n}\n")
        #expect(throws: LogError.malformedJSON(path: url.path, line: 3, expected: "`val_bpb` to be a number, found a string")) {
            try SubmissionClaims.load(url)
        }
    }

    @Test func wronglyTypedPerSeedField() throws {
        let url = try temp("{\"seed_results\": {\"7\": {\"val_bpb\": true}}}")
        do {
            _ = try SubmissionClaims.load(url)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("seed_results.7.val_bpb"))
            #expect(error.description.contains(url.path))
        }
    }

    @Test func nonIntegerBytesAreRejected() throws {
        let url = try temp("{\"bytes_total\": 1.5}")
        #expect(throws: LogError.self) { try SubmissionClaims.load(url) }
    }

    @Test func malformedJSONNamesTheLine() throws {
        let url = try temp("{\n  \"val_bpb\": 1.2,\n  \"seeds\": [1, 2\n}\n")
        do {
            _ = try SubmissionClaims.load(url)
            Issue.record("expected an error")
        } catch {
            guard case .malformedJSON(let path, let line, _) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(path == url.path)
            #expect(line == 4)
        }
    }

    @Test func topLevelArrayIsRejected() throws {
        let url = try temp("[1, 2]")
        #expect(throws: LogError.malformedJSON(path: url.path, line: 1, expected: "a JSON object at top level, found an array")) {
            try SubmissionClaims.load(url)
        }
    }

    @Test func missingFileIsUnreadable() throws {
        let url = try TestPaths.tempDir("claims").appendingPathComponent("none.json")
        do {
            _ = try SubmissionClaims.load(url)
            Issue.record("expected an error")
        } catch {
            guard case .unreadable(let path, _) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(path == url.path)
        }
    }
}
