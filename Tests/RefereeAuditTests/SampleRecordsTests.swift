import Foundation
import Testing
import RefereeLogs
import RefereeTestSupport
@testable import RefereeAudit

/// Whether the real samples can be audited end to end: the shared samples exist and the
/// "logs" helper's LogReader / RecordFolder.load are implemented (they are stubs until merged).
enum SampleAvailability {
    static let samples = TestPaths.samples
    static let ready: Bool = {
        guard let samples else { return false }
        let record = samples.appendingPathComponent("track_10min_16mb/2026-03-17_NaiveBaseline")
        guard (try? RecordFolder.load(record)) != nil else { return false }
        return (try? LogReader().read(record.appendingPathComponent("train.log"))) != nil
    }()
    static let reason: Comment = samples == nil
        ? "shared samples absent (../shared/samples/parameter-golf-records)"
        : "LogReader / RecordFolder.load not implemented yet (branch logs not merged): end-to-end sample audits skipped"
}

@Suite(.enabled(if: SampleAvailability.ready, SampleAvailability.reason))
struct SampleRecordsTests {
    func audit(_ relative: String, track: String = "track_10min_16mb", against: String? = nil) throws -> RecordAudit {
        let root = try #require(SampleAvailability.samples)
        let rules = try RuleSet.builtin(track: track)
        return try Auditor(rules: rules).audit(path: root.appendingPathComponent(relative), against: against.map { root.appendingPathComponent($0) }, displayPath: relative)
    }

    func status(_ audit: RecordAudit, _ id: String) -> RuleStatus? {
        audit.results.first { $0.id == id }?.status
    }

    func result(_ audit: RecordAudit, _ id: String) -> RuleResult? {
        audit.results.first { $0.id == id }
    }

    /// Honest records: no rule fails, and the claims match the recomputed numbers.
    @Test(arguments: [
        "track_10min_16mb/2026-03-17_NaiveBaseline",
        "track_10min_16mb/2026-03-19_SlidingWindowEval",
        "track_10min_16mb/2026-03-23_LeakyReLU_LegalTTT_ParallelMuon",
        "track_10min_16mb/2026-04-09_A2_Muon097_3Seed",
        "track_10min_16mb/2026-04-13_VarLenAttn_PhasingTTT2000",
        "track_10min_16mb/2026-04-27_SP8192_LQER_SparseGate_BOSSmearFix_9HpStack_1.0611",
    ])
    func honestRecordsHaveNoFalseFailure(record: String) throws {
        let a = try audit(record)
        let failed = a.results.filter { $0.status == .fail }.map { "\($0.id): \($0.message)" }
        #expect(failed.isEmpty, "\(failed)")
        #expect(status(a, "claim.score") == .pass)
        #expect(status(a, "size.artifact-cap") == .pass)
        #expect(status(a, "time.train") == .pass)
        #expect(status(a, "evidence.logs-present") == .pass)
        // Trace rules need traces these records do not have: never a pass.
        #expect(status(a, "trace.coverage") == .unverifiable)
        #expect(status(a, "stats.significance") == .unverifiable)
        #expect(a.verdict == .incomplete)
    }

    @Test func duplicateLogCountedOnceAndClaimsAreTheBestSeed() throws {
        let a = try audit("track_10min_16mb/2026-03-20_11L_XSA4_EMA_Int6_MLP3x_WD04_1.1271")
        #expect(a.runs.count == 4)
        #expect(a.runs.filter { $0.duplicateOf != nil }.count == 1)
        let mean = (1.12707468 + 1.12835808 + 1.12862486) / 3
        #expect(abs((a.score ?? 0) - mean) < 1e-9)
        #expect(status(a, "evidence.seeds") == .pass)
        #expect(result(a, "claim.score")?.message.contains("best seed") == true)
        #expect(status(a, "claim.size") == .fail)
        #expect(result(a, "claim.size")?.evidence.first?.detail.contains("one run's artifact") == true)
        #expect(status(a, "hardware.gpus") == .pass)
        #expect(a.verdict == .fail)
    }

    @Test func ternaryClaimsTheBestSeedAndOneSeedsSize() throws {
        let a = try audit("track_10min_16mb/2026-03-24_74M_Ternary_UNet_FP8_10L_8192BPE_YaRN_NeoMuon")
        #expect(status(a, "claim.score") == .fail)
        #expect(result(a, "claim.score")?.message.contains("best seed") == true)
        #expect(status(a, "claim.size") == .fail)
        #expect(status(a, "size.artifact-cap") == .pass)
    }

    @Test func meanBytesTotalIsNamed() throws {
        let a = try audit("track_10min_16mb/2026-04-05_SP8192_GPTQ-Embeddings_SDClip_Loop45x2")
        #expect(status(a, "claim.score") == .pass)
        #expect(status(a, "claim.size") == .fail)
        #expect(result(a, "claim.size")?.evidence.first?.detail.contains("mean over 5 runs") == true)
        #expect(status(a, "hardware.gpus") == .pass)
    }

    @Test func appendedRunsWithOneSeedAndALastRunClaim() throws {
        let a = try audit("track_10min_16mb/2026-03-19_MixedQuant_Int6Int8_SlidingWindow")
        #expect(a.runs.count == 3)
        #expect(status(a, "evidence.seeds") == .fail)
        #expect(status(a, "claim.score") == .fail)
        // The last of three runs sharing seed 1337 is also the best one.
        #expect(result(a, "claim.score")?.message.contains("the best run (train.log (run 3), seed 1337)") == true, "\(result(a, "claim.score")?.message ?? "")")
    }

    @Test func nonRecordStudyFailsNoErrorRule() throws {
        let a = try audit("track_non_record_16mb/2026-03-29_HNet_ByteVsSubword_Study", track: "track_non_record_16mb")
        let errors = a.results.filter { $0.status == .fail && $0.severity == .error }.map(\.id)
        #expect(errors.isEmpty, "\(errors)")
        #expect(a.verdict != .fail)
        #expect(status(a, "size.artifact-cap") == .pass)
    }

    @Test func significanceAgainstAnEarlierRecord() throws {
        let a = try audit("track_10min_16mb/2026-03-23_LeakyReLU_LegalTTT_ParallelMuon", against: "track_10min_16mb/2026-03-20_11L_XSA4_EMA_Int6_MLP3x_WD04_1.1271")
        #expect(status(a, "stats.significance") == .pass, "\(result(a, "stats.significance")?.message ?? "")")
    }

    @Test func folderWithoutLogsFails() throws {
        let root = try #require(SampleAvailability.samples)
        let dir = try TestPaths.tempDir("audit-nologs")
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = root.appendingPathComponent("track_10min_16mb/2026-03-17_NaiveBaseline/submission.json")
        try FileManager.default.copyItem(at: source, to: dir.appendingPathComponent("submission.json"))
        let a = try Auditor(rules: RuleSet.builtin(track: "track_10min_16mb")).audit(path: dir)
        #expect(status(a, "evidence.logs-present") == .fail)
        #expect(status(a, "claim.score") == .unverifiable)
        #expect(a.verdict == .fail)
    }

    @Test func singleLogFileIsAudited() throws {
        let a = try audit("track_10min_16mb/2026-03-17_NaiveBaseline/train.log")
        #expect(a.runs.count == 1)
        #expect(a.runs.first?.scoreLine == 448)
        #expect(a.runs.first?.artifactBytes == 15_863_489)
        #expect(status(a, "claim.score") == .unverifiable)
    }
}
