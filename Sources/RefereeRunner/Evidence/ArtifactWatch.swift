import Foundation

/// Watches a seed's working folder for the declared artifact, on Referee's clock: when a file
/// matching one of `patterns` first appeared and when it last changed (size or modification
/// time), as seen by polling. This, not a log line, is what splits training from evaluation.
///
/// A change is seen at the first poll after it; its time is the file's modification time
/// clamped to the window between that poll and the one before, so the submission (which can set
/// the modification time) can move it only within one polling interval.
package struct ArtifactWatch: Sendable {
    /// The working folder as Referee sees it (host path).
    package let folder: URL
    /// Glob patterns of the declared artifact's file name, e.g. `*.ptz`.
    package let patterns: [String]
    /// When a matching file was first seen.
    package private(set) var firstSeenAt: Double?
    /// When a matching file was last seen to change.
    package private(set) var lastChangedAt: Double?
    private var seen: [String: [Int]] = [:]
    private var lastPoll: Double?

    package init(folder: URL, patterns: [String]) {
        self.folder = folder
        self.patterns = patterns
    }

    /// Looks once at the folder's top level (a few microseconds for a small folder).
    package mutating func poll(now: Double) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { lastPoll = now; return }
        for name in names where Self.matches(name, patterns) {
            var st = stat()
            guard lstat(folder.appendingPathComponent(name).path, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { continue }
            let signature = [Int(st.st_size), Int(st.st_mtim.tv_sec), Int(st.st_mtim.tv_nsec)]
            if seen[name] != signature {
                seen[name] = signature
                let mtime = Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
                let at = min(now, max(lastPoll ?? now, mtime))
                if firstSeenAt == nil { firstSeenAt = at }
                lastChangedAt = at
            }
        }
        lastPoll = now
    }

    /// True when `name` matches one of `patterns` (fnmatch, no path separators).
    package static func matches(_ name: String, _ patterns: [String]) -> Bool {
        patterns.contains { fnmatch($0, name, 0) == 0 }
    }
}
