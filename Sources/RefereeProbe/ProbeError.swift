/// Errors that stop a probe run (bad record, no interpreter). A submission without the eval
/// entry point is not an error: its probe rules are `unverifiable`.
public enum ProbeError: Error, Equatable, Sendable, CustomStringConvertible {
    case badInput(path: String, reason: String)

    public var description: String {
        switch self {
        case .badInput(let path, let reason): return "\(path): \(reason)"
        }
    }
}
