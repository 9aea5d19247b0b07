import RefereeAudit
import RefereeCore

/// submission.json in Parameter Golf's schema, every number computed from the logs.
///
/// Scores are written with 8 decimals (the precision of the `_exact` lines), times in integer
/// milliseconds as the logs print them. Optional fields are omitted when the evidence lacks
/// them, never filled with a placeholder.
package struct SubmissionDocument: Codable, Hashable, Sendable {
    /// One seed's numbers under `seeds`.
    package struct Seed: Codable, Hashable, Sendable {
        /// The seed's logged score (in decoy mode: on the decoy training got).
        package var valBPB: Double?
        /// Referee's official val_bpb of this seed's artifact (protocol v2), when it has one.
        package var valBPBOfficial: Double? = nil
        /// The seed's logged val_loss (in decoy mode: on the decoy).
        package var valLoss: Double?
        /// Referee's official val_loss (mean NLL per target, nats) of this seed's artifact.
        package var valLossOfficial: Double? = nil
        package var bytesTotal: Int?
        package var bytesCode: Int?
        package var trainTimeMs: Double?
        package var evalTimeMs: Double?
        /// `file:line` of the score line.
        package var log: String

        enum CodingKeys: String, CodingKey {
            case valBPB = "val_bpb", valBPBOfficial = "val_bpb_official", valLoss = "val_loss", valLossOfficial = "val_loss_official", bytesTotal = "bytes_total", bytesCode = "bytes_code"
            case trainTimeMs = "train_time_ms", evalTimeMs = "eval_time_ms", log
        }
    }

    /// The `--against` comparison.
    package struct Against: Codable, Hashable, Sendable {
        package var record: String
        package var valLoss: Double?
        /// Old mean val_loss − new mean val_loss, in nats (positive = better).
        package var deltaNats: Double?
        package var marginNats: Double
        /// The one-sided p-value: of the test on val_bpb when both records have val_bpb
        /// (identical to the nats test with one tokenizer), else on val_loss.
        package var pValue: Double?
        /// The earlier record's mean val_bpb, the improvement in bits per byte, and the margin
        /// converted to bits per byte at this record's tokens per byte (absent without val_bpb).
        package var valBPB: Double?
        package var deltaBPB: Double?
        package var marginBPB: Double?
        /// Set when the two records' tokens per byte differ: their val_loss (nats per token) is
        /// then not comparable; `warning` says so in words.
        package var tokenizersDiffer: Bool?
        package var warning: String?

        enum CodingKeys: String, CodingKey {
            case record, valLoss = "val_loss", deltaNats = "delta_nats", marginNats = "margin_nats", pValue = "p_value"
            case valBPB = "val_bpb", deltaBPB = "delta_bpb", marginBPB = "margin_bpb", tokenizersDiffer = "tokenizers_differ", warning
        }
    }

    package var author: String
    package var githubID: String
    package var name: String
    package var blurb: String
    package var date: String
    package var track: String
    /// Mean val_loss (nats per token): Referee's official one when ``valBPB`` is official and
    /// run.json names the seeds (``valLossOfficial``), else the logged mean.
    package var valLoss: Double?
    /// The score: Referee's official val_bpb when every seed has one (``valBPBOfficial``), else
    /// the mean of the logged scores.
    package var valBPB: Double?
    package var valLossStd: Double?
    /// The sample standard deviation of the per-seed scores behind ``valBPB``: the official
    /// ones when ``valBPB`` is official and run.json names their seeds, else the logged ones.
    package var valBPBStd: Double?
    /// Referee's official val_bpb (mean over the seeds of its own evaluation of each artifact,
    /// rule score.official); absent when a seed lacks one.
    package var valBPBOfficial: Double?
    /// Referee's official val_loss, the mean over the seeds of its own evaluation's NLL per
    /// target; absent unless every seed has one and run.json names them.
    package var valLossOfficial: Double? = nil
    package var bytesTotal: Int?
    package var bytesCode: Int?
    package var hardware: String?
    package var seeds: [String: Seed]
    package var seedCount: Int
    package var pValue: Double?
    package var against: Against?
    package var verdict: String
    package var rulesVersion: String
    package var rulesDigest: String
    package var generatedBy: String
    /// The logged seed behind each `seeds` key (not written: keys of repeated seeds carry the
    /// file and run, and the claims given to the audit must name the plain seed).
    package var seedNumbers: [String: Int] = [:]

    enum CodingKeys: String, CodingKey {
        case author, githubID = "github_id", name, blurb, date, track
        case valLoss = "val_loss", valBPB = "val_bpb", valLossStd = "val_loss_std", valBPBStd = "val_bpb_std"
        case valBPBOfficial = "val_bpb_official", valLossOfficial = "val_loss_official"
        case bytesTotal = "bytes_total", bytesCode = "bytes_code", hardware, seeds, seedCount = "seed_count"
        case pValue = "p_value", against, verdict, rulesVersion = "rules_version", rulesDigest = "rules_digest"
        case generatedBy = "generated_by"
    }

    /// Builds the document. `generator` names the tool and version (e.g. `referee 0.1.0`).
    package init(results: RecordResults, audit: RecordAudit, metadata: SubmissionMetadata, comparison: Comparison?, generator: String) {
        author = metadata.author
        githubID = metadata.githubID
        name = metadata.name
        let officialBySeed = audit.officialScore == nil ? nil : audit.officialScores
        let officialStd = officialBySeed.flatMap { Statistics.sampleStd(Array($0.values).sorted()) }
        blurb = metadata.blurb.isEmpty
            ? Self.defaultBlurb(results, official: audit.officialScore.map { ($0, officialBySeed == nil ? results.stdBPB : officialStd) })
            : metadata.blurb
        date = metadata.date
        track = audit.track
        let officialLosses = officialBySeed == nil ? nil : audit.officialValLosses
        valLossOfficial = officialLosses.flatMap { Statistics.mean(Array($0.values).sorted()) }.map { Fixed.round($0, 8) }
        valLoss = valLossOfficial ?? results.meanValLoss.map { Fixed.round($0, 8) }
        // The score that counts is Referee's own evaluation when it exists (rule score.official);
        // the logged scores stay in `seeds` (in decoy mode they are the decoy's).
        valBPB = (audit.officialScore ?? results.meanBPB).map { Fixed.round($0, 8) }
        valLossStd = (officialLosses.map { Statistics.sampleStd(Array($0.values).sorted()) } ?? results.stdValLoss).map { Fixed.round($0, 8) }
        valBPBStd = (officialBySeed != nil ? officialStd : results.stdBPB).map { Fixed.round($0, 8) }
        valBPBOfficial = audit.officialScore.map { Fixed.round($0, 8) }
        bytesTotal = results.bytesTotal
        bytesCode = results.bytesCode
        hardware = results.hardware
        var seeds: [String: Seed] = [:]
        for s in results.seeds {
            seeds[s.key] = Seed(
                valBPB: s.valBPB.map { Fixed.round($0, 8) },
                valBPBOfficial: s.seed.flatMap { officialBySeed?[String($0)] }.map { Fixed.round($0, 8) },
                valLoss: s.valLoss.map { Fixed.round($0, 8) },
                valLossOfficial: s.seed.flatMap { officialLosses?[String($0)] }.map { Fixed.round($0, 8) },
                bytesTotal: s.artifactBytes, bytesCode: s.codeBytes,
                trainTimeMs: s.trainTimeMs.map { $0.rounded() }, evalTimeMs: s.evalTimeMs.map { $0.rounded() },
                log: SourceLocation(file: s.file, line: s.scoreLine ?? 0).description)
        }
        self.seeds = seeds
        seedNumbers = Dictionary(results.seeds.compactMap { s in s.seed.map { (s.key, $0) } }, uniquingKeysWith: { a, _ in a })
        seedCount = results.seeds.count
        if let comparison {
            // The same sample as rule stats.significance: the official scores when every seed has one.
            let officialSeeds = officialBySeed.flatMap { bpb in audit.officialValLosses.map { (bpb, $0) } }
            let seedKeys = officialSeeds.map { Array($0.0.keys).sorted() } ?? []
            let newBPBs = officialSeeds.map { o in seedKeys.compactMap { o.0[$0] } } ?? results.seeds.compactMap(\.valBPB)
            let newLosses = officialSeeds.map { o in seedKeys.compactMap { o.1[$0] } } ?? results.valLosses
            let test = ImprovementTest(newLosses: newLosses, newBPBs: newBPBs, oldLosses: comparison.valLosses,
                                       oldBPBs: comparison.valBPBs, marginNats: comparison.marginNats)
            let p = test?.welch.pValue
                ?? Statistics.improvementPValue(new: newLosses, old: comparison.valLosses, margin: comparison.marginNats)
            let oldMean = Statistics.mean(comparison.valLosses)
            let delta: Double? = { if let o = oldMean, let n = Statistics.mean(newLosses) { return o - n }; return nil }()
            let oldBPB = Statistics.mean(comparison.valBPBs)
            let deltaBPB: Double? = { if let o = oldBPB, let n = Statistics.mean(newBPBs) { return o - n }; return nil }()
            let warning = test?.tokenizerWarning
            against = Against(record: comparison.record, valLoss: oldMean.map { Fixed.round($0, 8) },
                              deltaNats: warning == nil ? delta.map { Fixed.round($0, 8) } : nil, marginNats: comparison.marginNats,
                              pValue: p.map { Fixed.round($0, 10) },
                              valBPB: oldBPB.map { Fixed.round($0, 8) }, deltaBPB: deltaBPB.map { Fixed.round($0, 8) },
                              marginBPB: test.map { Fixed.round($0.marginBPB, 8) },
                              tokenizersDiffer: test.map(\.tokenizersDiffer), warning: warning)
            pValue = against?.pValue
        }
        verdict = audit.verdict.rawValue
        rulesVersion = audit.rulesVersion
        rulesDigest = audit.rulesDigest
        generatedBy = generator
    }

    /// The blurb used when the author gives none: one sentence of results, on Referee's
    /// official score (mean, std) when there is one.
    static func defaultBlurb(_ r: RecordResults, official: (mean: Double, std: Double?)? = nil) -> String {
        let mean = official?.mean ?? r.meanBPB
        var s = "\(r.seeds.count)-seed mean \(official == nil ? "" : "official ")val_bpb \(mean.map { Fixed.format($0, 8) } ?? "n/a")"
        if let std = official.map({ $0.std }) ?? r.stdBPB { s += " (std \(Fixed.format(std, 8)))" }
        if let hw = r.hardware { s += " on \(hw)" }
        return s + "."
    }

    /// Canonical JSON bytes (sorted keys, final newline).
    package func encoded() throws(ReportError) -> [UInt8] {
        do {
            return Array(try CanonicalJSON.encode(self))
        } catch {
            throw ReportError.io(path: "submission.json", reason: "cannot encode: \(error)")
        }
    }
}
