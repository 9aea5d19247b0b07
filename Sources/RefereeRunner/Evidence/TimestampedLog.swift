import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes a child's output to its log file, each line prefixed by Referee's own wall-clock time:
/// `<unix seconds with 6 decimals> <the child's line, byte for byte>\n`.
///
/// The time is taken when the first bytes of the line arrive, and never goes backwards within one
/// log (a clock step back repeats the previous value). Nothing is buffered: bytes are written as
/// they are read, so a line of any length is kept whole with bounded memory, and a line still
/// unterminated when the child dies is kept as it is (no newline is added). Only the first
/// ``keptLineBytes`` bytes of each line are held, for phase detection. The file is fsync'd at most
/// every ``syncInterval`` seconds while writing and once on ``close()``.
package final class TimestampedLog {
    /// How many bytes of each line are kept for parsing.
    package static let keptLineBytes = 8 * 1024
    /// Seconds between two fsyncs while streaming.
    package static let syncInterval = 1.0

    package let url: URL
    private var fd: Int32
    private var atLineStart = true
    private var lastStamp = 0.0
    private var lastSync = 0.0
    private var current: [UInt8] = []
    private var currentStamp = 0.0
    private var currentTruncated = false
    /// Number of complete lines written.
    package private(set) var lineCount = 0

    /// Creates (or truncates) the log at `url`.
    package init(url: URL) throws(RunnerError) {
        self.url = url
        fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw RunnerError.io(path: url.path, reason: "cannot create log: \(String(cString: strerror(errno)))")
        }
    }

    /// Writes `bytes` read at wall time `now`; returns the lines completed by them (their text
    /// without the prefix, cut to ``keptLineBytes``, with the stamp Referee gave them).
    package func append(_ bytes: UnsafeRawBufferPointer, at now: Double) -> [StampedLine] {
        var completed: [StampedLine] = []
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 64)
        var index = 0
        while index < bytes.count {
            if atLineStart {
                lastStamp = max(lastStamp, now)
                currentStamp = lastStamp
                out.append(contentsOf: Array(Self.format(lastStamp).utf8))
                out.append(0x20)
                atLineStart = false
            }
            let rest = UnsafeRawBufferPointer(rebasing: bytes[index...])
            let newline = rest.firstIndex(of: 0x0A)
            let segmentEnd = newline.map { index + $0 } ?? bytes.count
            let segment = UnsafeRawBufferPointer(rebasing: bytes[index..<segmentEnd])
            out.append(contentsOf: segment)
            let room = Self.keptLineBytes - current.count
            if room > 0 { current.append(contentsOf: segment.prefix(room)) }
            if segment.count > room { currentTruncated = true }
            if newline != nil {
                out.append(0x0A)
                lineCount += 1
                completed.append(finishLine())
                atLineStart = true
                index = segmentEnd + 1
            } else {
                index = segmentEnd
            }
        }
        writeAll(out)
        if now - lastSync >= Self.syncInterval {
            fsync(fd)
            lastSync = now
        }
        return completed
    }

    /// The line still being written (no newline yet), if any; used once the child is gone.
    package func flushPartialLine() -> StampedLine? {
        guard !atLineStart else { return nil }
        atLineStart = true
        return finishLine()
    }

    private func finishLine() -> StampedLine {
        var bytes = current
        if !currentTruncated, bytes.last == 0x0D { bytes.removeLast() }
        let line = StampedLine(time: currentStamp, text: String(decoding: bytes, as: UTF8.self), truncated: currentTruncated)
        current.removeAll(keepingCapacity: true)
        currentTruncated = false
        return line
    }

    private func writeAll(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress!.advanced(by: offset), raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                offset += n
            }
        }
    }

    /// fsyncs and closes the file; later calls do nothing.
    package func close() {
        guard fd >= 0 else { return }
        fsync(fd)
        Glibc.close(fd)
        fd = -1
    }

    deinit { close() }

    /// `1712345678.123456`.
    package static func format(_ time: Double) -> String {
        String(format: "%.6f", time)
    }
}

/// One line of a child's output as Referee stamped it.
package struct StampedLine: Sendable, Hashable {
    /// Unix seconds when its first byte arrived.
    package var time: Double
    /// Its text, at most ``TimestampedLog/keptLineBytes`` bytes of it.
    package var text: String
    /// True when `text` holds only the start of a longer line (the log has it whole).
    package var truncated: Bool
}
