extension ByteTable {
    /// The bytes of every target position of `tokens`: element `i - 1` is the bytes of target
    /// position `i` (1 ≤ i < count), so the result has `max(0, count - 1)` elements.
    ///
    /// For per-position work (a probe shard's bpb, a trace's `bytes` over `[start, end)`); use
    /// `ByteCounter` to total a whole validation set in bounded memory. Ids at or past
    /// `vocabSize` count 0 bytes here: validate first when the tokens are untrusted.
    package func targetBytes(of tokens: [UInt16]) -> [UInt8] {
        guard tokens.count > 1 else { return [] }
        var out = [UInt8](repeating: 0, count: tokens.count - 1)
        for i in 1..<tokens.count {
            let t = Int(tokens[i])
            out[i - 1] = base[t] &+ (leadingSpace[t] & notBoundary[Int(tokens[i - 1])])
        }
        return out
    }
}
