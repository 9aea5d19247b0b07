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
///
/// Memory stays bounded whatever the record holds: a file over ``maxKeptBytes`` (a 1 GB
/// "helper script") is hashed as a stream and its bytes are not kept (`bytes` is empty,
/// `isKept` false); only its size and digest take part in checks.
public struct CommittedFile: Hashable, Sendable {
    /// Larger scripts are hashed but not held in memory. A script that size could never fit in
    /// a 16 MB artifact anyway.
    public static let maxKeptBytes = 16 << 20

    /// Path as reported in evidence.
    public var path: String
    /// The file's bytes, empty when it is larger than ``maxKeptBytes``.
    public var bytes: [UInt8]
    /// SHA-256 hex of the whole file.
    public var sha256: String
    /// Size of the whole file in bytes.
    public var byteCount: Int
    /// False when the file was too large to keep and `bytes` is empty.
    public var isKept: Bool { bytes.count == byteCount }

    public init(path: String, bytes: [UInt8], sha256: String, byteCount: Int? = nil) {
        self.path = path
        self.bytes = bytes
        self.sha256 = sha256
        self.byteCount = byteCount ?? bytes.count
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
