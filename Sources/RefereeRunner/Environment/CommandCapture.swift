import RefereeSandbox
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The result of a short helper command (nvidia-smi, pip freeze…): its exit and its output
/// (stdout and stderr together, at most ``CommandCapture/maxBytes``).
package struct CapturedCommand: Sendable, Codable, Hashable {
    package var command: [String]
    /// `exit 0`, `exit 127`, `signal 9`, or `not started: …`.
    package var status: String
    package var output: String
    package var succeeded: Bool { status == "exit 0" }
}

/// Runs short helper commands with a time limit, in their own process group (killed at the
/// limit), never throwing: a missing tool is a recorded status.
package enum CommandCapture {
    package static let maxBytes = 1 << 20

    package static func run(_ argv: [String], timeout: Double = 20, environment: [String: String] = ProcessInfo.processInfo.environment) -> CapturedCommand {
        let spec = LaunchSpec(executable: argv[0], arguments: Array(argv.dropFirst()), environment: environment,
                              workingDirectory: FileManager.default.currentDirectoryPath)
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(spec)
        } catch {
            return CapturedCommand(command: argv, status: "not started: \(error)", output: "")
        }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        let end = Clock.monotonic() + timeout
        var eof = false
        while !eof && Clock.monotonic() < end {
            var pfd = pollfd(fd: child.outputFD, events: Int16(POLLIN), revents: 0)
            _ = poll(&pfd, 1, 100)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(child.outputFD, $0.baseAddress, $0.count) }
                if n > 0 {
                    if output.count < maxBytes { output.append(contentsOf: buffer.prefix(min(n, maxBytes - output.count))) }
                } else {
                    if n == 0 { eof = true }
                    break
                }
            }
        }
        let group = ProcessGroup(pgid: child.pgid)
        if !eof { group.terminate(grace: 1) }
        var status: Int32 = 0
        _ = waitpid(child.pid, &status, 0)
        group.reapOrphans()
        close(child.outputFD)
        let text = eof ? ExitStatus(waitStatus: status).description : "timed out after \(timeout) s"
        return CapturedCommand(command: argv, status: text, output: String(decoding: output, as: UTF8.self))
    }
}
