import Foundation

/// Where the documents of a token stream begin: the positions of its BOS tokens.
///
/// FineWeb-format shards start every document with BOS (id 1 in Parameter Golf's data). The
/// positions are those of the shards read one after the other, in the given order, as the
/// evaluators concatenate them (`torch.cat` of the sorted `fineweb_val_*.bin`).
package enum DocumentStarts {
    /// The stream positions of every `bos` token in `shards`, ascending, streamed in chunks of
    /// `chunkTokens` (memory bounded by the chunk and by one `Int` per document).
    ///
    /// - Throws: `DataError` for a shard whose header or length is wrong.
    package static func find(shards: [URL], bos: UInt16, chunkTokens: Int = 1 << 20) throws(DataError) -> [Int] {
        var starts: [Int] = []
        var offset = 0
        for url in shards {
            let reader = try ShardReader(url: url)
            try reader.forEachChunk(chunkTokens: chunkTokens) { (chunk: UnsafeBufferPointer<UInt16>) throws(DataError) in
                for i in chunk.indices where chunk[i] == bos { starts.append(offset + i) }
                offset += chunk.count
            }
        }
        return starts
    }
}
