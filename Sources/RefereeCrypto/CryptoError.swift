/// Errors from libcrypto or key files.
public enum CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    case openssl(operation: String, detail: String)
    case badKey(path: String, reason: String)
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .openssl(let operation, let detail): return "OpenSSL \(operation) failed: \(detail)"
        case .badKey(let path, let reason): return "\(path): \(reason)"
        case .io(let path, let reason): return "\(path): \(reason)"
        }
    }
}
