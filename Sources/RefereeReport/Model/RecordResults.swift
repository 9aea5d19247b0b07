import RefereeAudit
import RefereeLogs

/// The numbers every generated file shows, computed once from ``RecordEvidence``.
///
/// Runs marked `duplicateOf` (byte-identical copies) are listed in `duplicates` and counted
/// once. Means and standard deviations are over the distinct runs that have a score; byte and
/// time totals are the maximum over distinct runs (the cap must hold for every run).
package struct RecordResults: Codable, Hashable, Sendable {
    package var seeds: [SeedResult]
    /// Files skipped as byte-identical copies, with the file each one copies.
    package var duplicates: [String: String]
    package var meanBPB: Double?
    package var meanValLoss: Double?
    /// Sample standard deviations (n − 1), nil with fewer than two scored runs.
    package var stdBPB: Double?
    package var stdValLoss: Double?
    package var bytesTotal: Int?
    package var bytesCode: Int?
    package var maxTrainTimeMs: Double?
    package var maxEvalTimeMs: Double?
    /// Distinct hardware strings of the runs, joined with `; ` when they differ.
    package var hardware: String?

    package init(audit: RecordAudit) {
        var seeds: [SeedResult] = []
        var duplicates: [String: String] = [:]
        for run in audit.runs {
            if let original = run.duplicateOf {
                duplicates[run.file] = original
            } else {
                seeds.append(SeedResult(run: run))
            }
        }
        seeds.sort(by: SeedResult.ordered)
        // Two distinct runs logging the same seed must not share a key (one would hide the
        // other in submission.json's `seeds` map): name both by file and run.
        var counts: [String: Int] = [:]
        for s in seeds { counts[s.key, default: 0] += 1 }
        for i in seeds.indices where counts[seeds[i].key, default: 0] > 1 {
            seeds[i].key = "\(seeds[i].key) (\(seeds[i].file)#\(seeds[i].runIndex))"
        }
        self.seeds = seeds
        self.duplicates = duplicates
        let bpbs = seeds.compactMap(\.valBPB)
        let losses = seeds.compactMap(\.valLoss)
        meanBPB = Statistics.mean(bpbs)
        meanValLoss = Statistics.mean(losses)
        stdBPB = Statistics.sampleStd(bpbs)
        stdValLoss = Statistics.sampleStd(losses)
        bytesTotal = seeds.compactMap(\.artifactBytes).max()
        bytesCode = seeds.compactMap(\.codeBytes).max()
        maxTrainTimeMs = seeds.compactMap(\.trainTimeMs).max()
        maxEvalTimeMs = seeds.compactMap(\.evalTimeMs).max()
        var kinds: [String] = []
        for s in seeds { if let h = s.hardware, !kinds.contains(h) { kinds.append(h) } }
        hardware = kinds.isEmpty ? nil : kinds.joined(separator: "; ")
    }

    /// Distinct runs' val_loss values, the sample the significance test uses.
    package var valLosses: [Double] { seeds.compactMap(\.valLoss) }
}
