import Testing
@testable import RefereeLogs

@Suite struct PlaceholderLogsTests {
    @Test func moduleLinks() {
        #expect(Bool(true))
    }
}
