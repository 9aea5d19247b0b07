/// Errors that stop a run before it starts (bad record, missing interpreter, unwritable output).
/// A child's exit, crash or timeout is a result value (``SeedOutcome``), not an error.
package enum RunnerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The record folder, a flag or an input file is not usable.
    case badInput(path: String, reason: String)
    /// The child could not be started at all.
    case launch(command: String, reason: String)
    /// An output file could not be written.
    case io(path: String, reason: String)

    package var description: String {
        switch self {
        case .badInput(let path, let reason): return "\(path): \(reason)"
        case .launch(let command, let reason): return "cannot start \(command): \(reason)"
        case .io(let path, let reason): return "\(path): \(reason)"
        }
    }
}
