/// The outcome of verifying a signed record.
package struct VerificationReport: Sendable {
    /// The record folder as given.
    package var record: String
    /// Id of the key the signature was checked against, when one was loaded.
    package var keyID: String?
    /// True when the key came from `--key`; false when it was the record's own
    /// `referee.pub.pem` (which proves integrity, not who signed).
    package var keyPinned: Bool
    /// The signed statement, once the signature and payload checked out.
    package var statement: InTotoStatement?
    /// The first failed check; nil when the record verifies.
    package var failure: VerificationFailure?

    /// True when every check passed.
    package var verified: Bool { failure == nil }
}
