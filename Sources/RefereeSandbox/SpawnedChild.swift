import CRefereeShims
#if canImport(Glibc)
import Glibc
#endif

/// A child started by ``SpawnedChild/spawn(executable:arguments:environment:workingDirectory:sandbox:)``:
/// in its own session, stdin on `/dev/null`, stdout and stderr on one pipe (their lines
/// interleave as written).
///
/// With a sandbox, `pid` is the namespace's init (pid 1 inside), which forwards SIGTERM, SIGINT
/// and SIGHUP to every process of the namespace; SIGKILL to it ends them all, and so does its
/// own exit once the command has exited. The caller owns the descriptors: close them with
/// ``close()`` after reaping `pid`, and read the command's own status with ``commandExit(initStatus:)``.
package struct SpawnedChild: Sendable {
    /// The process Referee waits for and signals (its own process group leader).
    package let pid: pid_t
    /// The read end of the stdout+stderr pipe, non-blocking.
    package let outputFD: Int32
    /// Sandbox only: where the init writes the command's wait status before it exits.
    package let statusFD: Int32?
    /// Sandbox only: the write end of the lifeline; while it is open the sandbox lives.
    package let lifelineFD: Int32?
    /// Whether the child runs in namespaces.
    package var sandboxed: Bool { statusFD != nil }

    /// The command's exit: with a sandbox, the status its init passed on (the init's own status
    /// when it passed none, e.g. because it was killed); without, `initStatus` itself.
    package func commandExit(initStatus: Int32) -> ProcessExit {
        guard let statusFD else { return ProcessExit(waitStatus: initStatus) }
        var status: Int32 = 0
        let n = withUnsafeMutableBytes(of: &status) { read(statusFD, $0.baseAddress, $0.count) }
        return n == MemoryLayout<Int32>.size ? ProcessExit(waitStatus: status) : ProcessExit(waitStatus: initStatus)
    }

    /// Closes the output pipe, the status pipe and the lifeline (which ends the sandbox if its
    /// init still runs).
    package func close() {
        _ = Glibc.close(outputFD)
        if let statusFD { _ = Glibc.close(statusFD) }
        if let lifelineFD { _ = Glibc.close(lifelineFD) }
    }

    /// Starts `executable` (an absolute path, or a name looked up in `environment["PATH"]`) with
    /// `arguments` and exactly `environment`, in `workingDirectory` (a path inside the sandbox
    /// when there is one). Throws ``SpawnError`` when it cannot start; the child's later exit is
    /// not an error.
    package static func spawn(executable: String, arguments: [String], environment: [String: String],
                             workingDirectory: String, sandbox: SandboxPolicy?) throws(SpawnError) -> SpawnedChild {
        let path = try resolve(executable, path: environment["PATH"] ?? defaultPath)
        var output: [Int32] = [-1, -1]
        guard referee_pipe_cloexec(&output, 0) == 0 else { throw SpawnError(stage: "pipe", errno: errno, reason: describe(errno)) }
        var lifeline: [Int32] = [-1, -1]
        if sandbox != nil {
            guard referee_pipe_cloexec(&lifeline, 0) == 0 else {
                let e = errno
                _ = Glibc.close(output[0]); _ = Glibc.close(output[1])
                throw SpawnError(stage: "pipe", errno: e, reason: describe(e))
            }
        }
        let argv = [path] + arguments
        let envp = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let mounts = sandbox?.mounts ?? []
        var result = referee_spawn_result()
        let rc = withCStringArray(argv) { cArgv in
            withCStringArray(envp) { cEnv in
                withCStringArray(mounts.map(\.cSource)) { sources in
                    withCStringArray(mounts.map(\.target)) { targets in
                        var cMounts = (0..<mounts.count).map { i in
                            referee_mount(source: UnsafePointer(sources[i]), target: UnsafePointer(targets[i]), kind: mounts[i].cKind)
                        }
                        return cMounts.withUnsafeMutableBufferPointer { buffer in
                            path.withCString { cPath in
                                workingDirectory.withCString { cwd in
                                    var spec = referee_spawn_spec(
                                        path: cPath, argv: cArgv, envp: cEnv, cwd: cwd, output_fd: output[1],
                                        sandbox: sandbox == nil ? 0 : 1, new_network: sandbox?.isolateNetwork == true ? 1 : 0,
                                        new_user: sandbox != nil && geteuid() != 0 ? 1 : 0,
                                        read_only_root: sandbox?.readOnlyRoot == true ? 1 : 0,
                                        mounts: UnsafePointer(buffer.baseAddress), mount_count: Int32(buffer.count),
                                        lifeline_fd: lifeline[0])
                                    return referee_spawn(&spec, &result)
                                }
                            }
                        }
                    }
                }
            }
        }
        _ = Glibc.close(output[1])
        if lifeline[0] >= 0 { _ = Glibc.close(lifeline[0]) }
        guard rc == 0 else {
            _ = Glibc.close(output[0])
            if lifeline[1] >= 0 { _ = Glibc.close(lifeline[1]) }
            let stage = String(cString: referee_spawn_stage_name(result.error_stage))
            var where_ = stage == "chdir" ? " (\(workingDirectory))" : stage == "execve" ? " (\(path))" : ""
            if mounts.indices.contains(Int(result.error_mount)) {
                let m = mounts[Int(result.error_mount)]
                where_ = m.cSource.isEmpty ? " (mount at \(m.target))" : " (mount of \(m.cSource) at \(m.target))"
            }
            throw SpawnError(stage: stage, errno: result.error_errno, reason: describe(result.error_errno) + where_)
        }
        _ = fcntl(output[0], F_SETFL, fcntl(output[0], F_GETFL) | O_NONBLOCK)
        return SpawnedChild(pid: result.pid, outputFD: output[0], statusFD: sandbox == nil ? nil : result.status_fd,
                            lifelineFD: sandbox == nil ? nil : lifeline[1])
    }

    static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// `name` itself when it holds a `/`, else the first executable `dir/name` of `path`.
    package static func resolve(_ name: String, path: String) throws(SpawnError) -> String {
        if name.contains("/") {
            guard access(name, X_OK) == 0 else { throw SpawnError(stage: "execve", errno: errno, reason: "\(describe(errno)) (\(name))") }
            return name
        }
        for dir in path.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = "\(dir)/\(name)"
            var st = stat()
            if stat(candidate, &st) == 0, st.st_mode & S_IFMT == S_IFREG, access(candidate, X_OK) == 0 { return candidate }
        }
        throw SpawnError(stage: "execve", errno: ENOENT, reason: "no executable '\(name)' on PATH (\(path))")
    }

    static func describe(_ code: Int32) -> String { String(cString: strerror(code)) }
}

extension SandboxMount {
    var cKind: Int32 {
        switch self {
        case .readOnly: return Int32(REFEREE_MOUNT_BIND_RO.rawValue)
        case .writable: return Int32(REFEREE_MOUNT_BIND_RW.rawValue)
        case .tmpfs: return Int32(REFEREE_MOUNT_TMPFS.rawValue)
        case .hidden: return Int32(REFEREE_MOUNT_HIDE.rawValue)
        }
    }

    var cSource: String {
        switch self {
        case .readOnly(let s, _), .writable(let s, _): return s
        case .tmpfs, .hidden: return ""
        }
    }
}

/// Calls `body` with a NULL-terminated C array of copies of `strings`, freed afterwards.
func withCStringArray<R>(_ strings: [String], _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { pointers.forEach { free($0) } }
    return pointers.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
}
