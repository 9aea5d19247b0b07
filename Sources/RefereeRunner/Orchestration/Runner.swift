import Foundation
import RefereeCore
import RefereeSandbox

/// Runs a submission once per seed into a record folder and writes what it measured.
///
/// Layout of `outDir`: the submission's top-level files, `train_seed<SEED>.log`,
/// `artifacts/seed<SEED>/` (each seed's declared artifact, copied by Referee),
/// `traces/seed<SEED>/rank<R>.jsonl` (copied by Referee), `journal.jsonl` (``Journal``),
/// `run.json` (``RunRecord``), `environment.json` (``EnvironmentRecord``). Each seed works in a
/// staging folder outside the record, in the sandbox when the kernel allows it (``SandboxLayout``).
/// Then the ``PostRunPipeline`` runs (unless interrupted) and `run.json` is rewritten with its
/// results.
///
/// Throws only for problems before or around the runs (missing script, unwritable folder); a
/// seed that crashes, hangs or is interrupted is recorded in ``RunRecord``.
package struct Runner {
    package var config: RunConfiguration
    package var pipeline: PostRunPipeline
    package var progress: ProgressReporter
    package var interrupt: InterruptTrap?

    package init(config: RunConfiguration, pipeline: PostRunPipeline, progress: ProgressReporter, interrupt: InterruptTrap?) {
        self.config = config
        self.pipeline = pipeline
        self.progress = progress
        self.interrupt = interrupt
    }

    /// Files of a submission folder that Referee produces itself and so never copies.
    static func isGenerated(_ name: String) -> Bool {
        name == "run.json" || name == "environment.json" || name == "submission.json" || name == "README.md"
            || name == "bundle.dsse.json" || (name.hasPrefix("train_seed") && name.hasSuffix(".log")) || name.hasPrefix(".")
    }

    package func run() throws(RunnerError) -> RunRecord {
        let fm = FileManager.default
        becomeChildSubreaper()
        let out = config.outDir.standardizedFileURL
        let source = config.recordDir.standardizedFileURL
        guard fm.fileExists(atPath: source.appendingPathComponent(config.entryScript).path) else {
            throw RunnerError.badInput(path: source.appendingPathComponent(config.entryScript).path, reason: "no entry script; a submission folder holds \(config.entryScript)")
        }
        // A held-out folder that is not one is a bad input before anything is written.
        let heldout = try config.heldoutPath.map { url throws(RunnerError) in try HeldoutRecord.measure(url) }
        try refuseEarlierRun(in: out)
        try makeDir(out)
        if out.path != source.path { try copySubmission(from: source, to: out) }
        let code = try CodeBytes.measure(record: out, entry: config.entryScript)
        let journal = try Journal(folder: out)
        journal.append("run_started", ["seeds": .string(config.seeds.map(String.init).joined(separator: ",")), "track": .string(config.track)])

        let sandbox = SandboxRecord.decide(enabled: config.sandbox, isolateNetwork: config.isolateNetwork)
        let isolation: NetworkIsolation = sandbox.namespaces
            ? (config.isolateNetwork ? .applied : .disabled)
            : (config.isolateNetwork ? .unavailable(sandbox.reason ?? "no sandbox") : .disabled)
        let data = try DataRecord.measure(dataPath: config.launch.dataPath.map { URL(fileURLWithPath: $0) },
                                          tokenizer: config.launch.tokenizerPath.map { URL(fileURLWithPath: $0) })
        if config.captureEnvironment {
            let env = EnvironmentCapture.capture(python: config.launch.python, refereeVersion: config.refereeVersion,
                                                 refereeHome: config.launch.refereeHome, networkIsolation: isolation)
            try write(env, to: out.appendingPathComponent("environment.json"))
        }

        // Working folders live outside the record, which the sandbox hides: the submission writes
        // only there, and Referee copies what the protocol declares into the record afterwards.
        let staging = fm.temporaryDirectory.appendingPathComponent("referee-run-\(UUID().uuidString)")
        try makeDir(staging)
        defer { try? fm.removeItem(at: staging) }
        let (training, trainingValidation) = try prepareTrainingData(data, source: source, staging: staging, sandbox: sandbox)
        if let training { journal.append("training_validation", ["mode": .string(training.record.mode.rawValue), "sha256": .string(training.record.sha256 ?? "")]) }

        // Asked once per run: whether this torchrun needs its redirect defaults spelled out.
        let launch = config.launch
        let torchrunArguments = launch.usesTorchrun
            ? TorchrunCompatibility.arguments(torchrun: launch.torchrun, nproc: launch.nprocPerNode, environment: launch.baseEnvironment)
            : []
        if !torchrunArguments.isEmpty {
            journal.append("torchrun_compatibility", ["arguments": .string(torchrunArguments.joined(separator: " "))])
        }

        let startedAt = Clock.wall()
        var seeds: [SeedRecord] = []
        var interrupted = false
        for (index, seed) in config.seeds.enumerated() {
            if interrupt?.fired == true { interrupted = true; break }
            journal.append("seed_started", ["seed": .int(Int64(seed))])
            let record = try runSeed(seed, index: index, out: out, staging: staging, sandbox: sandbox, training: training,
                                     hiddenData: trainingValidation?.hidden ?? [], torchrunArguments: torchrunArguments)
            journal.append("seed_ended", ["seed": .int(Int64(seed)), "stop": .string(record.stop.rawValue)])
            seeds.append(record)
            progress.finish(Self.summary(record, index: index, count: config.seeds.count))
            if let failure = SeedFailureReport.describe(record, record: out) { progress.finish(failure) }
            if record.stop == .interrupted { interrupted = true; break }
        }
        var run = RunRecord(refereeVersion: config.refereeVersion, track: config.track, entryScript: config.entryScript,
                            launcher: config.launch.launcher, nprocPerNode: config.launch.nprocPerNode, caps: config.caps,
                            networkIsolation: isolation, code: code, seeds: seeds, interrupted: interrupted,
                            startedAt: startedAt, endedAt: Clock.wall(), postRun: [],
                            sandbox: sandbox, data: data, settings: config.settingsWords, seedsRequested: config.seeds,
                            invocation: Invocation(entry: config.entryScript, track: config.track, dataPath: config.launch.dataPath,
                                                   tokenizerPath: config.launch.tokenizerPath, nprocPerNode: config.launch.nprocPerNode,
                                                   torchrun: config.launch.forceTorchrun),
                            declaredArtifact: config.artifactPatterns)
        run.trainingValidation = trainingValidation
        run.heldout = heldout
        // Every process is dead now: what Referee hashed must still be what is on disk.
        run.integrity = IntegrityCheck.check(run, record: out)
        let runURL = out.appendingPathComponent("run.json")
        try write(run, to: runURL)
        journal.append(Journal.completeEvent, ["changed": .int(Int64(run.integrity?.changed.count ?? 0))])
        if interrupted {
            run.postRun = pipeline.steps.map { PostRunStepRecord(name: $0.name, status: .skipped, detail: "run interrupted") }
        } else {
            let context = PostRunContext(record: out, track: config.track, keyPath: config.keyPath, run: run)
            for step in pipeline.steps {
                // A sealing step (signing) hashes run.json: write the results so far first and
                // never rewrite the file after it.
                if step.sealsRecord {
                    try write(run, to: runURL)
                    // The seal covers the journal too: nothing is appended after this line.
                    journal.append("sealing", ["step": .string(step.name)])
                }
                let result = pipeline.run(step, context)
                if !step.sealsRecord {
                    journal.append("post_run_step", ["name": .string(result.name), "status": .string(result.status.rawValue)])
                }
                run.postRun.append(result)
            }
            if pipeline.steps.contains(where: \.sealsRecord) { return run }
        }
        try write(run, to: runURL)
        return run
    }

    /// The data folder training gets (``TrainingData``, decoy mode) and run.json's
    /// `training_validation`; both nil without `--data-path`.
    func prepareTrainingData(_ data: DataRecord, source: URL, staging: URL, sandbox: SandboxRecord) throws(RunnerError)
        -> (TrainingData?, TrainingValidationRecord?) {
        guard let dataPath = config.launch.dataPath.map({ URL(fileURLWithPath: $0) }) else { return (nil, nil) }
        let (mode, reason) = config.trainingValidation.map { ($0, "--training-validation \($0.rawValue) given") }
            ?? TrainingValidationMode.detect(entryScript: source.appendingPathComponent(config.entryScript))
        let heldoutHidden = config.heldoutPath.map { [$0.standardizedFileURL.resolvingSymlinksInPath().path] } ?? []
        let trainShards = data.shards.filter { $0.split == "train" }
        let trainTokens = trainShards.reduce(0) { $0 + ($1.tokens ?? 0) }
        // The default never stops a run: without training text for a decoy it falls back to
        // `real`, saying why (data.validation-hidden is then unverifiable). An explicit
        // `--training-validation decoy` that cannot be honoured is a bad input instead.
        let noDecoyText = config.trainingValidation == nil && (data.valTokens ?? 0) > 0 && trainTokens <= (data.valTokens ?? 0)
        guard mode == .decoy, let valTokens = data.valTokens, valTokens > 0, !noDecoyText else {
            let why = mode != .decoy ? reason
                : noDecoyText ? reason + "; but the training shards hold \(trainTokens) tokens, not more than the \(data.valTokens ?? 0) a decoy needs, so training got the validation shards"
                : reason + "; but the data folder holds no validation shard, so there is nothing to replace"
            return (nil, TrainingValidationRecord(mode: .real, reason: why, source: nil, tokens: data.valTokens, bytes: data.valBytes,
                                                  sha256: nil, trainingShards: trainShards, hidden: sandbox.namespaces ? heldoutHidden : []))
        }
        let hidden = sandbox.namespaces ? [dataPath.standardizedFileURL.resolvingSymlinksInPath().path] + heldoutHidden : []
        let training = try TrainingData.decoy(dataPath: dataPath, valTokens: valTokens,
                                              tokenizer: config.launch.tokenizerPath.map { URL(fileURLWithPath: $0) },
                                              stage: staging.appendingPathComponent("data"), sandboxed: sandbox.namespaces,
                                              reason: reason, hidden: hidden, known: trainShards)
        return (training, training.record)
    }

    func runSeed(_ seed: Int, index: Int, out: URL, staging: URL, sandbox: SandboxRecord, training: TrainingData?,
                 hiddenData: [String] = [], torchrunArguments: [String] = []) throws(RunnerError) -> SeedRecord {
        let fm = FileManager.default
        let seedStage = staging.appendingPathComponent("seed\(seed)")
        let work = seedStage.appendingPathComponent("work")
        let traces = seedStage.appendingPathComponent("traces")
        let meta = seedStage.appendingPathComponent("meta")
        try makeDir(work)
        try makeDir(traces)
        try makeDir(meta)
        let runId = "\(out.lastPathComponent)_seed\(seed)"
        let codeFiles = topLevelFiles(of: out)
        var plan = config.launch
        plan.torchrunArguments += torchrunArguments
        let spec: LaunchSpec
        let added: [String: String]
        if sandbox.namespaces {
            let layout = SandboxLayout(work: work, traces: traces, meta: meta, codeFiles: codeFiles,
                                       data: training?.folder ?? plan.dataPath.map { URL(fileURLWithPath: $0) },
                                       dataFiles: training?.passThrough ?? [],
                                       tokenizer: plan.tokenizerPath.map { URL(fileURLWithPath: $0) },
                                       pythonDir: plan.refereeHome?.appendingPathComponent("python"),
                                       hidden: [out, staging] + hiddenData.map { URL(fileURLWithPath: $0) })
            if plan.dataPath != nil { plan.dataPath = SandboxLayout.data }
            plan.tokenizerPath = layout.tokenizerInside
            if plan.refereeHome != nil { plan.pythonDir = SandboxLayout.python }
            if plan.extraEnvironment["HOME"] == nil { plan.extraEnvironment["HOME"] = SandboxLayout.home }
            plan.extraEnvironment["REFEREE_IMPORTS_OUT"] = SandboxLayout.meta
            var s = plan.spec(script: URL(fileURLWithPath: SandboxLayout.work + "/" + config.entryScript), seed: seed, runId: runId,
                              traceDir: URL(fileURLWithPath: SandboxLayout.traces), workingDirectory: URL(fileURLWithPath: SandboxLayout.work))
            s.sandbox = layout.policy(isolateNetwork: config.isolateNetwork)
            spec = s
            added = plan.addedEnvironment(seed: seed, runId: runId, traceDir: URL(fileURLWithPath: SandboxLayout.traces))
        } else {
            for file in codeFiles { try copy(file, to: work.appendingPathComponent(file.lastPathComponent)) }
            if let training { plan.dataPath = training.folder.path }
            plan.extraEnvironment["REFEREE_IMPORTS_OUT"] = meta.path
            spec = plan.spec(script: work.appendingPathComponent(config.entryScript), seed: seed, runId: runId,
                             traceDir: traces, workingDirectory: work)
            added = plan.addedEnvironment(seed: seed, runId: runId, traceDir: traces)
        }
        let logName = "train_seed\(seed).log"
        let count = config.seeds.count
        let caps = config.caps
        let progress = self.progress
        let executor = SeedExecutor(caps: caps, interrupt: interrupt) { tracker, started in
            progress.update(index: index, count: count, seed: seed, tracker: tracker, startedAt: started, caps: caps)
        }
        let result = try executor.run(spec, logURL: out.appendingPathComponent(logName),
                                      watch: ArtifactWatch(folder: work, patterns: config.artifactPatterns))

        // Assemble the record from what the protocol declares; list the rest.
        let codeNames = Set(codeFiles.map(\.lastPathComponent))
        let outputs = try RecordAssembly.collect(work: work, traces: traces, record: out, seed: seed,
                                                 artifactPatterns: config.artifactPatterns, codeNames: codeNames)
        let imports = ImportedModules.collect(from: meta, mapping: ImportedModules.Mapping(
            work: (sandbox.namespaces ? SandboxLayout.work : work.path, work),
            python: sandbox.namespaces ? SandboxLayout.python : (config.launch.refereeHome?.appendingPathComponent("python").path ?? "/nonexistent"),
            record: out, codeNames: codeNames,
            privatePrefixes: sandbox.namespaces ? ["/tmp", "/dev/shm"] : [staging.path],
            data: sandbox.namespaces ? [SandboxLayout.data, SandboxLayout.tokenizerDir]
                                     : [config.launch.dataPath, training?.folder.path, config.launch.tokenizerPath].compactMap { $0 },
            launchers: [spec.executable].compactMap { try? SpawnedChild.resolve($0, path: spec.environment["PATH"] ?? "") }
                .map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }))
        try? fm.removeItem(at: seedStage)

        let logged = PhaseTimestamps(start: result.startedAt, trainingStopped: result.phases.trainingStoppedAt,
                                     artifactWritten: result.phases.artifactWrittenAt, finalScore: result.phases.finalScoreAt,
                                     end: result.endedAt)
        // What Referee observed decides the phases: the declared artifact's appearance ends
        // training, its last change is when it was written. The log's own lines are kept in
        // `logged` only; without an artifact the phases stay open.
        let stamps = PhaseTimestamps(start: result.startedAt,
                                     trainingStopped: result.artifactFirstSeenAt,
                                     artifactWritten: result.artifactLastChangedAt,
                                     finalScore: result.phases.finalScoreAt, end: result.endedAt)
        let durations = PhaseDurations(stamps)
        var overPhases: [String] = []
        // No declared artifact seen: training lasted as long as the run (no log line shortens it).
        let trainMeasured = durations.training ?? durations.total
        if trainMeasured > caps.trainSeconds + caps.graceSeconds || result.capReachedIn == .training { overPhases.append("training") }
        if (durations.afterTraining ?? 0) > caps.evalSeconds + caps.graceSeconds || result.capReachedIn == .evaluation { overPhases.append("evaluation") }
        var exitCode: Int?
        var signal: Int?
        switch result.exit {
        case .exited(let code): exitCode = Int(code)
        case .signaled(let sig): signal = Int(sig)
        }
        var artifact = outputs.artifact
        artifact?.firstWriteAt = result.artifactFirstSeenAt
        artifact?.finalWriteAt = result.artifactLastChangedAt
        return SeedRecord(
            seed: seed, runId: runId, command: [spec.executable] + spec.arguments,
            environment: added.map { "\($0.key)=\($0.value)" }.sorted(),
            workingDirectory: "artifacts/seed\(seed)",
            log: try FileDigest.of(out.appendingPathComponent(logName), relative: logName),
            logLines: result.lineCount, exitCode: exitCode, signal: signal, stop: result.stop,
            capReachedIn: result.capReachedIn, overBudget: !overPhases.isEmpty, overBudgetPhases: overPhases,
            timestamps: stamps, wallSeconds: durations, lastStep: result.phases.step, iterations: result.phases.iterations,
            artifacts: outputs.artifacts, traces: outputs.traces,
            tracePhases: TracePhaseReader.phases(in: out.appendingPathComponent("traces/seed\(seed)")), survivors: result.survivors,
            artifact: artifact, deadlines: result.deadlines, loggedTimestamps: logged,
            undeclaredFiles: outputs.undeclared, sandboxed: sandbox.namespaces,
            importedModules: imports.recorded ? imports.modules : nil,
            importedModuleCounts: imports.recorded ? imports.counts : nil)
    }

    /// The regular files at the top of the record folder that came from the submission (its code).
    func topLevelFiles(of out: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []
        return names.sorted().filter { !Self.isGenerated($0) && $0 != Journal.fileName && $0 != "probes.json" }.compactMap { name in
            let url = out.appendingPathComponent(name)
            var st = stat()
            guard lstat(url.path, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return nil }
            return url
        }
    }

    func copy(_ from: URL, to: URL) throws(RunnerError) {
        do {
            if FileManager.default.fileExists(atPath: to.path) { try FileManager.default.removeItem(at: to) }
            try FileManager.default.copyItem(at: from, to: to)
        } catch {
            throw RunnerError.io(path: to.path, reason: "cannot copy \(from.path): \(error.localizedDescription)")
        }
    }

    static func summary(_ r: SeedRecord, index: Int, count: Int) -> String {
        let status = r.exitCode.map { "exit \($0)" } ?? "signal \(r.signal ?? 0)"
        var text = "seed \(index + 1)/\(count) (\(r.seed)): \(r.stop.rawValue), \(status), \(String(format: "%.1f", r.wallSeconds.total))s"
        if r.overBudget { text += ", OVER BUDGET (\(r.overBudgetPhases.joined(separator: ", ")))" }
        return text
    }

    func copySubmission(from source: URL, to out: URL) throws(RunnerError) {
        let fm = FileManager.default
        let names: [String]
        do { names = try fm.contentsOfDirectory(atPath: source.path) } catch {
            throw RunnerError.badInput(path: source.path, reason: "cannot list the submission folder: \(error.localizedDescription)")
        }
        for name in names.sorted() where !Self.isGenerated(name) {
            let from = source.appendingPathComponent(name)
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: from.path, isDirectory: &isDir), !isDir.boolValue else { continue }
            let to = out.appendingPathComponent(name)
            do {
                if fm.fileExists(atPath: to.path) { try fm.removeItem(at: to) }
                try fm.copyItem(at: from, to: to)
            } catch {
                throw RunnerError.io(path: to.path, reason: "cannot copy \(from.path): \(error.localizedDescription)")
            }
        }
    }

    /// An output folder that already holds a run's evidence would mix two runs' logs (a trap the
    /// auditor would then have to untangle): refuse it.
    func refuseEarlierRun(in out: URL) throws(RunnerError) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []
        let earlier = names.filter { $0 == "run.json" || $0 == "artifacts" || $0 == "traces" || ($0.hasPrefix("train_seed") && $0.hasSuffix(".log")) }
        guard earlier.isEmpty else {
            throw RunnerError.badInput(path: out.path, reason: "already holds an earlier run (\(earlier.sorted().joined(separator: ", "))); choose another --out or remove it")
        }
    }

    func makeDir(_ url: URL) throws(RunnerError) {
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw RunnerError.io(path: url.path, reason: "cannot create folder: \(error.localizedDescription)")
        }
    }

    func write<T: Encodable>(_ value: T, to url: URL) throws(RunnerError) {
        do {
            try AtomicFile.write(try RecordJSON.encode(value), to: url)
        } catch let error as CoreError {
            throw RunnerError.io(path: url.path, reason: error.description)
        } catch {
            throw RunnerError.io(path: url.path, reason: "cannot encode: \(error)")
        }
    }
}
