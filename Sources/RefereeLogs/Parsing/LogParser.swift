import Foundation
import RefereeCore

/// The streaming state machine behind ``LogReader``: feed lines in order, then `finish`.
///
/// Source blocks: a line that can open a Python file starts a *candidate* block that is held
/// (bounded) until a `=`×100 separator confirms it as embedded source. A line only a running
/// script prints (a metric line with numbers, a step counter, a stop line) or the cap ends the
/// candidacy, and the held lines are read as ordinary log lines.
struct LogParser {
    static let maxSourceLines = 200_000
    static let maxSourceBytes = 32 << 20
    static let maxNotesPerKind = 10

    let path: String
    let maxLineBytes: Int
    /// Finished runs not yet taken by ``takeRuns()``.
    private(set) var runs: [RunLog] = []
    /// Runs finished so far (taken or not): the next run's index.
    private var runCount = 0
    private(set) var fileNotes: [String] = []
    private var current: RunBuilder?
    private var candidate: [HeldLine] = []
    private var candidateBytes = 0
    private var pendingTimestamp: Double?
    private var noteCounts: [String: Int] = [:]

    struct HeldLine {
        var number: Int
        var timestamp: Double?
        var message: String
        var truncated: Bool
    }

    init(path: String, maxLineBytes: Int = LineReader.defaultMaxLineBytes) {
        self.path = path
        self.maxLineBytes = maxLineBytes
    }

    private mutating func append(_ run: RunLog) {
        runs.append(run)
        runCount += 1
    }

    /// Hands over the runs finished so far (a streaming reader keeps none of them).
    mutating func takeRuns() -> [RunLog] {
        defer { runs = [] }
        return runs
    }

    private func loc(_ line: Int) -> SourceLocation { SourceLocation(file: path, line: line) }

    mutating func feed(_ line: Line) {
        var text = line.text
        text.withUTF8 { bytes in
            feed(number: line.number, bytes: bytes, truncated: line.truncated, invalidUTF8: line.invalidUTF8)
        }
    }

    /// Feeds a line lent by ``LineReader/nextLine(_:)``: ASCII lines (nearly all of them) are
    /// scanned in place; others are validated, and repaired (U+FFFD) when not valid UTF-8.
    mutating func feed(_ line: RawLine) {
        let bytes = line.bytes
        if Self.isASCII(bytes) {
            feed(number: line.number, bytes: bytes, truncated: line.truncated, invalidUTF8: false)
            return
        }
        let strict = String(validating: bytes, as: UTF8.self)
        var text = strict ?? String(decoding: bytes, as: UTF8.self)
        text.withUTF8 { utf8 in
            feed(number: line.number, bytes: utf8, truncated: line.truncated, invalidUTF8: strict == nil)
        }
    }

    /// True when every byte is below 0x80 (eight bytes at a time).
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        let n = bytes.count
        var i = 0
        var acc: UInt64 = 0
        while i + 8 <= n {
            acc |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < n {
            acc |= UInt64(base[i])
            i += 1
        }
        return acc & 0x8080_8080_8080_8080 == 0
    }

    private mutating func feed(number: Int, bytes: UnsafeBufferPointer<UInt8>, truncated: Bool, invalidUTF8: Bool) {
        if truncated { lineNote("over-cap", "\(loc(number)): line longer than the \(maxLineBytes)-byte cap; only its start was read") }
        if invalidUTF8 { lineNote("utf8", "\(loc(number)): invalid UTF-8; bad bytes replaced by U+FFFD") }
        let (timestamp, messageStart) = LineClassifier.splitTimestamp(bytes)
        let scanner = LineScanner(borrowing: UnsafeBufferPointer(rebasing: bytes[messageStart...]))
        if let base = scanner.bytes.baseAddress, memchr(base, 0, scanner.bytes.count) != nil {
            lineNote("nul", "\(loc(number)): NUL bytes in the line (binary content)")
        }
        if !candidate.isEmpty {
            if LineClassifier.isSeparator(scanner) {
                confirmSource()
                process(number: number, timestamp: timestamp, scanner: scanner)
                return
            }
            if LineClassifier.isRunOutput(scanner) || candidate.count >= Self.maxSourceLines || candidateBytes >= Self.maxSourceBytes {
                replayCandidate()
            } else {
                hold(number: number, truncated: truncated, timestamp: timestamp, scanner: scanner)
                return
            }
        }
        if LineClassifier.looksLikeSourceStart(scanner) {
            hold(number: number, truncated: truncated, timestamp: timestamp, scanner: scanner)
            return
        }
        process(number: number, timestamp: timestamp, scanner: scanner)
    }

    /// Ends the stream: held lines are replayed, the open run is finished.
    mutating func finish(lastLine: Int) {
        if !candidate.isEmpty { replayCandidate() }
        if let current {
            append(current.finished(lastLine: lastLine))
            self.current = nil
        }
        for (kind, count) in noteCounts.sorted(by: { $0.key < $1.key }) where count > Self.maxNotesPerKind {
            fileNotes.append("\(path): \(count - Self.maxNotesPerKind) more line(s) of kind \(kind) not listed")
        }
        if runCount == 0 {
            fileNotes.append("\(path): no training run found (no seed, step, eval or size line)")
        }
    }

    private mutating func lineNote(_ kind: String, _ text: String) {
        let n = noteCounts[kind, default: 0] + 1
        noteCounts[kind] = n
        guard n <= Self.maxNotesPerKind else { return }
        fileNotes.append(text)
    }

    private mutating func hold(number: Int, truncated: Bool, timestamp: Double?, scanner: LineScanner) {
        let message = String(decoding: scanner.bytes, as: UTF8.self)
        candidate.append(HeldLine(number: number, timestamp: timestamp, message: message, truncated: truncated))
        candidateBytes += scanner.bytes.count + 1
    }

    private mutating func replayCandidate() {
        let held = candidate
        candidate = []
        candidateBytes = 0
        for h in held {
            process(number: h.number, timestamp: h.timestamp, scanner: LineScanner(h.message[...]))
        }
    }

    private mutating func confirmSource() {
        // A Python file never starts indented: an indented first line is either a source whose
        // start was cut off, or run output (a traceback) before the next script's source. When a
        // line that can only open a file (`"""…`, `#!`, `from __future__`) follows, the block
        // starts there and the lines before it are ordinary log lines.
        if let head = candidate.first?.message, head.hasPrefix(" ") || head.hasPrefix("\t"),
           let k = candidate.firstIndex(where: { LineClassifier.isFileStart($0.message) }), k > 0 {
            let before = candidate[..<k]
            candidate = Array(candidate[k...])
            for h in before { process(number: h.number, timestamp: h.timestamp, scanner: LineScanner(h.message[...])) }
        }
        guard let first = candidate.first?.number, let last = candidate.last?.number else { return }
        let text = candidate.map(\.message).joined(separator: "\n")
        let incomplete = candidate.contains { $0.truncated }
        candidate = []
        candidateBytes = 0
        if let c = current, c.isSubstantive {
            append(c.finished(lastLine: first - 1))
            current = nil
        }
        ensureRun(at: first)
        current!.embeddedSource(text, lines: first...last, incomplete: incomplete)
    }

    /// Makes sure a run is open (starting at `line`, or line 1 for the file's first run).
    private mutating func ensureRun(at line: Int) {
        guard current == nil else { return }
        var b = RunBuilder(file: path, runIndex: runCount, firstLine: runCount == 0 ? 1 : line)
        if let t = pendingTimestamp { b.timestamp(t) }
        pendingTimestamp = nil
        current = b
    }

    /// Starts a new run because a header line (seed, `Hyperparameters:`) follows a finished one.
    private mutating func splitForHeader(at line: Int) {
        guard var old = current, let lastFact = old.lastSubstantiveLine else { return }
        let start = min(lastFact + 1, line)
        var next = RunBuilder(file: path, runIndex: runCount + 1, firstLine: start)
        old.handOverHeader(from: start, to: &next)
        append(old.finished(lastLine: start - 1))
        current = next
    }

    private mutating func process(number n: Int, timestamp: Double?, scanner s: LineScanner) {
        if let timestamp {
            if current != nil { current!.timestamp(timestamp) } else if pendingTimestamp == nil { pendingTimestamp = timestamp }
        }
        guard let first = s.bytes.first else { return }
        if LineClassifier.isSeparator(s) { return }
        if first == 0x7C {  // |
            if let row = LineClassifier.gpuRow(s) {
                ensureRun(at: n)
                current!.gpuRow(index: row.index, model: row.model, line: n)
            }
            return
        }
        if s.hasPrefix("Hyperparameters:"), current?.isSubstantive == true {
            splitForHeader(at: n)
        }
        if s.hasPrefix("stopping_early") {
            ensureRun(at: n)
            current!.stop(wallclockCap: s.contains("wallclock_cap"), trainTimeMs: s.milliseconds(after: "train_time"), line: n)
            return
        }
        if let step = stepPoint(s, line: n) {
            ensureRun(at: n)
            current!.step(step.point)
            if let e = step.eval { current!.eval(e) }
            return
        }
        let sizes = SizeFact.parse(s)
        if !sizes.isEmpty {
            ensureRun(at: n)
            for f in sizes { current!.size(f, line: n) }
            return
        }
        if let ms = s.milliseconds(after: "total_eval_time"), s.hasPrefix("total_eval_time") {
            ensureRun(at: n)
            current!.totalEvalTime(ms, line: n)
            return
        }
        if let label = LineClassifier.evalLabel(s), let bpb = s.number(after: "val_bpb") {
            ensureRun(at: n)
            current!.eval(EvalLine(label: label, valLoss: s.number(after: "val_loss")?.value, valBPB: bpb.value, decimals: bpb.decimals,
                            evalTimeMs: s.milliseconds(after: "eval_time"), kind: LineClassifier.kind(ofLabel: label), location: loc(n)))
            return
        }
        if let seed = LineClassifier.seed(s) {
            if let c = current, c.isSubstantive, c.run.seed != nil {
                // After training, only a header-style seed line starts a new run; a seed
                // mentioned by a later phase (calibration, eval) is not the run's seed.
                if LineClassifier.isHeaderSeedLine(s) { splitForHeader(at: n) } else { return }
            }
            ensureRun(at: n)
            current!.seed(seed, line: n)
        }
        if let w = LineClassifier.worldSize(s) {
            ensureRun(at: n)
            current!.worldSize(w, line: n)
        }
    }

    /// `step:N/M …` or `N/M …` with train or val metrics; an in-training eval when it has val_bpb.
    private func stepPoint(_ s: LineScanner, line: Int) -> (point: StepPoint, eval: EvalLine?)? {
        let counter: (step: Int, total: Int, end: Int)
        if s.hasPrefix("step:"), let c = s.stepCounter(at: 5) {
            counter = c
        } else if let f = s.bytes.first, f >= 0x30 && f <= 0x39, let c = s.stepCounter(at: 0), c.end < s.bytes.count, s.bytes[c.end] == 0x20 {
            counter = c
        } else {
            return nil
        }
        let keys = s.stepKeys()
        let trainLoss = keys.trainLoss?.value ?? keys.loss?.value
        let valLoss = keys.valLoss
        let valBPB = keys.valBPB
        let trainTime = keys.trainTime.flatMap { LineScanner.milliseconds($0, unitAt: $0.end, in: s.bytes) }
            ?? keys.t.flatMap { LineScanner.milliseconds($0, unitAt: $0.end, in: s.bytes) }
        guard trainLoss != nil || valLoss != nil || valBPB != nil || trainTime != nil else { return nil }
        let point = StepPoint(step: counter.step, totalSteps: counter.total, trainLoss: trainLoss, valLoss: valLoss?.value,
                              valBPB: valBPB?.value, trainTimeMs: trainTime, line: line)
        var eval: EvalLine?
        if let valBPB {
            eval = EvalLine(label: s.prefixText(upTo: counter.end), valLoss: valLoss?.value, valBPB: valBPB.value, decimals: valBPB.decimals,
                            evalTimeMs: nil, kind: .inTraining, location: loc(line))
        }
        return (point, eval)
    }
}
