import Foundation
import RefereeAudit
import RefereeCore

/// Runs the audit of a record folder from its ``RecordSnapshot`` (the folder read once: the
/// bytes the signer and verifier hashed). The CLI passes
/// `Auditor(rules:).audit(snapshot:displayPath:)`, which reads nothing from the folder but the
/// snapshot; tests may pass a closure returning a ``RecordAudit`` built by hand. Throwing means
/// the audit could not run (unreadable evidence, missing rules), not that a rule failed.
package typealias AuditProvider = @Sendable (RecordSnapshot) throws -> RecordAudit
