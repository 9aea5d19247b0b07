import Testing
@testable import RefereeLogs

@Suite struct BoundedSeriesTests {
    @Test func staysUnderCapAndKeepsFirstAndLast() {
        var s = BoundedSeries<Int>(cap: 100)
        for i in 0..<100_003 { s.append(i) }
        #expect(s.elements.count <= 101)
        #expect(s.elements.count > 50)
        #expect(s.elements.first == 0)
        #expect(s.elements.last == 100_002)
        #expect(s.elements == s.elements.sorted())
        #expect(s.thinned)
    }

    @Test func shortSeriesIsUntouched() {
        var s = BoundedSeries<Int>(cap: 100)
        for i in 0..<100 { s.append(i) }
        #expect(s.elements == Array(0..<100))
        #expect(!s.thinned)
    }

    @Test func recentSeriesKeepsTheLastInOrder() {
        var r = RecentSeries<Int>(cap: 3)
        for i in 1...7 { r.append(i) }
        #expect(r.elements == [5, 6, 7])
        #expect(r.dropped == 4)
    }
}
