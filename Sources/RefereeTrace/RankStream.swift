import Foundation
import RefereeCore
import RefereeCrypto

/// Reads one `rank<R>.jsonl` file line by line, verifies the hash chain and `seq` numbers, and
/// hands out parsed events. Memory is one line plus the previous line's digest.
struct RankStream {
    let rank: Int
    let file: String
    private var reader: LineReader
    private var previousHash = TraceLineParser.zeroHash
    private var expectedSeq = 0
    /// The next event, read ahead so streams can be merged by time.
    private(set) var head: TraceEvent?

    init(rank: Int, url: URL, displayPath: String) throws(CoreError) {
        self.rank = rank
        self.file = displayPath
        self.reader = try LineReader(url: url)
    }

    /// Advances `head` to the next well-formed event, recording malformed lines and chain
    /// breaks into `facts` on the way. `head` is nil at the end of the file.
    mutating func advance(into facts: inout TraceFacts) {
        head = nil
        while let line = reader.next() {
            facts.lineCount += 1
            let location = SourceLocation(file: file, line: line.number)
            let bytes = Data(line.text.utf8)
            let hash = (line.truncated || line.invalidUTF8) ? "unhashable" : SHA256.hex(bytes)
            defer { previousHash = hash }
            if line.text.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                facts.malformed.append(TraceFinding(location, "empty line (each line must be one JSON event)"))
                facts.chainBreaks.append(TraceFinding(location, "empty line inside the chain"))
                continue
            }
            if line.truncated || line.invalidUTF8 {
                let why = line.truncated ? "line longer than \(LineReader.defaultMaxLineBytes) bytes" : "line is not valid UTF-8"
                facts.malformed.append(TraceFinding(location, why))
                continue
            }
            switch TraceLineParser.parse(line.text, at: location) {
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

    private mutating func checkChain(_ event: TraceEvent, into facts: inout TraceFacts) {
        var problems: [String] = []
        if event.seq != expectedSeq {
            problems.append("seq \(event.seq) where \(expectedSeq) was expected (a line is missing, duplicated or reordered)")
        }
        if event.prev.lowercased() != previousHash {
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
