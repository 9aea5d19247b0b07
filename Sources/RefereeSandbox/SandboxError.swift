/// Why a child could not be started.
package struct SpawnError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The step that failed (e.g. `clone (namespaces)`, `execve`, `open_tree (bind source)`).
    package var stage: String
    /// The system error number of that step.
    package var errno: Int32
    /// The step's text from the C library, e.g. "Operation not permitted".
    package var reason: String

    package init(stage: String, errno: Int32, reason: String) {
        self.stage = stage
        self.errno = errno
        self.reason = reason
    }

    package var description: String { "\(stage): \(reason)" }
}
