import Testing
@testable import RefereeTrace

@Suite struct PlaceholderTraceTests {
    @Test func moduleLinks() {
        #expect(Bool(true))
    }
}
