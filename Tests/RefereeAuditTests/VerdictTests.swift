import Testing
@testable import RefereeAudit

@Suite struct VerdictTests {
    static func result(_ status: RuleStatus, _ severity: Severity) -> RuleResult {
        RuleResult(id: "x.\(status.rawValue).\(severity.rawValue)", status: status, severity: severity, message: "")
    }

    @Test(arguments: [
        ([result(.pass, .error), result(.pass, .warning)], Verdict.pass),
        ([result(.pass, .error), result(.fail, .error)], .fail),
        ([result(.fail, .warning), result(.pass, .error)], .pass),
        ([result(.unverifiable, .error), result(.pass, .error)], .incomplete),
        ([result(.unverifiable, .warning), result(.pass, .error)], .pass),
        ([result(.unverifiable, .error), result(.fail, .error)], .fail),
    ])
    func verdictFollowsErrorSeverityRules(results: [RuleResult], expected: Verdict) {
        #expect(Verdict(results) == expected)
    }
}
