/// Why a child could not be started.
public struct SpawnError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The step that failed (e.g. `clone (namespaces)`, `execve`, `open_tree (bind source)`).
    public var stage: String
    /// The system error number of that step.
    public var errno: Int32
    /// The step's text from the C library, e.g. "Operation not permitted".
    public var reason: String

    public init(stage: String, errno: Int32, reason: String) {
        self.stage = stage
        self.errno = errno
        self.reason = reason
    }

    public var description: String { "\(stage): \(reason)" }
}
