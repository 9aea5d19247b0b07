import Foundation
import RefereeAudit
import RefereeCore
import RefereeLogs
@testable import RefereeReport

/// A small record built by hand: three seeds (one a byte-identical copy of another file),
/// curves with a warm-up spike, and a compliance table with one rule of each status.
enum HandBuiltRecord {
    static func run(_ file: String, seed: Int?, bpb: Double?, loss: Double?, bytes: Int?, trainMs: Double?, evalMs: Double?, line: Int) -> RunSummary {
        var r = RunSummary(file: file, runIndex: 0)
        r.seed = seed
        r.score = bpb
        r.scoreLine = line
        r.scoreLabel = "final_int8_zlib_roundtrip_exact"
        r.valLoss = loss
        r.trainTimeMs = trainMs
        r.evalTimeMs = evalMs
        r.codeBytes = 47_642
        r.artifactBytes = bytes
        r.gpu = "NVIDIA H100 80GB HBM3"
        r.gpuCount = 8
        return r
    }

    static func audit(results: [RuleResult]? = nil, runs: [RunSummary]? = nil) -> RecordAudit {
        let runs = runs ?? [
            run("train_seed42.log", seed: 42, bpb: 1.22436570, loss: 2.07269931, bytes: 15_863_489, trainMs: 600_038, evalMs: 1_404, line: 120),
            run("train_seed1337.log", seed: 1337, bpb: 1.22521201, loss: 2.07413207, bytes: 15_861_002, trainMs: 599_812, evalMs: 1_398, line: 121),
            {
                var copy = run("train.log", seed: 1337, bpb: 1.22521201, loss: 2.07413207, bytes: 15_861_002, trainMs: 599_812, evalMs: 1_398, line: 121)
                copy.duplicateOf = "train_seed1337.log"
                return copy
            }(),
            run("train_seed7.log", seed: 7, bpb: 1.22390011, loss: 2.07191104, bytes: 15_864_120, trainMs: 600_101, evalMs: 1_410, line: 119),
        ]
        let results = results ?? [
            RuleResult(id: "size.artifact-cap", status: .pass, message: "largest artifact 15,864,120 bytes ≤ 16,000,000",
                       evidence: [Evidence("Total submission size int8+zlib: 15864120 bytes", at: SourceLocation(file: "train_seed7.log", line: 110))]),
            RuleResult(id: "time.train-cap", status: .pass, message: "longest training 600.101 s ≤ 600 s + tolerance"),
            RuleResult(id: "causal.score-before-update", status: .unverifiable, message: "no trace files in the record (traces/seed*/)"),
            RuleResult(id: "claims.mean-not-best", status: .fail, severity: .warning, message: "submission.json val_bpb 1.22390011 is the best seed | not the mean",
                       evidence: [Evidence("val_bpb", at: SourceLocation(file: "submission.json", line: 3))]),
        ]
        return RecordAudit(path: "records/track_10min_16mb/2026-03-18_HandBuilt", track: "track_10min_16mb",
                           rulesVersion: "2026.04", rulesDigest: String(repeating: "ab", count: 32),
                           score: 1.22449261, runs: runs, results: results)
    }

    /// A parsed log for each seed: a spiky start, a smooth descent, two validations.
    static func logs() -> [LogFile] {
        [("train_seed42.log", 0.0), ("train_seed1337.log", 0.01), ("train_seed7.log", -0.01)].map { file, shift in
            var run = RunLog(file: file, runIndex: 0, firstLine: 1, lastLine: 130)
            var steps: [StepPoint] = [StepPoint(step: 0, valLoss: 6.93, valBPB: 4.1, line: 40)]
            steps.append(StepPoint(step: 1, totalSteps: 20000, trainLoss: 6.94 + shift, line: 41))
            steps.append(StepPoint(step: 2, totalSteps: 20000, trainLoss: 16.2 + shift, line: 42))
            for (i, step) in stride(from: 200, through: 13_000, by: 800).enumerated() {
                let loss = 2.05 + 1.6 / (1 + Double(i)) + shift
                steps.append(StepPoint(step: step, totalSteps: 20000, trainLoss: loss, line: 43 + i))
            }
            steps.append(StepPoint(step: 13_400, valLoss: 2.06, valBPB: 1.2201 + shift, line: 100))
            run.steps = steps
            run.lastTimestamp = nil
            return LogFile(path: file, byteCount: 1000, lineCount: 130, runs: [run], notes: [])
        }
    }

    static func evidence(audit: RecordAudit = audit()) -> RecordEvidence {
        RecordEvidence(audit: audit, logs: logs(),
                       files: [IncludedFile(path: "train.log", bytes: 32_869), IncludedFile(path: "train_gpt.py", bytes: 47_642),
                               IncludedFile(path: "train_seed1337.log", bytes: 32_869), IncludedFile(path: "train_seed42.log", bytes: 32_870),
                               IncludedFile(path: "train_seed7.log", bytes: 32_866)],
                       folderName: "2026-03-18_HandBuilt")
    }

    static let metadata = SubmissionMetadata(author: "Ada Example", githubID: "ada-example", name: "Hand-built baseline | test",
                                             blurb: "", date: "2026-03-18")

    static func page(comparison: Comparison? = nil, audit: RecordAudit = audit()) -> RecordPage {
        RecordPage(evidence: evidence(audit: audit), metadata: metadata, comparison: comparison, generator: "referee 0.1.0")
    }
}
