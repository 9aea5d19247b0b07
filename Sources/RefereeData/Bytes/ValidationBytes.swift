import Foundation

/// Computes the baseline byte denominator of a set of shards.
package enum ValidationBytes {
    /// Streams `shards` in the given order (callers sort them) and counts tokens, targets and
    /// bytes per shard and in total, in memory bounded by `chunkTokens`.
    ///
    /// - Throws: `DataError.malformed` for a bad shard header or length, or for a token id at or
    ///   past the tokenizer's vocabulary size (offset = that token's byte offset in its file).
    package static func count(
        tokenizer: TokenizerModel,
        tokenizerPath: String,
        shards: [URL],
        chunkTokens: Int = 1 << 20
    ) throws(DataError) -> ByteCount {
        var counter = ByteCounter(table: ByteTable(model: tokenizer))
        var results: [ShardByteCount] = []
        for url in shards {
            let reader = try ShardReader(url: url)
            let before = (counter.tokens, counter.targets, counter.bytes)
            var chunkStart = 0
            let vocab = tokenizer.vocabSize
            try reader.forEachChunk(chunkTokens: chunkTokens) { (chunk: UnsafeBufferPointer<UInt16>) throws(DataError) in
                if let bad = counter.add(chunk) {
                    throw DataError.malformed(
                        path: url.path,
                        offset: ShardHeader.byteCount + 2 * (chunkStart + bad),
                        expected: "a token id < \(vocab) (the tokenizer's vocabulary size), found \(chunk[bad]) at token \(chunkStart + bad)"
                    )
                }
                chunkStart += chunk.count
            }
            results.append(ShardByteCount(
                path: url.relativePath,
                tokens: counter.tokens - before.0,
                targets: counter.targets - before.1,
                bytes: counter.bytes - before.2
            ))
        }
        return ByteCount(tokenizer: tokenizerPath, vocabSize: tokenizer.vocabSize, shards: results)
    }
}
