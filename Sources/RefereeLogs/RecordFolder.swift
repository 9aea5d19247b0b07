import Foundation
import RefereeCore

/// The files of a record folder, classified. Paths are relative to `root`.
public struct RecordFolder: Sendable {
    public var root: URL
    /// `track_10min_16mb` / `track_non_record_16mb` when the folder sits under such a folder.
    public var track: String?
    /// Log files (train*.log, *.txt logs, logs/…), sorted.
    public var logFiles: [String]
    /// submission*.json, when present.
    public var submissionFile: String?
    /// Python scripts (train_gpt.py and friends).
    public var scripts: [String]
    /// SentencePiece models.
    public var tokenizers: [String]
    /// Every regular file under the folder, sorted.
    public var allFiles: [String]

    public init(root: URL, track: String?, logFiles: [String], submissionFile: String?, scripts: [String], tokenizers: [String], allFiles: [String]) {
        self.root = root
        self.track = track
        self.logFiles = logFiles
        self.submissionFile = submissionFile
        self.scripts = scripts
        self.tokenizers = tokenizers
        self.allFiles = allFiles
    }
}
