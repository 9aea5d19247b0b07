/// Checks computed from logs, files and submission.json, one file per family.
enum LogChecks {
    static let all: [String: RuleCheck] = {
        var all: [String: RuleCheck] = [:]
        for family in [SizeChecks.all, TimeChecks.all, HardwareChecks.all, EvidenceChecks.all, ClaimChecks.all, StatsChecks.all, MeasuredClaimChecks.all, DataChecks.all, HeldoutChecks.all, ValueChecks.all] {
            all.merge(family) { first, _ in first }
        }
        return all
    }()
}
