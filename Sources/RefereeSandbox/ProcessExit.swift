import CRefereeShims

/// How a child ended, as `waitpid` reported it.
package enum ProcessExit: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Exited by itself with this code.
    case exited(Int32)
    /// Ended by this signal.
    case signaled(Int32)

    /// Decodes a raw `waitpid` status.
    package init(waitStatus status: Int32) {
        if referee_wifexited(status) != 0 {
            self = .exited(referee_wexitstatus(status))
        } else {
            self = .signaled(referee_wtermsig(status))
        }
    }

    package var description: String {
        switch self {
        case .exited(let code): return "exit \(code)"
        case .signaled(let sig): return "signal \(sig)"
        }
    }

    /// The signal that ended the process, 0 when it exited by itself.
    package var signalNumber: Int32 {
        if case .signaled(let sig) = self { return sig }
        return 0
    }

    /// True for `exit 0`.
    package var succeeded: Bool { self == .exited(0) }
}
