import Foundation

/// Writes a FineWeb token shard atomically: readers see the old file or the complete new one.
///
/// Tokens are streamed to a temporary file beside the destination; `finish()` writes the header
/// with the final count, fsyncs and renames it over the destination. A writer dropped without
/// `finish()` (or one whose `finish()` throws) removes its temporary file and leaves the
/// destination untouched.
///
/// ```swift
/// var writer = try ShardWriter(url: out)
/// try writer.append(tokens)
/// try writer.finish()
/// ```
package struct ShardWriter: ~Copyable {
    /// The destination path.
    package let path: String
    private let tmpPath: String
    private let fd: Int32
    /// Tokens appended so far.
    package private(set) var tokenCount = 0
    private var finished = false

    /// Creates the temporary file beside `url`.
    package init(url: URL) throws(DataError) {
        path = url.path
        let dir = url.deletingLastPathComponent().path
        tmpPath = dir + "/.\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        fd = open(tmpPath, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else {
            throw DataError.unreadable(path: path, reason: "cannot create a temporary file in \(dir): \(String(cString: strerror(errno)))")
        }
        // Placeholder header: rewritten by finish() once the count is known.
        let header = ShardHeader(tokenCount: 0).encoded()
        try writeAll(header, at: 0)
    }

    deinit {
        if !finished {
            Foundation.close(fd)
            unlink(tmpPath)
        }
    }

    /// Appends tokens (stored little-endian).
    package mutating func append(_ tokens: some Collection<UInt16>) throws(DataError) {
        guard Int64(tokenCount) + Int64(tokens.count) <= Int64(Int32.max) else {
            throw DataError.malformed(path: path, offset: ShardHeader.byteCount + 2 * tokenCount, expected: "at most \(Int32.max) tokens in one shard")
        }
        var staged = [UInt16]()
        staged.reserveCapacity(tokens.count)
        for t in tokens { staged.append(t.littleEndian) }
        let offset = ShardHeader.byteCount + 2 * tokenCount
        try writeAll(staged, at: offset)
        tokenCount += staged.count
    }

    /// Writes the header, fsyncs and renames the file into place.
    package consuming func finish() throws(DataError) {
        let header = ShardHeader(tokenCount: tokenCount).encoded()
        try writeAll(header, at: 0)
        guard fsync(fd) == 0 else { throw ioError("fsync failed") }
        guard rename(tmpPath, path) == 0 else { throw ioError("rename into place failed") }
        Foundation.close(fd)
        finished = true
    }

    /// Writes `tokens` as a complete shard at `url`.
    package static func write(_ tokens: some Collection<UInt16>, to url: URL) throws(DataError) {
        var writer = try ShardWriter(url: url)
        try writer.append(tokens)
        try writer.finish()
    }

    private func ioError(_ what: String) -> DataError {
        .unreadable(path: path, reason: "\(what): \(String(cString: strerror(errno)))")
    }

    /// Writes every byte of `array` at `offset`. The closure passed to `withUnsafeBytes` does not
    /// throw (typed throws through a `rethrows` API crashes debug builds); errors are thrown after.
    private func writeAll<T>(_ array: [T], at offset: Int) throws(DataError) {
        let ok = array.withUnsafeBytes { raw -> Bool in
            var done = 0
            while done < raw.count {
                let n = pwrite(fd, raw.baseAddress! + done, raw.count - done, off_t(offset + done))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                done += n
            }
            return true
        }
        guard ok else { throw ioError("write failed") }
    }
}
