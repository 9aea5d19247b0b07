import RefereeAudit
import RefereeCore

/// The predicate of a signed record (type ``BundleLayout/predicateType``): who signed it with
/// what, how the runs were made, and the audit verdicts with the rules they were computed under.
package struct RecordPredicate: Codable, Hashable, Sendable {
    /// The signing tool, e.g. `{"name": "referee", "version": "0.1.0"}`.
    package var tool: Tool
    package var provenance: Provenance
    package var audit: SignedAudit

    package init(tool: Tool, provenance: Provenance, audit: SignedAudit) {
        self.tool = tool
        self.provenance = provenance
        self.audit = audit
    }

    package struct Tool: Codable, Hashable, Sendable {
        package var name: String
        package var version: String
        package init(name: String, version: String) {
            self.name = name
            self.version = version
        }
    }
}

/// How the record's runs were produced. `run` and `environment` are the record's `run.json`
/// and `environment.json` (written by `referee run`: command, environment, seeds, hardware),
/// embedded verbatim when present. Seeds and hardware as read from the logs are in
/// ``SignedAudit/runs``.
package struct Provenance: Codable, Hashable, Sendable {
    package var run: JSONValue?
    package var environment: JSONValue?
    package init(run: JSONValue?, environment: JSONValue?) {
        self.run = run
        self.environment = environment
    }
}

/// The audit verdicts as signed. Verification re-runs the audit and compares `rulesDigest`,
/// each rule's `id` + `status`, and `verdict`; messages and runs are informational.
package struct SignedAudit: Codable, Hashable, Sendable {
    package var track: String
    package var rulesVersion: String
    /// SHA-256 of the rules file the verdicts were computed under.
    package var rulesDigest: String
    package var verdict: Verdict
    package var score: Double?
    package var results: [SignedRuleResult]
    /// Each run as the audit read it (file, seed, score, timings, bytes, GPU).
    package var runs: [RunSummary]

    /// The signed form of `audit` (its absolute path is dropped).
    package init(_ audit: RecordAudit) {
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
package struct SignedRuleResult: Codable, Hashable, Sendable {
    package var id: String
    package var status: RuleStatus
    package var severity: Severity
    package var message: String

    package init(_ result: RuleResult) {
        id = result.id
        status = result.status
        severity = result.severity
        message = result.message
    }
}
