import RefereeAudit
import RefereeCore

/// The predicate of a signed record (type ``BundleLayout/predicateType``): who signed it with
/// what, how the runs were made, and the audit verdicts with the rules they were computed under.
public struct RecordPredicate: Codable, Hashable, Sendable {
    /// The signing tool, e.g. `{"name": "referee", "version": "0.1.0"}`.
    public var tool: Tool
    public var provenance: Provenance
    public var audit: SignedAudit

    public init(tool: Tool, provenance: Provenance, audit: SignedAudit) {
        self.tool = tool
        self.provenance = provenance
        self.audit = audit
    }

    public struct Tool: Codable, Hashable, Sendable {
        public var name: String
        public var version: String
        public init(name: String, version: String) {
            self.name = name
            self.version = version
        }
    }
}

/// How the record's runs were produced. `run` and `environment` are the record's `run.json`
/// and `environment.json` (written by `referee run`: command, environment, seeds, hardware),
/// embedded verbatim when present. Seeds and hardware as read from the logs are in
/// ``SignedAudit/runs``.
public struct Provenance: Codable, Hashable, Sendable {
    public var run: JSONValue?
    public var environment: JSONValue?
    public init(run: JSONValue?, environment: JSONValue?) {
        self.run = run
        self.environment = environment
    }
}

/// The audit verdicts as signed. Verification re-runs the audit and compares `rulesDigest`,
/// each rule's `id` + `status`, and `verdict`; messages and runs are informational.
public struct SignedAudit: Codable, Hashable, Sendable {
    public var track: String
    public var rulesVersion: String
    /// SHA-256 of the rules file the verdicts were computed under.
    public var rulesDigest: String
    public var verdict: Verdict
    public var score: Double?
    public var results: [SignedRuleResult]
    /// Each run as the audit read it (file, seed, score, timings, bytes, GPU).
    public var runs: [RunSummary]

    /// The signed form of `audit` (its absolute path is dropped).
    public init(_ audit: RecordAudit) {
        track = audit.track
        rulesVersion = audit.rulesVersion
        rulesDigest = audit.rulesDigest
        verdict = audit.verdict
        score = audit.score
        results = audit.results.map(SignedRuleResult.init)
        runs = audit.runs
    }
}

/// One rule's signed result.
public struct SignedRuleResult: Codable, Hashable, Sendable {
    public var id: String
    public var status: RuleStatus
    public var severity: Severity
    public var message: String

    public init(_ result: RuleResult) {
        id = result.id
        status = result.status
        severity = result.severity
        message = result.message
    }
}
