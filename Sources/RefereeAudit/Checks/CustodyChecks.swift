import Foundation
import RefereeCore

/// Custody of the evidence (threat model, principle 1): how the submission's processes were
/// confined, whether the run reached its end, and whether what Referee hashed is still what the
/// record holds. Every finding rests on Referee's own records (run.json, journal.jsonl).
enum CustodyChecks {
    static let all: [String: RuleCheck] = [
        "runner.sandbox": sandbox,
        "runner.complete": complete,
        "runner.integrity": integrity,
    ]

    static let notMadeByRunner = "no run.json: the record was not made by `referee run`, so nothing Referee measured says"

    /// `runner.sandbox`: every protection was in force (mount, pid, network, ipc namespaces).
    static func sandbox(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        guard let measured = context.measured else {
            return rule.unverifiable("\(notMadeByRunner) how the submission's processes were confined").resting(on: .measured)
        }
        let at = context.runJSON.map { [Evidence("run.json", at: $0)] } ?? []
        guard let sandbox = measured.sandbox else {
            return rule.unverifiable("run.json has no sandbox record (made by a runner before v0.2): the submission may have written its own evidence", at)
                .resting(on: .measured)
        }
        let protections = sandbox.protections ?? [:]
        let missing = ["mount", "pid", "network", "ipc"].filter { protections[$0] != true }
        guard sandbox.applied == true, missing.isEmpty else {
            let why = sandbox.reason ?? "not applied"
            let lacking = missing.isEmpty ? "" : " (without: \(missing.joined(separator: ", ")))"
            return rule.unverifiable("the submission did not run in Referee's sandbox\(lacking): \(why)", at).resting(on: .measured)
        }
        return rule.pass("every process ran in \(sandbox.mechanism ?? "namespaces"): read-only root with only the working folder writable, the record hidden, PID, IPC and network (loopback only) namespaces", at)
            .resting(on: .measured)
    }

    /// `runner.complete`: the journal reached `runs_complete` and run.json exists; a run whose
    /// Referee was killed (journal without it, no run.json) is incomplete, never a pass.
    static func complete(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        switch (context.journal, context.measured) {
        case (nil, nil):
            return rule.unverifiable("\(notMadeByRunner) that the run completed").resting(on: .measured)
        case (let journal?, nil):
            let last = journal.events.last ?? "nothing"
            return rule.unverifiable("the run did not complete: the journal ends at '\(last)' (seeds started: \(journal.startedSeeds.map(String.init).joined(separator: ", "))) and there is no run.json — Referee was stopped mid-run",
                                     [Evidence("journal.jsonl", at: SourceLocation(file: journal.path, line: journal.events.count))]).resting(on: .measured)
        case (nil, _?):
            return rule.unverifiable("run.json without journal.jsonl (made by a runner before v0.2): cannot tell how far the run got",
                                     context.runJSON.map { [Evidence("run.json", at: $0)] } ?? []).resting(on: .measured)
        case (let journal?, let measured?):
            let at = [Evidence("journal.jsonl", at: SourceLocation(file: journal.path, line: journal.events.count))]
            guard journal.complete else {
                return rule.fail("run.json exists but the journal never reached '\(RunJournal.completeEvent)': run.json was not written by the run this journal records", at)
                    .resting(on: .measured)
            }
            if measured.interrupted == true {
                return rule.unverifiable("the run was interrupted (run.json interrupted: true): later seeds never ran", at).resting(on: .measured)
            }
            let ran = measured.seeds.compactMap(\.seed)
            if let requested = measured.seedsRequested, Set(requested) != Set(ran) {
                let missing = requested.filter { !ran.contains($0) }
                return rule.unverifiable("seeds asked for but not run: \(missing.map(String.init).joined(separator: ", "))", at).resting(on: .measured)
            }
            return rule.pass("the run completed: every seed ended and run.json was written (\(journal.events.count) journal events)", at)
                .resting(on: .measured)
        }
    }

    /// `runner.integrity`: every file run.json lists was re-hashed after every process was dead
    /// and nothing changed.
    static func integrity(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        guard let measured = context.measured else {
            return rule.unverifiable("\(notMadeByRunner) that the files were unchanged after the run").resting(on: .measured)
        }
        let at = context.runJSON.map { [Evidence("run.json", at: $0)] } ?? []
        guard let integrity = measured.integrity else {
            return rule.unverifiable("run.json has no integrity re-hash (made by a runner before v0.2)", at).resting(on: .measured)
        }
        let changed = integrity.changed ?? []
        guard changed.isEmpty else {
            return rule.fail("changed after Referee hashed them (a process outlived its run, or the record was edited): \(changed.joined(separator: ", "))",
                             changed.map { Evidence($0) }).resting(on: .measured)
        }
        return rule.pass("\(integrity.files ?? 0) files re-hashed after every process was dead: unchanged", at).resting(on: .measured)
    }
}
