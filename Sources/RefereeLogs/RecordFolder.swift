import Foundation
import RefereeCore

/// The files of a record folder, classified. Paths are relative to `root`.
package struct RecordFolder: Sendable {
    package var root: URL
    /// `track_10min_16mb` / `track_non_record_16mb` when the folder sits under such a folder.
    package var track: String?
    /// Log files (train*.log, *.txt logs, logs/…), sorted.
    package var logFiles: [String]
    /// submission*.json, when present.
    package var submissionFile: String?
    /// Python scripts (train_gpt.py and friends).
    package var scripts: [String]
    /// SentencePiece models.
    package var tokenizers: [String]
    /// Every regular file under the folder, sorted.
    package var allFiles: [String]

    package init(root: URL, track: String?, logFiles: [String], submissionFile: String?, scripts: [String], tokenizers: [String], allFiles: [String]) {
        self.root = root
        self.track = track
        self.logFiles = logFiles
        self.submissionFile = submissionFile
        self.scripts = scripts
        self.tokenizers = tokenizers
        self.allFiles = allFiles
    }
}
