import Foundation
import RefereeCore

/// Class "Validation in training": `data.validation-hidden` (training could not read the
/// validation shards: run.json `training_validation`) and `data.heldout-gap` (the artifact does
/// not score significantly better on validation than on held-out text: probes.json v2 blocks).
enum HeldoutChecks {
    static let all: [String: RuleCheck] = [
        "data.validation-hidden": validationHidden,
        "data.heldout-gap": heldoutGap,
    ]

    /// Pass only when measured: training got the decoy (mode `decoy`), in Referee's sandbox, with
    /// the real data folder hidden. Mode `real` is `unverifiable`, not `fail`: the submission did
    /// nothing wrong by reading the files it was given (an unmodified baseline needs them), but
    /// nothing shows it did not train on them, so the record cannot pass on this rule.
    static func validationHidden(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        guard let measured = context.measured else {
            return rule.unverifiable(MeasuredClaimChecks.noRunJSON)
        }
        let at = context.runJSON.map { [Evidence("run.json training_validation", at: $0)] } ?? []
        guard let tv = measured.trainingValidation, let mode = tv.mode else {
            return rule.unverifiable("run.json does not say what the training process got as validation data (no training_validation: no --data-path, or a record made before referee run --training-validation)", at)
                .resting(on: .measured)
        }
        let valDigests = Set((measured.data?.shards ?? []).filter { $0.split == "val" }.compactMap { $0.sha256?.lowercased() })
        switch mode {
        case "decoy":
            if let digest = tv.sha256?.lowercased(), valDigests.contains(digest) {
                return rule.fail("the decoy training got has the SHA-256 of a validation shard: training saw the validation set", at).resting(on: .measured)
            }
            guard measured.sandbox?.applied == true, measured.seeds.allSatisfy({ $0.sandboxed != false }) else {
                return rule.unverifiable("training got a decoy, but not in Referee's sandbox (\(measured.sandbox?.reason ?? "not applied")): the validation shards stayed readable at their host path \(measured.data?.dataPath ?? "")", at)
                    .resting(on: .measured)
            }
            let hidden = tv.hidden ?? []
            if let dataPath = measured.data?.dataPath, !hidden.contains(where: { Self.same($0, dataPath) }) {
                return rule.unverifiable("training got a decoy, but run.json does not list the data folder \(dataPath) among the folders hidden from it", at).resting(on: .measured)
            }
            let source = tv.source?.description.map { "; decoy: \($0)" } ?? ""
            return rule.pass("training never saw the validation shards: its data folder held a decoy fineweb_val_000000.bin (\(tv.tokens.map(Fmt.bytes) ?? "?") tokens, sha256 \(tv.sha256.map { String($0.prefix(16)) + "…" } ?? "?")) and the sandbox hid \(hidden.joined(separator: ", "))\(source)", at)
                .resting(on: .measured)
        case "real":
            return rule.unverifiable("training was given the validation shards (training_validation mode real: \(tv.reason ?? "no reason recorded")): nothing shows it did not read them; run with --training-validation decoy (needs an eval entry point, so that Referee's own evaluation gives the score)", at)
                .resting(on: .measured)
        default:
            return rule.unverifiable("run.json training_validation has an unknown mode '\(mode)'", at).resting(on: .measured)
        }
    }

    /// Two host paths name the same folder (trailing slashes and `.` components aside).
    static func same(_ a: String, _ b: String) -> Bool {
        URL(fileURLWithPath: a).standardizedFileURL.resolvingSymlinksInPath().path
            == URL(fileURLWithPath: b).standardizedFileURL.resolvingSymlinksInPath().path
    }

    static let howToAdd = "give --heldout-shards to referee run or referee probe (python/make_data.py writes data/sp1024_synth/heldout), so that Referee evaluates the artifact on held-out text (probes.json v2 `heldout` blocks)"

    /// ``HeldoutGapTest`` on probes.json v2's `official` and `heldout` blocks: fail when
    /// validation scores significantly better (p < `alpha`) and by more than `min_gap_bpb`.
    static func heldoutGap(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        guard let report = context.probeBlocks else {
            return rule.unverifiable("no probes.json, so no held-out evaluation: " + howToAdd)
        }
        let at = [Evidence("probes.json official.blocks, heldout.blocks", at: SourceLocation(file: "probes.json", line: 0))]
        if let problem = report.problem { return rule.unverifiable(problem + "; " + howToAdd, at) }
        guard (report.version ?? 1) >= 2 else {
            return rule.unverifiable("probes.json is protocol v1: it has no official or held-out evaluation of the whole stream; " + howToAdd, at)
        }
        if let measured = context.measured {
            let digests = Set(measured.seeds.flatMap { seed in ([seed.artifact?.sha256] + (seed.artifacts ?? []).map(\.sha256)).compactMap { $0 } })
            if !digests.isEmpty, !(report.artifactSHA256.map(digests.contains) ?? false) {
                return rule.fail("probes.json was made for another artifact (sha256 \(report.artifactSHA256 ?? "none")), not one that run.json lists: its held-out gap says nothing about this record", at)
                    .resting(on: .measured)
            }
        }
        guard let heldout = report.heldout?.blocks, !heldout.isEmpty else {
            return rule.unverifiable("no held-out evaluation in probes.json (heldout.source \(report.heldout?.source ?? "null")): " + howToAdd, at)
        }
        guard let official = report.official?.blocks, !official.isEmpty else {
            return rule.unverifiable("probes.json has held-out blocks but no official blocks to compare them with", at)
        }
        let alpha = rule.threshold("alpha", default: 0.01)
        let minGap = rule.threshold("min_gap_bpb", default: 0.002)
        guard let test = HeldoutGapTest(official: official, heldout: heldout, alpha: alpha, minGap: minGap) else {
            return rule.unverifiable("no test possible: each side needs at least \(HeldoutGapTest.minimumBlocks) full blocks with bytes and some spread (official \(HeldoutGapTest.usable(official).count), held-out \(HeldoutGapTest.usable(heldout).count))", at)
                .resting(on: .measured)
        }
        let text = "validation \(Fmt.fixed(test.official.bpb, 4)) bpb over \(test.official.blocks) blocks (n_eff \(Fmt.fixed(test.official.effective, 1))), "
            + "held-out \(Fmt.fixed(test.heldout.bpb, 4)) bpb over \(test.heldout.blocks) blocks (n_eff \(Fmt.fixed(test.heldout.effective, 1))); "
            + "per-block gap \(Fmt.fixed(test.gap, 4)) bpb, SE \(Fmt.fixed(test.standardError, 4)), one-sided Welch p = \(String(format: "%.3g", test.pValue))"
        let evidence = at + [Evidence(text)]
        if test.significant {
            return rule.fail("the artifact scores better on validation than on held-out text by \(Fmt.fixed(test.gap, 4)) bpb (p = \(String(format: "%.3g", test.pValue)) < \(alpha), above the \(minGap) bpb minimum): it has seen the validation set", evidence)
                .resting(on: .measured)
        }
        return rule.pass("no significant held-out gap (\(text)); a gap of \(Fmt.fixed(test.detectableGap(), 4)) bpb would be caught with probability 0.9", evidence)
            .resting(on: .measured)
    }
}
