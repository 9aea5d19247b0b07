/// Checks computed from logs, files and submission.json (helper "audit" owns this file and may
/// split it into one file per family: SizeChecks, TimeChecks, EvidenceChecks, ClaimChecks, StatsChecks).
enum LogChecks {
    static let all: [String: RuleCheck] = [:]
}
