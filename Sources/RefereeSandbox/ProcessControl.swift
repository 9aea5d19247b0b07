import CRefereeShims

/// Small process-control calls that Swift's Glibc module does not import (variadic or behind
/// `_GNU_SOURCE`), through CRefereeShims.
package enum ProcessControl {
    /// Makes this process a child subreaper (`prctl(PR_SET_CHILD_SUBREAPER)`): orphaned
    /// descendants are re-parented to it, so it can reap them. False when the kernel refuses.
    @discardableResult
    package static func becomeChildSubreaper() -> Bool { referee_set_child_subreaper() == 0 }

    /// A pipe with both ends close-on-exec (`pipe2(O_CLOEXEC)`), non-blocking when asked.
    /// Returns (read, write), or nil with `errno` set.
    package static func pipe(nonBlocking: Bool) -> (read: Int32, write: Int32)? {
        var fds: [Int32] = [-1, -1]
        guard referee_pipe_cloexec(&fds, nonBlocking ? 1 : 0) == 0 else { return nil }
        return (fds[0], fds[1])
    }
}
