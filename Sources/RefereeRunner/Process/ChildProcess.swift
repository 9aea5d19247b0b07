import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What to launch: an executable (looked up in `PATH` when it has no `/`), its arguments, its
/// complete environment and its working directory.
public struct LaunchSpec: Sendable, Hashable, Codable {
    public var executable: String
    public var arguments: [String]
    public var environment: [String: String]
    public var workingDirectory: String

    public init(executable: String, arguments: [String], environment: [String: String], workingDirectory: String) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
    }

    /// The command line as one shell-like string, for logs and `run.json`.
    public var commandLine: String { ([executable] + arguments).joined(separator: " ") }
}

/// A child started in its own session (so its own process group, with `pgid == pid`), with
/// stdin on `/dev/null` and stdout and stderr both on one pipe, so that their lines interleave
/// as the child wrote them.
///
/// The caller owns `outputFD` (close it) and must reap `pid` (``ProcessGroup`` does both).
/// SIGINT, SIGTERM, SIGPIPE and SIGHUP are reset to their default action in the child and the
/// signal mask is cleared, whatever the runner itself ignores.
public struct ChildProcess: Sendable {
    public let pid: pid_t
    /// The read end of the child's stdout+stderr pipe, non-blocking.
    public let outputFD: Int32

    /// The process group the child leads (equal to `pid`).
    public var pgid: pid_t { pid }

    /// Starts `spec`. Throws ``RunnerError/launch(command:reason:)`` when it cannot be started
    /// (missing executable or working directory); the child's later exit is not an error.
    public static func spawn(_ spec: LaunchSpec) throws(RunnerError) -> ChildProcess {
        var fds: [Int32] = [-1, -1]
        guard makePipe(&fds, nonBlocking: false) else {
            throw RunnerError.launch(command: spec.commandLine, reason: "pipe: \(String(cString: strerror(errno)))")
        }
        let readFD = fds[0], writeFD = fds[1]

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeFD, 1)
        posix_spawn_file_actions_adddup2(&actions, writeFD, 2)
        guard let addchdir = SpawnSymbols.addchdir else {
            close(readFD); close(writeFD)
            throw RunnerError.launch(command: spec.commandLine, reason: "this libc has no posix_spawn_file_actions_addchdir_np (glibc ≥ 2.29 needed)")
        }
        _ = addchdir(&actions, spec.workingDirectory)

        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attr, &mask)
        posix_spawnattr_setflags(&attr, Int16(SpawnSymbols.setsid | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = [spec.executable] + spec.arguments
        let envp = spec.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let rc = withCStrings(argv) { cArgv in
            withCStrings(envp) { cEnv in
                posix_spawnp(&pid, spec.executable, &actions, &attr, cArgv, cEnv)
            }
        }
        close(writeFD)
        guard rc == 0 else {
            close(readFD)
            throw RunnerError.launch(command: spec.commandLine, reason: String(cString: strerror(rc)) + " (working directory \(spec.workingDirectory))")
        }
        _ = fcntl(readFD, F_SETFL, fcntl(readFD, F_GETFL) | O_NONBLOCK)
        return ChildProcess(pid: pid, outputFD: readFD)
    }
}

/// Calls `body` with a NULL-terminated C array of copies of `strings`, freed afterwards.
func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { pointers.forEach { free($0) } }
    return body(pointers)
}

/// glibc symbols hidden behind `_GNU_SOURCE`, which Swift's Glibc module does not define.
enum SpawnSymbols {
    /// `POSIX_SPAWN_SETSID` (glibc ≥ 2.26): the child starts a new session and process group.
    static let setsid: Int32 = 0x80

    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    /// `posix_spawn_file_actions_addchdir_np`, looked up at run time.
    static let addchdir: AddChdir? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addchdir_np") else { return nil }
        return unsafeBitCast(symbol, to: AddChdir.self)
    }()
}

/// `pipe` with both ends close-on-exec (and the read end non-blocking when asked). `pipe2` is
/// behind `_GNU_SOURCE`; the flags are set right after creation instead.
func makePipe(_ fds: inout [Int32], nonBlocking: Bool) -> Bool {
    guard pipe(&fds) == 0 else { return false }
    for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    if nonBlocking {
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
    }
    return true
}
