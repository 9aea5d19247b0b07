import RefereeCore

/// A half-open range of target positions `[start, end)`.
package struct PositionRange: Codable, Hashable, Sendable, CustomStringConvertible {
    package var start: Int
    package var end: Int
    package init(_ start: Int, _ end: Int) {
        self.start = start
        self.end = end
    }
    /// Number of positions in the range (0 when empty or reversed).
    /// Saturates at `Int.max` rather than trapping on ranges wider than `Int` can count.
    package var count: Int {
        guard end > start else { return 0 }
        let (n, overflow) = end.subtractingReportingOverflow(start)
        return overflow ? .max : n
    }
    package var description: String { "[\(start), \(end))" }
}

/// A set of positions stored as sorted, disjoint, non-adjacent ranges.
///
/// The ranges live in a treap (a binary search tree balanced by pseudo-random priorities, in
/// flat arrays), so an insertion costs O(log n) plus the ranges it merges and a query O(log n),
/// whatever the order ranges arrive in: a million ranges in descending order cost the same as
/// in ascending order (a sorted array would shift every element on each insertion at the front,
/// O(n²)). Memory grows with the number of disjoint ranges, not with positions.
package struct IntervalSet: Hashable, Sendable {
    private var starts: [Int] = []
    private var ends: [Int] = []
    private var left: [Int32] = []
    private var right: [Int32] = []
    private var priority: [UInt64] = []
    private var freeList: [Int32] = []
    private var root: Int32 = -1
    private var rng: UInt64 = 0x9E37_79B9_7F4A_7C15
    /// Number of disjoint ranges held.
    package private(set) var count = 0

    package init() {}

    /// The ranges, sorted by start, disjoint and non-adjacent (an in-order walk, O(n)).
    package var ranges: [PositionRange] {
        var out: [PositionRange] = []
        out.reserveCapacity(count)
        var stack: [Int32] = []
        var node = root
        while node >= 0 || !stack.isEmpty {
            while node >= 0 {
                stack.append(node)
                node = left[Int(node)]
            }
            let n = stack.removeLast()
            out.append(PositionRange(starts[Int(n)], ends[Int(n)]))
            node = right[Int(n)]
        }
        return out
    }

    package static func == (a: IntervalSet, b: IntervalSet) -> Bool { a.ranges == b.ranges }
    package func hash(into hasher: inout Hasher) { hasher.combine(ranges) }

    private mutating func nextPriority() -> UInt64 {
        // splitmix64: deterministic, so the same insertions build the same tree.
        rng &+= 0x9E37_79B9_7F4A_7C15
        var z = rng
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private mutating func makeNode(_ r: PositionRange) -> Int32 {
        let p = nextPriority()
        if let n = freeList.popLast() {
            let i = Int(n)
            starts[i] = r.start; ends[i] = r.end; left[i] = -1; right[i] = -1; priority[i] = p
            return n
        }
        starts.append(r.start); ends.append(r.end); left.append(-1); right.append(-1); priority.append(p)
        return Int32(starts.count - 1)
    }

    /// Splits `node` into the ranges with `end < key` (or `start <= key` when `byStart`) and the rest.
    private mutating func split(_ node: Int32, key: Int, byStart: Bool) -> (Int32, Int32) {
        guard node >= 0 else { return (-1, -1) }
        let i = Int(node)
        let goesLeft = byStart ? starts[i] <= key : ends[i] < key
        if goesLeft {
            let (a, b) = split(right[i], key: key, byStart: byStart)
            right[i] = a
            return (node, b)
        } else {
            let (a, b) = split(left[i], key: key, byStart: byStart)
            left[i] = b
            return (a, node)
        }
    }

    /// Joins two treaps where every range of `a` precedes every range of `b`.
    private mutating func merge(_ a: Int32, _ b: Int32) -> Int32 {
        if a < 0 { return b }
        if b < 0 { return a }
        if priority[Int(a)] > priority[Int(b)] {
            right[Int(a)] = merge(right[Int(a)], b)
            return a
        } else {
            left[Int(b)] = merge(a, left[Int(b)])
            return b
        }
    }

    /// Frees every node of the subtree `node` (in order, recursively: the depth is the treap's,
    /// O(log n) expected), widening `merged` to cover each of its ranges and appending each
    /// range's intersection with `range`, when not empty, to `overlaps`. Returns the number of
    /// nodes freed. No array is built: an insertion next to one range allocates nothing.
    private mutating func absorb(_ node: Int32, _ range: PositionRange, into merged: inout PositionRange,
                                 overlaps: inout [PositionRange]) -> Int {
        let i = Int(node)
        var freed = 1
        if left[i] >= 0 { freed += absorb(left[i], range, into: &merged, overlaps: &overlaps) }
        let s = starts[i], e = ends[i]
        let lo = Swift.max(s, range.start), hi = Swift.min(e, range.end)
        if hi > lo { overlaps.append(PositionRange(lo, hi)) }
        merged.start = Swift.min(merged.start, s)
        merged.end = Swift.max(merged.end, e)
        freeList.append(node)
        if right[i] >= 0 { freed += absorb(right[i], range, into: &merged, overlaps: &overlaps) }
        return freed
    }

    /// Adds `[start, end)` and returns the parts that were already in the set (positions
    /// inserted twice), in ascending order. An empty range changes nothing.
    @discardableResult
    package mutating func insert(_ range: PositionRange) -> [PositionRange] {
        guard range.count > 0 else { return [] }
        if extendInPlace(range) { return [] }
        // before: ranges ending before range.start (not even adjacent); touched: the rest that
        // start at or before range.end (overlapping or adjacent); after: the remainder.
        let (before, rest) = split(root, key: range.start, byStart: false)
        let (touchedRoot, after) = split(rest, key: range.end, byStart: true)
        var overlaps: [PositionRange] = []
        var merged = range
        let touched = touchedRoot >= 0 ? absorb(touchedRoot, range, into: &merged, overlaps: &overlaps) : 0
        count += 1 - touched
        let node = makeNode(merged)
        root = merge(merge(before, node), after)
        return overlaps
    }

    /// The common insertion of a trace (a rank scoring the range right after its last one):
    /// `range` starts exactly where a range ends and ends before the next range begins (not
    /// even adjacent). Then that range's end moves to `range.end` in place, which is what the
    /// split, absorb and merge of ``insert(_:)`` give (one merged range, no overlap) without
    /// rebuilding the tree; true when done. One descent: the range with the greatest start at
    /// or before `range.start`, and the smallest start after it.
    private mutating func extendInPlace(_ range: PositionRange) -> Bool {
        var node = root
        var before: Int32 = -1
        var nextStart = Int.max
        while node >= 0 {
            let i = Int(node)
            if starts[i] <= range.start {
                before = node
                node = right[i]
            } else {
                nextStart = starts[i]
                node = left[i]
            }
        }
        guard before >= 0, ends[Int(before)] == range.start, nextStart > range.end else { return false }
        ends[Int(before)] = range.end
        return true
    }

    /// The range with the smallest end greater than `position`, nil when none.
    private func firstRange(endAbove position: Int) -> PositionRange? {
        var node = root
        var best: Int32 = -1
        while node >= 0 {
            let i = Int(node)
            if ends[i] > position {
                best = node
                node = left[i]
            } else {
                node = right[i]
            }
        }
        return best >= 0 ? PositionRange(starts[Int(best)], ends[Int(best)]) : nil
    }

    /// The first sub-range of `range` that is not in the set, nil when all of it is.
    package func firstMissing(in range: PositionRange) -> PositionRange? {
        guard range.count > 0 else { return nil }
        var cursor = range.start
        while cursor < range.end {
            guard let r = firstRange(endAbove: cursor) else { return PositionRange(cursor, range.end) }
            if r.start <= cursor {
                cursor = r.end
                continue
            }
            return PositionRange(cursor, Swift.min(r.start, range.end))
        }
        return nil
    }

    /// The sub-ranges of `range` not in the set, at most `limit` of them, and their total count
    /// of positions (all gaps, not only the listed ones).
    package func gaps(in range: PositionRange, limit: Int = 20) -> (ranges: [PositionRange], positions: Int) {
        var out: [PositionRange] = []
        var total = 0
        var cursor = range.start
        for r in ranges where r.end > range.start {
            if r.start >= range.end { break }
            if r.start > cursor {
                let gap = PositionRange(cursor, r.start)
                total = total.addingSaturating(gap.count)
                if out.count < limit { out.append(gap) }
            }
            cursor = Swift.max(cursor, r.end)
        }
        if cursor < range.end {
            let gap = PositionRange(cursor, range.end)
            total = total.addingSaturating(gap.count)
            if out.count < limit { out.append(gap) }
        }
        return (out, total)
    }

    /// Positions in the set that fall outside `range`.
    package func positions(outside range: PositionRange) -> Int {
        var n = 0
        for r in ranges {
            if r.start < range.start { n = n.addingSaturating(Swift.min(r.end, range.start) - r.start) }
            if r.end > range.end { n = n.addingSaturating(r.end - Swift.max(r.start, range.end)) }
        }
        return n
    }
}
