/// The outcome of verifying a signed record.
public struct VerificationReport: Sendable {
    /// The record folder as given.
    public var record: String
    /// Id of the key the signature was checked against, when one was loaded.
    public var keyID: String?
    /// True when the key came from `--key`; false when it was the record's own
    /// `referee.pub.pem` (which proves integrity, not who signed).
    public var keyPinned: Bool
    /// The signed statement, once the signature and payload checked out.
    public var statement: InTotoStatement?
    /// The first failed check; nil when the record verifies.
    public var failure: VerificationFailure?

    /// True when every check passed.
    public var verified: Bool { failure == nil }
}
