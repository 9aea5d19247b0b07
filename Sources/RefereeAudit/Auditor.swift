import Foundation
import RefereeCore
import RefereeLogs

/// Audits log files and record folders against a rule set.
public struct Auditor: Sendable {
    public var rules: RuleSet

    public init(rules: RuleSet) {
        self.rules = rules
    }

    /// Reads all evidence under `path` (a log file or a record folder) and runs every rule.
    /// Throws only for unreadable input; rule problems are results.
    public func audit(path: URL, against: URL? = nil) throws(AuditError) -> RecordAudit {
        // TODO(helper: audit): build the AuditContext from raw evidence, run CheckRegistry.
        throw AuditError.badEvidence(path: path.path, reason: "auditor not implemented")
    }
}
