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
    /// The open run, meaningful only while `hasRun`: stored rather than optional so that every
    /// line mutates it in place (an optional's `builder.step(…)` copied the whole builder).
    private var builder = RunBuilder.closed
    private var hasRun = false
    private var candidate: [HeldLine] = []
    /// The held lines' bytes, each followed by a newline (`HeldLine` holds its range): one
    /// buffer for the whole block instead of a `String` per line.
    private var heldBytes: [UInt8] = []
    private var candidateBytes = 0
    private var pendingTimestamp: Double?
    private var noteCounts: [String: Int] = [:]

    struct HeldLine {
        var number: Int
        var timestamp: Double?
        /// The message's bytes in `heldBytes` (valid UTF-8: repaired lines are held repaired).
        var start: Int
        var end: Int
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
            let nul = bytes.baseAddress.map { memchr($0, 0, bytes.count) != nil } ?? false
            feed(number: line.number, bytes: bytes, truncated: line.truncated, invalidUTF8: line.invalidUTF8, nul: nul)
        }
    }

    /// Feeds a line lent by ``LineReader/nextLine(_:)``: ASCII lines (nearly all of them) are
    /// scanned in place; others are validated, and repaired (U+FFFD) when not valid UTF-8.
    mutating func feed(_ line: RawLine) {
        let bytes = line.bytes
        let check = line.plainASCII ? (ascii: true, nul: false) : Self.asciiAndNUL(bytes)
        if check.ascii {
            // The step line of a long log (clean ASCII, starting with `s`, no held source lines):
            // none of `feed`'s notes, timestamp or source tests apply to it, so it goes straight
            // to the step parser; anything else takes the general path.
            if !check.nul, !line.truncated, candidate.isEmpty, bytes.first == 0x73, stepLine(LineScanner(borrowing: bytes), line: line.number) {
                return
            }
            feed(number: line.number, bytes: bytes, truncated: line.truncated, invalidUTF8: false, nul: check.nul)
            return
        }
        let strict = String(validating: bytes, as: UTF8.self)
        var text = strict ?? String(decoding: bytes, as: UTF8.self)
        text.withUTF8 { utf8 in
            feed(number: line.number, bytes: utf8, truncated: line.truncated, invalidUTF8: strict == nil, nul: check.nul)
        }
    }

    /// Whether every byte is below 0x80, and whether a byte is NUL: one pass, sixteen bytes at a
    /// time. (A NUL survives the U+FFFD repair, and a timestamp prefix holds none, so a NUL in
    /// the raw line is a NUL in its message.)
    static func asciiAndNUL(_ bytes: UnsafeBufferPointer<UInt8>) -> (ascii: Bool, nul: Bool) {
        guard let base = bytes.baseAddress else { return (true, false) }
        let raw = UnsafeRawPointer(base)
        let n = bytes.count
        var i = 0
        var acc: UInt64 = 0
        var zero: UInt64 = 0
        while i + 16 <= n {
            let a = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let b = raw.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)
            acc |= a | b
            zero |= Self.zeroBytes(a) | Self.zeroBytes(b)
            i += 16
        }
        if i + 8 <= n {
            let a = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            acc |= a
            zero |= Self.zeroBytes(a)
            i += 8
        }
        if i < n, n >= 8 {
            // The last eight bytes, overlapping bytes already seen (which changes neither answer).
            let a = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            acc |= a
            zero |= Self.zeroBytes(a)
            i = n
        }
        var nul = zero != 0
        while i < n {
            acc |= UInt64(base[i])
            nul = nul || base[i] == 0
            i += 1
        }
        return (acc & 0x8080_8080_8080_8080 == 0, nul)
    }

    /// Non-zero exactly when some byte of `x` is zero.
    @inline(__always)
    private static func zeroBytes(_ x: UInt64) -> UInt64 {
        (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
    }

    private mutating func feed(number: Int, bytes: UnsafeBufferPointer<UInt8>, truncated: Bool, invalidUTF8: Bool, nul: Bool) {
        if truncated { lineNote("over-cap", "\(loc(number)): line longer than the \(maxLineBytes)-byte cap; only its start was read") }
        if invalidUTF8 { lineNote("utf8", "\(loc(number)): invalid UTF-8; bad bytes replaced by U+FFFD") }
        // Only a line that starts with a digit can carry a timestamp.
        let (timestamp, messageStart) = bytes.first.map { $0 &- 0x30 <= 9 } == true ? LineClassifier.splitTimestamp(bytes) : (nil, 0)
        let scanner = LineScanner(borrowing: UnsafeBufferPointer(rebasing: bytes[messageStart...]))
        if nul {
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
        if hasRun {
            append(builder.finished(lastLine: lastLine))
            closeRun()
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
        let start = heldBytes.count
        heldBytes.append(contentsOf: scanner.bytes)
        candidate.append(HeldLine(number: number, timestamp: timestamp, start: start, end: heldBytes.count, truncated: truncated))
        heldBytes.append(0x0A)
        candidateBytes += scanner.bytes.count + 1
    }

    /// Reads `lines` (held lines whose bytes are in `bytes`) as ordinary log lines.
    private mutating func replay(_ lines: ArraySlice<HeldLine>, bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { all in
            for h in lines {
                process(number: h.number, timestamp: h.timestamp, scanner: LineScanner(borrowing: UnsafeBufferPointer(rebasing: all[h.start..<h.end])))
            }
        }
    }

    private mutating func replayCandidate() {
        let held = candidate
        let bytes = heldBytes
        candidate = []
        heldBytes = []
        candidateBytes = 0
        replay(held[...], bytes: bytes)
    }

    /// Whether a held line starts with `prefix` (ASCII), as `String.hasPrefix` answers: on
    /// bytes, except when a non-ASCII byte follows the prefix (a combining mark would join the
    /// prefix's last character), where the line's `String` decides.
    private func held(_ h: HeldLine, hasPrefix prefix: StaticString) -> Bool {
        let n = prefix.utf8CodeUnitCount
        guard h.end - h.start >= n else { return false }
        return heldBytes.withUnsafeBufferPointer { all in
            guard memcmp(all.baseAddress! + h.start, prefix.utf8Start, n) == 0 else { return false }
            guard h.end - h.start > n, all[h.start + n] >= 0x80 else { return true }
            return String(decoding: UnsafeBufferPointer(rebasing: all[h.start..<h.end]), as: UTF8.self).hasPrefix(prefix.description)
        }
    }

    /// ``LineClassifier/isFileStart(_:)`` on a held line's bytes.
    private func isFileStart(_ h: HeldLine) -> Bool {
        held(h, hasPrefix: "\"\"\"") || held(h, hasPrefix: "'''") || held(h, hasPrefix: "#!") || held(h, hasPrefix: "from __future__")
    }

    private mutating func confirmSource() {
        // A Python file never starts indented: an indented first line is either a source whose
        // start was cut off, or run output (a traceback) before the next script's source. When a
        // line that can only open a file (`"""…`, `#!`, `from __future__`) follows, the block
        // starts there and the lines before it are ordinary log lines.
        if let head = candidate.first, held(head, hasPrefix: " ") || held(head, hasPrefix: "\t"),
           let k = candidate.firstIndex(where: { isFileStart($0) }), k > 0 {
            let before = candidate[..<k]
            candidate = Array(candidate[k...])
            replay(before, bytes: heldBytes)
        }
        guard let first = candidate.first, let last = candidate.last else { return }
        // The held lines joined by newlines: their bytes from the first to the last.
        let text = String(decoding: heldBytes[first.start..<last.end], as: UTF8.self)
        let incomplete = candidate.contains { $0.truncated }
        candidate = []
        heldBytes = []
        candidateBytes = 0
        if hasRun, builder.isSubstantive {
            append(builder.finished(lastLine: first.number - 1))
            closeRun()
        }
        ensureRun(at: first.number)
        builder.embeddedSource(text, lines: first.number...last.number, incomplete: incomplete)
    }

    /// Makes sure a run is open (starting at `line`, or line 1 for the file's first run).
    private mutating func ensureRun(at line: Int) {
        guard !hasRun else { return }
        var b = RunBuilder(file: path, runIndex: runCount, firstLine: runCount == 0 ? 1 : line)
        if let t = pendingTimestamp { b.timestamp(t) }
        pendingTimestamp = nil
        builder = b
        hasRun = true
    }

    private mutating func closeRun() {
        builder = .closed
        hasRun = false
    }

    /// Starts a new run because a header line (seed, `Hyperparameters:`) follows a finished one.
    private mutating func splitForHeader(at line: Int) {
        guard hasRun, let lastFact = builder.lastSubstantiveLine else { return }
        let start = min(lastFact + 1, line)
        var next = RunBuilder(file: path, runIndex: runCount + 1, firstLine: start)
        builder.handOverHeader(from: start, to: &next)
        append(builder.finished(lastLine: start - 1))
        builder = next
    }

    private mutating func process(number n: Int, timestamp: Double?, scanner s: LineScanner) {
        if let timestamp {
            if hasRun { builder.timestamp(timestamp) } else if pendingTimestamp == nil { pendingTimestamp = timestamp }
        }
        guard let first = s.bytes.first else { return }
        // Step lines (nearly every line of a long log) first: a line that starts with `s` or a
        // digit is never a separator, a table row, a `Hyperparameters:` or a `stopping_early`
        // line, the kinds once tested before it, so the order changes no result.
        let stepShaped = first == 0x73 || (first >= 0x30 && first <= 0x39)
        if stepShaped, stepLine(s, line: n) { return }
        if LineClassifier.isSeparator(s) { return }
        if first == 0x7C {  // |
            if let row = LineClassifier.gpuRow(s) {
                ensureRun(at: n)
                builder.gpuRow(index: row.index, model: row.model, line: n)
            }
            return
        }
        if s.hasPrefix("Hyperparameters:"), hasRun && builder.isSubstantive {
            splitForHeader(at: n)
        }
        if s.hasPrefix("stopping_early") {
            ensureRun(at: n)
            builder.stop(wallclockCap: s.contains("wallclock_cap"), trainTimeMs: s.milliseconds(after: "train_time"), line: n)
            return
        }
        let sizes = SizeFact.parse(s)
        if !sizes.isEmpty {
            ensureRun(at: n)
            for f in sizes { builder.size(f, line: n) }
            return
        }
        if let ms = s.milliseconds(after: "total_eval_time"), s.hasPrefix("total_eval_time") {
            ensureRun(at: n)
            builder.totalEvalTime(ms, line: n)
            return
        }
        if let label = LineClassifier.evalLabel(s), let bpb = s.number(after: "val_bpb") {
            ensureRun(at: n)
            let loss = s.number(after: "val_loss")
            builder.eval(EvalLine(label: label, valLoss: loss?.value, valBPB: bpb.value, decimals: bpb.decimals, valLossDecimals: loss?.decimals,
                            evalTimeMs: s.milliseconds(after: "eval_time"), kind: LineClassifier.kind(ofLabel: label), location: loc(n)))
            return
        }
        if let seed = LineClassifier.seed(s) {
            if hasRun, builder.isSubstantive, builder.run.seed != nil {
                // After training, only a header-style seed line starts a new run; a seed
                // mentioned by a later phase (calibration, eval) is not the run's seed.
                if LineClassifier.isHeaderSeedLine(s) { splitForHeader(at: n) } else { return }
            }
            ensureRun(at: n)
            builder.seed(seed, line: n)
        }
        if let w = LineClassifier.worldSize(s) {
            ensureRun(at: n)
            builder.worldSize(w, line: n)
        }
    }

    /// `step:N/M …` or `N/M …` with train or val metrics: adds the step point (and an
    /// in-training eval when the line has val_bpb) to the open run and returns true; false for
    /// any other line. Builds nothing larger than the point on the way (this runs for nearly
    /// every line of a long log).
    private mutating func stepLine(_ s: LineScanner, line: Int) -> Bool {
        let counter: (step: Int, total: Int, end: Int)
        if s.hasPrefix("step:"), let c = s.stepCounter(at: 5) {
            counter = c
        } else if let f = s.bytes.first, f >= 0x30 && f <= 0x39, let c = s.stepCounter(at: 0), c.end < s.bytes.count, s.bytes[c.end] == 0x20 {
            counter = c
        } else {
            return false
        }
        // The common training line (a train time, no validation keys): its losses are read only
        // when the step curve keeps the point (``RunBuilder/stepDeferringLosses``).
        var timed = LineScanner.StepKeys()
        s.stepKeys(from: counter.end, LineScanner.KeysButLosses.self, into: &timed)
        if let time = timed.trainTimeMs ?? timed.tMs, timed.valLoss == nil, timed.valBPB == nil {
            if !hasRun { ensureRun(at: line) }  // the test inlined: a call per line saved
            switch builder.stepDeferringLosses(step: counter.step, total: counter.total, trainTimeMs: time, line: line,
                                               bytes: s.bytes, keysFrom: counter.end) {
            case .deferred: return true
            case .kept:
                let keys = s.allStepKeys(from: counter.end)
                builder.setOpenLosses(keys.trainLoss ?? keys.loss)
                return true
            case .merge: break
            }
        }
        let keys = s.allStepKeys(from: counter.end)
        let trainLoss = keys.trainLoss ?? keys.loss
        let trainTime = keys.trainTimeMs ?? keys.tMs
        guard trainLoss != nil || keys.valLoss != nil || keys.valBPB != nil || trainTime != nil else { return false }
        ensureRun(at: line)
        builder.step(StepPoint(step: counter.step, totalSteps: counter.total, trainLoss: trainLoss, valLoss: keys.valLoss,
                               valBPB: keys.valBPB, trainTimeMs: trainTime, line: line))
        if let valBPB = keys.valBPB {
            builder.eval(EvalLine(label: s.prefixText(upTo: counter.end), valLoss: keys.valLoss, valBPB: valBPB, decimals: keys.valBPBDecimals,
                                  evalTimeMs: nil, kind: .inTraining, location: loc(line)))
        }
        return true
    }
}
