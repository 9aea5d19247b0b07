import Foundation
import Testing
import RefereeTrace
@testable import RefereeAudit

/// runner.sandbox, runner.complete, runner.integrity and the binding of probes.json to the
/// record's artifact: each decided on run.json and journal.jsonl, never on the submission's word.
struct CustodyChecksTests {
    static func rule(_ id: String) -> Rule { Rule(id: id, statement: id, severity: .error, thresholds: [:], source: "test") }

    static func measured(_ json: String) throws -> MeasuredRecord {
        try JSONDecoder().decode(MeasuredRecord.self, from: Data(json.utf8))
    }

    static func context(_ measured: MeasuredRecord?, journal: [String]? = nil, probes: ProbeReportFixture? = nil) -> AuditContext {
        var c = AuditContext(path: "rec", folder: nil, logs: [], claims: nil, logDigests: [:], measured: measured)
        c.journal = journal.map { RunJournal(path: "rec/journal.jsonl", events: $0, startedSeeds: [1]) }
        if let probes { c.probes = probes.report }
        return c
    }

    static let sandboxed = #"{"sandbox": {"mechanism": "namespaces", "applied": true, "protections": {"mount": true, "pid": true, "network": true, "ipc": true}}, "seeds": [{"seed": 1}], "seeds_requested": [1], "integrity": {"files": 4, "changed": []}}"#

    @Test func sandboxPassesOnlyWithEveryProtection() throws {
        let check = CustodyChecks.sandbox
        #expect(check(Self.context(try Self.measured(Self.sandboxed)), Self.rule("runner.sandbox")).status == .pass)
        let none = #"{"sandbox": {"mechanism": "none", "applied": false, "protections": {"mount": false, "pid": false, "network": false, "ipc": false}, "reason": "the kernel refused the sandbox: clone (namespaces): Operation not permitted"}}"#
        let r = check(Self.context(try Self.measured(none)), Self.rule("runner.sandbox"))
        #expect(r.status == .unverifiable && r.message.contains("Operation not permitted"))
        let noNetwork = #"{"sandbox": {"mechanism": "namespaces", "applied": false, "protections": {"mount": true, "pid": true, "network": false, "ipc": true}}}"#
        #expect(check(Self.context(try Self.measured(noNetwork)), Self.rule("runner.sandbox")).message.contains("without: network"))
        #expect(check(Self.context(try Self.measured("{}")), Self.rule("runner.sandbox")).status == .unverifiable)
        #expect(check(Self.context(nil), Self.rule("runner.sandbox")).status == .unverifiable)
        #expect(check(Self.context(nil), Self.rule("runner.sandbox")).source == .measured)
    }

    @Test func aKilledRunIsIncompleteAndAForgedRunJSONFails() throws {
        let check = CustodyChecks.complete
        let done = ["run_started", "seed_started", "seed_ended", "runs_complete"]
        #expect(check(Self.context(try Self.measured(Self.sandboxed), journal: done), Self.rule("runner.complete")).status == .pass)
        // Referee killed mid-run: a journal, no run.json.
        let killed = check(Self.context(nil, journal: ["run_started", "seed_started"]), Self.rule("runner.complete"))
        #expect(killed.status == .unverifiable && killed.message.contains("did not complete"))
        // A run.json beside a journal that never got there was not written by that run.
        #expect(check(Self.context(try Self.measured(Self.sandboxed), journal: ["run_started", "seed_started"]), Self.rule("runner.complete")).status == .fail)
        // Interrupted runs and missing seeds cannot pass.
        let interrupted = Self.sandboxed.replacingOccurrences(of: "\"seeds\":", with: "\"interrupted\": true, \"seeds\":")
        #expect(check(Self.context(try Self.measured(interrupted), journal: done), Self.rule("runner.complete")).status == .unverifiable)
        let missing = Self.sandboxed.replacingOccurrences(of: "\"seeds_requested\": [1]", with: "\"seeds_requested\": [1, 2]")
        #expect(check(Self.context(try Self.measured(missing), journal: done), Self.rule("runner.complete")).message.contains("not run: 2"))
        #expect(check(Self.context(try Self.measured(Self.sandboxed)), Self.rule("runner.complete")).status == .unverifiable)
    }

    @Test func aFileChangedAfterHashingFails() throws {
        let check = CustodyChecks.integrity
        #expect(check(Self.context(try Self.measured(Self.sandboxed)), Self.rule("runner.integrity")).status == .pass)
        let changed = Self.sandboxed.replacingOccurrences(of: "\"changed\": []", with: "\"changed\": [\"artifacts/seed1/final_model.ptz\"]")
        let r = check(Self.context(try Self.measured(changed)), Self.rule("runner.integrity"))
        #expect(r.status == .fail && r.message.contains("final_model.ptz"))
        #expect(check(Self.context(try Self.measured("{}")), Self.rule("runner.integrity")).status == .unverifiable)
    }

    @Test func probesOfAnotherArtifactFailEveryProbeRule() throws {
        let json = #"{"seeds": [{"seed": 1, "artifact": {"path": "artifacts/seed1/final_model.ptz", "sha256": "aaaa"}}]}"#
        let transplanted = ProbeReportFixture(sha: "bbbb")
        for (id, check) in ProbeChecks.all {
            let r = check(Self.context(try Self.measured(json), probes: transplanted), Self.rule(id))
            #expect(r.status == .fail, "\(id): \(r.message)")
            #expect(r.message.contains("another artifact"))
        }
        // The same report bound to the record's artifact goes on to the probe comparison itself.
        for (id, check) in ProbeChecks.all {
            let r = check(Self.context(try Self.measured(json), probes: ProbeReportFixture(sha: "aaaa")), Self.rule(id))
            #expect(!r.message.contains("another artifact"), "\(id)")
        }
    }
}

/// A minimal probes.json of an entry point that answered nothing useful.
struct ProbeReportFixture {
    var sha: String
    var report: ProbeReport {
        var r = ProbeReport(directory: "rec")
        r.artifact = "final_model.ptz"
        r.artifactSHA256 = sha
        r.entryPoint = false
        return r
    }
}

/// time.eval on Referee's clock: from the artifact's final write to the end of the run, whatever
/// eval time the log prints.
struct MeasuredEvalTimeTests {
    static func rule() -> Rule {
        Rule(id: "time.eval", statement: "", severity: .error, thresholds: ["max_seconds": 600, "shutdown_seconds": 30], source: "test")
    }

    static func context(end: Double) throws -> AuditContext {
        let json = #"{"seeds": [{"seed": 1, "artifact": {"sha256": "a", "final_write_at": 1000.0}, "timestamps": {"start": 900.0, "end": \#(end)}}]}"#
        let measured = try JSONDecoder().decode(MeasuredRecord.self, from: Data(json.utf8))
        return AuditContext(path: "rec", folder: nil, logs: [], claims: nil, logDigests: [:], measured: measured)
    }

    @Test func aLongEvaluationFailsWhateverTheLogSays() throws {
        let ok = TimeChecks.eval(try Self.context(end: 1000 + 620), Self.rule())
        #expect(ok.status == .pass && ok.source == .measured)
        // 700 s after the artifact: over 600 + 30 on Referee's clock (no log line is consulted).
        let over = TimeChecks.eval(try Self.context(end: 1000 + 700), Self.rule())
        #expect(over.status == .fail && over.source == .measured)
        #expect(over.message.contains("Referee's clock"))
    }
}

/// The record's val_bpb as Referee computes it: Σ nll of the traces over the bytes Referee
/// counted, not the number the log prints.
struct MeasuredScoreTests {
    @Test func theMeasuredScoreUsesReferesByteCountNotTheLog() throws {
        var liar = LiarRecord()
        liar.loggedBPB = 0.5 // the log prints a better score than its own trace gives
        let (context, results) = try liar.audit()
        let audit = Auditor(rules: try LiarRecord.rules).audit(context)
        let expected = 20.0 / (Foundation.log(2.0) * Double(liar.valBytes)) // Σ nll of the two events over Referee's 60 bytes
        let measured = try #require(audit.measuredScore)
        #expect(abs(measured - expected) < 1e-12)
        #expect(abs((audit.score ?? 0) - 0.5) < 1e-12, "the logged mean stays the claim")
        #expect(results["trace.matches-log"]?.status == .fail)
        // Without Referee's byte count there is no measured score.
        var unmeasured = LiarRecord()
        unmeasured.valBytes = 0
        let (context2, _) = try unmeasured.audit()
        #expect(Auditor(rules: try LiarRecord.rules).audit(context2).measuredScore == nil)
    }
}
