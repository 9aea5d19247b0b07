import Foundation
import Testing
@testable import RefereeAudit

/// data.validation-hidden (run.json `training_validation`) and data.heldout-gap (probes.json v2
/// `official` / `heldout` blocks), on hand-made fixtures.
struct HeldoutChecksTests {
    static func rule(_ id: String) -> Rule {
        Rule(id: id, statement: id, severity: .error, thresholds: ["alpha": 0.01, "min_gap_bpb": 0.002], source: "test")
    }

    static func measured(_ json: String) throws -> MeasuredRecord {
        try JSONDecoder().decode(MeasuredRecord.self, from: Data(json.utf8))
    }

    static func context(_ measured: MeasuredRecord?, probes: String? = nil) -> AuditContext {
        var c = AuditContext(path: "rec", folder: nil, logs: [], claims: nil, logDigests: [:], measured: measured)
        c.probeBlocks = probes.map { ProbeBlocks.decode(Data($0.utf8)) }
        return c
    }

    static let sandbox = #""sandbox": {"mechanism": "namespaces", "applied": true, "protections": {"mount": true, "pid": true, "network": true, "ipc": true}}"#
    static let data = #""data": {"data_path": "/d/dataset", "shards": [{"name": "fineweb_val_000000.bin", "split": "val", "sha256": "aaaa"}], "val_tokens": 100}"#

    static func run(mode: String, sha: String = "bbbb", hidden: String = #"["/d/dataset", "/d/heldout"]"#, sandbox: String = sandbox) -> String {
        #"{\#(sandbox), \#(data), "seeds": [{"seed": 1, "sandboxed": true, "artifact": {"sha256": "art1"}}], "training_validation": {"mode": "\#(mode)", "reason": "test", "tokens": 100, "bytes": 400, "sha256": "\#(sha)", "hidden": \#(hidden), "source": {"description": "the last 100 tokens of the training stream"}}}"#
    }

    @Test func validationHiddenPassesOnlyForADecoyInTheSandboxWithTheDataHidden() throws {
        let check = HeldoutChecks.validationHidden
        let id = Self.rule("data.validation-hidden")
        let pass = check(Self.context(try Self.measured(Self.run(mode: "decoy"))), id)
        #expect(pass.status == .pass && pass.source == .measured && pass.message.contains("decoy"))
        // The validation shards given to training: not a cheat, but nothing shows it did not read them.
        let real = check(Self.context(try Self.measured(Self.run(mode: "real"))), id)
        #expect(real.status == .unverifiable && real.message.contains("mode real"))
        // No sandbox: the real shards were readable at their host path.
        let noSandbox = Self.run(mode: "decoy", sandbox: #""sandbox": {"mechanism": "none", "applied": false, "reason": "--no-sandbox"}"#)
        let open = check(Self.context(try Self.measured(noSandbox)), id)
        #expect(open.status == .unverifiable && open.message.contains("/d/dataset"))
        // The data folder not among the hidden ones.
        #expect(check(Self.context(try Self.measured(Self.run(mode: "decoy", hidden: #"["/d/heldout"]"#))), id).status == .unverifiable)
        // A "decoy" that is the validation shard.
        let forged = check(Self.context(try Self.measured(Self.run(mode: "decoy", sha: "AAAA"))), id)
        #expect(forged.status == .fail)
        // Older records, and records made elsewhere.
        #expect(check(Self.context(try Self.measured("{" + Self.sandbox + "}")), id).status == .unverifiable)
        #expect(check(Self.context(nil), id).status == .unverifiable)
    }

    /// probes.json v2 with `official` and `heldout` blocks of the given per-block bpb.
    static func probes(official: [Double], heldout: [Double]?, version: Int = 2, artifact: String = "art1") -> String {
        func blocks(_ v: [Double]) -> String {
            v.enumerated().map { i, b in #"{"start": \#(1 + 2048 * i), "end": \#(1 + 2048 * (i + 1)), "nll": \#(b * log(2.0) * 1000), "bytes": 1000}"# }
                .joined(separator: ", ")
        }
        let held = heldout.map { #"{"blocks": [\#(blocks($0))], "source": "/d/heldout"}"# } ?? #"{"blocks": [], "source": null}"#
        return #"{"version": \#(version), "artifact_sha256": "\#(artifact)", "official": {"blocks": [\#(blocks(official))]}, "heldout": \#(held)}"#
    }

    static let honest = [1.17, 1.19, 1.15, 1.18, 1.16, 1.20, 1.17, 1.16, 1.18, 1.17]
    static let shifted = honest.map { $0 + 0.001 * Double(Int($0 * 1000) % 3) }

    @Test func heldoutGapFailsWhenValidationScoresSignificantlyBetter() throws {
        let check = HeldoutChecks.heldoutGap
        let id = Self.rule("data.heldout-gap")
        let m = try Self.measured(Self.run(mode: "decoy"))
        let pass = check(Self.context(m, probes: Self.probes(official: Self.honest, heldout: Self.shifted)), id)
        #expect(pass.status == .pass && pass.message.contains("probability 0.9"))
        let cheat = check(Self.context(m, probes: Self.probes(official: Self.honest.map { $0 - 0.06 }, heldout: Self.shifted)), id)
        #expect(cheat.status == .fail && cheat.source == .measured && cheat.message.contains("seen the validation set"))
        // Validation worse than held-out: not this rule's business.
        #expect(check(Self.context(m, probes: Self.probes(official: Self.honest.map { $0 + 0.06 }, heldout: Self.shifted)), id).status == .pass)
    }

    @Test func heldoutGapIsUnverifiableWithoutAHeldoutEvaluationAndFailsForAnotherArtifact() throws {
        let check = HeldoutChecks.heldoutGap
        let id = Self.rule("data.heldout-gap")
        let m = try Self.measured(Self.run(mode: "decoy"))
        let none = check(Self.context(m), id)
        #expect(none.status == .unverifiable && none.message.contains("--heldout-shards"))
        #expect(check(Self.context(m, probes: Self.probes(official: Self.honest, heldout: nil)), id).status == .unverifiable)
        #expect(check(Self.context(m, probes: Self.probes(official: Self.honest, heldout: Self.shifted, version: 1)), id).status == .unverifiable)
        #expect(check(Self.context(m, probes: #"{"version": 2, "version": 2}"#), id).status == .unverifiable)
        #expect(check(Self.context(m, probes: Self.probes(official: [1, 1.1], heldout: Self.shifted)), id).status == .unverifiable)
        // Blocks of another artifact prove nothing about this record.
        let other = check(Self.context(m, probes: Self.probes(official: Self.honest, heldout: Self.shifted, artifact: "other")), id)
        #expect(other.status == .fail && other.message.contains("another artifact"))
    }
}
