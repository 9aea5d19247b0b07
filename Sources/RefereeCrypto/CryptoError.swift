/// Errors from libcrypto, key files and hashed files.
///
/// A failed signature check is not an error: ``Ed25519PublicKey/isValidSignature(_:for:)``
/// returns `false`.
package enum CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A libcrypto call failed; `detail` holds OpenSSL's error queue.
    case openssl(operation: String, detail: String)
    /// A key file could not be parsed or holds the wrong kind of key.
    case badKey(path: String, reason: String)
    /// A file could not be read or written.
    case io(path: String, reason: String)
    /// A key file would be overwritten; keys are never replaced silently.
    case exists(path: String)

    package var description: String {
        switch self {
        case .openssl(let operation, let detail): return "OpenSSL \(operation) failed: \(detail)"
        case .badKey(let path, let reason): return "\(path): \(reason)"
        case .io(let path, let reason): return "\(path): \(reason)"
        case .exists(let path): return "\(path): already exists; refusing to overwrite a key file (choose another --out or remove it first)"
        }
    }
}
