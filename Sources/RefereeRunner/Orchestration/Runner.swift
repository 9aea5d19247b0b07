import Foundation
import RefereeCore

/// Runs a submission once per seed into a record folder and writes what it measured.
///
/// Layout of `outDir`: the submission's top-level files, `train_seed<SEED>.log`,
/// `artifacts/seed<SEED>/` (each seed's working directory, so artifacts never collide),
/// `traces/seed<SEED>/rank<R>.jsonl`, `run.json` (``RunRecord``), `environment.json`
/// (``EnvironmentRecord``). Then the ``PostRunPipeline`` runs (unless interrupted) and `run.json`
/// is rewritten with its results.
///
/// Throws only for problems before or around the runs (missing script, unwritable folder); a
/// seed that crashes, hangs or is interrupted is recorded in ``RunRecord``.
public struct Runner {
    public var config: RunConfiguration
    public var pipeline: PostRunPipeline
    public var progress: ProgressReporter
    public var interrupt: InterruptTrap?

    public init(config: RunConfiguration, pipeline: PostRunPipeline, progress: ProgressReporter, interrupt: InterruptTrap?) {
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

    public func run() throws(RunnerError) -> RunRecord {
        let fm = FileManager.default
        becomeChildSubreaper()
        let out = config.outDir.standardizedFileURL
        let source = config.recordDir.standardizedFileURL
        guard fm.fileExists(atPath: source.appendingPathComponent(config.entryScript).path) else {
            throw RunnerError.badInput(path: source.appendingPathComponent(config.entryScript).path, reason: "no entry script; a submission folder holds \(config.entryScript)")
        }
        try refuseEarlierRun(in: out)
        try makeDir(out)
        if out.path != source.path { try copySubmission(from: source, to: out) }
        let code = try CodeBytes.measure(record: out, entry: config.entryScript)

        let isolation = config.isolateNetwork ? NetworkIsolation.probe() : .disabled
        if config.captureEnvironment {
            let env = EnvironmentCapture.capture(python: config.launch.python, refereeVersion: config.refereeVersion,
                                                 refereeHome: config.launch.refereeHome, networkIsolation: isolation)
            try write(env, to: out.appendingPathComponent("environment.json"))
        }

        let startedAt = Clock.wall()
        var seeds: [SeedRecord] = []
        var interrupted = false
        for (index, seed) in config.seeds.enumerated() {
            if interrupt?.fired == true { interrupted = true; break }
            let record = try runSeed(seed, index: index, out: out, isolation: isolation)
            seeds.append(record)
            progress.finish(Self.summary(record, index: index, count: config.seeds.count))
            if let failure = SeedFailureReport.describe(record, record: out) { progress.finish(failure) }
            if record.stop == .interrupted { interrupted = true; break }
        }
        var run = RunRecord(refereeVersion: config.refereeVersion, track: config.track, entryScript: config.entryScript,
                            launcher: config.launch.launcher, nprocPerNode: config.launch.nprocPerNode, caps: config.caps,
                            networkIsolation: isolation, code: code, seeds: seeds, interrupted: interrupted,
                            startedAt: startedAt, endedAt: Clock.wall(), postRun: [])
        let runURL = out.appendingPathComponent("run.json")
        try write(run, to: runURL)
        if interrupted {
            run.postRun = pipeline.steps.map { PostRunStepRecord(name: $0.name, status: .skipped, detail: "run interrupted") }
        } else {
            let context = PostRunContext(record: out, track: config.track, keyPath: config.keyPath, run: run)
            for step in pipeline.steps {
                // A sealing step (signing) hashes run.json: write the results so far first and
                // never rewrite the file after it.
                if step.sealsRecord { try write(run, to: runURL) }
                run.postRun.append(pipeline.run(step, context))
            }
            if pipeline.steps.contains(where: \.sealsRecord) { return run }
        }
        try write(run, to: runURL)
        return run
    }

    func runSeed(_ seed: Int, index: Int, out: URL, isolation: NetworkIsolation) throws(RunnerError) -> SeedRecord {
        let workRel = "artifacts/seed\(seed)"
        let work = out.appendingPathComponent(workRel)
        let traces = out.appendingPathComponent("traces/seed\(seed)")
        try makeDir(work)
        try makeDir(traces)
        let runId = "\(out.lastPathComponent)_seed\(seed)"
        var spec = config.launch.spec(script: out.appendingPathComponent(config.entryScript), seed: seed, runId: runId,
                                      traceDir: traces, workingDirectory: work)
        if isolation == .applied { spec = NetworkIsolation.wrap(spec) }
        let logName = "train_seed\(seed).log"
        let count = config.seeds.count
        let caps = config.caps
        let progress = self.progress
        let executor = SeedExecutor(caps: caps, interrupt: interrupt) { tracker, started in
            progress.update(index: index, count: count, seed: seed, tracker: tracker, startedAt: started, caps: caps)
        }
        let result = try executor.run(spec, logURL: out.appendingPathComponent(logName))
        let stamps = PhaseTimestamps(start: result.startedAt, trainingStopped: result.phases.trainingStoppedAt,
                                     artifactWritten: result.phases.artifactWrittenAt, finalScore: result.phases.finalScoreAt,
                                     end: result.endedAt)
        let durations = PhaseDurations(stamps)
        var overPhases: [String] = []
        let trainMeasured = durations.training ?? (result.phases.phase == .training ? durations.total : 0)
        if trainMeasured > caps.trainSeconds + caps.graceSeconds || result.capReachedIn == .training { overPhases.append("training") }
        if (durations.afterTraining ?? 0) > caps.evalSeconds + caps.graceSeconds || result.capReachedIn == .evaluation { overPhases.append("evaluation") }
        var exitCode: Int?
        var signal: Int?
        switch result.exit {
        case .exited(let code): exitCode = Int(code)
        case .signaled(let sig): signal = Int(sig)
        }
        let added = config.launch.addedEnvironment(seed: seed, runId: runId, traceDir: traces)
        return SeedRecord(
            seed: seed, runId: runId, command: [spec.executable] + spec.arguments,
            environment: added.map { "\($0.key)=\($0.value)" }.sorted(),
            workingDirectory: workRel,
            log: try FileDigest.of(out.appendingPathComponent(logName), relative: logName),
            logLines: result.lineCount, exitCode: exitCode, signal: signal, stop: result.stop,
            capReachedIn: result.capReachedIn, overBudget: !overPhases.isEmpty, overBudgetPhases: overPhases,
            timestamps: stamps, wallSeconds: durations, lastStep: result.phases.step, iterations: result.phases.iterations,
            artifacts: try FileDigest.inventory(of: work, relativeTo: out),
            traces: try FileDigest.inventory(of: traces, relativeTo: out),
            tracePhases: TracePhaseReader.phases(in: traces), survivors: result.survivors)
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
