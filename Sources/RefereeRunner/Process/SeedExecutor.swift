import RefereeSandbox
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Hard wall-clock caps of one seed's run, in seconds, on Referee's clock. Nothing the
/// submission prints moves them.
///
/// Deadlines are fixed from the spawn: the declared artifact must have appeared by
/// `trainSeconds + graceSeconds` (training, start-up and compilation included), and the whole
/// run must end by `trainSeconds + evalSeconds + graceSeconds`. Once Referee sees the artifact
/// appear, evaluation must also end within `evalSeconds + graceSeconds` of that moment. At a cap
/// the whole process group (with a sandbox: the whole PID namespace) gets SIGTERM, then SIGKILL
/// `killGraceSeconds` later.
package struct PhaseCaps: Sendable, Codable, Hashable {
    package var trainSeconds: Double
    package var evalSeconds: Double
    package var graceSeconds: Double
    package var killGraceSeconds: Double

    package init(trainSeconds: Double, evalSeconds: Double, graceSeconds: Double, killGraceSeconds: Double = 10) {
        self.trainSeconds = trainSeconds
        self.evalSeconds = evalSeconds
        self.graceSeconds = graceSeconds
        self.killGraceSeconds = killGraceSeconds
    }

    /// The rules of the 10-minute track: 600 s + 600 s, with 60 s of grace for start-up.
    package static let tenMinuteTrack = PhaseCaps(trainSeconds: 600, evalSeconds: 600, graceSeconds: 60)
}

/// Why a seed's run ended.
package enum StopReason: String, Sendable, Codable, Hashable {
    /// The child exited by itself (any status).
    case exited
    /// A phase cap was reached and Referee stopped the group.
    case overBudget = "over_budget"
    /// Ctrl-C / SIGTERM reached the runner, which stopped the group.
    case interrupted
}

/// What happened when a seed ran: a value, whatever the child did.
package struct SeedExecution: Sendable {
    /// The child's pid (also its process group id); it no longer exists.
    package var pid: pid_t
    /// The child's exit as `waitpid` saw it.
    package var exit: ExitStatus
    package var stop: StopReason
    /// The phase whose cap was reached, when `stop == .overBudget`.
    package var capReachedIn: RunPhase?
    /// Wall time (unix seconds) just before the spawn and after the last byte/exit.
    package var startedAt: Double
    package var endedAt: Double
    package var phases: PhaseTracker
    package var lineCount: Int
    /// When Referee first saw the declared artifact, and when it last saw it change (nil: never).
    package var artifactFirstSeenAt: Double?
    package var artifactLastChangedAt: Double?
    /// The deadlines this run was held to (unix seconds).
    package var deadlines: Deadlines
    /// Live members of the group still found after cleanup (0 unless something is unkillable).
    package var survivors: Int
}

/// Runs one child to its end, streaming its output into a ``TimestampedLog`` and enforcing
/// ``PhaseCaps``. Blocking; one thread.
package struct SeedExecutor {
    package var caps: PhaseCaps
    /// Fired by Ctrl-C (or a test); nil for none.
    package var interrupt: InterruptTrap?
    /// Called with the tracker when a line changes the phase, at most five times a second while
    /// lines arrive, and about once a second otherwise.
    package var onProgress: (PhaseTracker, Double) -> Void

    package init(caps: PhaseCaps, interrupt: InterruptTrap?, onProgress: @escaping (PhaseTracker, Double) -> Void = { _, _ in }) {
        self.caps = caps
        self.interrupt = interrupt
        self.onProgress = onProgress
    }

    /// Starts `spec`, writes its output to `logURL`. Throws only when the child cannot be
    /// started or the log cannot be created.
    package func run(_ spec: LaunchSpec, logURL: URL, watch: ArtifactWatch? = nil) throws(RunnerError) -> SeedExecution {
        let log = try TimestampedLog(url: logURL)
        defer { log.close() }
        let startedAt = Clock.wall()
        let child = try ChildProcess.spawn(spec)
        var watch = watch
        var lastWatch = 0.0
        let fixed = Deadlines(start: startedAt, caps: caps)
        let group = ProcessGroup(pgid: child.pgid)
        var tracker = PhaseTracker()
        var exit: ExitStatus?
        var stop = StopReason.exited
        var capPhase: RunPhase?
        var eof = false
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var lastProgress = 0.0

        func drain() {
            while !eof {
                let n = buffer.withUnsafeMutableBytes { read(child.outputFD, $0.baseAddress, $0.count) }
                if n > 0 {
                    let now = Clock.wall()
                    let lines = buffer.withUnsafeBytes { log.append(UnsafeRawBufferPointer(rebasing: $0[0..<n]), at: now) }
                    for line in lines {
                        let before = tracker.phase
                        tracker.observe(line)
                        // Display work stays off the per-line path: on phase changes and ≤ 5 per second.
                        let mono = Clock.monotonic()
                        if tracker.phase != before || mono - lastProgress >= 0.2 {
                            lastProgress = mono
                            onProgress(tracker, startedAt)
                        }
                    }
                } else if n == 0 {
                    eof = true
                } else if errno == EINTR {
                    continue
                } else {
                    return  // EAGAIN: nothing more for now
                }
            }
        }

        func reap(blocking: Bool) {
            guard exit == nil else { return }
            var status: Int32 = 0
            let r = waitpid(child.pid, &status, blocking ? 0 : WNOHANG)
            if r == child.pid { exit = child.exit(waitStatus: status) }
        }

        var lastTick = Clock.monotonic()
        while exit == nil || !eof {
            let now = Clock.wall()
            if now - lastWatch >= 0.2 {
                lastWatch = now
                watch?.poll(now: now)
            }
            let (deadline, phase) = fixed.current(artifactSeenAt: watch?.firstSeenAt)
            if now >= deadline {
                stop = .overBudget
                capPhase = phase
                break
            }
            if interrupt?.fired == true {
                stop = .interrupted
                break
            }
            if exit != nil {
                // The leader is gone but something still holds the pipe: a leftover grandchild.
                break
            }
            // At EOF the pipe polls as always ready (POLLHUP): leave it out, or this loop would spin.
            var fds = [pollfd(fd: eof ? -1 : child.outputFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: interrupt?.readFD ?? -1, events: Int16(POLLIN), revents: 0)]
            let waitMs = Int32(max(1, min(250, (deadline - now) * 1000)))
            _ = poll(&fds, 2, waitMs)
            drain()
            reap(blocking: false)
            if Clock.monotonic() - lastTick >= 1 {
                lastTick = Clock.monotonic()
                onProgress(tracker, startedAt)
            }
        }

        // Whatever the reason, nothing of the group may outlive this seed.
        group.terminate(grace: stop == .exited ? 1 : caps.killGraceSeconds) {
            drain()
            reap(blocking: false)
        }
        let drainEnd = Clock.monotonic() + 2
        while !eof && Clock.monotonic() < drainEnd {
            var fd = pollfd(fd: child.outputFD, events: Int16(POLLIN), revents: 0)
            _ = poll(&fd, 1, 100)
            drain()
        }
        reap(blocking: true)
        group.reapOrphans()
        if let partial = log.flushPartialLine() { tracker.observe(partial) }
        child.close()
        let endedAt = Clock.wall()
        watch?.poll(now: endedAt)
        return SeedExecution(pid: child.pid, exit: exit ?? .signaled(SIGKILL), stop: stop, capReachedIn: capPhase,
                             startedAt: startedAt, endedAt: endedAt, phases: tracker,
                             lineCount: log.lineCount, artifactFirstSeenAt: watch?.firstSeenAt,
                             artifactLastChangedAt: watch?.lastChangedAt, deadlines: fixed,
                             survivors: group.liveMembers().count)
    }
}

/// The deadlines of one seed, fixed at the spawn from ``PhaseCaps`` (unix seconds).
package struct Deadlines: Sendable, Codable, Hashable {
    /// The declared artifact must have appeared by then.
    package var trainAt: Double
    /// The run must have ended by then.
    package var totalAt: Double
    /// Evaluation time allowed after the artifact appears (cap plus grace), in seconds.
    package var evalAllowance: Double

    package init(start: Double, caps: PhaseCaps) {
        trainAt = start + caps.trainSeconds + caps.graceSeconds
        totalAt = start + caps.trainSeconds + caps.evalSeconds + caps.graceSeconds
        evalAllowance = caps.evalSeconds + caps.graceSeconds
    }

    /// The deadline in force and the phase it caps, given when the artifact was first seen.
    package func current(artifactSeenAt: Double?) -> (Double, RunPhase) {
        guard let seen = artifactSeenAt else { return (trainAt, .training) }
        return (min(totalAt, seen + evalAllowance), .evaluation)
    }
}
