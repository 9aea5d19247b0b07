import Dispatch
import Foundation
import RefereeSandbox
#if canImport(Glibc)
import Glibc
#endif

/// Turns SIGINT/SIGTERM sent to the runner into a readable file descriptor, so that the seed loop
/// (which `poll`s the child's output) notices Ctrl-C at once, stops the child's group and finishes
/// writing its evidence.
///
/// ``fire()`` does the same by hand (tests use it). While an `InterruptTrap` with `catchSignals`
/// is alive the two signals are ignored by their default action; ``release()`` restores it.
package final class InterruptTrap: @unchecked Sendable {
    // @unchecked: `sources` is written only in init and release(), which the owner calls once,
    // from one thread; the fds are immutable after init.
    /// Becomes readable once an interrupt arrived.
    package let readFD: Int32
    private let writeFD: Int32
    private var sources: [any DispatchSourceSignal] = []

    /// Creates the trap; with `catchSignals`, installs DispatchSource handlers for SIGINT and
    /// SIGTERM (the process-wide disposition of both becomes "ignore" until ``release()``).
    package init(catchSignals: Bool) {
        var fds: [Int32] = [-1, -1]
        _ = makePipe(&fds, nonBlocking: true)
        readFD = fds[0]
        writeFD = fds[1]
        guard catchSignals else { return }
        let fd = writeFD
        for sig in [SIGINT, SIGTERM] {
            Glibc.signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                var byte: UInt8 = 1
                _ = write(fd, &byte, 1)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Marks the trap as fired, as a signal would.
    package func fire() {
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }

    /// True once fired (does not consume the event).
    package var fired: Bool {
        var pfd = pollfd(fd: readFD, events: Int16(POLLIN), revents: 0)
        return poll(&pfd, 1, 0) > 0
    }

    /// Cancels the signal handlers and restores the default action of SIGINT and SIGTERM.
    package func release() {
        for source in sources { source.cancel() }
        if !sources.isEmpty {
            Glibc.signal(SIGINT, SIG_DFL)
            Glibc.signal(SIGTERM, SIG_DFL)
        }
        sources.removeAll()
    }

    deinit {
        release()
        close(readFD)
        close(writeFD)
    }
}

/// Makes this process a child subreaper (Linux `PR_SET_CHILD_SUBREAPER`), so that a grandchild
/// whose parent died is re-parented here, where ``ProcessGroup/reapOrphans()`` can reap it.
/// Returns false when it could not be set.
@discardableResult
package func becomeChildSubreaper() -> Bool { ProcessControl.becomeChildSubreaper() }
