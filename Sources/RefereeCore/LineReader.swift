import Foundation

/// One line of a text file as read by ``LineReader``.
public struct Line: Sendable {
    /// 1-based line number.
    public var number: Int
    /// The line's text without its terminator, decoded as UTF-8 with invalid bytes replaced
    /// by U+FFFD. At most `LineReader.maxLineBytes` bytes of the line are kept.
    public var text: String
    /// True when the line was longer than the cap and `text` holds only its start.
    public var truncated: Bool
    /// True when the kept bytes were not valid UTF-8.
    public var invalidUTF8: Bool
    /// Byte offset of the line's first byte in the file.
    public var offset: UInt64
}

/// Streams a file line by line with bounded memory, whatever the file holds.
///
/// Lines end at `\n` (a preceding `\r` is dropped). A line longer than `maxLineBytes` is cut:
/// its start is returned with `truncated = true` and the rest is skipped without being stored,
/// so a 100 MB line costs `maxLineBytes` of memory, not 100 MB. NUL bytes and invalid UTF-8
/// never stop reading.
public struct LineReader: Sequence, IteratorProtocol {
    public static let defaultMaxLineBytes = 64 * 1024

    private let handle: FileHandle
    private let maxLineBytes: Int
    private var buffer: [UInt8] = []
    private var bufferStart = 0
    private var eof = false
    private var lineNumber = 0
    private var fileOffset: UInt64 = 0
    private let chunkSize = 1 << 20

    /// Opens `url` for reading; throws ``CoreError/io(path:reason:)`` when it cannot, or when it
    /// is not a regular file (a FIFO, device or socket, also through a symlink: see
    /// ``EvidenceFile``), without ever blocking.
    public init(url: URL, maxLineBytes: Int = LineReader.defaultMaxLineBytes) throws(CoreError) {
        handle = try EvidenceFile.openHandle(url)
        self.maxLineBytes = maxLineBytes
    }

    private mutating func fill() -> Bool {
        if eof { return false }
        let chunk = (try? handle.read(upToCount: chunkSize)) ?? nil
        guard let chunk, !chunk.isEmpty else {
            eof = true
            return false
        }
        if bufferStart > 0 {
            buffer.removeSubrange(0..<bufferStart)
            bufferStart = 0
        }
        buffer.append(contentsOf: chunk)
        return true
    }

    public mutating func next() -> Line? {
        var kept: [UInt8] = []
        var truncated = false
        var sawAny = false
        let start = fileOffset
        while true {
            if bufferStart >= buffer.count {
                buffer.removeAll(keepingCapacity: true)
                bufferStart = 0
                if !fill() { break }
            }
            sawAny = true
            let slice = buffer[bufferStart...]
            if let nl = slice.firstIndex(of: 0x0A) {
                append(buffer[bufferStart..<nl], to: &kept, truncated: &truncated)
                fileOffset += UInt64(nl - bufferStart + 1)
                bufferStart = nl + 1
                return makeLine(kept, truncated: truncated, offset: start)
            }
            append(slice, to: &kept, truncated: &truncated)
            fileOffset += UInt64(buffer.count - bufferStart)
            bufferStart = buffer.count
        }
        if !sawAny || (kept.isEmpty && !truncated && fileOffset == start) { return nil }
        return makeLine(kept, truncated: truncated, offset: start)
    }

    private func append(_ bytes: ArraySlice<UInt8>, to kept: inout [UInt8], truncated: inout Bool) {
        let room = maxLineBytes - kept.count
        if room <= 0 {
            if !bytes.isEmpty { truncated = true }
            return
        }
        if bytes.count > room {
            kept.append(contentsOf: bytes.prefix(room))
            truncated = true
        } else {
            kept.append(contentsOf: bytes)
        }
    }

    private mutating func makeLine(_ bytes: [UInt8], truncated: Bool, offset: UInt64) -> Line {
        lineNumber += 1
        var bytes = bytes
        if !truncated, bytes.last == 0x0D { bytes.removeLast() }
        let strict = String(validating: bytes, as: UTF8.self)
        let text = strict ?? String(decoding: bytes, as: UTF8.self)
        return Line(number: lineNumber, text: text, truncated: truncated, invalidUTF8: strict == nil, offset: offset)
    }
}
