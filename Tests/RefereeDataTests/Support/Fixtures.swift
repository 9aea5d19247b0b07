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

/// Deterministic generator for fuzz and random-stream tests (SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
