import Foundation
import RefereeAudit

/// Runs the audit of a record folder. The CLI passes `Auditor(rules:).audit(path:)`; tests
/// may pass a closure returning a ``RecordAudit`` built by hand. Throwing means the audit
/// could not run (unreadable evidence, missing rules), not that a rule failed.
package typealias AuditProvider = @Sendable (URL) throws -> RecordAudit
