import Testing
@testable import RefereeRunner

@Suite struct PlaceholderRunnerTests {
    @Test func moduleLinks() {
        #expect(Bool(true))
    }
}
