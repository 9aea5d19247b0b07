import RefereeCore
import Foundation
import Testing
import RefereeLogs
import RefereeTestSupport

/// One run of a real record log, with values read off the log by hand (grep, not the reader).
struct SampleRun: CustomStringConvertible, Sendable {
    var file: String
    var run: Int
    var seed: Int
    var seedLine: Int
    var score: Double
    var scoreLine: Int
    var trainMs: Double
    var artifact: Int
    var gpus: Int?  // 8×"NVIDIA H100 80GB HBM3" when the log has an nvidia-smi table
    var description: String { "\(file)#\(run)" }
}

private let t10 = "track_10min_16mb/"
private let nr = "track_non_record_16mb/2026-03-29_HNet_ByteVsSubword_Study/"

/// Every run of every sample log. Scores are the last 8-decimal eval after the artifact size line
/// (4 decimals for the ternary logs, which print no 8-decimal line).
let sampleRuns: [SampleRun] = [
    SampleRun(file: t10 + "2026-03-17_NaiveBaseline/train.log", run: 0, seed: 1337, seedLine: 57, score: 1.22436570, scoreLine: 448, trainMs: 600038, artifact: 15863489, gpus: nil),
    SampleRun(file: t10 + "2026-03-19_MixedQuant_Int6Int8_SlidingWindow/train.log", run: 0, seed: 1337, seedLine: 1377, score: 1.19763674, scoreLine: 1473, trainMs: 600037, artifact: 15216319, gpus: 8),
    SampleRun(file: t10 + "2026-03-19_MixedQuant_Int6Int8_SlidingWindow/train.log", run: 1, seed: 1337, seedLine: 2850, score: 1.20840424, scoreLine: 2960, trainMs: 600039, artifact: 15220600, gpus: 8),
    SampleRun(file: t10 + "2026-03-19_MixedQuant_Int6Int8_SlidingWindow/train.log", run: 2, seed: 1337, seedLine: 4354, score: 1.16301431, scoreLine: 4464, trainMs: 600044, artifact: 15353490, gpus: 8),
    SampleRun(file: t10 + "2026-03-19_SlidingWindowEval/train.log", run: 0, seed: 1337, seedLine: 11, score: 1.19250007, scoreLine: 133, trainMs: 600028, artifact: 15874829, gpus: nil),
    SampleRun(file: t10 + "2026-03-20_11L_XSA4_EMA_Int6_MLP3x_WD04_1.1271/train.log", run: 0, seed: 1337, seedLine: 1627, score: 1.12707468, scoreLine: 1704, trainMs: 600021, artifact: 15534645, gpus: 8),
    SampleRun(file: t10 + "2026-03-20_11L_XSA4_EMA_Int6_MLP3x_WD04_1.1271/train_seed1337.log", run: 0, seed: 1337, seedLine: 1627, score: 1.12707468, scoreLine: 1704, trainMs: 600021, artifact: 15534645, gpus: 8),
    SampleRun(file: t10 + "2026-03-20_11L_XSA4_EMA_Int6_MLP3x_WD04_1.1271/train_seed2025.log", run: 0, seed: 2025, seedLine: 1627, score: 1.12835808, scoreLine: 1704, trainMs: 600043, artifact: 15649516, gpus: 8),
    SampleRun(file: t10 + "2026-03-20_11L_XSA4_EMA_Int6_MLP3x_WD04_1.1271/train_seed42.log", run: 0, seed: 42, seedLine: 1627, score: 1.12862486, scoreLine: 1704, trainMs: 600017, artifact: 15745973, gpus: 8),
    SampleRun(file: t10 + "2026-03-23_LeakyReLU_LegalTTT_ParallelMuon/train_seed1337.log", run: 0, seed: 1337, seedLine: 17, score: 1.11922988, scoreLine: 275, trainMs: 600128, artifact: 15977386, gpus: nil),
    SampleRun(file: t10 + "2026-03-23_LeakyReLU_LegalTTT_ParallelMuon/train_seed2025.log", run: 0, seed: 2025, seedLine: 17, score: 1.11888882, scoreLine: 275, trainMs: 600110, artifact: 15990006, gpus: nil),
    SampleRun(file: t10 + "2026-03-23_LeakyReLU_LegalTTT_ParallelMuon/train_seed42.log", run: 0, seed: 42, seedLine: 17, score: 1.12002032, scoreLine: 275, trainMs: 600128, artifact: 15876510, gpus: nil),
    SampleRun(file: t10 + "2026-03-24_74M_Ternary_UNet_FP8_10L_8192BPE_YaRN_NeoMuon/ternary_log_1337.txt", run: 0, seed: 1337, seedLine: 1441, score: 1.1568, scoreLine: 1460, trainMs: 599128, artifact: 15995705, gpus: nil),
    SampleRun(file: t10 + "2026-03-24_74M_Ternary_UNet_FP8_10L_8192BPE_YaRN_NeoMuon/ternary_log_42.txt", run: 0, seed: 42, seedLine: 1441, score: 1.1565, scoreLine: 1460, trainMs: 599652, artifact: 15993853, gpus: nil),
    SampleRun(file: t10 + "2026-03-24_74M_Ternary_UNet_FP8_10L_8192BPE_YaRN_NeoMuon/ternary_log_7.txt", run: 0, seed: 7, seedLine: 1441, score: 1.1578, scoreLine: 1460, trainMs: 599602, artifact: 15992753, gpus: nil),
    SampleRun(file: t10 + "2026-04-05_SP8192_GPTQ-Embeddings_SDClip_Loop45x2/train_seed1.log", run: 0, seed: 1, seedLine: 60, score: 1.08553523, scoreLine: 193, trainMs: 588138, artifact: 15987547, gpus: 8),
    SampleRun(file: t10 + "2026-04-05_SP8192_GPTQ-Embeddings_SDClip_Loop45x2/train_seed1234.log", run: 0, seed: 1234, seedLine: 60, score: 1.08462640, scoreLine: 193, trainMs: 588024, artifact: 15983318, gpus: 8),
    SampleRun(file: t10 + "2026-04-05_SP8192_GPTQ-Embeddings_SDClip_Loop45x2/train_seed1337.log", run: 0, seed: 1337, seedLine: 60, score: 1.08554182, scoreLine: 193, trainMs: 588041, artifact: 15984924, gpus: 8),
    SampleRun(file: t10 + "2026-04-05_SP8192_GPTQ-Embeddings_SDClip_Loop45x2/train_seed2025.log", run: 0, seed: 2025, seedLine: 60, score: 1.08577632, scoreLine: 193, trainMs: 588097, artifact: 15983617, gpus: 8),
    SampleRun(file: t10 + "2026-04-05_SP8192_GPTQ-Embeddings_SDClip_Loop45x2/train_seed42.log", run: 0, seed: 42, seedLine: 60, score: 1.08664424, scoreLine: 193, trainMs: 588136, artifact: 15988983, gpus: 8),
    SampleRun(file: t10 + "2026-04-09_A2_Muon097_3Seed/train_seed0.log", run: 0, seed: 0, seedLine: 84, score: 1.07928348, scoreLine: 297, trainMs: 588052, artifact: 15993346, gpus: nil),
    SampleRun(file: t10 + "2026-04-09_A2_Muon097_3Seed/train_seed1234.log", run: 0, seed: 1234, seedLine: 84, score: 1.08024795, scoreLine: 297, trainMs: 588131, artifact: 15994604, gpus: nil),
    SampleRun(file: t10 + "2026-04-09_A2_Muon097_3Seed/train_seed42.log", run: 0, seed: 42, seedLine: 84, score: 1.07996676, scoreLine: 297, trainMs: 588045, artifact: 15992995, gpus: nil),
    SampleRun(file: t10 + "2026-04-13_VarLenAttn_PhasingTTT2000/logs/train0.txt", run: 0, seed: 0, seedLine: 81, score: 1.07216564, scoreLine: 493, trainMs: 587091, artifact: 15996697, gpus: nil),
    SampleRun(file: t10 + "2026-04-13_VarLenAttn_PhasingTTT2000/logs/train1.txt", run: 0, seed: 1, seedLine: 81, score: 1.07300174, scoreLine: 497, trainMs: 587073, artifact: 15995985, gpus: nil),
    SampleRun(file: t10 + "2026-04-13_VarLenAttn_PhasingTTT2000/logs/train2.txt", run: 0, seed: 2, seedLine: 81, score: 1.07325147, scoreLine: 488, trainMs: 587175, artifact: 15988805, gpus: nil),
    SampleRun(file: t10 + "2026-04-27_SP8192_LQER_SparseGate_BOSSmearFix_9HpStack_1.0611/train_seed0.log", run: 0, seed: 0, seedLine: 91, score: 1.06124613, scoreLine: 926, trainMs: 599433, artifact: 15900947, gpus: nil),
    SampleRun(file: t10 + "2026-04-27_SP8192_LQER_SparseGate_BOSSmearFix_9HpStack_1.0611/train_seed1234.log", run: 0, seed: 1234, seedLine: 91, score: 1.06208695, scoreLine: 926, trainMs: 599544, artifact: 15907550, gpus: nil),
    SampleRun(file: t10 + "2026-04-27_SP8192_LQER_SparseGate_BOSSmearFix_9HpStack_1.0611/train_seed42.log", run: 0, seed: 42, seedLine: 91, score: 1.05989454, scoreLine: 921, trainMs: 599592, artifact: 15897259, gpus: nil),
    SampleRun(file: nr + "train_byte260_4h.log", run: 0, seed: 1337, seedLine: 1448, score: 1.35945128, scoreLine: 3457, trainMs: 14399952, artifact: 15962226, gpus: 8),
    SampleRun(file: nr + "train_byte260_best_10_min.log", run: 0, seed: 1337, seedLine: 24, score: 1.40320671, scoreLine: 91, trainMs: 599995, artifact: 15779986, gpus: nil),
    SampleRun(file: nr + "train_byte260_best_10_min.log", run: 1, seed: 1337, seedLine: 1446, score: 1.40320671, scoreLine: 1513, trainMs: 599995, artifact: 15779986, gpus: 8),
    SampleRun(file: nr + "train_sp1024_best_10_min.log", run: 0, seed: 1337, seedLine: 1470, score: 1.37344745, scoreLine: 1543, trainMs: 600080, artifact: 15998337, gpus: 8),
]

@Suite struct LogReaderSampleTests {
    static func read(_ rel: String) throws -> LogFile? {
        guard let root = TestPaths.samples else { return nil }
        return try LogReader().read(root.appendingPathComponent(rel), displayPath: rel)
    }

    @Test("every run of every sample log: seed, score, train time, artifact, GPU", arguments: sampleRuns)
    func sampleRun(_ expected: SampleRun) throws {
        guard let file = try Self.read(expected.file) else {
            print("SKIP: shared samples not found beside the repository")
            return
        }
        try #require(file.runs.count > expected.run)
        let run = file.runs[expected.run]
        #expect(run.seed == expected.seed)
        #expect(run.seedLocation?.line == expected.seedLine)
        let score = try #require(run.score)
        #expect(score.eval.valBPB == expected.score)
        #expect(score.eval.location.line == expected.scoreLine)
        #expect(score.eval.location.file == expected.file)
        #expect(score.eval.kind == .final)
        #expect(run.trainTimeMs == expected.trainMs)
        #expect(run.stoppedAtWallclockCap)
        #expect(run.sizes.artifactBytes?.bytes == expected.artifact)
        #expect(run.worldSize == 8)
        if let gpus = expected.gpus {
            #expect(run.gpu?.count == gpus)
            #expect(run.gpu?.model == "NVIDIA H100 80GB HBM3")
        } else {
            #expect(run.gpu == nil)
        }
    }

    @Test("run counts per file, appended runs included", arguments: [
        (t10 + "2026-03-19_MixedQuant_Int6Int8_SlidingWindow/train.log", [1...1473, 1474...2960, 2961...4464]),
        (nr + "train_byte260_best_10_min.log", [1...93, 94...1513]),
        (nr + "train_byte260_4h.log", [1...3457]),
        (t10 + "2026-03-17_NaiveBaseline/train.log", [1...448]),
    ])
    func runSplits(_ rel: String, _ ranges: [ClosedRange<Int>]) throws {
        guard let file = try Self.read(rel) else { return }
        #expect(file.runs.map { $0.firstLine...$0.lastLine } == ranges)
        #expect(file.runs.map(\.runIndex) == Array(0..<ranges.count))
    }

    @Test func baselineRawCheckpointTotalIsNotTheArtifact() throws {
        guard let file = try Self.read(t10 + "2026-03-17_NaiveBaseline/train.log") else { return }
        let run = try #require(file.runs.first)
        #expect(run.sizes.artifactBytes?.bytes == 15863489)
        #expect(run.sizes.artifactBytes?.location.line == 446)
        #expect(run.sizes.codeBytes?.bytes == 47642)
        #expect(run.sizes.modelBytes?.bytes == 15815847)
        #expect(run.embeddedSource == nil)
        // 4-decimal in-training lines and the 4-decimal twin are not the score.
        #expect(run.evals.filter { $0.kind == .inTraining }.count > 50)
        #expect(run.steps.last?.step == 13780)
        #expect(run.steps.last?.valBPB == 1.2172)
    }

    @Test func embeddedSourceIsTheExactTextBeforeTheSeparator() throws {
        let rel = t10 + "2026-03-20_11L_XSA4_EMA_Int6_MLP3x_WD04_1.1271/train_seed42.log"
        guard let root = TestPaths.samples, let file = try Self.read(rel) else { return }
        let run = try #require(file.runs.first)
        #expect(run.embeddedSourceLines == 1...1556)
        let raw = try String(contentsOf: root.appendingPathComponent(rel), encoding: .utf8)
        let lines = raw.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(run.embeddedSource == lines[0..<1556].joined(separator: "\n"))
        // The code's f-strings (`final_int6_sliding_window_exact val_loss:{…}`) are not evals.
        #expect(run.evals.allSatisfy { $0.location.line > 1556 })
    }

    @Test func timestampsAndEvalTimes() throws {
        guard let file = try Self.read(t10 + "2026-04-13_VarLenAttn_PhasingTTT2000/logs/train0.txt") else { return }
        let run = try #require(file.runs.first)
        #expect(run.firstTimestamp == 1776142348.135)
        #expect(run.lastTimestamp == 1776144156.999)
        #expect(run.totalEvalTimeMs == 500100)
        #expect(run.sizes.codeBytes?.bytes == 139831)
        #expect(run.sizes.codeBytesCompressed?.bytes == 28599)
        #expect(run.score?.eval.evalTimeMs == 500104)
        #expect(run.score?.eval.valLoss == 2.76951521)
        let diagnostics = run.evals.filter { $0.kind == .diagnostic }.map(\.location.line)
        #expect(diagnostics == [162, 174])
    }

    @Test func ternaryDialect() throws {
        guard let file = try Self.read(t10 + "2026-03-24_74M_Ternary_UNet_FP8_10L_8192BPE_YaRN_NeoMuon/ternary_log_42.txt") else { return }
        let run = try #require(file.runs.first)
        #expect(run.sizes.artifactMB == 15.92)
        #expect(run.sizes.codeBytes?.bytes == 70853)
        #expect(run.sizes.artifactBytes?.location.line == 1457)
        #expect(run.steps.map(\.step).prefix(2) == [1000, 2000])
        #expect(run.steps.first?.trainLoss == 3.3120)
        #expect(run.steps.first?.trainTimeMs == 91478)
        #expect(run.score?.eval.decimals == 4)
        // `final_sliding val_loss:2.9869`: trace.matches-log reads val_loss to its 4 decimals too.
        #expect(run.score?.eval.valLossDecimals == 4)
        #expect(run.embeddedSourceLines == 1...1436)
    }

    @Test func legalTTTLogsSkipTheMislabelledAndProgressLines() throws {
        guard let file = try Self.read(t10 + "2026-03-23_LeakyReLU_LegalTTT_ParallelMuon/train_seed42.log") else { return }
        let run = try #require(file.runs.first)
        #expect(run.evals.first { $0.location.line == 70 }?.kind == .diagnostic)
        // `ttt_chunk [..] bpb=` progress lines carry no val_bpb key and are not evals.
        #expect(run.evals.filter { $0.location.line > 81 && $0.location.line < 273 }.isEmpty)
        #expect(run.score?.eval.label == "legal_ttt_exact")
    }
}
