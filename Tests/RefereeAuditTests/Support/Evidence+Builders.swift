import Foundation
import RefereeCore
import RefereeLogs
@testable import RefereeAudit

/// Hand-built runs and contexts for check tests (the log reader is tested on real logs elsewhere).
enum Build {
    /// A run with a score line after its size line, 8×H100, 590 s of training.
    static func run(
        file: String = "train_seed1.log", index: Int = 0, seed: Int? = 1,
        bpb: Double? = 1.10000000, loss: Double? = 2.50000000,
        artifact: Int? = 15_900_000, model: Int? = nil, code: Int? = 60_000,
        trainMs: Double? = 590_000, capStop: Bool = true,
        evals: [(label: String, ms: Double?, kind: EvalKind)] = [("final_int8_zlib_roundtrip", 60_000, .final)],
        gpu: (String, Int)? = ("NVIDIA H100 80GB HBM3", 8), world: Int? = 8,
        source: String? = nil
    ) -> RunLog {
        var run = RunLog(file: file, runIndex: index, firstLine: 1, lastLine: 200)
        run.seed = seed
        run.seedLocation = seed.map { _ in SourceLocation(file: file, line: 20) }
        run.worldSize = world
        if let gpu { run.gpu = GPUInfo(model: gpu.0, count: gpu.1, location: SourceLocation(file: file, line: 10)) }
        run.trainTimeMs = trainMs
        run.trainTimeLocation = trainMs.map { _ in SourceLocation(file: file, line: 100) }
        run.stoppedAtWallclockCap = capStop
        run.sizes = SizeReport(
            codeBytes: code.map { ByteCount(bytes: $0, location: SourceLocation(file: file, line: 109)) },
            modelBytes: model.map { ByteCount(bytes: $0, location: SourceLocation(file: file, line: 108)) },
            artifactBytes: artifact.map { ByteCount(bytes: $0, location: SourceLocation(file: file, line: 110)) }
        )
        var line = 110
        for e in evals {
            line += 1
            run.evals.append(EvalLine(label: e.label, valLoss: loss, valBPB: bpb ?? 1.2, decimals: 4, evalTimeMs: e.ms, kind: e.kind, location: SourceLocation(file: file, line: line)))
        }
        if let bpb {
            line += 1
            let exact = EvalLine(label: "final_int8_zlib_roundtrip_exact", valLoss: loss, valBPB: bpb, decimals: 8, evalTimeMs: nil, kind: .final, location: SourceLocation(file: file, line: line))
            run.evals.append(exact)
            run.score = ScoreChoice(eval: exact, reason: "test")
        }
        if let source {
            run.embeddedSource = source
            run.embeddedSourceLines = 2...50
        }
        return run
    }

    static func log(_ runs: RunLog...) -> LogFile {
        LogFile(path: runs[0].file, byteCount: 1000, lineCount: 200, runs: runs, notes: [])
    }

    static func claims(bpb: Double? = nil, decimals: Int? = nil, total: Int? = nil, seeds: [SeedClaim] = []) -> SubmissionClaims {
        var c = SubmissionClaims(path: "rec/submission.json")
        c.valBPB = bpb
        c.valBPBDecimals = decimals
        c.bytesTotal = total
        c.seeds = seeds
        return c
    }

    /// A context over `logs`; each log's digest is its path unless `digests` says otherwise.
    static func context(_ logs: [LogFile], claims: SubmissionClaims? = nil, digests: [String: String] = [:], scripts: [CommittedFile] = [], against: AgainstRecord? = nil, folderFiles: [String]? = nil) -> AuditContext {
        var d: [String: String] = [:]
        for log in logs { d[log.path] = digests[log.path] ?? "digest-of-\(log.path)" }
        let folder = folderFiles.map {
            RecordFolder(root: URL(fileURLWithPath: "/rec"), track: nil, logFiles: logs.map(\.path), submissionFile: nil, scripts: [], tokenizers: [], allFiles: $0)
        }
        return AuditContext(path: "rec", folder: folder, logs: logs, claims: claims, logDigests: d, against: against, scripts: scripts)
    }

    /// Three honest runs with seeds 1, 2, 3.
    static func threeSeeds(bpbs: [Double] = [1.10, 1.11, 1.12], artifacts: [Int] = [15_900_000, 15_950_000, 15_920_000]) -> [LogFile] {
        (0..<3).map { i in
            log(run(file: "train_seed\(i + 1).log", seed: i + 1, bpb: bpbs[i], loss: 2.5 + Double(i) / 100, artifact: artifacts[i]))
        }
    }

    static func rule(_ id: String, thresholds: [String: Double] = [:], parameters: [String: String] = [:]) -> Rule {
        Rule(id: id, statement: "test", severity: .error, thresholds: thresholds, source: "test", parameters: parameters)
    }

    /// Runs the registered check of `id` over `context`.
    static func check(_ id: String, _ context: AuditContext, thresholds: [String: Double] = [:], parameters: [String: String] = [:]) -> RuleResult {
        CheckRegistry.checks[id]!(context, rule(id, thresholds: thresholds, parameters: parameters))
    }
}
