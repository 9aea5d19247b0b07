import Foundation

/// Reads a FineWeb token shard in bounded memory.
///
/// `init` opens the file, checks the header (magic, version, non-negative count) and that the
/// file is exactly `1024 + 2 × count` bytes long. Tokens are then streamed in chunks with
/// `forEachChunk`, which also checks that the file did not change length while being read.
package struct ShardReader: Sendable {
    /// The file's path, as given.
    package let path: String
    package let header: ShardHeader

    /// The number of tokens in the shard.
    package var tokenCount: Int { header.tokenCount }

    /// Opens `url` and validates its header and length.
    package init(url: URL) throws(DataError) {
        path = url.path
        let file = try ShardFile(path: path)
        defer { file.close() }
        let headerBytes = try file.read(upTo: ShardHeader.byteCount, at: 0)
        header = try ShardHeader.decode(headerBytes, path: path)
        let size = try file.size()
        guard size == header.fileSize else {
            let expected = "\(header.fileSize) bytes (1024-byte header + 2 × \(header.tokenCount) tokens), found \(size) bytes"
            throw DataError.malformed(path: path, offset: min(size, header.fileSize), expected: expected)
        }
    }

    /// Calls `body` with consecutive chunks of at most `chunkTokens` tokens, in order.
    ///
    /// The buffer passed to `body` is only valid during the call. Memory use is
    /// `2 × chunkTokens` bytes whatever the shard's size.
    package func forEachChunk(
        chunkTokens: Int = 1 << 20,
        _ body: (UnsafeBufferPointer<UInt16>) throws(DataError) -> Void
    ) throws(DataError) {
        let chunk = max(1, chunkTokens)
        let file = try ShardFile(path: path)
        defer { file.close() }
        let buffer = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: chunk)
        defer { buffer.deallocate() }
        var done = 0
        while done < header.tokenCount {
            let n = min(chunk, header.tokenCount - done)
            let offset = ShardHeader.byteCount + 2 * done
            try file.readExactly(into: UnsafeMutableRawBufferPointer(start: buffer.baseAddress, count: 2 * n), at: offset)
            #if _endian(big)
            for i in 0..<n { buffer[i] = UInt16(littleEndian: buffer[i]) }
            #endif
            try body(UnsafeBufferPointer(rebasing: buffer[0..<n]))
            done += n
        }
    }

    /// Reads the first `limit` tokens (all of them when the shard is shorter), without reading
    /// the rest of the file.
    package func readPrefix(_ limit: Int) throws(DataError) -> [UInt16] {
        let n = max(0, min(limit, header.tokenCount))
        guard n > 0 else { return [] }
        let file = try ShardFile(path: path)
        defer { file.close() }
        var tokens = [UInt16](repeating: 0, count: n)
        // Plain closure: a typed-throws closure passed to this rethrows API crashes debug builds.
        var failure: DataError?
        tokens.withUnsafeMutableBytes { raw in
            do throws(DataError) { try file.readExactly(into: raw, at: ShardHeader.byteCount) } catch { failure = error }
        }
        if let failure { throw failure }
        #if _endian(big)
        for i in 0..<n { tokens[i] = UInt16(littleEndian: tokens[i]) }
        #endif
        return tokens
    }

    /// Reads every token into memory (for small shards, e.g. probe shards).
    package func readAll() throws(DataError) -> [UInt16] {
        var tokens: [UInt16] = []
        tokens.reserveCapacity(header.tokenCount)
        try forEachChunk { (chunk: UnsafeBufferPointer<UInt16>) throws(DataError) in
            tokens.append(contentsOf: chunk)
        }
        return tokens
    }
}
