import Testing
import RefereeAudit
@testable import RefereeReport

@Suite struct RuleRowsTests {
    func result(_ id: String, _ status: RuleStatus, _ message: String, _ severity: Severity = .error) -> RuleResult {
        RuleResult(id: id, status: status, severity: severity, message: message)
    }

    @Test func sameCauseUnverifiableRulesShareARowAtTheFirstPosition() {
        let rows = RuleRows.rows([
            result("a", .unverifiable, "no traces"),
            result("b", .pass, "ok"),
            result("c", .unverifiable, "no traces"),
            result("d", .unverifiable, "no probes"),
            result("e", .fail, "no traces"),
            result("f", .unverifiable, "no traces", .warning),
        ])
        #expect(rows.map(\.ids) == [["a", "c"], ["b"], ["d"], ["e"], ["f"]])
        #expect(rows[0].isGroup && !rows[1].isGroup)
    }
}
