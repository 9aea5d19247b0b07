import Foundation
import RefereeCore
import RefereeCrypto
import RefereeSandbox
import RefereeTrace

/// Runs the black-box probes on a record: control twice (noise), suffix perturbed after a
/// random cut (prefix invariance), one future target flipped (target flip), dumped full
/// distributions (normalisation). Positions are drawn only after the artifact was hashed.
package enum Prober {
    /// Probes `options.record` and returns the report (not yet written; see ``write(_:to:)``).
    /// Throws for unusable input (no data, unreadable shard, no interpreter); a submission that
    /// lacks the entry point gives a report with `entryPoint == false`.
    package static func probe(_ options: ProbeOptions) throws(ProbeError) -> ProbeReport {
        let submission = options.submission ?? options.record
        var report = ProbeReport(directory: options.record.path)
        report.submission = submission.path
        let scriptURL = options.script.hasPrefix("/") ? URL(fileURLWithPath: options.script) : submission.appendingPathComponent(options.script)
        guard FileManager.default.fileExists(atPath: scriptURL.path) else {
            report.problems.append("\(scriptURL.path): no eval entry point script; add \(options.script) that honours REFEREE_EVAL_ONLY=1 (see docs/protocol.md)")
            return report
        }
        // 1. Freeze the artifact: hash it before any random draw.
        if let artifact = findArtifact(in: submission) {
            report.artifact = artifact.lastPathComponent
            guard let digest = try? SHA256.hex(fileAt: artifact) else {
                throw ProbeError.io(path: artifact.path, reason: "cannot read the artifact (missing, or not a regular file)")
            }
            report.artifactSHA256 = digest
        } else {
            report.problems.append("no artifact file found in \(submission.path) (looked for *.ptz, *.pt, *.npz, *.safetensors, artifact*, final_model*); the entry point must find its own")
        }
        // 2. Draw positions.
        let shardURL = try ProbeShard.firstValidationShard(in: options.dataPath)
        let head = try ProbeShard.read(shardURL, limit: ProbePlan.maxLength)
        guard head.count >= 16 else {
            throw ProbeError.badInput(path: shardURL.path, reason: "only \(head.count) tokens; probes need at least 16")
        }
        let tokens = Array(head.prefix(ProbePlan.length(of: head)))
        let seed = options.seed ?? UInt64.random(in: 0...UInt64.max)
        var rng = SplitMix64(seed: seed)
        let plan = ProbePlan(tokens: tokens, count: max(0, options.positions), rng: &rng)
        report.sourceShard = shardURL.path
        report.tokens = tokens.count
        report.seed = seed
        report.cut = plan.cut
        report.positions = plan.positions
        // 3. Run.
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("referee-probe-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        do { try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true) } catch {
            throw ProbeError.io(path: work.path, reason: "cannot create a temporary folder")
        }
        // A fresh working folder holding only the code beside the script and the artifact; the
        // record and the rest of the file system are read-only to the evaluation.
        let fresh = work.appendingPathComponent("run")
        let freshScript = try prepareWorkingFolder(fresh, script: scriptURL, artifact: report.artifact.map { submission.appendingPathComponent($0) })
        var env = environment(options, artifact: report.artifact.map { fresh.appendingPathComponent($0) })
        for (name, folder) in [("TMPDIR", "tmp"), ("HOME", "home")] {
            let url = work.appendingPathComponent(folder)
            try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            env[name] = url.path
        }
        var sandbox: SandboxPolicy?
        if options.sandbox {
            let probe = SandboxProbe.probe()
            if probe.applied {
                sandbox = SandboxPolicy(isolateNetwork: true, readOnlyRoot: true,
                                        mounts: [.tmpfs(target: "/dev/shm"), .writable(source: work.path, target: work.path)])
                report.sandbox = "namespaces"
            } else {
                report.sandbox = "none: \(probe.reason ?? "the kernel refused namespaces")"
            }
        } else {
            report.sandbox = "none: disabled"
        }
        let runner = EntryPointRunner(python: options.python, script: freshScript.path, workingDirectory: fresh,
                                      environment: env, timeout: options.timeout, sandbox: sandbox)
        var outputs: [String: EvalOutputs] = [:]
        var shardsByRun: [String: [UInt16]] = [:]
        var results: [String: ProbeRun] = [:]
        func spec(_ name: String, _ shardTokens: [UInt16]) throws(ProbeError) -> EvalSpec {
            let shard = work.appendingPathComponent("\(name).bin")
            try ProbeShard.write(shardTokens, to: shard)
            shardsByRun[name] = shardTokens
            return EvalSpec(name: name, shard: shard, outDir: work.appendingPathComponent(name),
                            positions: plan.positions, tokens: shardTokens.count)
        }
        /// Runs `batch` in one process (see `EntryPointRunner.runPlan`), recording the results.
        func run(_ batch: [EvalSpec], plan planName: String,
                 followUp: (() throws(ProbeError) -> [EvalSpec]?)? = nil) throws(ProbeError) {
            let done = try runner.runPlan(batch, planURL: work.appendingPathComponent("\(planName).json"), followUp: followUp)
            for (result, out) in done {
                results[result.name] = result
                outputs[result.name] = out
                report.problems += out.problems.map { "\(result.name): \($0)" }
            }
        }
        // Flips 1 and 2 flip to the least / most likely token of control-a's distribution, so they
        // are appended to the plan once control-a's outputs exist (or once every listed request
        // has its nll.f64: flips whose distribution is missing use a random token). A submission
        // that follows the growing plan answers all seven in one process.
        let adaptive = min(2, plan.flipPositions.count)
        var specs: [(position: Int, token: UInt16, strategy: String)] =
            plan.flipPositions.indices.map { (plan.flipPositions[$0], plan.randomFlipTokens[$0], "random") }
        var first = [try spec("control-a", plan.original), try spec("control-b", plan.original), try spec("prefix", plan.perturbed)]
        for k in adaptive..<specs.count {
            first.append(try spec("flip-\(k + 1)", plan.flipped(at: specs[k].position, to: specs[k].token)))
        }
        let fm = FileManager.default
        let controlDir = work.appendingPathComponent("control-a")
        let listedDone = { first.allSatisfy { fm.fileExists(atPath: $0.outDir.appendingPathComponent("nll.f64").path) } }
        var second: [EvalSpec] = []
        let followUp = { () throws(ProbeError) -> [EvalSpec]? in
            // Complete outputs only: a writer that is not atomic may be half-way through the file.
            guard fm.fileExists(atPath: controlDir.appendingPathComponent("nll.f64").path) || listedDone() else { return nil }
            let control = EntryPointRunner.readOutputs(controlDir, positions: plan.positions, targets: tokens.count - 1)
            guard EntryPointRunner.complete(control, first[0]) || listedDone() else { return nil }
            for k in 0..<adaptive {
                let position = specs[k].position
                if let e = control.dists[position].flatMap({ plan.extremes($0, at: position) }) {
                    specs[k] = k == 0 ? (position, e.least, "least-likely") : (position, e.most, "most-likely")
                }
            }
            for k in 0..<adaptive {
                second.append(try spec("flip-\(k + 1)", plan.flipped(at: specs[k].position, to: specs[k].token)))
            }
            return second
        }
        try run(first, plan: "plan", followUp: adaptive > 0 ? followUp : nil)
        let wrote = { (batch: [EvalSpec]) in batch.allSatisfy { results[$0.name]?.wroteOutputs == true } }
        var complete = wrote(first)
        if complete, second.count < adaptive, let late = try followUp() {
            try run(late, plan: "plan-2") // control-a came from a run alone, after the plan's process
        }
        if complete {
            complete = second.count == adaptive && wrote(second)
            for (k, spec) in specs.enumerated() {
                report.flips.append(FlipProbe(run: "flip-\(k + 1)", position: spec.position, from: Int(tokens[spec.position]),
                                              to: Int(spec.token), strategy: spec.strategy))
            }
        }
        let order = ["control-a", "control-b", "prefix"] + specs.indices.map { "flip-\($0 + 1)" }
        report.runs = order.compactMap { results[$0] }
        report.entryPoint = complete
        report.evaluationProcesses = runner.launches.count
        guard complete, let a = outputs["control-a"]?.nll, let b = outputs["control-b"]?.nll, let prefix = outputs["prefix"]?.nll else {
            if let failed = report.runs.last(where: { !$0.wroteOutputs }) {
                report.problems.append("\(failed.name): the entry point exited (status \(failed.exitStatus.map(String.init) ?? "killed on timeout")) without writing nll.f64 and dists.jsonl; make \(options.script) honour REFEREE_EVAL_ONLY=1 (python/referee_probe.py: eval_request(), write_eval_outputs())")
            }
            return report
        }
        report.noise = ProbeComparison.maxDelta(a, b, below: tokens.count).0
        (report.prefixMaxDelta, report.prefixWorstPosition) = ProbeComparison.maxDelta(a, prefix, below: plan.cut)
        for k in report.flips.indices {
            let flip = report.flips[k]
            guard let nll = outputs[flip.run]?.nll else { continue }
            (report.flips[k].maxDelta, report.flips[k].worstPosition) = ProbeComparison.maxDelta(a, nll, below: flip.position)
            if let p = outputs["control-a"]?.dists[flip.position], let q = outputs[flip.run]?.dists[flip.position] {
                report.flips[k].distDelta = ProbeComparison.distDelta(p, q)
            }
        }
        for result in report.runs where result.name != "control-b" {
            if let out = outputs[result.name], let shardTokens = shardsByRun[result.name] {
                report.distributions += ProbeComparison.distributions(run: result.name, outputs: out, tokens: shardTokens)
            }
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

    /// The child's environment: ours, minus tracing, plus the probe variables' fixed part.
    static func environment(_ options: ProbeOptions, artifact: URL?) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "REFEREE_TRACE_DIR")
        let extra = options.pythonPath.map(\.path)
        env["PYTHONPATH"] = (extra + [env["PYTHONPATH"]].compactMap { $0 }.filter { !$0.isEmpty }).joined(separator: ":")
        env["PYTHONUNBUFFERED"] = "1"
        env["RANK"] = "0"
        env["LOCAL_RANK"] = "0"
        env["WORLD_SIZE"] = "1"
        env["DATA_PATH"] = options.dataPath.path
        if let tokenizer = options.tokenizerPath { env["TOKENIZER_PATH"] = tokenizer.path }
        if let artifact { env["REFEREE_ARTIFACT"] = artifact.path }
        return env
    }

    /// Copies `script`, the other `.py` files beside it and `artifact` into `folder`; returns the
    /// script's copy.
    static func prepareWorkingFolder(_ folder: URL, script: URL, artifact: URL?) throws(ProbeError) -> URL {
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: folder, withIntermediateDirectories: true)
            let dir = script.deletingLastPathComponent()
            var files = ((try? fm.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".py") }.map { dir.appendingPathComponent($0) }
            if !files.contains(where: { $0.lastPathComponent == script.lastPathComponent }) { files.append(script) }
            if let artifact { files.append(artifact) }
            for file in files {
                var st = stat()
                guard lstat(file.path, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { continue }
                let target = folder.appendingPathComponent(file.lastPathComponent)
                if !fm.fileExists(atPath: target.path) { try fm.copyItem(at: file, to: target) }
            }
        } catch {
            throw ProbeError.io(path: folder.path, reason: "cannot prepare the evaluation's working folder: \(error.localizedDescription)")
        }
        return folder.appendingPathComponent(script.lastPathComponent)
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
