/// One mount of a sandbox's file system, applied in the child's own mount namespace.
package enum SandboxMount: Sendable, Hashable, Codable {
    /// `source` (a folder or a regular file) appears read-only at `target`.
    case readOnly(source: String, target: String)
    /// `source` (a folder) appears writable at `target`: the only writable host paths.
    case writable(source: String, target: String)
    /// A fresh, empty, writable tmpfs at `target`, private to this sandbox (e.g. `/tmp`, `/dev/shm`).
    case tmpfs(target: String)
    /// An empty read-only tmpfs over `target`: what was there is not visible. Skipped when
    /// `target` does not exist.
    case hidden(target: String)

    /// The path inside the sandbox.
    package var target: String {
        switch self {
        case .readOnly(_, let t), .writable(_, let t), .tmpfs(let t), .hidden(let t): return t
        }
    }
}

/// What a sandboxed child gets: new mount, PID, IPC and UTS namespaces always; a network
/// namespace with loopback only when `isolateNetwork`; every existing mount read-only when
/// `readOnlyRoot`; then `mounts`, in order (hidden paths first, then tmpfs, then binds, whatever
/// their order in the list; binds in list order, so a file bind may sit inside a folder bind).
package struct SandboxPolicy: Sendable, Hashable, Codable {
    package var isolateNetwork: Bool
    package var readOnlyRoot: Bool
    package var mounts: [SandboxMount]

    package init(isolateNetwork: Bool = true, readOnlyRoot: Bool = true, mounts: [SandboxMount] = []) {
        self.isolateNetwork = isolateNetwork
        self.readOnlyRoot = readOnlyRoot
        self.mounts = mounts
    }

    /// The tmpfs mounts every sandbox needs: a private `/tmp` (Python and PyTorch caches, and the
    /// parent of the sandbox's own mount points) and a private `/dev/shm` (NCCL, DataLoader workers).
    package static let privateScratch: [SandboxMount] = [.tmpfs(target: "/tmp"), .tmpfs(target: "/dev/shm")]
}
