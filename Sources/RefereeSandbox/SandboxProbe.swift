#if canImport(Glibc)
import Glibc
#endif

/// Which protections the kernel grants here, found by starting `true` in a full sandbox.
package struct SandboxProbe: Sendable, Hashable, Codable {
    /// True when a sandbox with every protection started and exited 0.
    package var applied: Bool
    /// Why not, when not: the failed step and the system's reason.
    package var reason: String?

    /// Starts `/bin/true` (or `true` on PATH) with new mount, PID, IPC, UTS and network
    /// namespaces, a read-only root and private `/tmp` and `/dev/shm`. Takes a few milliseconds.
    package static func probe() -> SandboxProbe {
        do {
            let child = try SpawnedChild.spawn(executable: "true", arguments: [], environment: ["PATH": "/usr/bin:/bin"],
                                               workingDirectory: "/", sandbox: SandboxPolicy(mounts: SandboxPolicy.privateScratch))
            var status: Int32 = 0
            while waitpid(child.pid, &status, 0) < 0 && errno == EINTR {}
            let exit = child.commandExit(initStatus: status)
            child.close()
            return exit.succeeded ? SandboxProbe(applied: true, reason: nil) : SandboxProbe(applied: false, reason: "a sandboxed `true` ended with \(exit)")
        } catch {
            return SandboxProbe(applied: false, reason: error.description)
        }
    }
}
