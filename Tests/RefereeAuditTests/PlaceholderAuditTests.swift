import Testing
@testable import RefereeAudit

@Suite struct PlaceholderAuditTests {
    @Test func moduleLinks() {
        #expect(Bool(true))
    }
}
