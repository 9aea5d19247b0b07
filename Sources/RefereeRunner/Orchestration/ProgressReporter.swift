import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The live progress display: one line rewritten in place (`\r`) on a terminal, plain lines
/// (at phase changes and every ``plainInterval`` seconds) otherwise, or nothing when quiet.
package final class ProgressReporter: @unchecked Sendable {
    // @unchecked: used from the one thread that runs the seeds.
    package enum Mode: Sendable { case terminal, plain, quiet }

    package static let plainInterval = 30.0
    package let mode: Mode
    private let write: (String) -> Void
    private var lastPlain = 0.0
    private var lastPhase: RunPhase?
    private var lastLineLength = 0

    /// `mode` defaults to `terminal` when stdout is a tty, else `plain`.
    package init(mode: Mode? = nil, write: @escaping (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }) {
        self.mode = mode ?? (isatty(STDOUT_FILENO) == 1 ? .terminal : .plain)
        self.write = write
    }

    /// Shows the state of seed `index` (0-based) of `count`.
    package func update(index: Int, count: Int, seed: Int, tracker: PhaseTracker, startedAt: Double, caps: PhaseCaps, now: Double = Clock.wall()) {
        let line = Self.describe(index: index, count: count, seed: seed, tracker: tracker, startedAt: startedAt, caps: caps, now: now)
        switch mode {
        case .quiet: return
        case .terminal:
            let pad = max(0, lastLineLength - line.count)
            write("\r" + line + String(repeating: " ", count: pad))
            lastLineLength = line.count
        case .plain:
            if tracker.phase != lastPhase || now - lastPlain >= Self.plainInterval {
                write(line + "\n")
                lastPlain = now
                lastPhase = tracker.phase
            }
        }
    }

    /// Ends the in-place line and prints `message` on its own line.
    package func finish(_ message: String) {
        switch mode {
        case .quiet: return
        case .terminal:
            write("\r" + String(repeating: " ", count: lastLineLength) + "\r" + message + "\n")
            lastLineLength = 0
        case .plain:
            write(message + "\n")
        }
        lastPhase = nil
    }

    /// `seed 1/3 (1337) training step 400/20000 train_time 12.3s ETA 9m12s val_bpb 1.2345 [35s]`.
    package static func describe(index: Int, count: Int, seed: Int, tracker: PhaseTracker, startedAt: Double, caps: PhaseCaps, now: Double) -> String {
        var parts = ["seed \(index + 1)/\(count) (\(seed))", tracker.phase.rawValue]
        if let step = tracker.step, let iterations = tracker.iterations { parts.append("step \(step)/\(iterations)") }
        if let ms = tracker.trainTimeMs { parts.append(String(format: "train_time %.1fs", ms / 1000)) }
        if let eta = eta(tracker: tracker, startedAt: startedAt, caps: caps, now: now) { parts.append("ETA \(clock(eta))") }
        if let bpb = tracker.lastValBPB { parts.append(String(format: "val_bpb %.4f", bpb)) }
        parts.append("[\(clock(now - startedAt))]")
        return parts.joined(separator: " ")
    }

    /// Seconds until training ends: from the step rate, never past the training cap.
    static func eta(tracker: PhaseTracker, startedAt: Double, caps: PhaseCaps, now: Double) -> Double? {
        guard tracker.phase == .training else { return nil }
        let capLeft = max(0, startedAt + caps.trainSeconds - now)
        guard let step = tracker.step, let iterations = tracker.iterations, let ms = tracker.trainTimeMs, step > 0 else { return capLeft }
        let perStep = ms / 1000 / Double(step)
        return min(capLeft, perStep * Double(max(0, iterations - step)))
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
    }
}
