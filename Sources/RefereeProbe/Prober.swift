import Foundation
import RefereeCore
import RefereeCrypto
import RefereeData
import RefereeSandbox
import RefereeTrace

/// Referee's official evaluation of a frozen artifact and the probe campaign around it
/// (probes.json v2, docs/protocol.md): `official` (the whole validation stream; its NLLs give
/// the score), `control` (the same input again), `cut-k` (the stream kept before a cut, natural
/// text from elsewhere after it) and `heldout` when a held-out folder is given. Every
/// evaluation is a fresh process in a fresh sandbox with the same invocation, file names, shard
/// length, environment and layout, in a random order drawn after the artifact was hashed.
package enum Prober {
    /// Runs the campaign on `options.record` and returns the report (not yet written; see
    /// ``write(_:to:)``). Throws for unusable input (no data, unreadable shard or artifact, no
    /// interpreter); a submission that lacks the entry point gives a report with
    /// `entryPoint == false`.
    package static func probe(_ options: ProbeOptions) throws(ProbeError) -> ProbeReport {
        let submission = options.submission ?? options.record
        var report = ProbeReport(directory: options.record.path)
        report.version = ProbeReport.currentVersion
        report.submission = submission.path
        report.budget = options.budget
        let scriptURL = options.script.hasPrefix("/") ? URL(fileURLWithPath: options.script) : submission.appendingPathComponent(options.script)
        guard FileManager.default.fileExists(atPath: scriptURL.path) else {
            report.problems.append("\(scriptURL.path): no eval entry point script; add \(options.script) that honours REFEREE_EVAL_ONLY=1 (see docs/protocol.md)")
            return report
        }
        // 1. Freeze the artifact: hash it before any random draw.
        let artifactURL = options.artifact ?? findArtifact(in: submission)
        if let artifactURL {
            report.artifact = artifactURL.lastPathComponent
            guard let digest = try? SHA256.hex(fileAt: artifactURL) else {
                throw ProbeError.io(path: artifactURL.path, reason: "cannot read the artifact (missing, or not a regular file)")
            }
            report.artifactSHA256 = digest
        } else {
            report.problems.append("no artifact file found in \(submission.path) (looked for *.ptz, *.pt, *.npz, *.safetensors, artifact*, final_model*); the entry point must find its own")
        }
        // 2. The validation stream and Referee's byte count.
        let stream = try ProbeShard.readStream(in: options.dataPath)
        guard stream.count >= 16 else {
            throw ProbeError.badInput(path: options.dataPath.path, reason: "only \(stream.count) validation tokens; the evaluation needs at least 16")
        }
        var table: ByteTable?
        if let url = options.tokenizerPath {
            do { table = ByteTable(model: try TokenizerModel(contentsOf: url)) } catch {
                throw ProbeError.badInput(path: url.path, reason: error.description)
            }
        }
        let targetBytes = table?.targetBytes(of: stream)
        report.valTokens = stream.count
        report.valBytes = targetBytes.map { $0.reduce(0) { $0 + Int($1) } }
        var heldout: [UInt16]?
        if let url = options.heldoutPath { heldout = try ProbeShard.readStream(in: url, prefix: nil) }
        // 3. Draw.
        let seed = options.seed ?? UInt64.random(in: 0...UInt64.max)
        var rng = SplitMix64(seed: seed)
        let budget = options.withCuts ? max(1, options.budget) : 1
        let plan = CampaignPlan(tokens: stream, budget: budget, extra: options.positions, heldout: heldout != nil, rng: &rng)
        report.seed = seed
        report.positions = plan.positions
        report.order = plan.order
        report.power = ProbePower(cuts: plan.cuts.count, structural: plan.structural)
        // 4. Run, one fresh process and sandbox each.
        let env = try EvaluationSetup.make(options, script: scriptURL, artifact: artifactURL, positions: plan.positions)
        defer { env.cleanUp() }
        report.sandbox = env.sandboxDescription
        var nll: [String: [Double]] = [:]
        var dists: [String: [Int: [Double]]] = [:]
        for name in plan.order {
            let (tokens, kind, positions): ([UInt16], String, [Int]) = switch name {
            case "official": (stream, "official", plan.positions)
            case "control": (stream, "control", plan.positions)
            case "heldout": (heldout ?? [], "heldout", plan.positions.filter { $0 < (heldout?.count ?? 0) })
            default: (CampaignPlan.cutStream(stream, plan.cuts[Int(name.dropFirst(4))! - 1]), "cut", plan.positions)
            }
            let (run, outputs) = try env.evaluate(name: name, kind: kind, tokens: tokens, positions: positions)
            report.evaluations.append(run)
            report.problems += outputs.problems.map { "\(name): \($0)" }
            // An evaluation without outputs ends the campaign: the entry point is missing or
            // broken, and nothing can be compared (the rules are then unverifiable).
            guard run.wroteOutputs, let values = outputs.nll else { break }
            if kind != "heldout" { nll[name] = values }
            dists[name] = outputs.dists
            report.distributions += ProbeComparison.distributions(run: name, outputs: outputs, tokens: tokens)
            if kind == "heldout", let heldout {
                let bytes = table?.targetBytes(of: heldout)
                report.heldout = EvaluationScore.compute(nll: values, targetBytes: bytes, source: options.heldoutPath?.path)
            }
        }
        report.evaluations.sort { plan.order.firstIndex(of: $0.name)! < plan.order.firstIndex(of: $1.name)! }
        report.entryPoint = report.evaluations.allSatisfy(\.wroteOutputs) && !report.evaluations.isEmpty
        if let failed = report.evaluations.first(where: { !$0.wroteOutputs }) {
            report.problems.append("\(failed.name): the entry point exited (status \(failed.exitStatus.map(String.init) ?? "killed on timeout")) without writing nll.f64 and dists.jsonl; make \(options.script) honour REFEREE_EVAL_ONLY=1 (python/referee_probe.py: eval_request(), write_eval_outputs())")
        }
        // 5. The score and the comparisons, all against `official`.
        guard let official = nll["official"] else { return report }
        report.official = EvaluationScore.compute(nll: official, targetBytes: targetBytes)
        if let control = nll["control"] {
            (report.noise, report.noisePosition) = ProbeComparison.maxDelta(official, control, below: stream.count)
        }
        for (k, cut) in plan.cuts.enumerated() {
            var probe = CutProbe(run: "cut-\(k + 1)", position: cut.position, kind: cut.kind, source: cut.source)
            if let values = nll[probe.run] {
                (probe.prefixMaxDelta, probe.prefixWorstPosition) = ProbeComparison.maxDelta(official, values, below: cut.position)
                let checked = plan.positions.filter { $0 <= cut.position }
                probe.distPositionsChecked = checked
                var worst: Double? = 0
                for position in checked {
                    guard let p = dists["official"]?[position], let q = dists[probe.run]?[position] else { worst = nil; break }
                    worst = max(worst ?? 0, ProbeComparison.distDelta(p, q))
                }
                probe.distDelta = worst
            }
            report.cuts.append(probe)
        }
        return report
    }

    /// Writes `report` as canonical JSON (sorted keys), atomically.
    package static func write(_ report: ProbeReport, to url: URL) throws(ProbeError) {
        do {
            let data = try CanonicalJSON.encode(report)
            try AtomicFile.write(data, to: url)
        } catch let error as CoreError {
            throw ProbeError.io(path: url.path, reason: error.description)
        } catch {
            throw ProbeError.io(path: url.path, reason: "cannot encode the report (\(error))")
        }
    }

    /// The artifact file of a submission folder: the first (in name order) top-level file
    /// named like a saved model.
    static func findArtifact(in folder: URL) -> URL? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let suffixes = [".ptz", ".pt", ".npz", ".safetensors"]
        let hit = names.sorted().first { name in
            suffixes.contains { name.hasSuffix($0) } || name.hasPrefix("artifact") || name.hasPrefix("final_model")
        }
        return hit.map { folder.appendingPathComponent($0) }
    }
}
