import RefereeTrace
import RefereeLogs
import Foundation
import Testing
import RefereeCore
@testable import RefereeAudit

/// Liar records, one per class of the threat model that lies only in what it prints: each fails
/// the rule that names it, and each check shows what it decided without the measurement (the
/// defence) — the same evidence passed before.
@Suite struct MeasuredLiarTests {
    typealias R = LiarRecord

    static let measuredRules = ["time.train", "claim.train-time", "size.artifact-cap", "claim.artifact-size", "claim.val-tokens",
                                "claim.bytes", "trace.coverage", "trace.matches-log", "hardware.gpus", "evidence.code-matches-log",
                                "code.self-contained", "evidence.plausible-values"]

    @Test func honestRecordPassesEveryMeasuredRuleOnMeasurements() throws {
        let (_, results) = try R().audit()
        for id in Self.measuredRules {
            let result = try #require(results[id], "no result for \(id)")
            #expect(result.status == .pass, "\(id): \(result.status) \(result.message) \(result.evidence.map(\.detail))")
            #expect(result.source == .measured, "\(id) rested on \(result.source)")
        }
        for id in ["norm.sums-to-one", "causal.single-pass", "trace.chain", "evidence.final-score"] {
            #expect(results[id]?.status == .pass, "\(id): \(results[id]?.message ?? "absent")")
        }
        #expect(results["data.official-val"]?.status == .unverifiable)
    }

    // MARK: Clock

    /// The log's train_time advances 10 s per 10 steps while Referee's clock advances 1,000 s:
    /// 5× past the cap, the log says 31 s.
    @Test func slowLoggedClockFailsTimeAndClaim() throws {
        var liar = R()
        liar.steps = [(10, 0, true), (1010, 10_000, false), (2010, 20_000, false), (3010, 30_000, false)]
        liar.stopAt = 3011
        liar.finalWriteAt = 3012
        liar.wallTraining = 3011
        let (context, results) = try liar.audit()
        #expect(results["time.train"]?.status == .fail)
        #expect(results["time.train"]?.source == .measured)
        #expect(results["time.train"]?.evidence.first?.detail.contains("the log says train_time 31.0 s") == true, "\(results["time.train"]?.evidence ?? [])")
        #expect(results["claim.train-time"]?.status == .fail)
        #expect(results["claim.train-time"]?.evidence.contains { $0.detail.contains("1.0% of real time") && $0.location?.line == 3 } == true,
                "\(results["claim.train-time"]?.evidence.map(\.detail) ?? [])")
        // Without the measurement the logged 31 s passes.
        var logged = context
        logged.measured = nil
        #expect(try R.check("time.train", logged).status == .pass)
    }

    /// Within the wall-clock cap, but the logged clock runs at a third of real time between
    /// stamped step lines: only the claim rule sees it.
    @Test func loggedClockRunningSlowBetweenStepLinesFailsTheClaim() throws {
        var liar = R()
        liar.steps = [(10, 0, true), (40, 10_000, false), (70, 20_000, false), (100, 30_000, false)]
        liar.stopAt = 101
        liar.finalWriteAt = 102
        liar.wallTraining = 101
        let (_, results) = try liar.audit()
        #expect(results["time.train"]?.status == .pass)
        #expect(results["claim.train-time"]?.status == .fail)
        // A pause for validation (the interval ending at a val line) is not a slow clock.
        var honest = R()
        honest.steps = [(10, 0, true), (20, 10_000, false), (200, 20_000, true), (210, 30_000, false)]
        #expect(try honest.audit().results["claim.train-time"]?.status == .pass)
    }

    // MARK: Deadline-moving line

    /// `stopping_early` printed at 41 s while training went on until the artifact's final write
    /// at 2,000 s; a runner that trusted the line measured 41 s.
    @Test func earlyStoppingLineDoesNotEndTraining() throws {
        var liar = R()
        liar.finalWriteAt = 2000
        let (context, results) = try liar.audit()
        #expect(results["time.train"]?.status == .fail, "\(results["time.train"]?.message ?? "")")
        #expect(results["time.train"]?.evidence.first?.detail.contains("2000.0 s from spawn") == true)
        // The runner's own training figure (ended by the printed line) is within the cap.
        #expect(try #require(context.measured?.seeds.first?.wallSeconds?.training) <= 660)
    }

    // MARK: Size

    /// The log states 1,500 bytes; the artifact file holds 16,100,000.
    @Test func loggedSizeSmallerThanTheFileFails() throws {
        var liar = R()
        liar.artifactBytes = 16_100_000
        let (context, results) = try liar.audit()
        #expect(results["size.artifact-cap"]?.status == .fail)
        #expect(results["size.artifact-cap"]?.source == .measured)
        #expect(results["claim.artifact-size"]?.status == .fail)
        #expect(results["claim.artifact-size"]?.evidence.first?.detail.contains("difference -16,099,000 bytes") == true, "\(results["claim.artifact-size"]?.evidence.map(\.detail) ?? [])")
        var logged = context
        logged.measured = nil
        #expect(try R.check("size.artifact-cap", logged).status == .pass)
    }

    /// Part of the model kept in a module imported from outside the record.
    @Test func modulesImportedFromOutsideAreCountedAndFailSelfContainment() throws {
        var liar = R()
        liar.artifactBytes = 15_900_000
        liar.loggedArtifact = 15_900_500
        liar.importedModules = [["path": "/home/x/weights_in_code.py", "bytes": 200_000, "sha256": String(repeating: "ef", count: 32), "origin": "outside"],
                                ["path": "/usr/lib/python3.12/json/__init__.py", "bytes": 9_000, "origin": "stdlib"]]
        let (_, results) = try liar.audit()
        #expect(results["code.self-contained"]?.status == .fail)
        #expect(results["code.self-contained"]?.evidence.first?.detail.contains("/home/x/weights_in_code.py") == true)
        #expect(results["size.artifact-cap"]?.status == .fail, "\(results["size.artifact-cap"]?.message ?? "")")
        #expect(results["claim.artifact-size"]?.status == .fail)
    }

    // MARK: Denominator and coverage

    /// Every score event claims 45 bytes instead of 30, and the log prints the matching (lower)
    /// val_bpb: the trace agrees with the log, Referee's byte count does not.
    @Test func inflatedByteCountFails() throws {
        var liar = R()
        liar.events = [(1, 11, 10, 45, 0.99999, 1.00001), (11, 21, 10, 45, 0.99999, 1.00001)]
        let (context, results) = try liar.audit()
        #expect(results["trace.matches-log"]?.status == .fail)
        #expect(results["trace.matches-log"]?.source == .measured)
        #expect(results["claim.bytes"]?.status == .fail)
        #expect(results["claim.bytes"]?.evidence.first?.detail.contains("difference +30") == true, "\(results["claim.bytes"]?.evidence.map(\.detail) ?? [])")
        var logged = context
        logged.measured = nil
        #expect(try R.check("trace.matches-log", logged).status == .pass)
    }

    /// The trace declares 11 validation tokens and scores them all; the shards hold 21.
    @Test func declaringFewerTokensThanTheShardsFails() throws {
        var liar = R()
        liar.declaredValTokens = 11
        liar.events = [(1, 11, 10, 30, 0.99999, 1.00001)]
        liar.valBytes = 60
        let (context, results) = try liar.audit()
        #expect(results["trace.coverage"]?.status == .fail)
        #expect(results["trace.coverage"]?.evidence.first?.detail.contains("10 of 20 target positions") == true, "\(results["trace.coverage"]?.evidence.map(\.detail) ?? [])")
        #expect(results["claim.val-tokens"]?.status == .fail)
        var logged = context
        logged.measured = nil
        #expect(try R.check("trace.coverage", logged).status == .pass)
    }

    // MARK: Missing seed traces

    @Test func tracesForOneSeedOfThreeNeverPass() throws {
        var liar = R()
        liar.seeds = [1337, 42, 2025]
        liar.tracedSeeds = [1337]
        let (context, results) = try liar.audit()
        for id in ["causal.score-before-update", "causal.single-pass", "trace.coverage", "trace.chain", "norm.sums-to-one", "trace.matches-log"] {
            #expect(results[id]?.status == .fail, "\(id): \(results[id]?.status.rawValue ?? "absent")")
            #expect(results[id]?.evidence.contains { $0.detail.hasPrefix("seed 42 has no trace") } == true, "\(id)")
        }
        // The one traced seed is clean: judged alone it passes.
        var alone = context
        alone.measured = nil
        alone.logs = alone.logs.filter { $0.path.hasSuffix("train_seed1337.log") }
        #expect(try R.check("causal.single-pass", alone).status == .pass)
    }

    // MARK: Normalisation

    @Test(arguments: [(1.5, 1.0), (1.0, 0.5)])
    func oneEventOffInsideTheExtremesFails(psumMin: Double, psumMax: Double) throws {
        var liar = R()
        liar.events = [(1, 11, 10, 30, 1.0, 1.0), (11, 21, 10, 30, psumMin, psumMax)]
        let (context, results) = try liar.audit()
        #expect(results["norm.sums-to-one"]?.status == .fail)
        #expect(results["norm.sums-to-one"]?.evidence.first?.location?.line == 3)
        // The smallest psum_min and the largest psum_max alone are both 1.
        let facts = try #require(context.traces.first)
        #expect(facts.psumMin == 1.0 && facts.psumMax == 1.0)
    }

    // MARK: Impossible values

    @Test(arguments: [
        ("final_int8_zlib_roundtrip_exact val_loss:0.00000000 val_bpb:0.00000000", "≤ 0"),
        ("final_int8_zlib_roundtrip_exact val_loss:-1.0 val_bpb:-0.5", "≤ 0"),
        ("final_int8_zlib_roundtrip_exact val_loss:nan val_bpb:nan", "not a finite number"),
        ("final_int8_zlib_roundtrip_exact val_loss:1e-310 val_bpb:1e-310", "subnormal"),
        ("final_int8_zlib_roundtrip_exact val_loss:1.00000000 val_bpb:0.50000000", "printed twice with different values"),
        ("step:40/100 train_loss:3.0 train_time:-5000ms", "negative"),
    ])
    func impossibleValuesFailWithFileAndLine(line: String, why: String) throws {
        var liar = R()
        liar.extraLogLines = [line]
        let (_, results) = try liar.audit()
        let result = try #require(results["evidence.plausible-values"])
        #expect(result.status == .fail, "\(line): \(result.message)")
        let hit = result.evidence.first { $0.detail.contains(why) }
        #expect(hit != nil, "\(line): \(result.evidence.map(\.detail))")
        #expect(hit?.location?.file.hasSuffix("train_seed1337.log") == true && hit?.location?.line == 10, "\(String(describing: hit?.location))")
        // The rules that existed before saw nothing wrong: the score line was taken as it came.
        #expect(results["evidence.final-score"]?.status == .pass)
    }

    @Test func negativeMeasuredTimeFails() throws {
        var liar = R()
        liar.wallTraining = -5
        liar.finalWriteAt = -4
        let (_, results) = try liar.audit()
        #expect(results["evidence.plausible-values"]?.status == .fail)
        #expect(results["time.train"]?.status == .fail)
    }

    // MARK: Hardware, code and data identity

    @Test func hardwareComesFromTheEnvironmentAndTheLauncher() throws {
        var two = R()
        two.gpus = ["NVIDIA H100 80GB HBM3", "NVIDIA H100 80GB HBM3"]
        two.nproc = 2
        let (_, results) = try two.audit()
        #expect(results["hardware.gpus"]?.status == .fail)
        #expect(results["hardware.gpus"]?.source == .measured)
        #expect(results["hardware.gpus"]?.evidence.contains { $0.detail.contains("world size 2, expected 8") } == true)
        var h200 = R()
        h200.gpus = Array(repeating: "NVIDIA H200", count: 8)
        #expect(try h200.audit().results["hardware.gpus"]?.status == .fail)
    }

    @Test func committedScriptDifferentFromTheCodeReferee_ranFails() throws {
        var liar = R()
        liar.committedScript = R.script.replacingOccurrences(of: "#\n", with: "x\n")
        let (_, results) = try liar.audit()
        #expect(results["evidence.code-matches-log"]?.status == .fail)
        #expect(results["evidence.code-matches-log"]?.source == .measured)
    }

    @Test func officialValidationDigestCanBePinned() throws {
        let record = R()
        let (context, _) = try record.audit()
        var rule = try #require(try R.rules.rule("data.official-val"))
        #expect(CheckRegistry.checks["data.official-val"]!(context, rule).status == .unverifiable)
        rule.parameters["val_sha256"] = String(repeating: "ab", count: 32)
        #expect(CheckRegistry.checks["data.official-val"]!(context, rule).status == .pass)
        rule.parameters["val_sha256"] = String(repeating: "12", count: 32)
        let wrong = CheckRegistry.checks["data.official-val"]!(context, rule)
        #expect(wrong.status == .fail && wrong.source == .measured)
    }

    @Test func datasetStatementNamesSyntheticData() throws {
        var synth = R()
        synth.dataPath = "/work/main/data/sp1024_synth/dataset"
        let measured = try #require(try synth.audit().context.measured)
        #expect(measured.datasetStatement().contains("synthetic"))
        #expect(measured.datasetStatement(officialVal: [String(repeating: "ab", count: 32)]).hasPrefix("FineWeb"))
        let other = try #require(try R().audit().context.measured)
        #expect(other.datasetStatement().contains("not verified"))
    }

    // MARK: Older records

    /// A run.json without any of the new fields (the committed GPU record's shape) audits from
    /// the logs where it measured nothing.
    @Test func runJSONWithoutNewFieldsFallsBackToTheLogs() throws {
        let record = R()
        let dir = try record.write()
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let old: [String: Any] = ["schema": "referee.run/v1", "launcher": "python3", "nproc_per_node": 1,
                                  "seeds": [["seed": 1337, "log": ["path": "train_seed1337.log"], "environment": ["DATA_PATH=/x/sp1024_synth/dataset"]]]]
        try JSONSerialization.data(withJSONObject: old).write(to: dir.appendingPathComponent("run.json"))
        try FileManager.default.removeItem(at: dir.appendingPathComponent("environment.json"))
        let context = try EvidenceLoader().context(for: dir, displayPath: "rec")
        let audit = Auditor(rules: try R.rules).audit(context)
        let byID = Dictionary(audit.results.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byID["time.train"]?.source == .logged && byID["time.train"]?.status == .pass)
        #expect(byID["size.artifact-cap"]?.source == .logged && byID["size.artifact-cap"]?.status == .pass)
        #expect(byID["trace.coverage"]?.source == .logged && byID["trace.coverage"]?.status == .pass)
        #expect(byID["claim.bytes"]?.status == .unverifiable)
        #expect(context.measured?.datasetStatement().contains("synthetic") == true)
    }

    @Test func malformedRunJSONIsBadEvidence() throws {
        let dir = try R().write()
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        try Data(#"{"seeds": [{"seed": "x"}]}"#.utf8).write(to: dir.appendingPathComponent("run.json"))
        #expect(throws: AuditError.self) { try EvidenceLoader().context(for: dir, displayPath: "rec") }
    }
}
