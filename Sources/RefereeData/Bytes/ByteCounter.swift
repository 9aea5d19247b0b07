/// Counts the baseline bytes of a token stream fed in chunks, across shard boundaries.
///
/// Position 0 of the whole stream is not a target (nothing predicts it); every later position is,
/// and its previous token may come from the previous chunk or shard. Feeding the same tokens in
/// any chunking gives the same totals.
package struct ByteCounter: Sendable {
    package let table: ByteTable
    /// Tokens seen so far.
    package private(set) var tokens = 0
    /// Target positions counted so far (`max(0, tokens - 1)`).
    package private(set) var targets = 0
    /// Bytes of those targets.
    package private(set) var bytes = 0
    private var previous: UInt16?

    package init(table: ByteTable) {
        self.table = table
    }

    /// Adds a chunk. Returns nil when every id is valid, else the index within `chunk` of the first
    /// id at or past `table.vocabSize` (then nothing of the chunk was counted).
    package mutating func add(_ chunk: UnsafeBufferPointer<UInt16>) -> Int? {
        guard !chunk.isEmpty else { return nil }
        // Validate first (branch-free max), so a bad chunk changes no total.
        var maxId: UInt16 = 0
        for t in chunk { maxId = max(maxId, t) }
        if Int(maxId) >= table.vocabSize {
            return chunk.firstIndex { Int($0) >= table.vocabSize }
        }
        var sum = 0
        var start = 0
        var prev: UInt16
        if let previous {
            prev = previous
        } else {
            prev = chunk[0]
            start = 1
        }
        table.base.withUnsafeBufferPointer { base in
            table.leadingSpace.withUnsafeBufferPointer { space in
                table.notBoundary.withUnsafeBufferPointer { nb in
                    var acc: UInt64 = 0
                    var p = prev
                    var i = start
                    while i < chunk.count {
                        let t = chunk[i]
                        acc &+= UInt64(base[Int(t)]) &+ UInt64(space[Int(t)] & nb[Int(p)])
                        p = t
                        i &+= 1
                    }
                    sum = Int(acc)
                    prev = p
                }
            }
        }
        targets += chunk.count - start
        tokens += chunk.count
        bytes += sum
        previous = chunk[chunk.count - 1]
        return nil
    }

    /// Adds tokens held in an array.
    package mutating func add(_ tokens: [UInt16]) -> Int? {
        tokens.withUnsafeBufferPointer { add($0) }
    }
}
