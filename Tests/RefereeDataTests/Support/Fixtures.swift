import Foundation
import RefereeTestSupport

/// The real tokenizers in the shared samples, nil when the samples are absent.
enum RealModels {
    static let sp8192: URL? = TestPaths.samples?.appendingPathComponent(
        "track_10min_16mb/2026-03-24_74M_Ternary_UNet_FP8_10L_8192BPE_YaRN_NeoMuon/fineweb_8192_bpe.model")
    static let caseops: URL? = TestPaths.samples?.appendingPathComponent(
        "track_10min_16mb/2026-04-27_SP8192_LQER_SparseGate_BOSSmearFix_9HpStack_1.0611/tokenizers/fineweb_8192_bpe_lossless_caps_caseops_v1_reserved.model")
    static let present = sp8192.map { FileManager.default.fileExists(atPath: $0.path) } ?? false
}

