import Foundation
import RefereeCore
import RefereeLogs
import RefereeTrace

/// Everything the checks may look at for one record. Built once from raw evidence.
package struct AuditContext: Sendable {
    /// Path as the user gave it.
    package var path: String
    /// The record folder, nil when a single log file is audited.
    package var folder: RecordFolder?
    package var logs: [LogFile]
    package var claims: SubmissionClaims?
    /// SHA-256 hex of each log file by its path, to count byte-identical copies once.
    package var logDigests: [String: String]
    /// One entry per traced seed (`traces/seed*/`).
    package var traces: [TraceFacts]
    package var probes: ProbeReport?
    /// The official evaluations of the seeds that were not probed (`evaluations/seed<S>.json`).
    package var evaluations: [ProbeReport] = []
    /// probes.json v2's `official` and `heldout` block lists (rule data.heldout-gap), nil
    /// without a probes.json.
    package var probeBlocks: ProbeBlocks?
    /// The earlier record given with `--against`.
    package var against: AgainstRecord?
    /// The committed scripts of the record folder (train_gpt.py and friends), read as bytes.
    package var scripts: [CommittedFile]
    /// What Referee measured (run.json, environment.json), nil for records made elsewhere.
    package var measured: MeasuredRecord?
    /// The stamped step lines and unreadable metrics of each log, by log path.
    package var logScans: [String: LogScan]
    /// `journal.jsonl` of a record made by `referee run` (v0.2 on), nil when absent.
    package var journal: RunJournal?
    /// The runs of `logs`, made once by ``Auditor/audit(_:)`` (nil until then: computed on
    /// each use). Set only on a context whose logs no longer change.
    var runCache: RunCache?

    package init(path: String, folder: RecordFolder?, logs: [LogFile], claims: SubmissionClaims?, logDigests: [String: String], traces: [TraceFacts] = [], probes: ProbeReport? = nil, against: AgainstRecord? = nil, scripts: [CommittedFile] = [], measured: MeasuredRecord? = nil, logScans: [String: LogScan] = [:]) {
        self.path = path
        self.folder = folder
        self.logs = logs
        self.claims = claims
        self.logDigests = logDigests
        self.traces = traces
        self.probes = probes
        self.against = against
        self.scripts = scripts
        self.measured = measured
        self.logScans = logScans
    }
}

/// A file of the record read whole (scripts are small), with its SHA-256.
///
/// Memory stays bounded whatever the record holds: a file over ``maxKeptBytes`` (a 1 GB
/// "helper script") is hashed as a stream and its bytes are not kept (`bytes` is empty,
/// `isKept` false); only its size and digest take part in checks.
package struct CommittedFile: Hashable, Sendable {
    /// Larger scripts are hashed but not held in memory. A script that size could never fit in
    /// a 16 MB artifact anyway.
    package static let maxKeptBytes = 16 << 20

    /// Path as reported in evidence.
    package var path: String
    /// The file's bytes, empty when it is larger than ``maxKeptBytes``.
    package var bytes: [UInt8]
    /// SHA-256 hex of the whole file.
    package var sha256: String
    /// Size of the whole file in bytes.
    package var byteCount: Int
    /// False when the file was too large to keep and `bytes` is empty.
    package var isKept: Bool { bytes.count == byteCount }

    package init(path: String, bytes: [UInt8], sha256: String, byteCount: Int? = nil) {
        self.path = path
        self.bytes = bytes
        self.sha256 = sha256
        self.byteCount = byteCount ?? bytes.count
    }
}

/// The earlier record a new one must beat (`--against`): its per-run scores in val_loss (nats)
/// and val_bpb.
package struct AgainstRecord: Codable, Hashable, Sendable {
    package var path: String
    package var valLosses: [Double]
    package var valBPBs: [Double]
    /// The values are Referee's official scores of that record's seeds, not logged ones.
    package var official: Bool = false
    package init(path: String, valLosses: [Double], valBPBs: [Double], official: Bool = false) {
        self.path = path
        self.valLosses = valLosses
        self.valBPBs = valBPBs
        self.official = official
    }
}
