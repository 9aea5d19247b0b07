import Foundation
import RefereeCore

/// `run.json`: what Referee measured while running a record. Times are unix seconds from
/// Referee's own clock (the same stamps as the log prefixes); durations are seconds. Keys are
/// snake_case in the file. Schema `referee.run/v1`; fields are only ever added.
package struct RunRecord: Sendable, Codable, Hashable {
    package var schema = "referee.run/v1"
    package var refereeVersion: String
    package var track: String
    package var entryScript: String
    /// `python3` or `torchrun`.
    package var launcher: String
    package var nprocPerNode: Int
    package var caps: PhaseCaps
    package var networkIsolation: NetworkIsolation
    package var code: CodeBytes
    package var seeds: [SeedRecord]
    /// True when Ctrl-C / SIGTERM stopped the run; later seeds were not started.
    package var interrupted: Bool
    package var startedAt: Double
    package var endedAt: Double
    /// What the post-run steps (audit, report, sign) did.
    package var postRun: [PostRunStepRecord]
    /// The protections every submission process ran under (nil in records made before v0.2).
    package var sandbox: SandboxRecord? = nil
    /// The shards and tokenizer supplied, their digests, and Referee's validation token and byte counts.
    package var data: DataRecord? = nil
    /// The `-- NAME=value` words, in the order given.
    package var settings: [String]? = nil
    /// The seeds asked for (`--seeds`), in order; `seeds` holds those that ran.
    package var seedsRequested: [Int]? = nil
    /// How `referee run` was invoked (for the reproduction command).
    package var invocation: Invocation? = nil
    /// Glob patterns of the declared artifact (`--artifact`).
    package var declaredArtifact: [String]? = nil
    /// Every hashed file re-hashed after every process was dead.
    package var integrity: IntegrityRecord? = nil
    /// What the training process got in place of the validation shards (`--training-validation`;
    /// nil without `--data-path` and in records made before it existed).
    package var trainingValidation: TrainingValidationRecord? = nil
    /// The held-out shards (`--heldout-shards`), nil when none were given.
    package var heldout: HeldoutRecord? = nil

    /// True when every seed ran to its own clean exit within its caps.
    package var allSeedsCompleted: Bool {
        !interrupted && seeds.allSatisfy { $0.stop == .exited && $0.exitCode == 0 && !$0.overBudget }
    }
}

/// One seed's run in `run.json`.
package struct SeedRecord: Sendable, Codable, Hashable {
    package var seed: Int
    package var runId: String
    /// The exact argv Referee started (after any network-isolation wrapper).
    package var command: [String]
    /// The variables Referee set on top of its own environment, as sorted `NAME=value`
    /// (SEED, RUN_ID, DATA_PATH…). A list, not an object, so no key mangling touches the names.
    package var environment: [String]
    /// Working directory, relative to the record (`artifacts/seed<SEED>`).
    package var workingDirectory: String
    /// `train_seed<SEED>.log`.
    package var log: FileDigest
    package var logLines: Int
    /// Exit code, nil when the child ended by a signal.
    package var exitCode: Int?
    /// Signal number, nil when the child exited by itself.
    package var signal: Int?
    package var stop: StopReason
    /// The phase whose hard cap stopped the run.
    package var capReachedIn: RunPhase?
    /// True when a cap stopped the run or a measured phase exceeded its cap plus grace.
    package var overBudget: Bool
    /// `training` and/or `evaluation`: the phases measured over their cap plus grace.
    package var overBudgetPhases: [String]
    package var timestamps: PhaseTimestamps
    package var wallSeconds: PhaseDurations
    /// The last progress figures read from the log (for humans; the auditor re-reads the log).
    package var lastStep: Int?
    package var iterations: Int?
    /// Files the seed left in its working directory: the artifact(s).
    package var artifacts: [FileDigest]
    /// `traces/seed<SEED>/rank<R>.jsonl` files.
    package var traces: [FileDigest]
    /// Earliest `t` of each `phase` event in the traces, by name, in time order (the
    /// submission's own clock, reported beside Referee's).
    package var tracePhases: [TracePhase]
    /// Group members still alive after cleanup (0 unless a process was unkillable).
    package var survivors: Int
    /// The declared artifact as Referee measured it: digest, and when it appeared and last changed.
    package var artifact: ArtifactRecord? = nil
    /// The deadlines the seed was held to, fixed at its spawn.
    package var deadlines: Deadlines? = nil
    /// The phase stamps read from log lines (the submission's words, stamped by Referee);
    /// `timestamps` holds what Referee observed where it could (the artifact's appearance).
    package var loggedTimestamps: PhaseTimestamps? = nil
    /// Files the submission left in its working folder that the protocol does not declare:
    /// listed, never evidence, not copied into the record.
    package var undeclaredFiles: [FileDigest]? = nil
    /// True when the seed ran in the sandbox.
    package var sandboxed: Bool? = nil
    /// Module files the run imported other than the standard library and installed packages
    /// (rule code.self-contained); nil when no process recorded its imports.
    package var importedModules: [ImportedModule]? = nil
    /// How many imported files each origin had (`stdlib`, `site`, `record`, `referee`, `generated`, `outside`).
    package var importedModuleCounts: [String: Int]? = nil
}

/// The declared artifact of one seed, measured by Referee.
package struct ArtifactRecord: Sendable, Codable, Hashable {
    /// Path in the record (`artifacts/seed<SEED>/<name>`).
    package var path: String
    package var bytes: Int
    package var sha256: String
    /// When Referee first saw it appear, and when it last saw it change (unix s).
    package var firstWriteAt: Double?
    package var finalWriteAt: Double?
}

/// How `referee run` was invoked, for the generated reproduction command.
package struct Invocation: Sendable, Codable, Hashable {
    package var entry: String
    package var track: String
    package var dataPath: String?
    package var tokenizerPath: String?
    package var nprocPerNode: Int
    package var torchrun: Bool
}

/// The re-hash of every file `run.json` lists, after every submission process was dead.
package struct IntegrityRecord: Sendable, Codable, Hashable {
    package var checkedAt: Double
    package var files: Int
    /// Files whose digest or size changed since Referee hashed them (empty when intact).
    package var changed: [String]
}

/// When each phase ended, read from the stamps of the log lines that mark it.
package struct PhaseTimestamps: Sendable, Codable, Hashable {
    package var start: Double
    package var trainingStopped: Double?
    package var artifactWritten: Double?
    package var finalScore: Double?
    package var end: Double
}

/// Seconds spent in each phase (nil when a boundary was never seen).
package struct PhaseDurations: Sendable, Codable, Hashable {
    /// start → end of process.
    package var total: Double
    /// start → training stopped.
    package var training: Double?
    /// training stopped → artifact written.
    package var artifact: Double?
    /// artifact written → final score.
    package var evaluation: Double?
    /// training stopped → final score (or end of process when no score): what the eval cap limits.
    package var afterTraining: Double?

    package init(_ t: PhaseTimestamps) {
        total = t.end - t.start
        training = t.trainingStopped.map { $0 - t.start }
        artifact = t.trainingStopped.flatMap { stop in t.artifactWritten.map { $0 - stop } }
        evaluation = t.artifactWritten.flatMap { written in t.finalScore.map { $0 - written } }
        afterTraining = t.trainingStopped.map { (t.finalScore ?? t.end) - $0 }
    }
}

extension RunRecord {
    /// Canonical JSON with snake_case keys.
    package func encoded() throws -> Data {
        try RecordJSON.encode(self)
    }
}

/// Canonical JSON (sorted keys, stable) with snake_case keys, as `run.json` and
/// `environment.json` are written.
package enum RecordJSON {
    package static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        var data = try encoder.encode(value)
        data.append(0x0A)
        return data
    }

    /// Refuses JSON with a duplicate key (``StrictJSON``) before decoding.
    package static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        if let problem = StrictJSON.check(data) { throw problem }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(type, from: data)
    }
}

/// A `phase` event of a trace: its name and the earliest `t` any rank wrote for it.
package struct TracePhase: Sendable, Codable, Hashable {
    package var name: String
    package var t: Double
}
