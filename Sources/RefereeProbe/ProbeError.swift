/// Errors that stop a probe run (bad record, no shard, no interpreter). A submission without
/// the eval entry point is not an error: its probe rules are `unverifiable`.
package enum ProbeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An input path (record, data, shard) is missing or not in the expected format.
    case badInput(path: String, reason: String)
    /// A file could not be read or written.
    case io(path: String, reason: String)
    /// The child process could not be started.
    case launch(command: String, reason: String)

    package var description: String {
        switch self {
        case .badInput(let path, let reason): return "\(path): \(reason)"
        case .io(let path, let reason): return "\(path): \(reason)"
        case .launch(let command, let reason): return "cannot start `\(command)`: \(reason)"
        }
    }
}
