import Foundation
import RefereeCore
import RefereeLogs

extension AuditContext {
    /// The seed Referee measured for this run (matched by log file, then by seed), nil when the
    /// record has no run.json or it does not list the run.
    func measuredSeed(for ref: RunRef) -> MeasuredRecord.Seed? {
        measured?.seed(log: shortName(ref.run.file), seed: ref.run.seed)
    }

    /// The distinct log run of a measured seed (by log file, then by seed).
    func run(for seed: MeasuredRecord.Seed) -> RunRef? {
        let runs = distinctRuns
        if let log = seed.log?.path, let byLog = runs.last(where: { shortName($0.run.file) == log }) { return byLog }
        guard let number = seed.seed else { return nil }
        return runs.last { $0.run.seed == number }
    }

    /// Where run.json is reported in evidence.
    var runJSON: SourceLocation? { measured.map { SourceLocation(file: $0.path, line: 0) } }
}

extension MeasuredRecord.Seed {
    /// The seed as named in messages.
    var label: String { seed.map { "seed \($0)" } ?? (log?.path ?? "a seed") }

    /// Seconds of training as Referee measured it: from the spawn to the later of the runner's
    /// training stop and the declared artifact's final write (no line the submission prints can
    /// end training early). Nil when run.json does not say.
    package var measuredTrainingSeconds: Double? {
        var candidates: [Double] = []
        if let t = wallSeconds?.training { candidates.append(t) }
        if let start = timestamps?.start {
            if let written = artifact?.finalWriteAt { candidates.append(written - start) }
            if candidates.isEmpty, let stopped = timestamps?.trainingStopped { candidates.append(stopped - start) }
        }
        return candidates.max()
    }
}
