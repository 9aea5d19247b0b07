import Foundation
import RefereeCore
import RefereeLogs
import RefereeTrace

/// Everything the checks may look at for one record. Built once from raw evidence.
public struct AuditContext: Sendable {
    /// Path as the user gave it.
    public var path: String
    /// The record folder, nil when a single log file is audited.
    public var folder: RecordFolder?
    public var logs: [LogFile]
    public var claims: SubmissionClaims?
    /// SHA-256 hex of each log file by its path, to count byte-identical copies once.
    public var logDigests: [String: String]
    /// One entry per traced seed (`traces/seed*/`).
    public var traces: [TraceFacts]
    public var probes: ProbeReport?
    /// The earlier record given with `--against`.
    public var against: AgainstRecord?
    /// The committed scripts of the record folder (train_gpt.py and friends), read as bytes.
    public var scripts: [CommittedFile]
    /// What Referee measured (run.json, environment.json), nil for records made elsewhere.
    public var measured: MeasuredRecord?
    /// The stamped step lines and unreadable metrics of each log, by log path.
    public var logScans: [String: LogScan]
    /// `journal.jsonl` of a record made by `referee run` (v0.2 on), nil when absent.
    public var journal: RunJournal?

    public init(path: String, folder: RecordFolder?, logs: [LogFile], claims: SubmissionClaims?, logDigests: [String: String], traces: [TraceFacts] = [], probes: ProbeReport? = nil, against: AgainstRecord? = nil, scripts: [CommittedFile] = [], measured: MeasuredRecord? = nil, logScans: [String: LogScan] = [:]) {
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
public struct CommittedFile: Hashable, Sendable {
    /// Path as reported in evidence.
    public var path: String
    public var bytes: [UInt8]
    /// SHA-256 hex of `bytes`.
    public var sha256: String
    public init(path: String, bytes: [UInt8], sha256: String) {
        self.path = path
        self.bytes = bytes
        self.sha256 = sha256
    }
}

/// The earlier record a new one must beat (`--against`): its per-run scores in val_loss (nats)
/// and val_bpb.
public struct AgainstRecord: Codable, Hashable, Sendable {
    public var path: String
    public var valLosses: [Double]
    public var valBPBs: [Double]
    public init(path: String, valLosses: [Double], valBPBs: [Double]) {
        self.path = path
        self.valLosses = valLosses
        self.valBPBs = valBPBs
    }
}
