import RefereeCore

/// The outcome of one rule on one record. A rule whose evidence is absent is `unverifiable`,
/// never `pass`.
package enum RuleStatus: String, Codable, Sendable {
    case pass, fail, unverifiable
}

/// What a finding rested on. `measured`: a quantity Referee measured or hashed itself (run.json,
/// environment.json, its own time stamps on log lines, the shards and tokenizer it supplied, the
/// probes it ran). `logged`: what the submission printed or wrote (logs, traces, submission.json),
/// used when the record has no measurement of that quantity (records made elsewhere).
package enum EvidenceSource: String, Codable, Sendable {
    case measured, logged
}

/// A piece of evidence behind a result: where it was read and what it says.
package struct Evidence: Codable, Hashable, Sendable {
    package var location: SourceLocation?
    package var detail: String
    package init(_ detail: String, at location: SourceLocation? = nil) {
        self.location = location
        self.detail = detail
    }
}

/// One rule's result on a record.
package struct RuleResult: Codable, Hashable, Sendable {
    package var id: String
    package var status: RuleStatus
    package var severity: Severity
    package var message: String
    package var evidence: [Evidence]
    /// Whether the decision rested on Referee's measurement or on what the submission logged
    /// (JSON `evidence_source`; absent in documents written before it existed, read as `logged`).
    package var source: EvidenceSource

    package init(id: String, status: RuleStatus, severity: Severity = .error, message: String, evidence: [Evidence] = [], source: EvidenceSource = .logged) {
        self.id = id
        self.status = status
        self.severity = severity
        self.message = message
        self.evidence = evidence
        self.source = source
    }

    enum CodingKeys: String, CodingKey { case id, status, severity, message, evidence, source }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        status = try c.decode(RuleStatus.self, forKey: .status)
        severity = try c.decode(Severity.self, forKey: .severity)
        message = try c.decode(String.self, forKey: .message)
        evidence = try c.decode([Evidence].self, forKey: .evidence)
        source = try c.decodeIfPresent(EvidenceSource.self, forKey: .source) ?? .logged
    }

    /// This result with its evidence source set.
    package func resting(on source: EvidenceSource) -> RuleResult {
        var copy = self
        copy.source = source
        return copy
    }
}
