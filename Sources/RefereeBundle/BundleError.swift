/// Errors signing or verifying a bundle. Each verification failure has its own case.
public enum BundleError: Error, Equatable, Sendable, CustomStringConvertible {
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .io(let path, let reason): return "\(path): \(reason)"
        }
    }
}
