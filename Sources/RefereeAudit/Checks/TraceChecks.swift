/// Checks computed from trace files: causal.score-before-update, causal.single-pass,
/// norm.sums-to-one, trace.matches-log, trace.coverage (helper "trace" owns this file).
enum TraceChecks {
    static let all: [String: RuleCheck] = [:]
}
