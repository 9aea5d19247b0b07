import Foundation

/// What a person needs when a seed did not finish cleanly: why, the log's path, and its last
/// lines (the cause of a crash — a wrong path, a Python traceback — is almost always there).
package enum SeedFailureReport {
    /// Lines of the log shown for a failed seed.
    package static let tailLines = 15
    /// At most this many bytes are read from the end of the log (logs can be gigabytes).
    static let tailBytes = 64 * 1024

    /// Whether `seed` failed: it did not exit by itself with status 0 within its caps.
    package static func failed(_ seed: SeedRecord) -> Bool {
        seed.stop != .exited || seed.exitCode != 0 || seed.overBudget
    }

    /// Why `seed` failed, in a few words (`exit 1`, `signal 9`, `over budget (training)`).
    package static func cause(_ seed: SeedRecord) -> String {
        if seed.stop == .interrupted { return "interrupted" }
        if seed.overBudget || seed.stop == .overBudget {
            return "over budget (\(seed.overBudgetPhases.joined(separator: ", ")))"
        }
        if let code = seed.exitCode { return "exit \(code)" }
        return "signal \(seed.signal ?? 0)"
    }

    /// The report for a failed seed (nil when it did not fail): a header naming the seed, the
    /// cause and the log's path, then the log's last ``tailLines`` lines, indented.
    package static func describe(_ seed: SeedRecord, record: URL, lines: Int = tailLines) -> String? {
        guard failed(seed) else { return nil }
        let log = record.appendingPathComponent(seed.log.path).standardizedFileURL
        let tail = Self.tail(of: log, lines: lines)
        var text = "seed \(seed.seed) failed (\(cause(seed))); log: \(log.path)"
        if tail.isEmpty {
            text += "\n  (the log is empty)"
        } else {
            text += "; its last \(tail.count) line\(tail.count == 1 ? "" : "s"):"
            for line in tail { text += "\n  | \(line)" }
        }
        return text
    }

    /// The last `lines` lines of the file at `url` (read from at most its last 64 KiB); empty
    /// when it cannot be read.
    package static func tail(of url: URL, lines: Int) -> [String] {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return [] }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd() else { return [] }
        let start = size > UInt64(tailBytes) ? size - UInt64(tailBytes) : 0
        guard (try? handle.seek(toOffset: start)) != nil, let data = try? handle.readToEnd() else { return [] }
        var all = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if start > 0 && !all.isEmpty { all.removeFirst() }  // a partial first line
        while all.last?.isEmpty == true { all.removeLast() }
        return Array(all.suffix(lines))
    }
}
