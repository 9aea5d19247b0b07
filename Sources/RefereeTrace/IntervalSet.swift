/// A half-open range of target positions `[start, end)`.
public struct PositionRange: Codable, Hashable, Sendable, CustomStringConvertible {
    public var start: Int
    public var end: Int
    public init(_ start: Int, _ end: Int) {
        self.start = start
        self.end = end
    }
    /// Number of positions in the range (0 when empty or reversed).
    public var count: Int { Swift.max(0, end - start) }
    public var description: String { "[\(start), \(end))" }
}

/// A set of positions stored as sorted, disjoint, non-adjacent ranges.
///
/// Insertions and queries cost a binary search plus the ranges they touch, so a trace whose
/// scores extend a few growing ranges (the normal case, one per rank) stays fast with millions
/// of events. Memory grows with the number of disjoint ranges, not with positions.
public struct IntervalSet: Hashable, Sendable {
    /// The ranges, sorted by start, disjoint and non-adjacent.
    public private(set) var ranges: [PositionRange] = []

    public init() {}

    /// Index of the first range whose end is ≥ `position` (a range ending exactly at
    /// `position` is adjacent and merges with an insertion starting there).
    private func firstIndex(endAtLeast position: Int) -> Int {
        var lo = 0, hi = ranges.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ranges[mid].end < position { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Adds `[start, end)` and returns the parts that were already in the set (positions
    /// inserted twice), in ascending order. An empty range changes nothing.
    @discardableResult
    public mutating func insert(_ range: PositionRange) -> [PositionRange] {
        guard range.count > 0 else { return [] }
        let i = firstIndex(endAtLeast: range.start)
        var j = i
        var overlaps: [PositionRange] = []
        var merged = range
        while j < ranges.count, ranges[j].start <= range.end {
            let r = ranges[j]
            let lo = Swift.max(r.start, range.start), hi = Swift.min(r.end, range.end)
            if hi > lo { overlaps.append(PositionRange(lo, hi)) }
            merged.start = Swift.min(merged.start, r.start)
            merged.end = Swift.max(merged.end, r.end)
            j += 1
        }
        ranges.replaceSubrange(i..<j, with: [merged])
        return overlaps
    }

    /// The first sub-range of `range` that is not in the set, nil when all of it is.
    public func firstMissing(in range: PositionRange) -> PositionRange? {
        guard range.count > 0 else { return nil }
        var cursor = range.start
        var k = firstIndex(endAtLeast: range.start + 1)
        while cursor < range.end {
            if k < ranges.count, ranges[k].start <= cursor {
                cursor = ranges[k].end
                k += 1
                continue
            }
            let next = k < ranges.count ? Swift.min(ranges[k].start, range.end) : range.end
            return PositionRange(cursor, next)
        }
        return nil
    }

    /// The sub-ranges of `range` not in the set, at most `limit` of them, and their total count
    /// of positions (all gaps, not only the listed ones).
    public func gaps(in range: PositionRange, limit: Int = 20) -> (ranges: [PositionRange], positions: Int) {
        var out: [PositionRange] = []
        var total = 0
        var cursor = range.start
        for r in ranges where r.end > range.start {
            if r.start >= range.end { break }
            if r.start > cursor {
                let gap = PositionRange(cursor, r.start)
                total += gap.count
                if out.count < limit { out.append(gap) }
            }
            cursor = Swift.max(cursor, r.end)
        }
        if cursor < range.end {
            let gap = PositionRange(cursor, range.end)
            total += gap.count
            if out.count < limit { out.append(gap) }
        }
        return (out, total)
    }

    /// Positions in the set that fall outside `range`.
    public func positions(outside range: PositionRange) -> Int {
        var n = 0
        for r in ranges {
            if r.start < range.start { n += Swift.min(r.end, range.start) - r.start }
            if r.end > range.end { n += r.end - Swift.max(r.start, range.end) }
        }
        return n
    }
}
