import Foundation
import RefereeCore
import RefereeCrypto

/// Reads one `rank<R>.jsonl` file line by line, verifies the hash chain and `seq` numbers, and
/// hands out parsed events. Memory is one line plus the previous line's digest.
struct RankStream {
    let rank: Int
    let file: String
    private var reader: LineReader
    /// SHA-256 of the previous line; nil when that line could not be hashed (truncated or not
    /// UTF-8), so no `prev` matches it. Starts as 32 zero bytes (`prev` of seq 0: 64 zeros).
    private var previousHash: SHA256Digest? = .zero
    private var expectedSeq = 0
    private let hasher: SHA256LineHasher
    /// The next event, read ahead so streams can be merged by time.
    private(set) var head: TraceEvent?

    init(rank: Int, url: URL, displayPath: String) throws(CoreError) {
        self.rank = rank
        self.file = displayPath
        self.reader = try LineReader(url: url)
        do {
            hasher = try SHA256LineHasher()
        } catch {
            throw CoreError.io(path: displayPath, reason: "cannot start SHA-256 (\(error))")
        }
    }

    /// What one line gave, computed while its bytes are lent by the reader.
    private struct LineItem {
        var number: Int
        var truncated: Bool
        var invalidUTF8: Bool
        var blank: Bool
        var hash: SHA256Digest?
        /// The event when the fast path read it; else the line's text for ``TraceLineParser``.
        var event: TraceEvent?
        var text: String?
    }

    /// Advances `head` to the next well-formed event, recording malformed lines and chain
    /// breaks into `facts` on the way. `head` is nil at the end of the file.
    mutating func advance(into facts: inout TraceFacts) {
        head = nil
        let hasher = self.hasher
        let file = self.file
        while let line = reader.nextLine({ raw -> LineItem in
            let bytes = raw.bytes
            var item = LineItem(number: raw.number, truncated: raw.truncated, invalidUTF8: false, blank: true, hash: nil)
            item.blank = bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 }
            if !Self.isASCII(bytes), String(validating: bytes, as: UTF8.self) == nil { item.invalidUTF8 = true }
            if !item.truncated && !item.invalidUTF8 {
                item.hash = hasher.digest(UnsafeRawBufferPointer(bytes))
                if !item.blank {
                    item.event = TraceLineFastPath.parse(bytes, at: SourceLocation(file: file, line: raw.number))
                    if item.event == nil { item.text = String(decoding: bytes, as: UTF8.self) }
                }
            }
            return item
        }) {
            facts.lineCount += 1
            let location = SourceLocation(file: file, line: line.number)
            defer { previousHash = line.hash }
            if line.blank {
                facts.malformed.append(TraceFinding(location, "empty line (each line must be one JSON event)"))
                facts.chainBreaks.append(TraceFinding(location, "empty line inside the chain"))
                continue
            }
            if line.truncated || line.invalidUTF8 {
                let why = line.truncated ? "line longer than \(LineReader.defaultMaxLineBytes) bytes" : "line is not valid UTF-8"
                facts.malformed.append(TraceFinding(location, why))
                continue
            }
            let parsed: TraceLineParser.Parsed
            if let event = line.event {
                parsed = .event(event)
            } else {
                parsed = TraceLineParser.parse(line.text ?? "", at: location)
            }
            switch parsed {
            case .problem(let finding):
                facts.malformed.append(finding)
                facts.chainBreaks.append(TraceFinding(location, "unreadable line breaks the chain (\(finding.message))"))
            case .event(let event):
                checkChain(event, into: &facts)
                head = event
                return
            }
        }
    }

    /// True when every byte is below 0x80 (eight bytes at a time).
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var i = 0
        var acc: UInt64 = 0
        while i + 8 <= bytes.count {
            acc |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < bytes.count {
            acc |= UInt64(base[i])
            i += 1
        }
        return acc & 0x8080_8080_8080_8080 == 0
    }

    private mutating func checkChain(_ event: TraceEvent, into facts: inout TraceFacts) {
        var problems: [String] = []
        if event.seq != expectedSeq {
            problems.append("seq \(event.seq) where \(expectedSeq) was expected (a line is missing, duplicated or reordered)")
        }
        // `prev` matches when it spells the previous line's digest in hex, in either case.
        if previousHash == nil || SHA256Digest(hex: event.prev) != previousHash {
            problems.append(expectedSeq == 0 && event.seq == 0
                ? "prev of the first line must be 64 zeros"
                : "prev does not match the SHA-256 of the previous line (a line was edited, removed or inserted)")
        }
        if event.rank != rank {
            problems.append("rank \(event.rank) written into the file of rank \(rank)")
        }
        if !problems.isEmpty {
            facts.chainBreaks.append(TraceFinding(event.location, problems.joined(separator: "; ")))
        }
        expectedSeq = event.seq + 1
    }
}
