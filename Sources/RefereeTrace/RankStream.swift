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
    /// Update kinds met in this file, interned: a ``StreamEvent`` names one by its index.
    private(set) var kinds: [String] = []
    private var kindIndex: [String: Int32] = [:]
    /// The bytes of the last kind interned and its index (almost every update repeats it).
    private var lastKind: [UInt8] = []
    private var lastKindID: Int32 = -1
    /// The current event when it is ``StreamEvent/Tag/full`` (a phase, or a line the fast
    /// path left to ``TraceLineParser``).
    private(set) var full: TraceEvent?

    init(rank: Int, reader: LineReader, displayPath: String) throws(CoreError) {
        self.rank = rank
        self.file = displayPath
        self.reader = reader
        do {
            hasher = try SHA256LineHasher()
        } catch {
            throw CoreError.io(path: displayPath, reason: "cannot start SHA-256 (\(error))")
        }
    }

    /// What one line gave, computed while its bytes are lent by the reader (a few plain
    /// words: the generic reader copies it through several layers).
    private struct LineItem {
        var number: Int
        var truncated: Bool
        var invalidUTF8: Bool
        var blank: Bool
        var hash: SHA256Digest?
        /// The fast path read the line into the `fast` local of ``next(into:)``.
        var fast: Bool
    }

    /// The next well-formed event of the file, after recording malformed lines and chain
    /// breaks on the way into `facts`; nil at the end of the file.
    mutating func next(into facts: inout TraceFacts) -> StreamEvent? {
        let hasher = self.hasher
        // What the fast path read (its strings are resolved inside the closure, while the
        // bytes are lent), else the line's text for ``TraceLineParser``.
        var fast = TraceLineFastPath.Line(kind: .score, seq: 0, rank: 0, time: 0, prev: .zero)
        // An update's kind: the last one interned (`kindID`), or a new name (`kindName`, nil
        // for a line without `kind`) interned after the closure.
        let knownKind = lastKind, knownKindID = lastKindID
        var kindID: Int32 = -1
        var kindName: String?
        var text: String?
        while let line = reader.nextLine({ raw -> LineItem in
            let bytes = raw.bytes
            var item = LineItem(number: raw.number, truncated: raw.truncated, invalidUTF8: false, blank: true, hash: nil, fast: false)
            // Blank unless its first byte is another one (one byte for almost every line).
            item.blank = bytes.first.map { $0 == 0x20 || $0 == 0x09 } ?? true
                && bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 }
            if !Self.isASCII(bytes), String(validating: bytes, as: UTF8.self) == nil { item.invalidUTF8 = true }
            if !item.truncated && !item.invalidUTF8 {
                // The hash chain: SHA-256 of the line's bytes where the reader holds them.
                item.hash = hasher.digest(UnsafeRawBufferPointer(bytes))
                if !item.blank {
                    if TraceLineFastPath.scan(bytes, into: &fast), fast.kind != .phase {
                        item.fast = true
                        switch fast.kind {
                        case .score, .phase: break
                        case .update:
                            kindID = -1
                            kindName = nil
                            if let r = fast.text {
                                let name = UnsafeBufferPointer(rebasing: bytes[r])
                                // memcmp: the generic `elementsEqual` was 1 % of the analysis.
                                if knownKindID >= 0, name.count == knownKind.count,
                                   knownKind.withUnsafeBufferPointer({ k in
                                       name.isEmpty || memcmp(k.baseAddress!, name.baseAddress!, name.count) == 0
                                   }) {
                                    kindID = knownKindID
                                } else {
                                    kindName = String(decoding: name, as: UTF8.self)
                                }
                            }
                        }
                    } else {
                        // Anything else, phases included (a few per file: `parse` reads them
                        // as the fast path would, and keeping a `TraceEvent?` local here cost
                        // copies of it on every line).
                        text = String(decoding: bytes, as: UTF8.self)
                    }
                }
            }
            return item
        }) {
            facts.lineCount += 1
            defer { previousHash = line.hash }
            if line.blank {
                let location = SourceLocation(file: file, line: line.number)
                facts.malformed.append(TraceFinding(location, "empty line (each line must be one JSON event)"))
                facts.chainBreaks.append(TraceFinding(location, "empty line inside the chain"))
                continue
            }
            if line.truncated || line.invalidUTF8 {
                let why = line.truncated ? "line longer than \(LineReader.defaultMaxLineBytes) bytes" : "line is not valid UTF-8"
                facts.malformed.append(TraceFinding(SourceLocation(file: file, line: line.number), why))
                continue
            }
            if line.fast {
                checkChain(seq: fast.seq, rank: fast.rank, prev: fast.prev, line: line.number, into: &facts)
                var event = StreamEvent(tag: .full, time: fast.time, rank: fast.rank, line: line.number)
                switch fast.kind {
                case .score:
                    event.tag = .score
                    event.start = fast.start
                    event.end = fast.end
                    event.nll = fast.nll
                    event.bytes = fast.bytes
                    event.psumMin = fast.psumMin
                    event.psumMax = fast.psumMax
                case .update:
                    event.tag = .update
                    event.start = fast.start
                    event.end = fast.end
                    event.kind = kindID >= 0 ? kindID : internKind(kindName)
                case .phase:
                    break  // not taken above
                }
                return event
            }
            let location = SourceLocation(file: file, line: line.number)
            let parsed = TraceLineParser.parse(text ?? "", at: location)
            text = nil
            switch parsed {
            case .problem(let finding):
                facts.malformed.append(finding)
                facts.chainBreaks.append(TraceFinding(location, "unreadable line breaks the chain (\(finding.message))"))
            case .event(let slow):
                checkChain(seq: slow.seq, rank: slow.rank, prev: slow.prev, line: line.number, into: &facts)
                full = slow
                return StreamEvent(tag: .full, time: slow.time, rank: slow.rank, line: line.number)
            }
        }
        return nil
    }

    /// The index of an update kind (`nil`: no `kind` field, "other"), interned; a named kind
    /// becomes the one compared first.
    private mutating func internKind(_ name: String?) -> Int32 {
        let key = name ?? "other"
        let id: Int32
        if let known = kindIndex[key] {
            id = known
        } else {
            id = Int32(kinds.count)
            kinds.append(key)
            kindIndex[key] = id
        }
        if let name {
            lastKind = Array(name.utf8)
            lastKindID = id
        }
        return id
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

    private mutating func checkChain(seq: Int, rank eventRank: Int, prev: SHA256Digest?, line: Int, into facts: inout TraceFacts) {
        // The honest case first, without building any message.
        if seq == expectedSeq, let previousHash, prev == previousHash, eventRank == rank {
            expectedSeq = seq + 1
            return
        }
        var problems: [String] = []
        if seq != expectedSeq {
            problems.append("seq \(seq) where \(expectedSeq) was expected (a line is missing, duplicated or reordered)")
        }
        // `prev` matches when it spells the previous line's digest in hex, in either case.
        if previousHash == nil || prev != previousHash {
            problems.append(expectedSeq == 0 && seq == 0
                ? "prev of the first line must be 64 zeros"
                : "prev does not match the SHA-256 of the previous line (a line was edited, removed or inserted)")
        }
        if eventRank != rank {
            problems.append("rank \(eventRank) written into the file of rank \(rank)")
        }
        if !problems.isEmpty {
            facts.chainBreaks.append(TraceFinding(SourceLocation(file: file, line: line), problems.joined(separator: "; ")))
        }
        expectedSeq = seq + 1
    }
}

/// One event of a rank file as the merge sees it: plain values, copied as a few words. A score
/// or an update read by the fast path is held whole; anything else (`full`: a phase, or a line
/// ``TraceLineParser`` read) is the stream's ``RankStream/full`` event.
struct StreamEvent {
    enum Tag: UInt8 { case score, update, full }
    var tag: Tag
    var time: Double
    var rank: Int
    /// Line number in the stream's file.
    var line: Int
    var start = 0, end = 0
    var nll = 0.0, bytes = 0.0, psumMin = 0.0, psumMax = 0.0
    /// An update's kind: an index into the stream's ``RankStream/kinds``.
    var kind: Int32 = -1
}
