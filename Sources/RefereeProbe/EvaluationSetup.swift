import Foundation
import RefereeCore
import RefereeCrypto
import RefereeSandbox
import RefereeTrace

/// The one layout, invocation and environment every evaluation of a campaign gets.
///
/// Inside the sandbox: cwd `/tmp/referee/work` (the record's code files and a copy of the
/// artifact under its own name), the shard at `/tmp/referee/data/fineweb_val_000000.bin` (the
/// only file there), outputs in `/tmp/referee/out`, the tokenizer at
/// `/tmp/referee/tokenizer/<name>` (as in training), Referee's python helpers at
/// `/tmp/referee/python`, `HOME=/tmp` (a private tmpfs), the record hidden. Without namespaces
/// the same host folders are emptied and refilled for every evaluation, so the paths are still
/// the same for all of them (but `/tmp` is then shared: the report says `sandbox: none`).
/// Every file the evaluation sees gets the same modification time.
struct EvaluationSetup {
    static let root = "/tmp/referee"
    static let shardName = "fineweb_val_000000.bin"
    /// The modification time of every file handed to an evaluation.
    static let fixedDate = Date(timeIntervalSince1970: 1_577_836_800)

    var host: URL
    var codeFiles: [URL]
    var artifact: URL?
    var runner: EntryPointRunner
    var sandboxDescription: String
    /// Fixed variables; the per-evaluation ones are added by ``evaluate``.
    var sandboxed: Bool

    var hostWork: URL { host.appendingPathComponent("work") }
    var hostData: URL { host.appendingPathComponent("data") }
    var hostOut: URL { host.appendingPathComponent("out") }
    var hostHome: URL { host.appendingPathComponent("home") }
    var logs: URL { host.appendingPathComponent("logs") }

    /// A path as the child sees it.
    func inside(_ folder: String) -> String { sandboxed ? Self.root + "/" + folder : host.appendingPathComponent(folder).path }

    static func make(_ options: ProbeOptions, script: URL, artifact: URL?, positions: [Int]) throws(ProbeError) -> EvaluationSetup {
        let fm = FileManager.default
        let host = fm.temporaryDirectory.appendingPathComponent("referee-eval-\(UUID().uuidString)")
        do { try fm.createDirectory(at: host.appendingPathComponent("logs"), withIntermediateDirectories: true) } catch {
            throw ProbeError.io(path: host.path, reason: "cannot create a temporary folder for the evaluations")
        }
        let codeFiles = options.codeFiles ?? {
            let dir = script.deletingLastPathComponent()
            var files = ((try? fm.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".py") }.sorted().map { dir.appendingPathComponent($0) }
            if !files.contains(where: { $0.lastPathComponent == script.lastPathComponent }) { files.append(script) }
            return files
        }()
        var sandbox: SandboxPolicy?
        var description = "none: disabled"
        if options.sandbox {
            let probe = SandboxProbe.probe()
            if probe.applied {
                var mounts: [SandboxMount] = [options.record, options.submission].compactMap { $0 }.map { .hidden(target: $0.path) }
                mounts += SandboxPolicy.privateScratch
                mounts.append(.writable(source: host.appendingPathComponent("work").path, target: root + "/work"))
                mounts.append(.readOnly(source: host.appendingPathComponent("data").path, target: root + "/data"))
                mounts.append(.writable(source: host.appendingPathComponent("out").path, target: root + "/out"))
                if let tokenizer = options.tokenizerPath {
                    mounts.append(.readOnly(source: tokenizer.path, target: root + "/tokenizer/" + tokenizer.lastPathComponent))
                }
                if let helper = options.pythonPath.first { mounts.append(.readOnly(source: helper.path, target: root + "/python")) }
                sandbox = SandboxPolicy(isolateNetwork: true, readOnlyRoot: true, mounts: mounts)
                description = "namespaces"
            } else {
                description = "none: \(probe.reason ?? "the kernel refused namespaces")"
            }
        }
        let sandboxed = sandbox != nil
        func at(_ folder: String) -> String { sandboxed ? root + "/" + folder : host.appendingPathComponent(folder).path }
        // Referee's own environment and the run's settings, the same for every evaluation, minus
        // the protocol's variables (set below) and what belongs to a training run or a launcher.
        let dropped: Set<String> = ["REFEREE_TRACE_DIR", "REFEREE_EVAL_PLAN", "REFEREE_EVAL_PLAN_WAIT", "REFEREE_IMPORTS_OUT",
                                    "MASTER_ADDR", "MASTER_PORT", "LOCAL_WORLD_SIZE", "TORCHELASTIC_RUN_ID", "SEED", "RUN_ID"]
        var env = ProcessInfo.processInfo.environment.merging(options.extraEnvironment) { _, run in run }.filter { key, _ in
            !dropped.contains(key)
        }
        env["REFEREE_EVAL_ONLY"] = "1"
        env["REFEREE_EVAL_SHARD"] = at("data") + "/" + shardName
        env["REFEREE_EVAL_OUT"] = at("out")
        env["REFEREE_DIST_POSITIONS"] = positions.map(String.init).joined(separator: ",")
        if let artifact { env["REFEREE_ARTIFACT"] = at("work") + "/" + artifact.lastPathComponent } else { env.removeValue(forKey: "REFEREE_ARTIFACT") }
        env["DATA_PATH"] = at("data")
        if let tokenizer = options.tokenizerPath {
            env["TOKENIZER_PATH"] = sandboxed ? root + "/tokenizer/" + tokenizer.lastPathComponent : tokenizer.path
        }
        env["RANK"] = "0"
        env["LOCAL_RANK"] = "0"
        env["WORLD_SIZE"] = "1"
        env["PYTHONPATH"] = sandboxed ? (options.pythonPath.isEmpty ? nil : root + "/python") : options.pythonPath.map(\.path).joined(separator: ":")
        env["PYTHONUNBUFFERED"] = "1"
        env["HOME"] = sandboxed ? "/tmp" : at("home")
        env["TMPDIR"] = sandboxed ? "/tmp" : at("home")
        let runner = EntryPointRunner(python: options.python, script: at("work") + "/" + script.lastPathComponent,
                                      workingDirectory: at("work"), environment: env, timeout: options.timeout, sandbox: sandbox)
        return EvaluationSetup(host: host, codeFiles: codeFiles, artifact: artifact, runner: runner,
                               sandboxDescription: description, sandboxed: sandboxed)
    }

    /// Empties the folders, hands the evaluation its files, runs it and reads its outputs.
    func evaluate(name: String, kind: String, tokens: [UInt16], positions: [Int]) throws(ProbeError) -> (EvaluationRun, EvalOutputs) {
        let fm = FileManager.default
        for folder in [hostWork, hostData, hostOut, hostHome] {
            try? fm.removeItem(at: folder)
            do { try fm.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
                throw ProbeError.io(path: folder.path, reason: "cannot create the evaluation's folder")
            }
        }
        do {
            for file in codeFiles + [artifact].compactMap({ $0 }) {
                var st = stat()
                guard lstat(file.path, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { continue }
                let target = hostWork.appendingPathComponent(file.lastPathComponent)
                if fm.fileExists(atPath: target.path) { continue }
                try fm.copyItem(at: file, to: target)
                try fm.setAttributes([.modificationDate: Self.fixedDate], ofItemAtPath: target.path)
            }
        } catch {
            throw ProbeError.io(path: hostWork.path, reason: "cannot prepare the evaluation's working folder: \(error.localizedDescription)")
        }
        let shard = hostData.appendingPathComponent(Self.shardName)
        try ProbeShard.write(tokens, to: shard)
        try? fm.setAttributes([.modificationDate: Self.fixedDate], ofItemAtPath: shard.path)
        var variables: [String: String] = [:]
        if kind == "heldout" { variables["REFEREE_DIST_POSITIONS"] = positions.map(String.init).joined(separator: ",") }
        let exit = try runner.launch(variables, stderr: logs.appendingPathComponent("\(name).txt"), timeout: runner.timeout)
        let outputs = EntryPointRunner.readOutputs(hostOut, positions: positions, targets: tokens.count - 1)
        let complete = outputs.nll != nil && positions.allSatisfy { outputs.dists[$0] != nil }
        let digest = outputs.nll != nil ? try? SHA256.hex(fileAt: hostOut.appendingPathComponent("nll.f64")) : nil
        let run = EvaluationRun(name: name, kind: kind, exitStatus: exit.status, timedOut: exit.timedOut, seconds: exit.seconds,
                                wroteOutputs: complete && exit.status == 0, stderrTail: exit.stderrTail, nllSHA256: digest)
        return (run, outputs)
    }

    /// Removes the host folders.
    func cleanUp() {
        try? FileManager.default.removeItem(at: host)
    }
}
