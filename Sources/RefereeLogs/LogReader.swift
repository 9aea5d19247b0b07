import Foundation
import RefereeCore

/// Reads a Parameter Golf training log in any of the known dialects.
///
/// Streams the file line by line (bounded memory for any size), skips the embedded source-code
/// block (keeping its text for `evidence.code-matches-log`), splits appended runs, and extracts
/// per run the seed, hardware, step curve, timings, eval lines, size lines and the score.
///
/// Damaged content is never an error: lines over the cap, invalid UTF-8 and NUL bytes become
/// notes, and a file with no run in it gives a `LogFile` with zero runs and a note. Only a file
/// that cannot be opened or is a directory throws.
package struct LogReader: Sendable {
    /// Lines longer than this many bytes are cut (their start is read, the rest skipped).
    package var maxLineBytes: Int

    package init(maxLineBytes: Int = LineReader.defaultMaxLineBytes) {
        self.maxLineBytes = maxLineBytes
    }

    /// Reads `url` and keeps its runs (at most ``maxKeptRuns``, else `LogError.notEvidence`);
    /// `displayPath` is the path reported in locations (defaults to `url.path`).
    package func read(_ url: URL, displayPath: String? = nil) throws(LogError) -> LogFile {
        try read(url, displayPath: displayPath, eachLine: { _ in })
    }

    /// The most runs one log may hold when its runs are kept (``read(_:displayPath:)``, the audit):
    /// each kept run costs a few KiB until the report is written, so a log of millions of
    /// appended runs would otherwise grow memory without bound. A real training log holds one run,
    /// rarely a handful; past this ceiling the log is refused as bad evidence. Streaming callers
    /// (``read(_:displayPath:eachRun:)``) have no ceiling.
    package static let maxKeptRuns = 10_000

    /// ``read(_:displayPath:)`` (the same ceiling on kept runs) that also lends every raw line, in order, to `eachLine` before
    /// parsing it (a second reader of the same lines, e.g. the audit's stamp scan, then needs no
    /// second pass over the file). `RawLine.bytes` is valid only during the call.
    package func read(_ url: URL, displayPath: String? = nil, eachLine: (RawLine) -> Void) throws(LogError) -> LogFile {
        var runs: [RunLog] = []
        var overflow: RunLog?
        var file = try read(url, displayPath: displayPath, eachRun: { run in
            if runs.count < Self.maxKeptRuns { runs.append(run) } else if overflow == nil { overflow = run }
        }, eachLine: eachLine)
        if let overflow {
            throw LogError.notEvidence(path: displayPath ?? url.path, reason: "holds more than \(Self.maxKeptRuns) runs (run \(Self.maxKeptRuns + 1) starts at line \(overflow.firstLine)); expected a training log of a few runs (Referee keeps every run of a log for the audit and refuses logs past this ceiling, so that memory stays bounded)")
        }
        file.runs = runs
        return file
    }

    /// Reads `url` and hands each run to `eachRun` as soon as it is complete, in file order,
    /// keeping none: the reader's memory is bounded by the largest single run (its capped step
    /// curve and eval lines), however many runs the file appends, and its time is linear in the
    /// file's size. The `LogFile` returned has `runs` empty; its notes and counts are complete.
    package func read(_ url: URL, displayPath: String? = nil, eachRun: (RunLog) -> Void) throws(LogError) -> LogFile {
        try read(url, displayPath: displayPath, eachRun: eachRun, eachLine: { _ in })
    }

    private func read(_ url: URL, displayPath: String?, eachRun: (RunLog) -> Void, eachLine: (RawLine) -> Void) throws(LogError) -> LogFile {
        try read(url, displayPath: displayPath, observer: nil, eachRun: eachRun, eachLine: eachLine)
    }

    private func read(_ url: URL, displayPath: String?, observer: ((UnsafeRawBufferPointer) -> Void)?,
                      eachRun: (RunLog) -> Void, eachLine: (RawLine) -> Void) throws(LogError) -> LogFile {
        let path = displayPath ?? url.path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else {
            throw LogError.unreadable(path: path, reason: "no such file")
        }
        guard !isDir.boolValue else {
            throw LogError.notEvidence(path: path, reason: "is a directory, expected a log file")
        }
        var reader: LineReader
        do {
            reader = try LineReader(url: url, maxLineBytes: maxLineBytes)
            reader.marksPlainASCII = true
        } catch {
            throw LogError.unreadable(path: path, reason: error.description)
        }
        reader.observer = observer
        var file = parse(&reader, path: path, eachRun: eachRun, eachLine: eachLine)
        // The size FileManager's `attributesOfItem` reports (it uses `lstat`; 0 when that
        // fails), without the attribute dictionary it builds.
        var info = stat()
        file.byteCount = lstat(url.path, &info) == 0 ? UInt64(truncatingIfNeeded: info.st_size) : 0
        return file
    }

    /// ``read(_:displayPath:eachLine:)`` of a log whose bytes are already in memory (a
    /// ``RecordSnapshot`` file): the same runs, notes and counts as reading the file that held
    /// them, and the same ceiling on kept runs.
    package func read(bytes: Data, displayPath path: String, eachLine: (RawLine) -> Void) throws(LogError) -> LogFile {
        try keeping(path: path) { eachRun throws(LogError) in
            var reader = LineReader(bytes: bytes, maxLineBytes: maxLineBytes)
            reader.marksPlainASCII = true
            var file = parse(&reader, path: path, eachRun: eachRun, eachLine: eachLine)
            file.byteCount = UInt64(bytes.count)
            return file
        }
    }

    /// ``read(_:displayPath:eachLine:)`` that also lends every byte read, once and in order,
    /// to `observer` (to hash what is parsed: a snapshot's log too large to keep is read again
    /// and its digest checked).
    package func read(_ url: URL, displayPath: String, observer: @escaping (UnsafeRawBufferPointer) -> Void,
                      eachLine: (RawLine) -> Void) throws(LogError) -> LogFile {
        try keeping(path: displayPath) { eachRun throws(LogError) in
            try read(url, displayPath: displayPath, observer: observer, eachRun: eachRun, eachLine: eachLine)
        }
    }

    /// Runs `body` with a run sink that keeps at most ``maxKeptRuns`` runs (see
    /// ``read(_:displayPath:eachLine:)``).
    private func keeping(path: String, _ body: ((RunLog) -> Void) throws(LogError) -> LogFile) throws(LogError) -> LogFile {
        var runs: [RunLog] = []
        var overflow: RunLog?
        var file = try body { run in
            if runs.count < Self.maxKeptRuns { runs.append(run) } else if overflow == nil { overflow = run }
        }
        if let overflow {
            throw LogError.notEvidence(path: path, reason: "holds more than \(Self.maxKeptRuns) runs (run \(Self.maxKeptRuns + 1) starts at line \(overflow.firstLine)); expected a training log of a few runs (Referee keeps every run of a log for the audit and refuses logs past this ceiling, so that memory stays bounded)")
        }
        file.runs = runs
        return file
    }

    /// Parses every line of `reader`; the `LogFile` has no runs (they went to `eachRun`) and
    /// a `byteCount` of 0 (the caller knows the size).
    private func parse(_ reader: inout LineReader, path: String, eachRun: (RunLog) -> Void, eachLine: (RawLine) -> Void) -> LogFile {
        var parser = LogParser(path: path, maxLineBytes: maxLineBytes)
        var lineCount = 0
        reader.forEachLine { line in
            eachLine(line)
            parser.feed(line)
            lineCount = line.number
            if !parser.runs.isEmpty { parser.takeRuns().forEach(eachRun) }
        }
        parser.finish(lastLine: lineCount)
        parser.takeRuns().forEach(eachRun)
        return LogFile(path: path, byteCount: 0, lineCount: lineCount, runs: [], notes: parser.fileNotes)
    }
}
