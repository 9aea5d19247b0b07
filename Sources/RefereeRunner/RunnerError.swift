/// Errors that stop a run before it starts (bad record, missing interpreter…). A child's exit
/// or timeout is a result value, not an error.
public enum RunnerError: Error, Equatable, Sendable, CustomStringConvertible {
    case badInput(path: String, reason: String)
    case launch(command: String, reason: String)

    public var description: String {
        switch self {
        case .badInput(let path, let reason): return "\(path): \(reason)"
        case .launch(let command, let reason): return "cannot start \(command): \(reason)"
        }
    }
}
