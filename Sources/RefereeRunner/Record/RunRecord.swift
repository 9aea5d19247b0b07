import Foundation
import RefereeCore

/// `run.json`: what Referee measured while running a record. Times are unix seconds from
/// Referee's own clock (the same stamps as the log prefixes); durations are seconds. Keys are
/// snake_case in the file. Schema `referee.run/v1`; fields are only ever added.
public struct RunRecord: Sendable, Codable, Hashable {
    public var schema = "referee.run/v1"
    public var refereeVersion: String
    public var track: String
    public var entryScript: String
    /// `python3` or `torchrun`.
    public var launcher: String
    public var nprocPerNode: Int
    public var caps: PhaseCaps
    public var networkIsolation: NetworkIsolation
    public var code: CodeBytes
    public var seeds: [SeedRecord]
    /// True when Ctrl-C / SIGTERM stopped the run; later seeds were not started.
    public var interrupted: Bool
    public var startedAt: Double
    public var endedAt: Double
    /// What the post-run steps (audit, report, sign) did.
    public var postRun: [PostRunStepRecord]
    /// The protections every submission process ran under (nil in records made before v0.2).
    public var sandbox: SandboxRecord? = nil
    /// The shards and tokenizer supplied, their digests, and Referee's validation token and byte counts.
    public var data: DataRecord? = nil
    /// The `-- NAME=value` words, in the order given.
    public var settings: [String]? = nil
    /// The seeds asked for (`--seeds`), in order; `seeds` holds those that ran.
    public var seedsRequested: [Int]? = nil
    /// How `referee run` was invoked (for the reproduction command).
    public var invocation: Invocation? = nil
    /// Glob patterns of the declared artifact (`--artifact`).
    public var declaredArtifact: [String]? = nil
    /// Every hashed file re-hashed after every process was dead.
    public var integrity: IntegrityRecord? = nil

    /// True when every seed ran to its own clean exit within its caps.
    public var allSeedsCompleted: Bool {
        !interrupted && seeds.allSatisfy { $0.stop == .exited && $0.exitCode == 0 && !$0.overBudget }
    }
}

/// One seed's run in `run.json`.
public struct SeedRecord: Sendable, Codable, Hashable {
    public var seed: Int
    public var runId: String
    /// The exact argv Referee started (after any network-isolation wrapper).
    public var command: [String]
    /// The variables Referee set on top of its own environment, as sorted `NAME=value`
    /// (SEED, RUN_ID, DATA_PATH…). A list, not an object, so no key mangling touches the names.
    public var environment: [String]
    /// Working directory, relative to the record (`artifacts/seed<SEED>`).
    public var workingDirectory: String
    /// `train_seed<SEED>.log`.
    public var log: FileDigest
    public var logLines: Int
    /// Exit code, nil when the child ended by a signal.
    public var exitCode: Int?
    /// Signal number, nil when the child exited by itself.
    public var signal: Int?
    public var stop: StopReason
    /// The phase whose hard cap stopped the run.
    public var capReachedIn: RunPhase?
    /// True when a cap stopped the run or a measured phase exceeded its cap plus grace.
    public var overBudget: Bool
    /// `training` and/or `evaluation`: the phases measured over their cap plus grace.
    public var overBudgetPhases: [String]
    public var timestamps: PhaseTimestamps
    public var wallSeconds: PhaseDurations
    /// The last progress figures read from the log (for humans; the auditor re-reads the log).
    public var lastStep: Int?
    public var iterations: Int?
    /// Files the seed left in its working directory: the artifact(s).
    public var artifacts: [FileDigest]
    /// `traces/seed<SEED>/rank<R>.jsonl` files.
    public var traces: [FileDigest]
    /// Earliest `t` of each `phase` event in the traces, by name, in time order (the
    /// submission's own clock, reported beside Referee's).
    public var tracePhases: [TracePhase]
    /// Group members still alive after cleanup (0 unless a process was unkillable).
    public var survivors: Int
    /// The declared artifact as Referee measured it: digest, and when it appeared and last changed.
    public var artifact: ArtifactRecord? = nil
    /// The deadlines the seed was held to, fixed at its spawn.
    public var deadlines: Deadlines? = nil
    /// The phase stamps read from log lines (the submission's words, stamped by Referee);
    /// `timestamps` holds what Referee observed where it could (the artifact's appearance).
    public var loggedTimestamps: PhaseTimestamps? = nil
    /// Files the submission left in its working folder that the protocol does not declare:
    /// listed, never evidence, not copied into the record.
    public var undeclaredFiles: [FileDigest]? = nil
    /// True when the seed ran in the sandbox.
    public var sandboxed: Bool? = nil
    /// Module files the run imported other than the standard library and installed packages
    /// (rule code.self-contained); nil when no process recorded its imports.
    public var importedModules: [ImportedModule]? = nil
    /// How many imported files each origin had (`stdlib`, `site`, `record`, `referee`, `generated`, `outside`).
    public var importedModuleCounts: [String: Int]? = nil
}

/// The declared artifact of one seed, measured by Referee.
public struct ArtifactRecord: Sendable, Codable, Hashable {
    /// Path in the record (`artifacts/seed<SEED>/<name>`).
    public var path: String
    public var bytes: Int
    public var sha256: String
    /// When Referee first saw it appear, and when it last saw it change (unix s).
    public var firstWriteAt: Double?
    public var finalWriteAt: Double?
}

/// How `referee run` was invoked, for the generated reproduction command.
public struct Invocation: Sendable, Codable, Hashable {
    public var entry: String
    public var track: String
    public var dataPath: String?
    public var tokenizerPath: String?
    public var nprocPerNode: Int
    public var torchrun: Bool
}

/// The re-hash of every file `run.json` lists, after every submission process was dead.
public struct IntegrityRecord: Sendable, Codable, Hashable {
    public var checkedAt: Double
    public var files: Int
    /// Files whose digest or size changed since Referee hashed them (empty when intact).
    public var changed: [String]
}

/// When each phase ended, read from the stamps of the log lines that mark it.
public struct PhaseTimestamps: Sendable, Codable, Hashable {
    public var start: Double
    public var trainingStopped: Double?
    public var artifactWritten: Double?
    public var finalScore: Double?
    public var end: Double
}

/// Seconds spent in each phase (nil when a boundary was never seen).
public struct PhaseDurations: Sendable, Codable, Hashable {
    /// start → end of process.
    public var total: Double
    /// start → training stopped.
    public var training: Double?
    /// training stopped → artifact written.
    public var artifact: Double?
    /// artifact written → final score.
    public var evaluation: Double?
    /// training stopped → final score (or end of process when no score): what the eval cap limits.
    public var afterTraining: Double?

    public init(_ t: PhaseTimestamps) {
        total = t.end - t.start
        training = t.trainingStopped.map { $0 - t.start }
        artifact = t.trainingStopped.flatMap { stop in t.artifactWritten.map { $0 - stop } }
        evaluation = t.artifactWritten.flatMap { written in t.finalScore.map { $0 - written } }
        afterTraining = t.trainingStopped.map { (t.finalScore ?? t.end) - $0 }
    }
}

extension RunRecord {
    /// Canonical JSON with snake_case keys.
    public func encoded() throws -> Data {
        try RecordJSON.encode(self)
    }
}

/// Canonical JSON (sorted keys, stable) with snake_case keys, as `run.json` and
/// `environment.json` are written.
public enum RecordJSON {
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        var data = try encoder.encode(value)
        data.append(0x0A)
        return data
    }

    /// Refuses JSON with a duplicate key (``StrictJSON``) before decoding.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        if let problem = StrictJSON.check(data) { throw problem }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(type, from: data)
    }
}

/// A `phase` event of a trace: its name and the earliest `t` any rank wrote for it.
public struct TracePhase: Sendable, Codable, Hashable {
    public var name: String
    public var t: Double
}
