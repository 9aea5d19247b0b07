import Testing
@testable import RefereeData

@Suite struct PlaceholderDataTests {
    @Test func moduleLinks() {
        #expect(Bool(true))
    }
}
