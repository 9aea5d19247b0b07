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

    /// True when the kernel refused the namespaces themselves (not a missing file or folder):
    /// the caller may fall back to an unsandboxed start and must record that it did.
    public var namespacesRefused: Bool {
        (stage == "clone (namespaces)" || stage.hasPrefix("mount") || stage.hasPrefix("private") || stage.hasPrefix("user namespace")
            || stage.hasPrefix("open_tree") || stage.hasPrefix("move_mount") || stage == "tmpfs" || stage.hasPrefix("hide")
            || stage == "loopback up")
            && (errno == 1 /* EPERM */ || errno == 22 /* EINVAL */ || errno == 38 /* ENOSYS */ || errno == 28 /* ENOSPC */ || errno == 13 /* EACCES */)
    }

    public var description: String { "\(stage): \(reason)" }
}
