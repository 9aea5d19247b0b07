import Foundation

/// One line of a text file as read by ``LineReader``.
package struct Line: Sendable {
    /// 1-based line number.
    package var number: Int
    /// The line's text without its terminator, decoded as UTF-8 with invalid bytes replaced
    /// by U+FFFD. At most `LineReader.maxLineBytes` bytes of the line are kept.
    package var text: String
    /// True when the line was longer than the cap and `text` holds only its start.
    package var truncated: Bool
    /// True when the kept bytes were not valid UTF-8.
    package var invalidUTF8: Bool
    /// Byte offset of the line's first byte in the file.
    package var offset: UInt64
}

/// One line as raw bytes, lent to the closure given to ``LineReader/nextLine(_:)``.
///
/// `bytes` points into the reader's buffer: it is valid only inside that closure and must not
/// be kept (copy what you need). The bytes are the line without its `\n` (and without a `\r`
/// before it, unless the line was truncated), at most `maxLineBytes` of them, not validated as
/// UTF-8.
package struct RawLine {
    @inlinable
    package init(number: Int, bytes: UnsafeBufferPointer<UInt8>, truncated: Bool, offset: UInt64, plainASCII: Bool = false) {
        self.number = number
        self.bytes = bytes
        self.truncated = truncated
        self.offset = offset
        self.plainASCII = plainASCII
    }

    /// 1-based line number.
    package var number: Int
    /// The kept bytes of the line (see the type's documentation for their lifetime).
    package var bytes: UnsafeBufferPointer<UInt8>
    /// True when the line was longer than the cap and `bytes` holds only its start.
    package var truncated: Bool
    /// Byte offset of the line's first byte in the file.
    package var offset: UInt64
    /// True when the reader already knows that every byte of `bytes` is in 0x01…0x7F (ASCII
    /// without NUL); false when it does not know (the line may still be plain ASCII).
    package var plainASCII: Bool
}

/// Streams a file line by line with bounded memory, whatever the file holds.
///
/// Lines end at `\n` (a preceding `\r` is dropped). A line longer than `maxLineBytes` is cut:
/// its start is returned with `truncated = true` and the rest is skipped without being stored,
/// so a 100 MB line costs `maxLineBytes` of memory, not 100 MB. NUL bytes and invalid UTF-8
/// never stop reading.
///
/// Two ways to read: as a `Sequence` of ``Line`` (a `String` per line), or without any copy
/// through ``nextLine(_:)``, which lends each line's bytes in place inside the read buffer.
package struct LineReader: Sequence, IteratorProtocol {
    package static let defaultMaxLineBytes = 64 * 1024
    @usableFromInline static let chunkSize = 1 << 20

    /// The open file, nil when reading bytes already in memory (``init(bytes:maxLineBytes:)``).
    @usableFromInline internal let handle: FileHandle?
    /// The bytes read from memory instead of a file, and how many were taken.
    @usableFromInline internal let memory: Data?
    @usableFromInline internal var memoryTaken = 0
    /// Sees every byte read, once, in file order, as it enters the buffer (e.g. to hash the
    /// bytes that are parsed, so that what was read can be checked against a digest taken
    /// before: ``RecordSnapshot``).
    package var observer: ((UnsafeRawBufferPointer) -> Void)?
    @usableFromInline internal let maxLineBytes: Int
    /// Read buffer; its unread bytes are `buffer[start..<end]`.
    @usableFromInline internal var buffer: [UInt8]
    @usableFromInline internal var start = 0
    @usableFromInline internal var end = 0
    /// Bytes from `start` already searched for a newline.
    @usableFromInline internal var scanned = 0
    /// `buffer[start..<plainEnd]` (where `plainEnd > start`) is known to hold only bytes
    /// 0x01…0x7F: found by one pass over the buffer ahead of the lines, so that a line inside it
    /// needs no check of its own (``RawLine/plainASCII``).
    @usableFromInline internal var plainEnd = 0
    /// Whether to run that look-ahead and mark lines ``RawLine/plainASCII`` (off by default:
    /// a reader whose parser does not use the mark, e.g. of traces, would pay for it).
    package var marksPlainASCII = false
    /// The kept start of a line longer than the buffer (rare), while it is being read.
    @usableFromInline internal var spill: [UInt8] = []
    @usableFromInline internal var spilling = false
    @usableFromInline internal var spillTruncated = false
    @usableFromInline internal var spillOffset: UInt64 = 0
    @usableFromInline internal var eof = false
    @usableFromInline internal var lineNumber = 0
    /// File offset of `buffer[start]`.
    @usableFromInline internal var fileOffset: UInt64 = 0

    /// Opens `url` for reading; throws ``CoreError/io(path:reason:)`` when it cannot, or when it
    /// is not a regular file (a FIFO, device or socket, also through a symlink: see
    /// ``EvidenceFile``), without ever blocking.
    package init(url: URL, maxLineBytes: Int = LineReader.defaultMaxLineBytes) throws(CoreError) {
        handle = try EvidenceFile.openHandle(url)
        memory = nil
        self.maxLineBytes = Swift.max(0, maxLineBytes)
        // Uninitialised: only the bytes read are ever looked at (no 1 MiB memset per file).
        buffer = [UInt8](unsafeUninitializedCapacity: Self.chunkSize) { _, count in count = Self.chunkSize }
    }

    /// Reads the lines of `bytes` (a file's content already in memory, e.g. a
    /// ``RecordSnapshot`` file) exactly as ``init(url:maxLineBytes:)`` reads them from the file:
    /// the same lines, numbers, offsets, caps and truncation.
    package init(bytes: Data, maxLineBytes: Int = LineReader.defaultMaxLineBytes) {
        handle = nil
        memory = bytes
        self.maxLineBytes = Swift.max(0, maxLineBytes)
        buffer = [UInt8](unsafeUninitializedCapacity: Self.chunkSize) { _, count in count = Self.chunkSize }
    }

    /// Reads more bytes after `end`; false at end of file (a read error counts as the end, as
    /// it did when the reader used `FileHandle.read`).
    @usableFromInline
    mutating func fill() -> Bool {
        if eof { return false }
        // The buffer's bytes move or are replaced: what was known about them is dropped.
        plainEnd = 0
        if start > 0 {
            let count = end - start
            if count > 0 {
                buffer.withUnsafeMutableBytes { p in
                    let base = p.baseAddress!
                    _ = memmove(base, base + start, count)
                }
            }
            end = count
            start = 0
        }
        if end == buffer.count {
            // A line longer than the buffer: keep its start (up to the cap) and drop the rest.
            if !spilling {
                spilling = true
                spillTruncated = false
                spillOffset = fileOffset
            }
            appendSpill(count: end)
            fileOffset += UInt64(end)
            end = 0
            scanned = 0
        }
        if let memory {
            let n = Swift.min(memory.count - memoryTaken, buffer.count - end)
            guard n > 0 else {
                eof = true
                return false
            }
            let from = memoryTaken
            buffer.withUnsafeMutableBytes { p in
                memory.withUnsafeBytes { m in
                    _ = memcpy(p.baseAddress! + end, m.baseAddress! + from, n)
                }
            }
            memoryTaken += n
            observe(from: end, count: n)
            end += n
            return true
        }
        let fd = handle!.fileDescriptor
        while true {
            let n = buffer.withUnsafeMutableBytes { p in read(fd, p.baseAddress! + end, p.count - end) }
            if n > 0 {
                observe(from: end, count: n)
                end += n
                return true
            }
            if n < 0, errno == EINTR { continue }
            eof = true
            return false
        }
    }

    @usableFromInline
    func observe(from: Int, count: Int) {
        guard let observer else { return }
        buffer.withUnsafeBytes { p in observer(UnsafeRawBufferPointer(rebasing: p[from..<(from + count)])) }
    }

    /// Appends `buffer[0..<count]` to the spilled line, up to the cap.
    @usableFromInline
    mutating func appendSpill(count: Int) {
        let room = maxLineBytes - spill.count
        if room <= 0 {
            if count > 0 { spillTruncated = true }
            return
        }
        if count > room {
            spill.append(contentsOf: buffer[0..<room])
            spillTruncated = true
        } else {
            spill.append(contentsOf: buffer[0..<count])
        }
    }

    /// Lends the next line to `body` and returns its result; nil at the end of the file.
    /// `body` must not keep `RawLine.bytes` (it points into the reader's buffer).
    @inlinable
    package mutating func nextLine<R>(_ body: (RawLine) -> R) -> R? {
        while true {
            let from = start + scanned
            let nl: Int? = from < end ? buffer.withUnsafeBytes { p in
                guard let hit = memchr(p.baseAddress! + from, 0x0A, end - from) else { return nil }
                return p.baseAddress!.distance(to: UnsafeRawPointer(hit))
            } : nil
            if let nl {
                let s = start
                let length = nl - s
                start = nl + 1
                scanned = 0
                lineNumber += 1
                let offset = spilling ? spillOffset : fileOffset
                fileOffset += UInt64(length + 1)
                if spilling {
                    return takeSpill(from: s, to: nl, offset: offset, body)
                }
                guard marksPlainASCII else { return lend(from: s, to: nl, offset: offset, plain: false, body) }
                if nl > plainEnd { plainEnd = plainBytesEnd(from: Swift.max(plainEnd, s)) }
                return lend(from: s, to: nl, offset: offset, plain: nl <= plainEnd, body)
            }
            scanned = end - start
            if !fill() {
                // End of file: a last line without a terminator.
                if spilling {
                    let s = start
                    let e = end
                    lineNumber += 1
                    fileOffset += UInt64(e - s)
                    start = e
                    scanned = 0
                    return takeSpill(from: s, to: e, offset: spillOffset, body)
                }
                guard end > start else { return nil }
                let s = start
                let e = end
                lineNumber += 1
                let offset = fileOffset
                fileOffset += UInt64(e - s)
                start = e
                scanned = 0
                return lend(from: s, to: e, offset: offset, plain: false, body)
            }
        }
    }

    /// The index of the first byte at or after `from` that is NUL or not ASCII (`end` if none):
    /// sixteen bytes at a time, four blocks per step.
    @usableFromInline
    func plainBytesEnd(from: Int) -> Int {
        buffer.withUnsafeBytes { p in
            let base = p.baseAddress!
            var i = from
            let limit = end
            // A byte b is 0x01…0x7F exactly when neither b nor b - 1 (wrapping) has its high
            // bit set; one high bit in the OR of a block means a NUL or non-ASCII byte in it.
            let one = SIMD16<UInt8>(repeating: 1)
            while i &+ 64 <= limit {
                let a = base.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
                let b = base.loadUnaligned(fromByteOffset: i &+ 16, as: SIMD16<UInt8>.self)
                let c = base.loadUnaligned(fromByteOffset: i &+ 32, as: SIMD16<UInt8>.self)
                let d = base.loadUnaligned(fromByteOffset: i &+ 48, as: SIMD16<UInt8>.self)
                let m = (a | (a &- one)) | (b | (b &- one)) | (c | (c &- one)) | (d | (d &- one))
                let w = unsafeBitCast(m, to: SIMD2<UInt64>.self)
                if (w[0] | w[1]) & 0x8080_8080_8080_8080 != 0 { break }
                i &+= 64
            }
            while i < limit, Int8(bitPattern: base.load(fromByteOffset: i, as: UInt8.self)) > 0 { i &+= 1 }
            return i
        }
    }

    @inlinable
    func lend<R>(from s: Int, to e: Int, offset: UInt64, plain: Bool, _ body: (RawLine) -> R) -> R {
        let number = lineNumber
        let cap = maxLineBytes
        return buffer.withUnsafeBufferPointer { p in
            var line = UnsafeBufferPointer(rebasing: p[s..<e])
            var truncated = false
            if line.count > cap {
                line = UnsafeBufferPointer(rebasing: line[0..<cap])
                truncated = true
            } else if line.last == 0x0D {
                line = UnsafeBufferPointer(rebasing: line[0..<(line.count - 1)])
            }
            return body(RawLine(number: number, bytes: line, truncated: truncated, offset: offset, plainASCII: plain))
        }
    }

    @usableFromInline
    mutating func takeSpill<R>(from s: Int, to e: Int, offset: UInt64, _ body: (RawLine) -> R) -> R {
        // Move the line's tail to the buffer's front so appendSpill can take it from there.
        let count = e - s
        if s > 0, count > 0 {
            buffer.withUnsafeMutableBytes { p in
                _ = memmove(p.baseAddress!, p.baseAddress! + s, count)
            }
        }
        appendSpill(count: count)
        // The moved tail overwrote nothing unread: unread bytes start at `start` >= e > count.
        spilling = false
        let truncated = spillTruncated
        let number = lineNumber
        var kept = spill
        spill = []
        if !truncated, kept.last == 0x0D { kept.removeLast() }
        return kept.withUnsafeBufferPointer { p in
            body(RawLine(number: number, bytes: p, truncated: truncated, offset: offset))
        }
    }

    /// Lends every remaining line in turn to `body` (see ``nextLine(_:)`` for the lifetime of
    /// `RawLine.bytes`). Compiled here, not generic and not inlined into callers: the loop that a
    /// caller's generic ``nextLine(_:)`` would leave unspecialised costs more than one indirect
    /// call per line.
    package mutating func forEachLine(_ body: (RawLine) -> Void) {
        while nextLine(body) != nil {}
    }

    package mutating func next() -> Line? {
        nextLine { raw in
            let strict = String(validating: raw.bytes, as: UTF8.self)
            let text = strict ?? String(decoding: raw.bytes, as: UTF8.self)
            return Line(number: raw.number, text: text, truncated: raw.truncated, invalidUTF8: strict == nil, offset: raw.offset)
        }
    }
}
