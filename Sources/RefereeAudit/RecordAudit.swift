import RefereeCore

/// One run as the audit saw it (the JSON report's `runs[]`).
public struct RunSummary: Codable, Hashable, Sendable {
    public var file: String
    public var runIndex: Int
    public var seed: Int?
    /// The run's score (val_bpb) and the line it was read from.
    public var score: Double?
    public var scoreLine: Int?
    public var scoreLabel: String?
    public var valLoss: Double?
    public var trainTimeMs: Double?
    public var evalTimeMs: Double?
    public var codeBytes: Int?
    public var artifactBytes: Int?
    public var gpu: String?
    public var gpuCount: Int?
    /// True when this run is a byte-identical copy of an earlier file and was counted once.
    public var duplicateOf: String?

    public init(file: String, runIndex: Int) {
        self.file = file
        self.runIndex = runIndex
    }
}

/// The overall verdict of a record.
public enum Verdict: String, Codable, Sendable {
    /// Every rule passed.
    case pass
    /// At least one error-severity rule failed.
    case fail
    /// Nothing failed, but some error-severity rules could not be checked. (A warning-severity
    /// rule that is unverifiable is reported as such but does not hold the verdict back.)
    case incomplete
}

/// The audit of one record folder or log.
public struct RecordAudit: Codable, Hashable, Sendable {
    public var path: String
    public var track: String
    public var rulesVersion: String
    public var rulesDigest: String
    /// Mean score over distinct runs, nil when no run has a score (the logged score lines).
    public var score: Double?
    /// Referee's own val_bpb for a record made by `referee run`: the mean over its seeds of
    /// Σ nll of the trace / (ln 2 × the validation bytes Referee counted over the shards it
    /// supplied). Nil unless run.json counts the bytes and every seed has a trace with scores.
    /// `trace.matches-log` compares each seed's logged score with it.
    public var measuredScore: Double? = nil
    public var runs: [RunSummary]
    public var results: [RuleResult]
    public var verdict: Verdict

    public init(path: String, track: String, rulesVersion: String, rulesDigest: String, score: Double?, runs: [RunSummary], results: [RuleResult]) {
        self.path = path
        self.track = track
        self.rulesVersion = rulesVersion
        self.rulesDigest = rulesDigest
        self.score = score
        self.runs = runs
        self.results = results
        self.verdict = Verdict(results)
    }
}

extension Verdict {
    public init(_ results: [RuleResult]) {
        if results.contains(where: { $0.status == .fail && $0.severity == .error }) {
            self = .fail
        } else if results.contains(where: { $0.status == .unverifiable && $0.severity == .error }) {
            self = .incomplete
        } else {
            self = .pass
        }
    }
}
