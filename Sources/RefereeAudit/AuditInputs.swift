import RefereeCore
import RefereeLogs
import RefereeTrace

/// The files of a record folder whose bytes the audit reads (``EvidenceLoader``), by path:
/// what a ``RecordSnapshot`` keeps in memory so that the audit reads the bytes that were
/// hashed. Every other file is only hashed (an artifact, a tokenizer, plots, README).
package enum AuditInputs {
    /// What the audit reads of the file at `path` (relative, `/`-separated).
    package enum Need: Sendable {
        /// Nothing: hash it only.
        case none
        /// Its bytes.
        case bytes
        /// Its bytes when it holds at most this many (a committed script: past
        /// `CommittedFile.maxKeptBytes` only its digest and size are used).
        case bytesUpTo(Int)
        /// A `.txt` file that is a log when its start reads like one: its bytes are needed
        /// only then.
        case bytesIfLog
    }

    /// What the audit needs of `path`.
    package static func need(_ path: String) -> Need {
        if !path.contains("/") {
            switch path {
            case "run.json", "environment.json", RunJournal.fileName, ProbeReport.fileName: return .bytes
            default: break
            }
        }
        if path.hasPrefix("evaluations/"), path.hasSuffix(".json") { return .bytes }
        if path.hasPrefix("traces/"), path.hasSuffix(".jsonl") { return .bytes }
        if RecordFolder.isRunnerOutput(path) { return .none }
        switch RecordFolder.auditRole(path) {
        case .log, .submission: return .bytes
        case .logCandidate: return .bytesIfLog
        case .script: return .bytesUpTo(CommittedFile.maxKeptBytes)
        case .tokenizer, nil: return .none
        }
    }
}
