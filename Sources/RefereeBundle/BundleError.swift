/// Errors signing or verifying a bundle: bad input or usage (exit code 2).
///
/// A record that fails verification is not an error: it is a ``VerificationFailure`` in the
/// ``VerificationReport``.
package enum BundleError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A file could not be read or written.
    case io(path: String, reason: String)
    /// The record path does not exist or is not a directory.
    case notARecordFolder(path: String)
    /// A file of the record cannot be signed (symlink leaving the folder, device, FIFO…).
    case unsignableFile(path: String, reason: String)
    /// `run.json` / `environment.json` is present but not a JSON object.
    case badProvenance(path: String, reason: String)
    /// The audit could not run while signing, so there are no verdicts to sign.
    case auditFailed(path: String, reason: String)
    /// A key could not be read, or libcrypto failed.
    case crypto(String)

    package var description: String {
        switch self {
        case .io(let path, let reason): return "\(path): \(reason)"
        case .notARecordFolder(let path): return "\(path): not a record folder (expected an existing directory)"
        case .unsignableFile(let path, let reason): return "\(path): cannot be signed: \(reason)"
        case .badProvenance(let path, let reason): return "\(path): expected a JSON object with the run's provenance: \(reason)"
        case .auditFailed(let path, let reason): return "\(path): the audit could not run, nothing to sign: \(reason)"
        case .crypto(let message): return message
        }
    }
}
