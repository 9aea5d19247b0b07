/// Checks computed from black-box probe results: causal.prefix-invariance, causal.target-flip,
/// norm.full-vocab (helper "trace" owns this file).
enum ProbeChecks {
    static let all: [String: RuleCheck] = [:]
}
