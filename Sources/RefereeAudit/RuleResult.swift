import RefereeCore

/// The outcome of one rule on one record. A rule whose evidence is absent is `unverifiable`,
/// never `pass`.
public enum RuleStatus: String, Codable, Sendable {
    case pass, fail, unverifiable
}

/// A piece of evidence behind a result: where it was read and what it says.
public struct Evidence: Codable, Hashable, Sendable {
    public var location: SourceLocation?
    public var detail: String
    public init(_ detail: String, at location: SourceLocation? = nil) {
        self.location = location
        self.detail = detail
    }
}

/// One rule's result on a record.
public struct RuleResult: Codable, Hashable, Sendable {
    public var id: String
    public var status: RuleStatus
    public var severity: Severity
    public var message: String
    public var evidence: [Evidence]

    public init(id: String, status: RuleStatus, severity: Severity = .error, message: String, evidence: [Evidence] = []) {
        self.id = id
        self.status = status
        self.severity = severity
        self.message = message
        self.evidence = evidence
    }
}
