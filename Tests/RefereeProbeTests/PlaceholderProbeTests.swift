import Testing
@testable import RefereeProbe

@Suite struct PlaceholderProbeTests {
    @Test func moduleLinks() {
        #expect(Bool(true))
    }
}
