import Foundation
import RefereeCore
import RefereeCrypto
import RefereeTrace

/// What Referee measured while it ran a record (`run.json`, schema `referee.run/v1`, and
/// `environment.json`), read leniently: every field is optional, so records written by older
/// runners (or made elsewhere, with no run.json at all) still audit from their logs. Only the
/// fields the checks read are decoded (docs/audit.md lists them).
package struct MeasuredRecord: Codable, Hashable, Sendable {
    /// run.json as reported in evidence (record-relative when audited by folder).
    package var path: String = "run.json"
    /// environment.json as reported in evidence, nil when the record has none.
    package var environmentPath: String?

    package var launcher: String?
    /// `entry_script` (the script Referee started, record-relative).
    package var entryScript: String?
    package var nprocPerNode: Int?
    package var settings: [String]?
    package var seedsRequested: [Int]?
    package var invocation: Invocation?
    package var code: Code?
    package var data: DataFacts?
    package var sandbox: Sandbox?
    package var caps: Caps?
    package var track: String?
    package var seeds: [Seed] = []
    /// True when Ctrl-C / SIGTERM stopped the run.
    package var interrupted: Bool?
    /// The re-hash of every listed file after every process was dead (runner v0.2).
    package var integrity: Integrity?
    /// `gpus` lines of environment.json (`index, name, memory, driver, bus id`), nil when absent.
    package var gpus: [String]?
    /// What the training process got in place of the validation shards (run.json
    /// `training_validation`, `referee run --training-validation`); nil in older records.
    package var trainingValidation: TrainingValidation?
    /// The held-out shards given with `--heldout-shards` (run.json `heldout`).
    package var heldout: Heldout?

    package struct TrainingValidation: Codable, Hashable, Sendable {
        /// `decoy` or `real`.
        package var mode: String?
        package var reason: String?
        package var source: Source?
        package var tokens: Int?
        /// Bytes of the targets of the stream training saw as validation (the decoy's in mode decoy).
        package var bytes: Int?
        package var sha256: String?
        /// Host folders hidden from the training process.
        package var hidden: [String]?
        /// Stream positions of the decoy's BOS tokens (mode decoy).
        package var documentStarts: [Int]?
        package struct Source: Codable, Hashable, Sendable {
            package var description: String?
        }
        enum CodingKeys: String, CodingKey {
            case mode, reason, source, tokens, bytes, sha256, hidden, documentStarts = "document_starts"
        }
        package init(mode: String? = nil, reason: String? = nil, source: Source? = nil, tokens: Int? = nil, bytes: Int? = nil,
                     sha256: String? = nil, hidden: [String]? = nil) {
            self.mode = mode
            self.reason = reason
            self.source = source
            self.tokens = tokens
            self.bytes = bytes
            self.sha256 = sha256
            self.hidden = hidden
        }
    }

    package struct Heldout: Codable, Hashable, Sendable {
        package var path: String?
        package var tokens: Int?
        package var shards: [Shard]?
    }

    /// True when the training process saw a decoy instead of the validation shards.
    package var trainedOnDecoy: Bool { trainingValidation?.mode == "decoy" }

    /// The target bytes of the stream the TRAINING run scored itself on (its log and its trace):
    /// the decoy's in mode decoy, else the validation shards' (`data.val_bytes`).
    package var trainingStreamBytes: Int? { trainedOnDecoy ? trainingValidation?.bytes : data?.valBytes }

    /// The documents of the stream the training run's trace counts positions in, as Referee read
    /// them: the validation shards' (`data.val_document_starts`), or in decoy mode the decoy's
    /// (`training_validation.document_starts`); nil for a run.json without them, or for a list
    /// that is not ascending inside its stream (``DocumentIndex``).
    package var validationDocuments: DocumentIndex? {
        if trainedOnDecoy {
            return trainingValidation?.documentStarts.flatMap { DocumentIndex(starts: $0, tokens: trainingValidation?.tokens) }
        }
        return data?.valDocumentStarts.flatMap { DocumentIndex(starts: $0, tokens: data?.valTokens) }
    }

    /// What that stream is, for messages.
    package var trainingStreamName: String { trainedOnDecoy ? "the decoy validation stream training got" : "the validation shards" }

    package struct Invocation: Codable, Hashable, Sendable {
        package var dataPath: String?
        package var tokenizerPath: String?
        package var entry: String?
        package var track: String?
        /// `--torchrun` as given (torchrun even for one process).
        package var torchrun: Bool?
        enum CodingKeys: String, CodingKey { case dataPath = "data_path", tokenizerPath = "tokenizer_path", entry, track, torchrun }
    }

    /// A file Referee hashed.
    package struct FileDigest: Codable, Hashable, Sendable {
        package var path: String?
        package var bytes: Int?
        package var sha256: String?
        package init(path: String? = nil, bytes: Int? = nil, sha256: String? = nil) {
            self.path = path
            self.bytes = bytes
            self.sha256 = sha256
        }
    }

    package struct Code: Codable, Hashable, Sendable {
        package var files: [FileDigest]?
        package var countedBytes: Int?
        package var form: String?
        enum CodingKeys: String, CodingKey { case files, countedBytes = "counted_bytes", form }
    }

    package struct Shard: Codable, Hashable, Sendable {
        package var name: String?
        package var split: String?
        package var bytes: Int?
        package var sha256: String?
        package var tokens: Int?
    }

    /// The shards and tokenizer Referee supplied, and its own counts over the val shards.
    package struct DataFacts: Codable, Hashable, Sendable {
        package var dataPath: String?
        package var tokenizer: FileDigest?
        package var shards: [Shard]?
        /// Tokens in the validation shards Referee supplied.
        package var valTokens: Int?
        /// Referee's byte count over those shards with the tokenizer (RefereeData's rule).
        package var valBytes: Int?
        /// Stream positions of the validation documents' BOS tokens, as Referee read them.
        package var valDocumentStarts: [Int]?
        enum CodingKeys: String, CodingKey {
            case dataPath = "data_path", tokenizer, shards, valTokens = "val_tokens", valBytes = "val_bytes"
            case valDocumentStarts = "val_document_starts"
        }
        package init(dataPath: String? = nil, tokenizer: FileDigest? = nil, shards: [Shard]? = nil, valTokens: Int? = nil, valBytes: Int? = nil,
                     valDocumentStarts: [Int]? = nil) {
            self.dataPath = dataPath
            self.tokenizer = tokenizer
            self.shards = shards
            self.valTokens = valTokens
            self.valBytes = valBytes
            self.valDocumentStarts = valDocumentStarts
        }
    }

    package struct Sandbox: Codable, Hashable, Sendable {
        package var mechanism: String?
        package var applied: Bool?
        package var protections: [String: Bool]?
        package var reason: String?
    }

    package struct Integrity: Codable, Hashable, Sendable {
        package var files: Int?
        /// Files whose digest or size changed after Referee hashed them.
        package var changed: [String]?
    }

    package struct Caps: Codable, Hashable, Sendable {
        package var trainSeconds: Double?
        package var evalSeconds: Double?
        package var graceSeconds: Double?
        enum CodingKeys: String, CodingKey { case trainSeconds = "train_seconds", evalSeconds = "eval_seconds", graceSeconds = "grace_seconds" }
    }

    /// The declared artifact as Referee measured it after the run.
    package struct Artifact: Codable, Hashable, Sendable {
        package var path: String?
        package var bytes: Int?
        package var sha256: String?
        /// Unix seconds (Referee's clock) of the file's final write.
        package var finalWriteAt: Double?
        enum CodingKeys: String, CodingKey { case path, bytes, sha256, finalWriteAt = "final_write_at" }
        package init(path: String? = nil, bytes: Int? = nil, sha256: String? = nil, finalWriteAt: Double? = nil) {
            self.path = path
            self.bytes = bytes
            self.sha256 = sha256
            self.finalWriteAt = finalWriteAt
        }
    }

    package struct Timestamps: Codable, Hashable, Sendable {
        package var start: Double?
        package var trainingStopped: Double?
        package var artifactWritten: Double?
        package var finalScore: Double?
        package var end: Double?
        enum CodingKeys: String, CodingKey { case start, trainingStopped = "training_stopped", artifactWritten = "artifact_written", finalScore = "final_score", end }
    }

    package struct WallSeconds: Codable, Hashable, Sendable {
        /// Referee-measured: spawn → the artifact's first observed write / training stop.
        package var training: Double?
        package var total: Double?
        package var evaluation: Double?
        package var afterTraining: Double?
        enum CodingKeys: String, CodingKey { case training, total, evaluation, afterTraining = "after_training" }
    }

    package struct Deadlines: Codable, Hashable, Sendable {
        package var trainAt: Double?
        package var totalAt: Double?
        enum CodingKeys: String, CodingKey { case trainAt = "train_at", totalAt = "total_at" }
    }

    /// A Python module the run imported (recorded by Referee's helper at exit).
    package struct ImportedModule: Codable, Hashable, Sendable {
        package var path: String?
        package var bytes: Int?
        package var sha256: String?
        /// `record`, `outside`, `stdlib` or `site`.
        package var origin: String?
        package init(path: String? = nil, bytes: Int? = nil, sha256: String? = nil, origin: String? = nil) {
            self.path = path
            self.bytes = bytes
            self.sha256 = sha256
            self.origin = origin
        }
    }

    package struct Seed: Codable, Hashable, Sendable {
        package var seed: Int?
        package var log: FileDigest?
        package var artifact: Artifact?
        package var artifacts: [FileDigest]?
        package var traces: [FileDigest]?
        package var timestamps: Timestamps?
        package var wallSeconds: WallSeconds?
        package var deadlines: Deadlines?
        package var importedModules: [ImportedModule]?
        /// `NAME=value` words Referee added to the environment.
        package var environment: [String]?
        package var stop: String?
        /// False when this seed ran without Referee's sandbox (run.json `sandboxed`).
        package var sandboxed: Bool?
        enum CodingKeys: String, CodingKey {
            case seed, log, artifact, artifacts, traces, timestamps, deadlines, environment, stop, sandboxed
            case wallSeconds = "wall_seconds", importedModules = "imported_modules"
        }
        package init(seed: Int?) { self.seed = seed }
    }

    enum CodingKeys: String, CodingKey {
        case launcher, settings, invocation, entryScript = "entry_script", code, data, sandbox, caps, track, seeds, interrupted, integrity
        case nprocPerNode = "nproc_per_node", seedsRequested = "seeds_requested"
        case trainingValidation = "training_validation", heldout
    }

    package init() {}

    package init(from decoder: any Decoder) throws {
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
        trainingValidation = try c.decodeIfPresent(TrainingValidation.self, forKey: .trainingValidation)
        heldout = try c.decodeIfPresent(Heldout.self, forKey: .heldout)
    }

    /// The measured seed whose log is `logName` (record-relative), else the one with `seed`.
    package func seed(log logName: String, seed number: Int?) -> Seed? {
        if let byLog = seeds.first(where: { $0.log?.path == logName }) { return byLog }
        guard let number else { return nil }
        return seeds.first { $0.seed == number }
    }

    /// The entry script's name: `invocation.entry`, `entry_script`, else `train_gpt.py`.
    package var entry: String { invocation?.entry ?? entryScript ?? "train_gpt.py" }

    /// The seeds Referee ran (from `seeds[]`, else `seeds_requested`).
    package var seedNumbers: [Int] {
        let ran = seeds.compactMap(\.seed)
        return ran.isEmpty ? (seedsRequested ?? []) : ran
    }

    /// `DATA_PATH` as given: the invocation flag, `data.data_path`, or a seed's environment.
    package var dataPath: String? {
        invocation?.dataPath ?? data?.dataPath ?? environmentValue("DATA_PATH")
    }

    /// `TOKENIZER_PATH` as given.
    package var tokenizerPath: String? {
        invocation?.tokenizerPath ?? data?.tokenizer?.path ?? environmentValue("TOKENIZER_PATH")
    }

    /// The value of `NAME` in the first seed's environment that sets it.
    package func environmentValue(_ name: String) -> String? {
        for seed in seeds {
            if let word = seed.environment?.first(where: { $0.hasPrefix(name + "=") }) {
                return String(word.dropFirst(name.count + 1))
            }
        }
        return nil
    }

    /// The GPUs of environment.json: model names, one per `nvidia-smi` line.
    package var gpuModels: [String]? {
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
    package static func load(folder: URL, shown: (String) -> String) throws(AuditError) -> MeasuredRecord? {
        let runURL = folder.appendingPathComponent("run.json")
        guard FileManager.default.fileExists(atPath: runURL.path) else { return nil }
        let envURL = folder.appendingPathComponent("environment.json")
        return try load(run: { try Data(contentsOf: runURL) },
                        environment: FileManager.default.fileExists(atPath: envURL.path) ? { try Data(contentsOf: envURL) } : nil,
                        shown: shown)
    }

    /// ``load(folder:shown:)`` from the bytes of a record's snapshot (the bytes hashed).
    package static func load(snapshot: RecordSnapshot, shown: (String) -> String) throws(AuditError) -> MeasuredRecord? {
        guard snapshot.file("run.json") != nil || snapshot.isFolder("run.json") else { return nil }
        let hasEnvironment = snapshot.file("environment.json") != nil || snapshot.isFolder("environment.json")
        func bytes(_ name: String) throws -> Data {
            guard let data = try snapshot.contents(of: name) else {
                throw CoreError.io(path: snapshot.url(of: name).path, reason: "is a folder, not a regular file")
            }
            return data
        }
        return try load(run: { try bytes("run.json") }, environment: hasEnvironment ? { try bytes("environment.json") } : nil, shown: shown)
    }

    private static func load(run: () throws -> Data, environment: (() throws -> Data)?, shown: (String) -> String) throws(AuditError) -> MeasuredRecord? {
        var record: MeasuredRecord
        do {
            record = try JSONDecoder().decode(MeasuredRecord.self, from: run())
        } catch {
            throw AuditError.badEvidence(path: shown("run.json"), reason: "not a referee.run/v1 document (\(describe(error)))")
        }
        record.path = shown("run.json")
        if let environment {
            struct Env: Decodable { var gpus: [String]? }
            do {
                let env = try JSONDecoder().decode(Env.self, from: environment())
                record.gpus = env.gpus
                record.environmentPath = shown("environment.json")
            } catch {
                throw AuditError.badEvidence(path: shown("environment.json"), reason: "not an environment record (\(describe(error)))")
            }
        }
        return record
    }

    static func describe(_ error: any Error) -> String {
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
