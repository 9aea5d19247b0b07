import Testing
@testable import RefereeCrypto

@Suite struct PlaceholderCryptoTests {
    @Test func moduleLinks() {
        #expect(Bool(true))
    }
}
