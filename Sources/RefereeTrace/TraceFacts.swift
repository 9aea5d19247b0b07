import RefereeCore

/// What the trace files of a run establish, computed from the raw events.
/// (Helper "trace" owns this type: fields are added as the checks need them.)
public struct TraceFacts: Codable, Hashable, Sendable {
    /// Folder the per-rank files were read from.
    public var directory: String
    public init(directory: String) {
        self.directory = directory
    }
}

/// What the black-box probes measured on a record.
public struct ProbeReport: Codable, Hashable, Sendable {
    public var directory: String
    public init(directory: String) {
        self.directory = directory
    }
}
