import Foundation
import Testing
import RefereeAudit
import RefereeLogs
import RefereeTestSupport
import RefereeTrace
@testable import RefereeProbe

/// The probe checks on reports produced by really probing the tiny submissions, and on
/// hand-built reports for the limits (noise, version 1, the official score against claims).
@Suite(.serialized) struct ProbeChecksTests {
    static let ids = ["causal.prefix-invariance", "causal.target-flip", "norm.full-vocab"]

    static func result(_ id: String, _ context: AuditContext, thresholds: [String: Double] = [:]) -> RuleResult? {
        CheckRegistry.checks[id]?(context, Rule(id: id, statement: id, severity: .error, thresholds: thresholds, source: "test"))
    }

    static func statuses(_ report: ProbeReport?, ids: [String] = ids) -> String {
        let context = AuditContext(path: "r", folder: nil, logs: [], claims: nil, logDigests: [:], probes: report)
        return String(ids.map { id -> Character in
            switch result(id, context)?.status {
            case .pass: return "p"
            case .fail: return "f"
            case .unverifiable: return "u"
            case nil: return "?"
            }
        })
    }

    @Test(arguments: [
        ("honest", "ppp"),
        ("peek", "pfp"),
        ("unnormalised", "ppf"),
        ("no-entry", "uuu"),
    ])
    func probeMatrix(variant: String, expected: String) throws {
        let root = try ProbeSubmissions.make(variant)
        defer { try? FileManager.default.removeItem(at: root) }
        let report = try Prober.probe(ProbeOptions(record: root, dataPath: root.appendingPathComponent("data"), positions: 4, seed: 77, timeout: 60))
        #expect(Self.statuses(report) == expected)
    }

    @Test func noReportIsUnverifiableWithHowTo() {
        #expect(Self.statuses(nil) == "uuu")
        let context = AuditContext(path: "r", folder: nil, logs: [], claims: nil, logDigests: [:])
        #expect(Self.result("norm.full-vocab", context)?.message.contains("referee probe") == true)
        #expect(Self.result("score.official", context)?.status == .unverifiable)
    }

    /// A v2 report by hand: official over 10 targets, one cut.
    static func v2(prefix: Double = 0, dist: Double = 0, noise: Double = 0) -> ProbeReport {
        var report = ProbeReport(directory: "r")
        report.version = 2
        report.entryPoint = true
        report.valTokens = 11
        report.official = EvaluationScore.compute(nll: [Double](repeating: 2, count: 10), targetBytes: [UInt8](repeating: 4, count: 10), blockSize: 4)
        report.valBytes = 40
        var cut = CutProbe(run: "cut-1", position: 6, kind: "random", source: 1)
        cut.prefixMaxDelta = prefix
        cut.prefixWorstPosition = 5
        cut.distDelta = dist
        report.cuts = [cut]
        report.noise = noise
        return report
    }

    /// A version-1 report proves nothing about the official evaluation: unverifiable, saying why.
    @Test func version1ReportsAreUnverifiable() {
        var v1 = ProbeReport(directory: "r")
        v1.entryPoint = true
        v1.cut = 10
        v1.prefixMaxDelta = 0
        v1.noise = 0
        v1.flips = [FlipProbe(run: "flip-1", position: 12, from: 4, to: 5, strategy: "random")]
        #expect(Self.statuses(v1, ids: Self.ids + ["score.official"]) == "uuuu")
        let context = AuditContext(path: "r", folder: nil, logs: [], claims: nil, logDigests: [:], probes: v1)
        #expect(Self.result("causal.prefix-invariance", context)?.message.contains("version 1") == true)
        #expect(Self.result("causal.prefix-invariance", context)?.message.contains("first 4096–8192") == true)
    }

    /// Noise inflation (threat model, class Probe awareness): official and control that disagree
    /// fail as non-deterministic, and a measured noise never widens the tolerance.
    @Test func noiseCannotWidenTheAllowance() {
        #expect(Self.statuses(Self.v2()) == "ppu") // no dumped distribution by hand
        #expect(Self.statuses(Self.v2(prefix: 0.01)).first == "f")
        #expect(Self.statuses(Self.v2(prefix: 0.01, noise: 0.02)).prefix(2) == "ff")
        let context = AuditContext(path: "r", folder: nil, logs: [], claims: nil, logDigests: [:], probes: Self.v2(noise: 0.02))
        #expect(Self.result("causal.prefix-invariance", context, thresholds: ["tolerance": 1e-4, "max_noise": 1e-4])?.message.contains("non-deterministic") == true)
        #expect(Self.result("causal.target-flip", context)?.status == .fail)
        // Honest float noise within max_noise is allowed, but never added to the tolerance.
        #expect(Self.statuses(Self.v2(prefix: 0.00005, noise: 0.00004)).first == "p")
        #expect(Self.statuses(Self.v2(prefix: 0.00015, noise: 0.00009)).first == "f")
        // Probabilities are compared with probabilities.
        #expect(Self.statuses(Self.v2(dist: 0.00015)) == "pfu")
    }

    /// score.official: Referee's val_bpb from the blocks; a better claim fails; blocks that do
    /// not cover the stream, or disagree with Referee's byte count, fail.
    @Test func officialScoreAgainstClaims() throws {
        let report = Self.v2()
        let official = try #require(report.official?.recomputed().valBPB)
        #expect(abs(official - 2 / (4 * log(2))) < 1e-12)
        func status(_ r: ProbeReport, claim: Double?) -> RuleResult? {
            var claims: SubmissionClaims?
            if let claim {
                claims = SubmissionClaims(path: "submission.json")
                claims?.valBPB = claim
            }
            let context = AuditContext(path: "r", folder: nil, logs: [], claims: claims, logDigests: [:], probes: r)
            return Self.result("score.official", context, thresholds: ["tolerance": 0.002])
        }
        #expect(status(report, claim: nil)?.status == .pass)
        #expect(status(report, claim: official)?.status == .pass)
        #expect(status(report, claim: official - 0.001)?.status == .pass)
        #expect(status(report, claim: official + 0.5)?.status == .pass) // worse than measured: only a claim
        let better = status(report, claim: official - 0.01)
        #expect(better?.status == .fail)
        #expect(better?.message.contains("better than Referee's official") == true)
        var forged = report
        forged.official?.valBPB = 0.1 // the stored figure is never trusted
        forged.official?.blocks[0].nll = 1
        #expect(status(forged, claim: official)?.status == .pass) // recomputed: lower, so the claim is no better
        var gap = report
        gap.official?.blocks.remove(at: 1)
        #expect(status(gap, claim: nil)?.status == .fail)
        var bytes = report
        bytes.valBytes = 44
        #expect(status(bytes, claim: nil)?.message.contains("Referee counted 44") == true)
        var noBytes = report
        noBytes.official = EvaluationScore.compute(nll: [Double](repeating: 2, count: 10), targetBytes: nil)
        noBytes.valBytes = nil
        #expect(status(noBytes, claim: nil)?.status == .unverifiable)
        var missing = report
        missing.entryPoint = false
        missing.official = nil
        #expect(status(missing, claim: nil)?.message.contains("no eval entry point: Referee could not evaluate the artifact itself") == true)
    }

    /// In decoy mode the training run scored the decoy it was given: its logged score is no claim
    /// about validation and is never compared with the official one (the GPU reference failed
    /// score.official on it); with the real validation shards the same log is a claim and fails.
    @Test func decoyScoresAreNotClaims() throws {
        let report = { var r = Self.v2(); r.artifactSHA256 = "aa"; return r }()
        let official = try #require(report.official?.recomputed().valBPB)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("decoy-claim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let logURL = folder.appendingPathComponent("train_seed7.log")
        try "seed:7\nfinal_int8_zlib_roundtrip_exact val_loss:1.0 val_bpb:\(official - 0.05)\n".write(to: logURL, atomically: true, encoding: .utf8)
        let log = try LogReader().read(logURL)
        #expect(log.runs.contains { $0.seed == 7 && $0.score != nil })
        func status(mode: String) -> RuleResult? {
            var measured = MeasuredRecord()
            var seed = MeasuredRecord.Seed(seed: 7)
            seed.artifact = MeasuredRecord.Artifact(path: "final_model.ptz", bytes: 1, sha256: "aa")
            measured.seeds = [seed]
            measured.trainingValidation = MeasuredRecord.TrainingValidation(mode: mode)
            var context = AuditContext(path: "r", folder: nil, logs: [log], claims: nil, logDigests: [:], probes: report)
            context.measured = measured
            return Self.result("score.official", context, thresholds: ["tolerance": 0.002])
        }
        let real = status(mode: "real")
        #expect(real?.status == .fail, "\(real?.message ?? "-")")
        let decoy = status(mode: "decoy")
        #expect(decoy?.status == .pass, "\(decoy?.message ?? "-")")
        #expect(decoy?.message.contains("on the decoy training got (not compared)") == true)
    }

    /// stats.significance compares what Referee measured when it can: logged scores far better
    /// than the earlier record (in decoy mode they score the decoy) win nothing when the official
    /// evaluations of the same seeds' artifacts are no better.
    @Test func significanceRestsOnOfficialScores() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sig-official-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var logs: [LogFile] = []
        var measured = MeasuredRecord()
        var reports: [ProbeReport] = []
        for (i, seed) in [7, 8, 9].enumerated() {
            let url = folder.appendingPathComponent("train_seed\(seed).log")
            try "seed:\(seed)\nfinal_int8_zlib_roundtrip_exact val_loss:\(1.50 + 0.01 * Double(i)) val_bpb:\(0.54 + 0.004 * Double(i))\n"
                .write(to: url, atomically: true, encoding: .utf8)
            logs.append(try LogReader().read(url))
            var s = MeasuredRecord.Seed(seed: seed)
            s.artifact = MeasuredRecord.Artifact(path: "final_model.ptz", bytes: 1, sha256: "sha\(seed)")
            measured.seeds.append(s)
            var r = Self.v2()
            r.artifactSHA256 = "sha\(seed)"
            r.official = EvaluationScore.compute(nll: [Double](repeating: 2.0 + 0.01 * Double(i), count: 10),
                                                 targetBytes: [UInt8](repeating: 4, count: 10), blockSize: 4)
            r.cuts = []
            reports.append(r)
        }
        var context = AuditContext(path: "r", folder: nil, logs: logs, claims: nil, logDigests: [:])
        context.evaluations = reports
        let oldLosses = [2.0, 2.01, 2.02]
        context.against = AgainstRecord(path: "old", valLosses: oldLosses, valBPBs: oldLosses.map { $0 / (4 * log(2)) })
        let thresholds = ["min_improvement_nats": 0.005, "max_p_value": 0.01]
        // without run.json nothing ties the evaluations to seeds: the logged scores are compared
        let logged = try #require(Self.result("stats.significance", context, thresholds: thresholds))
        #expect(logged.status == .pass, "\(logged.message)")
        context.measured = measured
        let official = try #require(Self.result("stats.significance", context, thresholds: thresholds))
        #expect(official.status == .fail, "\(official.message)")
        #expect(official.message.contains("this record's official scores against logged scores of old"))
        #expect(official.source == .logged) // the earlier record's side is only logged
        context.against?.official = true
        #expect(Self.result("stats.significance", context, thresholds: thresholds)?.source == .measured)
    }

    /// The audit's official score: the mean of the seeds' official evaluations, recomputed from
    /// the blocks; absent when a report's blocks are inconsistent.
    @Test func auditCarriesTheOfficialScore() throws {
        var a = Self.v2()
        a.artifactSHA256 = "aa"
        var b = Self.v2()
        b.artifactSHA256 = "bb"
        b.official = EvaluationScore.compute(nll: [Double](repeating: 4, count: 10), targetBytes: [UInt8](repeating: 4, count: 10), blockSize: 4)
        b.cuts = []
        var context = AuditContext(path: "r", folder: nil, logs: [], claims: nil, logDigests: [:], probes: a)
        context.evaluations = [b]
        let rules = try RuleSet.builtin(track: "track_non_record_16mb")
        let official = try #require(Auditor(rules: rules).audit(context).officialScore)
        #expect(abs(official - (2.0 + 4.0) / 2 / (4 * log(2))) < 1e-12)
        // with run.json: per seed, by the artifact each seed wrote
        var measured = MeasuredRecord()
        measured.seeds = [("aa", 7), ("bb", 8)].map { sha, n in
            var seed = MeasuredRecord.Seed(seed: n)
            seed.artifact = MeasuredRecord.Artifact(path: "final_model.ptz", bytes: 1, sha256: sha)
            return seed
        }
        context.measured = measured
        let audit = Auditor(rules: rules).audit(context)
        #expect(audit.officialScore.map { abs($0 - official) < 1e-12 } == true)
        #expect(audit.officialScores?["7"].map { abs($0 - 2 / (4 * log(2))) < 1e-12 } == true)
        #expect(audit.officialScores?["8"].map { abs($0 - 4 / (4 * log(2))) < 1e-12 } == true)
        var third = MeasuredRecord.Seed(seed: 9)  // a seed without an official evaluation
        third.artifact = MeasuredRecord.Artifact(path: "final_model.ptz", bytes: 1, sha256: "cc")
        context.measured?.seeds.append(third)
        #expect(Auditor(rules: rules).audit(context).officialScore == nil)
        #expect(Auditor(rules: rules).audit(context).officialScores == nil)
        context.measured = nil
        b.official?.blocks.removeLast()
        context.evaluations = [b]
        #expect(Auditor(rules: rules).audit(context).officialScore == nil)
    }
}
