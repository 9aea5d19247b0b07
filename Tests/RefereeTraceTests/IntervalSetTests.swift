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

    /// Interleaved ranks extending their ranges (the in-place extension of `insert`), mixed with
    /// ranges that touch, overlap or bridge others (the split and merge path), against a plain
    /// array of positions.
    @Test func randomInsertionsMatchAModel() {
        var rng: UInt64 = 0x1234_5678
        func next(_ bound: Int) -> Int {
            rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((rng >> 33) % UInt64(bound))
        }
        var set = IntervalSet()
        var model = [Bool](repeating: false, count: 400)
        var cursors = [0, 100, 200, 300]
        for step in 0..<600 {
            let range: PositionRange
            if step % 3 != 2 {
                let r = next(4)
                let length = 1 + next(4)
                range = PositionRange(cursors[r], min(cursors[r] + length, 400))
                cursors[r] = min(range.end + (next(5) == 0 ? 1 : 0), 399)
            } else {
                let s = next(399)
                range = PositionRange(s, min(s + 1 + next(6), 400))
            }
            guard range.count > 0 else { continue }
            var expected: [PositionRange] = []
            var p = range.start
            while p < range.end {
                if model[p] {
                    let s = p
                    while p < range.end, model[p] { p += 1 }
                    expected.append(PositionRange(s, p))
                } else {
                    p += 1
                }
            }
            #expect(set.insert(range) == expected, "step \(step): \(range)")
            for q in range.start..<range.end { model[q] = true }
        }
        var modelRanges: [PositionRange] = []
        var p = 0
        while p < 400 {
            if model[p] {
                let s = p
                while p < 400, model[p] { p += 1 }
                modelRanges.append(PositionRange(s, p))
            } else {
                p += 1
            }
        }
        #expect(set.ranges == modelRanges)
        #expect(set.count == modelRanges.count)
    }

    @Test func extensionStopsBeforeTheNextRange() {
        var set = IntervalSet()
        set.insert(PositionRange(1, 5))
        set.insert(PositionRange(9, 12))
        // Ends where the next begins: adjacent, so all three become one range.
        #expect(set.insert(PositionRange(5, 9)).isEmpty)
        #expect(set.ranges == [PositionRange(1, 12)])
        // Runs into the next range: the overlap is reported.
        set.insert(PositionRange(20, 30))
        #expect(set.insert(PositionRange(12, 22)) == [PositionRange(20, 22)])
        #expect(set.ranges == [PositionRange(1, 30)])
    }
}

