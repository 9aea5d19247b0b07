import Testing
@testable import RefereeTrace

@Suite struct IntervalSetTests {
    @Test func adjacentRangesMerge() {
        var set = IntervalSet()
        #expect(set.insert(PositionRange(1, 5)).isEmpty)
        #expect(set.insert(PositionRange(5, 9)).isEmpty)
        #expect(set.ranges == [PositionRange(1, 9)])
    }

    @Test func overlapsAreReturnedExactly() {
        var set = IntervalSet()
        set.insert(PositionRange(1, 5))
        set.insert(PositionRange(10, 20))
        let overlaps = set.insert(PositionRange(3, 12))
        #expect(overlaps == [PositionRange(3, 5), PositionRange(10, 12)])
        #expect(set.ranges == [PositionRange(1, 20)])
    }

    @Test(arguments: [
        (PositionRange(1, 5), nil as PositionRange?),
        (PositionRange(4, 12), PositionRange(5, 10)),
        (PositionRange(20, 30), PositionRange(20, 30)),
        (PositionRange(12, 16), nil),
        (PositionRange(0, 2), PositionRange(0, 1)),
    ])
    func firstMissing(query: PositionRange, expected: PositionRange?) {
        var set = IntervalSet()
        set.insert(PositionRange(1, 5))
        set.insert(PositionRange(10, 16))
        #expect(set.firstMissing(in: query) == expected)
    }

    @Test func gapsAndOutside() {
        var set = IntervalSet()
        set.insert(PositionRange(0, 3))
        set.insert(PositionRange(5, 7))
        set.insert(PositionRange(9, 12))
        let (gaps, total) = set.gaps(in: PositionRange(1, 10))
        #expect(gaps == [PositionRange(3, 5), PositionRange(7, 9)])
        #expect(total == 4)
        #expect(set.positions(outside: PositionRange(1, 10)) == 3)
    }

    @Test func manyDisjointRangesStayCorrect() {
        var set = IntervalSet()
        // even blocks first, then odd blocks: 2000 disjoint ranges that finally merge into one
        for i in stride(from: 0, to: 4000, by: 2) { set.insert(PositionRange(i * 10, i * 10 + 10)) }
        #expect(set.ranges.count == 2000)
        for i in stride(from: 1, to: 4000, by: 2) { #expect(set.insert(PositionRange(i * 10, i * 10 + 10)).isEmpty) }
        #expect(set.ranges == [PositionRange(0, 40000)])
    }
}
