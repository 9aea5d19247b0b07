import Foundation
import RefereeCore

/// Reads a Parameter Golf training log in any of the known dialects.
///
/// Streams the file line by line (bounded memory for any size), skips the embedded source-code
/// block (keeping its text for `evidence.code-matches-log`), splits appended runs, and extracts
/// per run the seed, hardware, step curve, timings, eval lines, size lines and the score.
public struct LogReader: Sendable {
    public init() {}

    /// Reads `url`; `displayPath` is the path reported in locations (defaults to `url.path`).
    public func read(_ url: URL, displayPath: String? = nil) throws(LogError) -> LogFile {
        // TODO(helper: logs): implement.
        throw LogError.unreadable(path: displayPath ?? url.path, reason: "log reader not implemented")
    }
}
