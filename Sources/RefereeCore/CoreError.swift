/// Errors of the shared plumbing (file access, line reading).
package enum CoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A file could not be opened, read, written or renamed.
    case io(path: String, reason: String)

    package var description: String {
        switch self {
        case .io(let path, let reason): return "\(path): \(reason)"
        }
    }
}
