import RefereeAudit
import RefereeLogs

/// A file of the record folder as listed in the README's "Included files" table.
package struct IncludedFile: Codable, Hashable, Sendable {
    /// Path relative to the record folder, `/`-separated.
    package var path: String
    package var bytes: Int
    package init(path: String, bytes: Int) {
        self.path = path
        self.bytes = bytes
    }
}

/// Everything the generators read: the audit (recomputed from raw evidence), the parsed logs
/// (for curves), and the folder's files. Built by ``SubmissionBuilder``, the CLI, or by hand in tests.
package struct RecordEvidence: Sendable {
    package var audit: RecordAudit
    /// The parsed log files; runs are matched to `audit.runs` by file and run index.
    package var logs: [LogFile]
    /// The record folder's files, excluding what `referee submission` generates.
    package var files: [IncludedFile]
    /// The record folder's last path component (e.g. `2026-04-09_A2_Muon097_3Seed`).
    package var folderName: String
    /// What Referee measured (run.json, environment.json), nil for records made elsewhere.
    package var measured: MeasuredRecord?
    /// The official validation shard digests the track pins (to name the dataset).
    package var officialValDigests: Set<String>

    package init(audit: RecordAudit, logs: [LogFile], files: [IncludedFile], folderName: String, measured: MeasuredRecord? = nil, officialValDigests: Set<String> = []) {
        self.audit = audit
        self.logs = logs
        self.files = files
        self.folderName = folderName
        self.measured = measured
        self.officialValDigests = officialValDigests
    }

    /// The parsed run behind a run summary, when its log was read.
    package func runLog(file: String, runIndex: Int) -> RunLog? {
        for log in logs where log.path == file {
            if let run = log.runs.first(where: { $0.runIndex == runIndex }) { return run }
        }
        for log in logs {
            if let run = log.runs.first(where: { $0.file == file && $0.runIndex == runIndex }) { return run }
        }
        return nil
    }
}
