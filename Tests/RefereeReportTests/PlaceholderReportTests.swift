import Testing
@testable import RefereeReport

@Suite struct PlaceholderReportTests {
    @Test func moduleLinks() {
        #expect(Bool(true))
    }
}
