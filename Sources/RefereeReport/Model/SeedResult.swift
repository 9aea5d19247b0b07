import RefereeAudit

/// One distinct run of a record, as the generated files show it. Every number comes from the
/// audit's reading of the logs (never from a submission.json).
package struct SeedResult: Codable, Hashable, Sendable {
    /// The key used in submission.json's `seeds` map: the logged seed, or `file#run` when the
    /// log names none; `seed (file#run)` when several distinct runs log the same seed.
    package var key: String
    package var seed: Int?
    package var file: String
    package var runIndex: Int
    package var valBPB: Double?
    package var valLoss: Double?
    package var artifactBytes: Int?
    package var codeBytes: Int?
    package var trainTimeMs: Double?
    package var evalTimeMs: Double?
    /// Line of the log the score was read from, and its label.
    package var scoreLine: Int?
    package var scoreLabel: String?
    /// `8×NVIDIA H100 80GB HBM3`, when the log shows its GPUs.
    package var hardware: String?

    package init(run: RunSummary) {
        key = run.seed.map(String.init) ?? "\(run.file)#\(run.runIndex)"
        seed = run.seed
        file = run.file
        runIndex = run.runIndex
        valBPB = run.score
        valLoss = run.valLoss
        artifactBytes = run.artifactBytes
        codeBytes = run.codeBytes
        trainTimeMs = run.trainTimeMs
        evalTimeMs = run.evalTimeMs
        scoreLine = run.scoreLine
        scoreLabel = run.scoreLabel
        hardware = run.gpu.map { gpu in run.gpuCount.map { "\($0)×\(gpu)" } ?? gpu }
    }

    /// Display order: numeric seeds ascending, then runs without a seed by file and index.
    static func ordered(_ a: SeedResult, _ b: SeedResult) -> Bool {
        switch (a.seed, b.seed) {
        case let (x?, y?) where x != y: return x < y
        case (.some, nil): return true
        case (nil, .some): return false
        default: return (a.file, a.runIndex) < (b.file, b.runIndex)
        }
    }
}
