import Foundation
import RefereeSandbox
#if canImport(Glibc)
import Glibc
#endif

/// What to launch: an executable (looked up in `PATH` when it has no `/`), its arguments, its
/// complete environment, its working directory and, when it runs sandboxed, the sandbox.
package struct LaunchSpec: Sendable, Hashable, Codable {
    package var executable: String
    package var arguments: [String]
    package var environment: [String: String]
    /// The working directory as the child sees it (inside the sandbox when there is one).
    package var workingDirectory: String
    /// Namespaces, mounts and network; nil starts the child unsandboxed.
    package var sandbox: SandboxPolicy?

    package init(executable: String, arguments: [String], environment: [String: String], workingDirectory: String,
                sandbox: SandboxPolicy? = nil) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.sandbox = sandbox
    }

    /// The command line as one shell-like string, for logs and `run.json`.
    package var commandLine: String { ([executable] + arguments).joined(separator: " ") }
}

/// A child started in its own session (so its own process group, with `pgid == pid`), with
/// stdin on `/dev/null` and stdout and stderr both on one pipe, so that their lines interleave
/// as the child wrote them. With a sandbox, `pid` is the namespace's init (RefereeSandbox),
/// which forwards SIGTERM to every process of the namespace and takes all of them with it when
/// it dies.
///
/// The caller must reap `pid` and then call ``close()`` (``SeedExecutor`` does both).
/// Every signal is reset to its default action in the command and its mask is cleared, whatever
/// the runner itself ignores.
package struct ChildProcess: Sendable {
    package let spawned: SpawnedChild
    package var pid: pid_t { spawned.pid }
    /// The read end of the child's stdout+stderr pipe, non-blocking.
    package var outputFD: Int32 { spawned.outputFD }
    /// The process group the child leads (equal to `pid`).
    package var pgid: pid_t { pid }

    /// Starts `spec`. Throws ``RunnerError/launch(command:reason:)`` when it cannot be started
    /// (missing executable or working directory, a sandbox the kernel refuses); the child's later
    /// exit is not an error.
    package static func spawn(_ spec: LaunchSpec) throws(RunnerError) -> ChildProcess {
        do {
            let child = try SpawnedChild.spawn(executable: spec.executable, arguments: spec.arguments, environment: spec.environment,
                                               workingDirectory: spec.workingDirectory, sandbox: spec.sandbox)
            return ChildProcess(spawned: child)
        } catch {
            throw RunnerError.launch(command: spec.commandLine, reason: error.description)
        }
    }

    /// The command's own exit, given the raw status `waitpid` returned for `pid`.
    package func exit(waitStatus: Int32) -> ExitStatus { spawned.commandExit(initStatus: waitStatus) }

    /// Closes the pipes (and the sandbox's lifeline).
    package func close() { spawned.close() }
}

/// `pipe` with both ends close-on-exec (and non-blocking when asked).
func makePipe(_ fds: inout [Int32], nonBlocking: Bool) -> Bool {
    guard let pipe = ProcessControl.pipe(nonBlocking: nonBlocking) else { return false }
    fds = [pipe.read, pipe.write]
    return true
}
