import Foundation
import RefereeCore

/// What Referee measured while it ran a record (`run.json`, schema `referee.run/v1`, and
/// `environment.json`), read leniently: every field is optional, so records written by older
/// runners (or made elsewhere, with no run.json at all) still audit from their logs. Only the
/// fields the checks read are decoded (docs/audit.md lists them).
public struct MeasuredRecord: Codable, Hashable, Sendable {
    /// run.json as reported in evidence (record-relative when audited by folder).
    public var path: String = "run.json"
    /// environment.json as reported in evidence, nil when the record has none.
    public var environmentPath: String?

    public var launcher: String?
    /// `entry_script` (the script Referee started, record-relative).
    public var entryScript: String?
    public var nprocPerNode: Int?
    public var settings: [String]?
    public var seedsRequested: [Int]?
    public var invocation: Invocation?
    public var code: Code?
    public var data: DataFacts?
    public var sandbox: Sandbox?
    public var caps: Caps?
    public var track: String?
    public var seeds: [Seed] = []
    /// True when Ctrl-C / SIGTERM stopped the run.
    public var interrupted: Bool?
    /// The re-hash of every listed file after every process was dead (runner v0.2).
    public var integrity: Integrity?
    /// `gpus` lines of environment.json (`index, name, memory, driver, bus id`), nil when absent.
    public var gpus: [String]?

    public struct Invocation: Codable, Hashable, Sendable {
        public var dataPath: String?
        public var tokenizerPath: String?
        public var entry: String?
        public var track: String?
        /// `--torchrun` as given (torchrun even for one process).
        public var torchrun: Bool?
        enum CodingKeys: String, CodingKey { case dataPath = "data_path", tokenizerPath = "tokenizer_path", entry, track, torchrun }
    }

    /// A file Referee hashed.
    public struct FileDigest: Codable, Hashable, Sendable {
        public var path: String?
        public var bytes: Int?
        public var sha256: String?
        public init(path: String? = nil, bytes: Int? = nil, sha256: String? = nil) {
            self.path = path
            self.bytes = bytes
            self.sha256 = sha256
        }
    }

    public struct Code: Codable, Hashable, Sendable {
        public var files: [FileDigest]?
        public var countedBytes: Int?
        public var form: String?
        enum CodingKeys: String, CodingKey { case files, countedBytes = "counted_bytes", form }
    }

    public struct Shard: Codable, Hashable, Sendable {
        public var name: String?
        public var split: String?
        public var bytes: Int?
        public var sha256: String?
        public var tokens: Int?
    }

    /// The shards and tokenizer Referee supplied, and its own counts over the val shards.
    public struct DataFacts: Codable, Hashable, Sendable {
        public var dataPath: String?
        public var tokenizer: FileDigest?
        public var shards: [Shard]?
        /// Tokens in the validation shards Referee supplied.
        public var valTokens: Int?
        /// Referee's byte count over those shards with the tokenizer (RefereeData's rule).
        public var valBytes: Int?
        enum CodingKeys: String, CodingKey { case dataPath = "data_path", tokenizer, shards, valTokens = "val_tokens", valBytes = "val_bytes" }
        public init(dataPath: String? = nil, tokenizer: FileDigest? = nil, shards: [Shard]? = nil, valTokens: Int? = nil, valBytes: Int? = nil) {
            self.dataPath = dataPath
            self.tokenizer = tokenizer
            self.shards = shards
            self.valTokens = valTokens
            self.valBytes = valBytes
        }
    }

    public struct Sandbox: Codable, Hashable, Sendable {
        public var mechanism: String?
        public var applied: Bool?
        public var protections: [String: Bool]?
        public var reason: String?
    }

    public struct Integrity: Codable, Hashable, Sendable {
        public var files: Int?
        /// Files whose digest or size changed after Referee hashed them.
        public var changed: [String]?
    }

    public struct Caps: Codable, Hashable, Sendable {
        public var trainSeconds: Double?
        public var evalSeconds: Double?
        public var graceSeconds: Double?
        enum CodingKeys: String, CodingKey { case trainSeconds = "train_seconds", evalSeconds = "eval_seconds", graceSeconds = "grace_seconds" }
    }

    /// The declared artifact as Referee measured it after the run.
    public struct Artifact: Codable, Hashable, Sendable {
        public var path: String?
        public var bytes: Int?
        public var sha256: String?
        /// Unix seconds (Referee's clock) of the file's final write.
        public var finalWriteAt: Double?
        enum CodingKeys: String, CodingKey { case path, bytes, sha256, finalWriteAt = "final_write_at" }
        public init(path: String? = nil, bytes: Int? = nil, sha256: String? = nil, finalWriteAt: Double? = nil) {
            self.path = path
            self.bytes = bytes
            self.sha256 = sha256
            self.finalWriteAt = finalWriteAt
        }
    }

    public struct Timestamps: Codable, Hashable, Sendable {
        public var start: Double?
        public var trainingStopped: Double?
        public var artifactWritten: Double?
        public var finalScore: Double?
        public var end: Double?
        enum CodingKeys: String, CodingKey { case start, trainingStopped = "training_stopped", artifactWritten = "artifact_written", finalScore = "final_score", end }
    }

    public struct WallSeconds: Codable, Hashable, Sendable {
        /// Referee-measured: spawn → the artifact's first observed write / training stop.
        public var training: Double?
        public var total: Double?
        public var evaluation: Double?
        public var afterTraining: Double?
        enum CodingKeys: String, CodingKey { case training, total, evaluation, afterTraining = "after_training" }
    }

    public struct Deadlines: Codable, Hashable, Sendable {
        public var trainAt: Double?
        public var totalAt: Double?
        enum CodingKeys: String, CodingKey { case trainAt = "train_at", totalAt = "total_at" }
    }

    /// A Python module the run imported (recorded by Referee's helper at exit).
    public struct ImportedModule: Codable, Hashable, Sendable {
        public var path: String?
        public var bytes: Int?
        public var sha256: String?
        /// `record`, `outside`, `stdlib` or `site`.
        public var origin: String?
        public init(path: String? = nil, bytes: Int? = nil, sha256: String? = nil, origin: String? = nil) {
            self.path = path
            self.bytes = bytes
            self.sha256 = sha256
            self.origin = origin
        }
    }

    public struct Seed: Codable, Hashable, Sendable {
        public var seed: Int?
        public var log: FileDigest?
        public var artifact: Artifact?
        public var artifacts: [FileDigest]?
        public var traces: [FileDigest]?
        public var timestamps: Timestamps?
        public var wallSeconds: WallSeconds?
        public var deadlines: Deadlines?
        public var importedModules: [ImportedModule]?
        /// `NAME=value` words Referee added to the environment.
        public var environment: [String]?
        public var stop: String?
        enum CodingKeys: String, CodingKey {
            case seed, log, artifact, artifacts, traces, timestamps, deadlines, environment, stop
            case wallSeconds = "wall_seconds", importedModules = "imported_modules"
        }
        public init(seed: Int?) { self.seed = seed }
    }

    enum CodingKeys: String, CodingKey {
        case launcher, settings, invocation, entryScript = "entry_script", code, data, sandbox, caps, track, seeds, interrupted, integrity
        case nprocPerNode = "nproc_per_node", seedsRequested = "seeds_requested"
    }

    public init() {}

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        launcher = try c.decodeIfPresent(String.self, forKey: .launcher)
        entryScript = try c.decodeIfPresent(String.self, forKey: .entryScript)
        nprocPerNode = try c.decodeIfPresent(Int.self, forKey: .nprocPerNode)
        settings = try c.decodeIfPresent([String].self, forKey: .settings)
        seedsRequested = try c.decodeIfPresent([Int].self, forKey: .seedsRequested)
        invocation = try c.decodeIfPresent(Invocation.self, forKey: .invocation)
        code = try c.decodeIfPresent(Code.self, forKey: .code)
        data = try c.decodeIfPresent(DataFacts.self, forKey: .data)
        sandbox = try c.decodeIfPresent(Sandbox.self, forKey: .sandbox)
        caps = try c.decodeIfPresent(Caps.self, forKey: .caps)
        track = try c.decodeIfPresent(String.self, forKey: .track)
        seeds = try c.decodeIfPresent([Seed].self, forKey: .seeds) ?? []
        interrupted = try c.decodeIfPresent(Bool.self, forKey: .interrupted)
        integrity = try c.decodeIfPresent(Integrity.self, forKey: .integrity)
    }

    /// The measured seed whose log is `logName` (record-relative), else the one with `seed`.
    public func seed(log logName: String, seed number: Int?) -> Seed? {
        if let byLog = seeds.first(where: { $0.log?.path == logName }) { return byLog }
        guard let number else { return nil }
        return seeds.first { $0.seed == number }
    }

    /// The entry script's name: `invocation.entry`, `entry_script`, else `train_gpt.py`.
    public var entry: String { invocation?.entry ?? entryScript ?? "train_gpt.py" }

    /// The seeds Referee ran (from `seeds[]`, else `seeds_requested`).
    public var seedNumbers: [Int] {
        let ran = seeds.compactMap(\.seed)
        return ran.isEmpty ? (seedsRequested ?? []) : ran
    }

    /// `DATA_PATH` as given: the invocation flag, `data.data_path`, or a seed's environment.
    public var dataPath: String? {
        invocation?.dataPath ?? data?.dataPath ?? environmentValue("DATA_PATH")
    }

    /// `TOKENIZER_PATH` as given.
    public var tokenizerPath: String? {
        invocation?.tokenizerPath ?? data?.tokenizer?.path ?? environmentValue("TOKENIZER_PATH")
    }

    /// The value of `NAME` in the first seed's environment that sets it.
    public func environmentValue(_ name: String) -> String? {
        for seed in seeds {
            if let word = seed.environment?.first(where: { $0.hasPrefix(name + "=") }) {
                return String(word.dropFirst(name.count + 1))
            }
        }
        return nil
    }

    /// The GPUs of environment.json: model names, one per `nvidia-smi` line.
    public var gpuModels: [String]? {
        gpus.map { lines in
            lines.compactMap { line -> String? in
                let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                guard fields.count >= 2, !fields[1].isEmpty else { return nil }
                return fields[1]
            }
        }
    }
}

extension MeasuredRecord {
    /// Reads `run.json` (and `environment.json` beside it) of a record folder; nil when the
    /// folder has no run.json. `shown` prefixes the paths reported in evidence.
    public static func load(folder: URL, shown: (String) -> String) throws(AuditError) -> MeasuredRecord? {
        let runURL = folder.appendingPathComponent("run.json")
        guard FileManager.default.fileExists(atPath: runURL.path) else { return nil }
        var record: MeasuredRecord
        do {
            record = try JSONDecoder().decode(MeasuredRecord.self, from: Data(contentsOf: runURL))
        } catch {
            throw AuditError.badEvidence(path: shown("run.json"), reason: "not a referee.run/v1 document (\(describe(error)))")
        }
        record.path = shown("run.json")
        let envURL = folder.appendingPathComponent("environment.json")
        if FileManager.default.fileExists(atPath: envURL.path) {
            struct Env: Decodable { var gpus: [String]? }
            do {
                let env = try JSONDecoder().decode(Env.self, from: Data(contentsOf: envURL))
                record.gpus = env.gpus
                record.environmentPath = shown("environment.json")
            } catch {
                throw AuditError.badEvidence(path: shown("environment.json"), reason: "not an environment record (\(describe(error)))")
            }
        }
        return record
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.typeMismatch(let type, let context), DecodingError.valueNotFound(let type, let context):
            return "expected \(type) at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.keyNotFound(let key, let context):
            return "missing \(key.stringValue) at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.dataCorrupted(let context):
            return "invalid JSON: \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }
}
