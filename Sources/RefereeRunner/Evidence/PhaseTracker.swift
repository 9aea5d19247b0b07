import Foundation

/// The phases of one run, in order.
package enum RunPhase: String, Sendable, Codable, Hashable {
    /// Process started, training not yet known to have stopped.
    case training
    /// Training stopped; the artifact is being written.
    case artifact
    /// The artifact was written; evaluating it.
    case evaluation
    /// The final score line was seen.
    case finished
}

/// Follows a child's lines (with Referee's timestamps) and notes when each phase ended, plus the
/// progress figures a live display shows.
///
/// Only lines that carry real numbers count (`stopping_early: … train_time:123ms`,
/// `step:N/M …`, `Serialized model…: N bytes`, `Total submission size…: N bytes`, a final
/// `…_exact … val_bpb:X` line), so the script source that many submissions print first, full of
/// f-strings with the same words, does not move the phase.
package struct PhaseTracker: Sendable {
    package private(set) var phase: RunPhase = .training
    /// Time of the line that ended training (`stopping_early`, the last `step:N/N`, or the first
    /// artifact line when training ended silently).
    package private(set) var trainingStoppedAt: Double?
    /// Time of the last artifact size line before the final score.
    package private(set) var artifactWrittenAt: Double?
    /// Time of the final score line (the last one seen).
    package private(set) var finalScoreAt: Double?
    package private(set) var step: Int?
    package private(set) var iterations: Int?
    package private(set) var trainTimeMs: Double?
    package private(set) var lastValBPB: Double?
    /// The last step line's time (for a training that never says it stopped).
    package private(set) var lastStepAt: Double?

    package init() {}

    /// Feeds one line.
    package mutating func observe(_ line: StampedLine) {
        let text = line.text
        if let (s, m) = Self.stepFraction(text), text.hasPrefix("step:") {
            step = s
            iterations = m
            lastStepAt = line.time
            if let t = Self.number(after: "train_time:", in: text) { trainTimeMs = t }
            if let bpb = Self.number(after: "val_bpb:", in: text) { lastValBPB = bpb }
            if s == m, phase == .training { stopTraining(at: line.time) }
            return
        }
        if text.hasPrefix("stopping_early:"), Self.number(after: "train_time:", in: text) != nil {
            if let t = Self.number(after: "train_time:", in: text) { trainTimeMs = t }
            if phase == .training { stopTraining(at: line.time) }
            return
        }
        if Self.isArtifactLine(text) {
            if phase == .training { stopTraining(at: line.time) }
            artifactWrittenAt = line.time
            if phase == .artifact { phase = .evaluation }
            return
        }
        if Self.isFinalScoreLine(text) {
            if phase == .training { stopTraining(at: line.time) }
            if artifactWrittenAt == nil { artifactWrittenAt = line.time }
            finalScoreAt = line.time
            if let bpb = Self.number(after: "val_bpb:", in: text) { lastValBPB = bpb }
            phase = .finished
        }
    }

    private mutating func stopTraining(at time: Double) {
        trainingStoppedAt = time
        phase = .artifact
    }

    /// `step:12/100` at the start of the line.
    static func stepFraction(_ text: String) -> (Int, Int)? {
        guard text.hasPrefix("step:") else { return nil }
        let rest = text.dropFirst(5).prefix { $0 != " " }
        let parts = rest.split(separator: "/")
        guard parts.count == 2, let a = Int(parts[0]), let b = Int(parts[1]) else { return nil }
        return (a, b)
    }

    /// The number right after `key` (digits, `.`, `e`, `-`), ignoring a unit suffix like `ms`.
    static func number(after key: String, in text: String) -> Double? {
        guard let range = text.range(of: key) else { return nil }
        let digits = text[range.upperBound...].prefix { $0.isNumber || $0 == "." || $0 == "-" || $0 == "e" || $0 == "+" }
        return Double(digits)
    }

    /// `Serialized model…: N bytes` or `Total submission size…: N bytes` with a real number.
    static func isArtifactLine(_ text: String) -> Bool {
        guard text.hasPrefix("Serialized model") || text.hasPrefix("Total submission size") else { return false }
        guard let colon = text.firstIndex(of: ":") else { return false }
        let after = text[text.index(after: colon)...].drop { $0 == " " }
        return after.first?.isNumber == true
    }

    /// A final score line: a label ending in `_exact` (or starting with `final_`) followed by a
    /// numeric `val_bpb:`.
    static func isFinalScoreLine(_ text: String) -> Bool {
        guard let first = text.split(separator: " ").first else { return false }
        let label = first.hasSuffix(":") ? first.dropLast() : first
        guard label.hasSuffix("_exact") || label.hasPrefix("final_") else { return false }
        return number(after: "val_bpb:", in: text) != nil
    }
}
