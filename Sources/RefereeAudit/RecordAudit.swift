import RefereeCore

/// One run as the audit saw it (the JSON report's `runs[]`).
package struct RunSummary: Codable, Hashable, Sendable {
    package var file: String
    package var runIndex: Int
    package var seed: Int?
    /// The run's score (val_bpb) and the line it was read from.
    package var score: Double?
    package var scoreLine: Int?
    package var scoreLabel: String?
    package var valLoss: Double?
    package var trainTimeMs: Double?
    package var evalTimeMs: Double?
    package var codeBytes: Int?
    package var artifactBytes: Int?
    package var gpu: String?
    package var gpuCount: Int?
    /// True when this run is a byte-identical copy of an earlier file and was counted once.
    package var duplicateOf: String?

    package init(file: String, runIndex: Int) {
        self.file = file
        self.runIndex = runIndex
    }
}

/// The overall verdict of a record.
package enum Verdict: String, Codable, Sendable {
    /// Every rule passed.
    case pass
    /// At least one error-severity rule failed.
    case fail
    /// Nothing failed, but some error-severity rules could not be checked. (A warning-severity
    /// rule that is unverifiable is reported as such but does not hold the verdict back.)
    case incomplete
}

/// The audit of one record folder or log.
package struct RecordAudit: Codable, Hashable, Sendable {
    package var path: String
    package var track: String
    package var rulesVersion: String
    package var rulesDigest: String
    /// Mean score over distinct runs, nil when no run has a score (the logged score lines).
    package var score: Double?
    /// Referee's own val_bpb for a record made by `referee run`: the mean over its seeds of
    /// Σ nll of the trace / (ln 2 × the validation bytes Referee counted over the shards it
    /// supplied). Nil unless run.json counts the bytes and every seed has a trace with scores, and
    /// nil when training got a decoy (`training_validation.mode` decoy: its traces scored the
    /// decoy, not the validation set).
    /// `trace.matches-log` compares each seed's logged score with it.
    package var measuredScore: Double? = nil
    /// The score that counts (rule score.official): the mean over the seeds of the val_bpb of
    /// Referee's official evaluation of each seed's artifact (probes.json and
    /// evaluations/seed<S>.json, protocol v2), recomputed from the blocks. Nil unless every
    /// completed seed of run.json (or, without run.json, every report) has one with a byte count.
    package var officialScore: Double? = nil
    /// The official val_bpb of each seed behind ``officialScore``, keyed by the seed number as
    /// text; nil when ``officialScore`` is, or without run.json.
    package var officialScores: [String: Double]? = nil
    /// The official mean NLL per target (nats) of the same seeds, keyed the same way.
    package var officialValLosses: [String: Double]? = nil
    package var runs: [RunSummary]
    package var results: [RuleResult]
    package var verdict: Verdict

    package init(path: String, track: String, rulesVersion: String, rulesDigest: String, score: Double?, runs: [RunSummary], results: [RuleResult]) {
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
    package init(_ results: [RuleResult]) {
        if results.contains(where: { $0.status == .fail && $0.severity == .error }) {
            self = .fail
        } else if results.contains(where: { $0.status == .unverifiable && $0.severity == .error }) {
            self = .incomplete
        } else {
            self = .pass
        }
    }
}
