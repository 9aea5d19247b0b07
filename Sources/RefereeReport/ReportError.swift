/// Errors writing reports.
public enum ReportError: Error, Equatable, Sendable, CustomStringConvertible {
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .io(let path, let reason): return "\(path): \(reason)"
        }
    }
}
