/// Errors that stop reading a trace folder as a whole (the folder cannot be listed). Bad lines
/// inside trace files are not errors: they become ``TraceFinding``s in ``TraceFacts``.
package enum TraceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A folder or file could not be read.
    case unreadable(path: String, reason: String)

    package var description: String {
        switch self {
        case .unreadable(let path, let reason): return "\(path): \(reason)"
        }
    }
}
