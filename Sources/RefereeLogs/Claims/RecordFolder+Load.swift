import Foundation
import RefereeCore

extension RecordFolder {
    /// The two track folder names of the competition.
    public static let trackFolders = ["track_10min_16mb", "track_non_record_16mb"]

    /// Folders of a record written by `referee run` that hold the submission's own outputs
    /// (working directories, traces, plots): their files are listed in `allFiles` but are never
    /// taken as logs, scripts or tokenizers — the runner's timestamped `train_seed<SEED>.log` are
    /// the logs, and a submission's own log copies inside its working directory are not runs.
    public static let runnerOutputFolders = ["artifacts", "traces", "plots"]

    /// Classifies the files of a record folder (recursively; paths relative to `url`, sorted).
    ///
    /// Logs are `*.log` files and `*.txt` files whose start reads like a training log (a metric
    /// key such as `val_bpb`, `train_loss` or `step:`), wherever they sit (`logs/` included);
    /// README and other prose are not logs. The track comes from the parent folder name when it is
    /// a track folder, else from submission.json's `track`. A folder with no logs loads fine.
    /// Throws when `url` does not exist or is not a directory.
    public static func load(_ url: URL) throws(LogError) -> RecordFolder {
        let root = url.standardizedFileURL
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDir) else {
            throw LogError.unreadable(path: url.path, reason: "no such folder")
        }
        guard isDir.boolValue else {
            throw LogError.notEvidence(path: url.path, reason: "is a file, expected a record folder")
        }
        let all = try listFiles(root)
        var logs: [String] = []
        var scripts: [String] = []
        var tokenizers: [String] = []
        var submissions: [String] = []
        for rel in all where !runnerOutputFolders.contains(where: { rel.hasPrefix($0 + "/") }) {
            let name = (rel as NSString).lastPathComponent
            let ext = (name as NSString).pathExtension.lowercased()
            let lower = name.lowercased()
            if ext == "log" || (ext == "txt" && !lower.hasPrefix("readme") && looksLikeLog(root.appendingPathComponent(rel))) {
                logs.append(rel)
            } else if ext == "py" {
                scripts.append(rel)
            } else if ext == "model" {
                tokenizers.append(rel)
            } else if ext == "json", lower.hasPrefix("submission"), !rel.contains("/") {
                submissions.append(rel)
            }
        }
        let submission = submissions.first { $0 == "submission.json" } ?? submissions.first
        var track: String?
        let parent = root.deletingLastPathComponent().lastPathComponent
        if trackFolders.contains(parent) {
            track = parent
        } else if let submission, let claims = try? SubmissionClaims.load(root.appendingPathComponent(submission)) {
            track = claims.track.map(normalizedTrack)
        }
        return RecordFolder(root: root, track: track, logFiles: logs, submissionFile: submission,
                            scripts: scripts, tokenizers: tokenizers, allFiles: all)
    }

    /// Maps submission.json track spellings (`10min_16mb`, `non-record-unlimited-compute-16mb`) to
    /// a track folder name; unknown spellings are kept as written.
    public static func normalizedTrack(_ raw: String) -> String {
        let l = raw.lowercased()
        if l.contains("non") && l.contains("record") { return "track_non_record_16mb" }
        if l.contains("10min") { return "track_10min_16mb" }
        return raw
    }

    private static func listFiles(_ root: URL) throws(LogError) -> [String] {
        let fm = FileManager.default
        guard let walker = fm.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey], options: []) else {
            throw LogError.unreadable(path: root.path, reason: "cannot list the folder")
        }
        var files: [String] = []
        let base = root.path.hasSuffix("/") ? root.path : root.path + "/"
        for case let u as URL in walker {
            // lstat, as the `.isRegularFileKey` resource value does (a symlink is not a regular
            // file), without building a resource-value dictionary per file.
            let raw = u.path
            var info = stat()
            guard lstat(raw, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            // Enumerated paths are the standardised root plus plain names: already standard.
            let p = raw.hasPrefix(base) ? raw : u.standardizedFileURL.path
            files.append(p.hasPrefix(base) ? String(p.dropFirst(base.count)) : u.lastPathComponent)
        }
        return files.sorted()
    }

    /// True when the first MiB of the file carries a training-log key.
    static func looksLikeLog(_ url: URL) -> Bool {
        guard let h = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? h.close() }
        guard let data = try? h.read(upToCount: 1 << 20) else { return false }
        let needles = ["val_bpb", "train_loss", "val_loss", "step:", "train_time"]
        let ascii: Bool? = data.withUnsafeBytes { raw -> Bool? in
            guard raw.allSatisfy({ $0 < 0x80 }) else { return nil }
            // ASCII text: a byte search finds exactly what `String.contains` finds.
            let scanner = LineScanner(borrowing: UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), count: raw.count))
            return needles.contains { scanner.contains($0) }
        }
        if let ascii { return ascii }
        let text = String(decoding: data, as: UTF8.self)
        return needles.contains { text.contains($0) }
    }
}
