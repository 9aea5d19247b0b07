import Foundation
import RefereeSandbox
#if canImport(Glibc)
import Glibc
#endif

/// How a child ended, as `waitpid` reported it (RefereeSandbox's ``ProcessExit``).
package typealias ExitStatus = ProcessExit

/// Signals, inspects and reaps a child's whole process group.
///
/// A grandchild that stays in the group (the default) dies with it: ``terminate(grace:)`` sends
/// SIGTERM to the group, waits `grace` seconds, then sends SIGKILL to whatever is left. Members
/// re-parented to this process (when it is a child subreaper) are reaped so that none lingers as
/// a zombie.
package struct ProcessGroup: Sendable {
    package let pgid: pid_t

    package init(pgid: pid_t) {
        self.pgid = pgid
    }

    /// Sends `signal` to every member of the group. Returns false when no member exists.
    @discardableResult
    package func signal(_ sig: Int32) -> Bool {
        kill(-pgid, sig) == 0
    }

    /// Pids of the group's live (non-zombie) members, read from `/proc`.
    package func liveMembers() -> [pid_t] {
        ProcessTable.entries().filter { $0.pgrp == pgid && $0.state != "Z" && $0.state != "X" }.map(\.pid)
    }

    /// True while some member of the group is alive (zombies do not count).
    package var isAlive: Bool { !liveMembers().isEmpty }

    /// SIGTERM to the group, up to `grace` seconds for it to go, then SIGKILL; returns once no
    /// live member is left (or after 5 more seconds, which only an unkillable process survives).
    /// `whileWaiting` runs about every 50 ms (the runner drains the child's output there).
    package func terminate(grace: Double, whileWaiting: () -> Void = {}) {
        guard signal(SIGTERM) else { return }
        if waitUntilGone(seconds: grace, whileWaiting) { return }
        signal(SIGKILL)
        _ = waitUntilGone(seconds: 5, whileWaiting)
    }

    private func waitUntilGone(seconds: Double, _ tick: () -> Void) -> Bool {
        let end = Clock.monotonic() + seconds
        while Clock.monotonic() < end {
            reapOrphans()
            if !isAlive { return true }
            tick()
            usleep(50_000)
        }
        reapOrphans()
        return !isAlive
    }

    /// Reaps zombies of this group that were re-parented to this process. The group leader is
    /// left to whoever waits for it.
    package func reapOrphans() {
        let me = getpid()
        for entry in ProcessTable.entries() where entry.pgrp == pgid && entry.ppid == me && entry.pid != pgid {
            var status: Int32 = 0
            _ = waitpid(entry.pid, &status, WNOHANG)
        }
    }
}

/// One line of `/proc/<pid>/stat`, the fields the runner needs.
struct ProcessEntry: Sendable {
    var pid: pid_t
    var state: Character
    var ppid: pid_t
    var pgrp: pid_t
}

/// Reads the process table from `/proc` (Linux).
enum ProcessTable {
    static func entries() -> [ProcessEntry] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var out: [ProcessEntry] = []
        for name in names {
            guard let pid = pid_t(name), let entry = entry(pid) else { continue }
            out.append(entry)
        }
        return out
    }

    /// Parses `/proc/<pid>/stat`; nil when the process is gone. The command name may hold spaces
    /// and parentheses, so fields are taken after the last `)`.
    static func entry(_ pid: pid_t) -> ProcessEntry? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat"),
              let text = String(data: data, encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count >= 3, let state = fields[0].first, let ppid = pid_t(fields[1]), let pgrp = pid_t(fields[2]) else { return nil }
        return ProcessEntry(pid: pid, state: state, ppid: ppid, pgrp: pgrp)
    }
}

/// Time sources. `wall()` is what goes into logs; `monotonic()` measures waits.
package enum Clock {
    /// Unix time in seconds (CLOCK_REALTIME), microsecond resolution.
    package static func wall() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec / 1000) / 1_000_000
    }

    /// Seconds on CLOCK_MONOTONIC.
    package static func monotonic() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1_000_000_000
    }
}
