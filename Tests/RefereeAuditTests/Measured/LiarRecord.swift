import Foundation
import Testing
import RefereeCrypto
import RefereeTestSupport
@testable import RefereeAudit

/// A record folder as `referee run` writes it (run.json, environment.json, stamped logs, traces,
/// the script), built by hand so that each test can make one part of it lie. The honest default:
/// seed 1337 on 8×H100, 41 s of training, a 1,000-byte artifact plus a 500-byte script, a
/// validation set of 21 tokens and 60 bytes scored by one rank in two events.
struct LiarRecord {
    static let t0 = 1_795_560_000.0
    static let script = String(repeating: "#", count: 499) + "\n"

    var seeds = [1337]
    /// Stamp offsets (s) and logged train_time (ms) of the step lines.
    var steps: [(at: Double, ms: Double, val: Bool)] = [(10, 0, true), (20, 10_000, false), (30, 20_000, false), (40, 30_000, false)]
    var stopAt = 41.0
    var stopMs = 31_000.0
    var loggedArtifact = 1_500
    var artifactBytes = 1_000
    var finalWriteAt = 42.0
    var wallTraining = 41.0
    var extraLogLines: [String] = []
    var loggedBPB: Double? = nil
    var loggedLoss = 1.0
    var importedModules: [[String: Any]] = []
    var gpus = Array(repeating: "NVIDIA H100 80GB HBM3", count: 8)
    var nproc = 8
    var committedScript = LiarRecord.script
    /// Score events per traced seed: (start, end, nll, bytes, psum_min, psum_max).
    var events: [(Int, Int, Double, Double, Double, Double)] = [(1, 11, 10, 30, 0.99999, 1.00001), (11, 21, 10, 30, 0.99999, 1.00001)]
    var declaredValTokens = 21
    var tracedSeeds: [Int]? = nil
    var valTokens = 21
    var valBytes = 60
    /// `data.val_document_starts` (absent when nil).
    var documentStarts: [Int]? = nil
    /// When set, the run was in decoy mode with these `training_validation.document_starts`.
    var decoyDocumentStarts: [Int]? = nil
    var dataPath = "/data/datasets/fineweb10B_sp1024"

    /// Σ nll / (ln 2 × Σ bytes) of the events: what an honest log prints.
    var traceBPB: Double {
        let nll = events.reduce(0) { $0 + $1.2 }, bytes = events.reduce(0) { $0 + $1.3 }
        return nll / (Foundation.log(2.0) * bytes)
    }

    func log(seed: Int) -> String {
        var lines: [(Double, String)] = [(0.5, "seed:\(seed)")]
        for (i, s) in steps.enumerated() {
            let val = s.val ? " val_loss:3.0000 val_bpb:4.0000" : " train_loss:3.0000"
            lines.append((s.at, "step:\(i * 10)/100\(val) train_time:\(Int(s.ms))ms step_avg:1.00ms"))
        }
        lines.append((stopAt, "stopping_early: wallclock_cap train_time:\(Int(stopMs))ms step:31/100"))
        lines.append((stopAt + 0.5, "Serialized model int8+zlib: \(loggedArtifact - 500) bytes"))
        lines.append((stopAt + 0.6, "Total submission size int8+zlib: \(loggedArtifact) bytes"))
        let bpb = loggedBPB ?? traceBPB
        lines.append((stopAt + 8, "final_int8_zlib_roundtrip_exact val_loss:\(String(format: "%.8f", loggedLoss)) val_bpb:\(String(format: "%.8f", bpb)) eval_time:5000ms"))
        var text = lines.map { String(format: "%.6f", Self.t0 + $0.0) + " " + $0.1 }.joined(separator: "\n") + "\n"
        for extra in extraLogLines { text += String(format: "%.6f", Self.t0 + stopAt + 9) + " " + extra + "\n" }
        return text
    }

    func trace(seed: Int) -> String {
        var lines: [String] = []
        var prev = String(repeating: "0", count: 64)
        func add(_ fields: [String: Any]) {
            var all = fields
            all["v"] = 1; all["rank"] = 0; all["seq"] = lines.count; all["prev"] = prev; all["t"] = Self.t0 + 45 + Double(lines.count)
            let data = try! JSONSerialization.data(withJSONObject: all, options: [.sortedKeys])
            let line = String(decoding: data, as: UTF8.self)
            lines.append(line)
            prev = SHA256.hex(Data(line.utf8))
        }
        add(["ev": "phase", "name": "eval_start", "val_tokens": declaredValTokens, "world_size": 1])
        for e in events {
            add(["ev": "score", "start": e.0, "end": e.1, "nll": e.2, "bytes": e.3, "psum_min": e.4, "psum_max": e.5])
        }
        add(["ev": "phase", "name": "eval_end"])
        return lines.joined(separator: "\n") + "\n"
    }

    var runJSON: [String: Any] {
        [
            "schema": "referee.run/v1", "launcher": "torchrun", "nproc_per_node": nproc, "entry_script": "train_gpt.py",
            "track": "track_10min_16mb", "seeds_requested": seeds, "settings": ["MAX_WALLCLOCK_SECONDS=600"],
            "invocation": ["data_path": dataPath, "tokenizer_path": "/data/tokenizers/fineweb_1024_bpe.model", "entry": "train_gpt.py", "track": "track_10min_16mb"],
            "code": ["files": [["path": "train_gpt.py", "bytes": Self.script.utf8.count, "sha256": SHA256.hex(Data(Self.script.utf8))]], "counted_bytes": Self.script.utf8.count, "form": "plain"],
            "data": ["data_path": dataPath, "val_tokens": valTokens, "val_bytes": valBytes,
                     "shards": [["name": "fineweb_val_000000.bin", "split": "val", "bytes": 1066, "sha256": String(repeating: "ab", count: 32), "tokens": valTokens]]]
                .merging(documentStarts.map { ["val_document_starts": $0] } ?? [:]) { a, _ in a },
            "training_validation": decoyDocumentStarts.map {
                ["mode": "decoy", "reason": "test", "tokens": valTokens, "bytes": valBytes, "document_starts": $0] as [String: Any]
            } ?? ["mode": "real", "reason": "test", "tokens": valTokens, "bytes": valBytes],
            "sandbox": ["mechanism": "namespaces", "applied": true, "protections": ["mount": true, "pid": true, "network": true, "ipc": true]],
            "seeds": seeds.map { seed -> [String: Any] in
                [
                    "seed": seed, "log": ["path": "train_seed\(seed).log"],
                    "artifact": ["path": "artifacts/seed\(seed)/final_model.ptz", "bytes": artifactBytes, "sha256": String(repeating: "cd", count: 32), "final_write_at": Self.t0 + finalWriteAt],
                    "timestamps": ["start": Self.t0, "training_stopped": Self.t0 + stopAt, "artifact_written": Self.t0 + stopAt + 0.6, "final_score": Self.t0 + stopAt + 8, "end": Self.t0 + stopAt + 9],
                    "wall_seconds": ["training": wallTraining, "total": stopAt + 9],
                    "deadlines": ["train_at": Self.t0 + 660, "total_at": Self.t0 + 1260],
                    "imported_modules": [["path": "/rec/train_gpt.py", "bytes": Self.script.utf8.count, "origin": "record"]] + importedModules,
                    "environment": ["SEED=\(seed)", "DATA_PATH=\(dataPath)", "MAX_WALLCLOCK_SECONDS=600"],
                ]
            },
        ]
    }

    /// Writes the record into a fresh temporary folder.
    func write() throws -> URL {
        let dir = try TestPaths.tempDir("liar").appendingPathComponent("rec")
        let fm = FileManager.default
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data(committedScript.utf8).write(to: dir.appendingPathComponent("train_gpt.py"))
        for seed in seeds {
            try Data(log(seed: seed).utf8).write(to: dir.appendingPathComponent("train_seed\(seed).log"))
        }
        for seed in tracedSeeds ?? seeds {
            let traces = dir.appendingPathComponent("traces/seed\(seed)")
            try fm.createDirectory(at: traces, withIntermediateDirectories: true)
            try Data(trace(seed: seed).utf8).write(to: traces.appendingPathComponent("rank0.jsonl"))
        }
        try JSONSerialization.data(withJSONObject: runJSON, options: [.sortedKeys]).write(to: dir.appendingPathComponent("run.json"))
        let env: [String: Any] = ["gpus": gpus.enumerated().map { "\($0.offset), \($0.element), 81559 MiB, 580.1, 00000000:0\($0.offset):00.0" }]
        try JSONSerialization.data(withJSONObject: env).write(to: dir.appendingPathComponent("environment.json"))
        return dir
    }

    static var rules: RuleSet {
        get throws { try RuleSet.load(TestPaths.repoRoot.appendingPathComponent("Rules/track_10min_16mb.toml")) }
    }

    /// The record's context and its audit under the record track's rules.
    func audit() throws -> (context: AuditContext, results: [String: RuleResult]) {
        let dir = try write()
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let context = try EvidenceLoader().context(for: dir, displayPath: "rec")
        let audit = Auditor(rules: try Self.rules).audit(context)
        return (context, Dictionary(audit.results.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }))
    }

    /// One rule's result on `context` (to show what a check decides without the measurement).
    static func check(_ id: String, _ context: AuditContext) throws -> RuleResult {
        let rule = try #require(try rules.rule(id), "no rule \(id)")
        return CheckRegistry.checks[id]!(context, rule)
    }
}
