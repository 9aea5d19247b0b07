/// A rule check: reads the context, returns the rule's result. Checks never throw; missing
/// evidence is `unverifiable`.
package typealias RuleCheck = @Sendable (AuditContext, Rule) -> RuleResult

/// Maps rule ids to their checks. A rule id with no check is reported `unverifiable`.
package enum CheckRegistry {
    package static let checks: [String: RuleCheck] = {
        var all: [String: RuleCheck] = [:]
        for (id, check) in LogChecks.all { all[id] = check }
        for (id, check) in TraceChecks.all { all[id] = check }
        for (id, check) in CustodyChecks.all { all[id] = check }
        // Probes are evaluations Referee drove itself: their findings are measured (when probes.json exists).
        for (id, check) in ProbeChecks.all {
            all[id] = { context, rule in
                let result = check(context, rule)
                return context.probes == nil ? result : result.resting(on: .measured)
            }
        }
        return all
    }()
}
