/// A series kept bounded however long the log: past `cap` entries every other kept entry is
/// dropped and from then on only every `stride`-th new entry is kept (the stride doubles each
/// time). The most recent entry is always kept, so the end of a training curve survives.
struct BoundedSeries<Element> {
    let cap: Int
    private(set) var kept: [Element] = []
    private var tail: Element?
    private var stride = 1
    private var seen = 0
    /// True once entries have been dropped.
    private(set) var thinned = false

    init(cap: Int) {
        self.cap = max(cap, 2)
    }

    /// Appends left before the next kept one: `(stride - seen % stride) % stride`, kept as a
    /// countdown so that the hot path divides nothing.
    private var countdown = 0

    /// Whether the next ``append(_:)`` keeps its entry (else it only becomes the tail, which
    /// any later append replaces or clears).
    var nextAppendKeeps: Bool { countdown == 0 }

    mutating func append(_ e: Element) {
        if countdown == 0 {
            kept.append(e)
            tail = nil
            countdown = stride - 1
        } else {
            tail = e
            countdown -= 1
        }
        seen += 1
        if kept.count > cap {
            // Keep every other entry in place: the array keeps its capacity, so refilling it up
            // to the cap reallocates nothing.
            var w = 0
            var r = 0
            while r < kept.count {
                kept.swapAt(w, r)
                w += 1
                r += 2
            }
            kept.removeLast(kept.count - w)
            stride *= 2
            thinned = true
            countdown = (stride - seen % stride) % stride
        }
    }

    /// The kept entries followed by the most recent one.
    var elements: [Element] { tail.map { kept + [$0] } ?? kept }
}

/// The last `cap` entries of a series (older ones are dropped and counted).
struct RecentSeries<Element> {
    let cap: Int
    private var ring: [Element] = []
    private var start = 0
    private(set) var dropped = 0

    init(cap: Int) {
        self.cap = max(cap, 1)
    }

    mutating func append(_ e: Element) {
        if ring.count < cap {
            ring.append(e)
        } else {
            ring[start] = e
            start = (start + 1) % cap
            dropped += 1
        }
    }

    var elements: [Element] { Array(ring[start...] + ring[..<start]) }
}
