import Testing
@testable import RefereeBundle

@Suite struct PlaceholderBundleTests {
    @Test func moduleLinks() {
        #expect(Bool(true))
    }
}
