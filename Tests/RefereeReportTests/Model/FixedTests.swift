import Testing
@testable import RefereeReport

@Suite struct FixedTests {
    @Test(arguments: [
        (1.224365704, 8, "1.22436570"),
        (1.5, 2, "1.50"),
        (-0.000000004, 8, "0.00000000"),
        (-2.5, 0, "-3"),
        (600.0381, 1, "600.0"),
        (0.125, 2, "0.13"),
        (12.0, 3, "12.000"),
    ])
    func format(value: Double, decimals: Int, expected: String) {
        #expect(Fixed.format(value, decimals) == expected)
    }

    @Test func nonFinite() {
        #expect(Fixed.format(.nan, 3) == "nan")
        #expect(Fixed.format(-.infinity, 3) == "-inf")
    }

    @Test func roundingGivesShortDescriptions() {
        #expect(String(describing: Fixed.round(1.0798327300000001, 8)) == "1.07983273")
        #expect(String(describing: Fixed.round(2.789320093333, 8)) == "2.78932009")
    }

    @Test(arguments: [(15_992_995, "15,992,995"), (999, "999"), (1000, "1,000"), (-16_000_000, "-16,000,000"), (0, "0")])
    func grouped(value: Int, expected: String) {
        #expect(Fixed.grouped(value) == expected)
    }
}
