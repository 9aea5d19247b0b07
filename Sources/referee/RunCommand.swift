import ArgumentParser
import Foundation
import RefereeAudit
import RefereeReport
import RefereeRunner

/// `referee run <submission-dir> --seeds 1337,42,2025 [...] [-- NAME=value ...]`.
extension TrainingValidationMode: ExpressibleByArgument {}

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a submission end to end and produce a verified record.",
        discussion: """
        Every path (the submission folder and its entry script, --data-path, --tokenizer-path, \
        --key, --out, the interpreter) is checked before the first seed starts; each unusable one \
        is listed and the exit code is 2. Each seed runs in Referee's sandbox (Linux namespaces: \
        a read-only file system but its own working folder, the record hidden, a PID namespace so \
        that nothing it starts outlives it, loopback-only network; docs/runner.md), its output \
        timestamped into train_seed<SEED>.log. Deadlines are fixed at the spawn on Referee's clock: \
        at a cap every process of the seed is stopped and the run is recorded as over budget. \
        Referee then copies the declared artifact (--artifact) and the traces into the record, \
        hashing them, re-hashes everything once every process is dead, evaluates every completed \
        seed's artifact itself on the whole validation set (official + control, in fresh sandboxed \
        processes; the probe campaign's cuts on one seed drawn at random; needs --data-path), audits the record, writes submission.json and \
        README.md, and signs it when --key is given. A seed that fails prints its log's path and \
        last lines, and the closing summary names every failed seed. Exit codes: 0 every seed \
        completed and nothing failed, 1 a seed failed, crashed or went over budget, or a rule \
        failed, 2 bad input, 130 interrupted.
        """
    )

    @Argument(help: "The submission folder holding the entry script (train_gpt.py).")
    var submissionDir: String

    @Option(help: "Comma-separated seeds, one run each, e.g. 1337,42,2025.")
    var seeds: String

    @Option(help: "Processes per node; above 1 the run goes through torchrun.")
    var nprocPerNode: Int = 1

    @Flag(help: "Launch through torchrun even with one process.")
    var torchrun = false

    @Option(help: "Data folder, passed as DATA_PATH.")
    var dataPath: String?

    @Option(help: "Tokenizer .model file, passed as TOKENIZER_PATH.")
    var tokenizerPath: String?

    @Option(help: "Ed25519 private key (PEM) to sign the record with.")
    var key: String?

    @Option(help: "Output record folder (default records/<track>/<date>_<name>).")
    var out: String?

    @Option(help: "Track whose rules apply.")
    var track: String = "track_10min_16mb"

    @Option(help: "Entry script inside the submission folder.")
    var entry: String = "train_gpt.py"

    @Option(help: "Python interpreter for single-process runs.")
    var python: String = "python3"

    @Option(help: "Training cap in seconds (default: the track's time.train rule, else 600).")
    var trainSeconds: Double?

    @Option(help: "Cap after training stops, in seconds (default: the track's time.eval rule, else 600).")
    var evalSeconds: Double?

    @Option(help: "Grace added to each cap before the group is stopped.")
    var graceSeconds: Double = 60

    @Flag(help: "Do not run the submission in a loopback-only network namespace.")
    var noNetworkIsolation = false

    @Flag(help: "Run the submission as an ordinary child, without namespaces (rule runner.sandbox is then unverifiable).")
    var noSandbox = false

    @Option(help: "Glob of the declared artifact's file name in the working folder (repeatable; default *.ptz).")
    var artifact: [String] = []

    @Option(help: "Author written into submission.json (default: the submission's own submission.json, else 'Referee').")
    var author: String?

    @Option(help: "GitHub id written into submission.json (default: the submission's own, else 'referee').")
    var githubID: String?

    @Option(help: "Name written into submission.json (default: the submission's own, else the record folder's name).")
    var name: String?

    @Option(help: "One-paragraph description for submission.json.")
    var blurb: String?

    @Flag(help: "Run the entry script unmodified under Referee's observation hooks (python -m referee_autotrace): the trace is observed, not declared (docs/autotrace.md).")
    var autotrace = false

    @Flag(help: "Skip Referee's official evaluation and the probes after the runs (score.official and the probe rules are then unverifiable).")
    var noProbes = false

    @Option(help: "Evaluations besides the official one on the probed seed (at least 2): 1 control + (budget − 1) cuts; every other seed gets official + control.")
    var probeBudget: Int = 4

    @Option(help: "What training finds as fineweb_val_*.bin: 'decoy' (the last val_tokens tokens of the training stream, cut off the training shards; the real data folder hidden) or 'real' (the validation shards). Default: decoy when the entry script mentions REFEREE_EVAL_ONLY or referee_probe, else real (docs/runner.md).")
    var trainingValidation: TrainingValidationMode?

    @Option(help: "Folder of FineWeb-format held-out shards (never visible to training), evaluated by Referee for rule data.heldout-gap (python/make_data.py writes data/sp1024_synth/heldout).")
    var heldoutShards: String?

    @Argument(parsing: .postTerminator, help: "NAME=value environment variables for the submission, after '--'.")
    var extraEnvironment: [String] = []

    func run() throws {
        let seedList = try RunConfiguration.parseSeeds(seeds)
        let extra = try RunConfiguration.parseEnvironment(extraEnvironment)
        guard nprocPerNode >= 1 else { throw ValidationError("--nproc-per-node must be at least 1") }
        guard probeBudget >= 2 else { throw ValidationError("--probe-budget must be at least 2 (1 control + at least 1 cut)") }
        let source = URL(fileURLWithPath: submissionDir)
        let outURL = out.map { URL(fileURLWithPath: $0) } ?? RunConfiguration.defaultOut(track: track, recordDir: source)
        var launch = LaunchPlan(python: python, nprocPerNode: nprocPerNode, forceTorchrun: torchrun,
                                dataPath: dataPath.map(absolute), tokenizerPath: tokenizerPath.map(absolute),
                                refereeHome: LaunchPlan.locateHome(), extraEnvironment: extra)
        let problems = PreflightCheck(submissionDir: source, entryScript: entry, dataPath: dataPath.map { URL(fileURLWithPath: $0) },
                                      tokenizerPath: tokenizerPath.map { URL(fileURLWithPath: $0) }, keyPath: key.map { URL(fileURLWithPath: $0) },
                                      outDir: outURL, python: python, torchrun: launch.usesTorchrun).problems()
        if !problems.isEmpty { throw PreflightError(problems: problems) }
        launch.autotrace = autotrace
        let ruleSet = try RuleSet.builtin(track: track)
        // Explicit flags win over the track's rules; a cap the rules do not set stays at 600 s.
        var caps = PhaseCaps(rules: ruleSet, fallback: PhaseCaps(trainSeconds: 600, evalSeconds: 600, graceSeconds: graceSeconds))
        if let trainSeconds { caps.trainSeconds = trainSeconds }
        if let evalSeconds { caps.evalSeconds = evalSeconds }
        var config = RunConfiguration(recordDir: source, outDir: outURL, seeds: seedList, track: track, entryScript: entry,
                                      launch: launch,
                                      caps: caps,
                                      isolateNetwork: !noNetworkIsolation, keyPath: key.map { URL(fileURLWithPath: $0) },
                                      refereeVersion: RefereeVersion.string)
        config.sandbox = !noSandbox
        if !artifact.isEmpty { config.artifactPatterns = artifact }
        config.settingsWords = extraEnvironment
        config.trainingValidation = trainingValidation
        config.heldoutPath = heldoutShards.map { URL(fileURLWithPath: absolute($0)) }
        let trap = InterruptTrap(catchSignals: true)
        defer { trap.release() }
        let runner = Runner(config: config, pipeline: .standard(settings(rules: ruleSet)), progress: ProgressReporter(), interrupt: trap)
        let record = try runner.run()
        print("record: \(outURL.standardizedFileURL.path)")
        for step in record.postRun { print("\(step.name): \(step.status.rawValue) \(step.detail)") }
        let failed = record.seeds.filter(SeedFailureReport.failed)
        if !failed.isEmpty {
            let names = failed.map { "\($0.seed) (\(SeedFailureReport.cause($0)), log \(outURL.appendingPathComponent($0.log.path).standardizedFileURL.path))" }
            print("failed seeds: \(failed.count) of \(record.seeds.count): \(names.joined(separator: "; "))")
        }
        if record.interrupted { throw ExitCode(130) }
        let ruleFailed = record.postRun.contains { $0.status == .ruleFailed || $0.status == .error }
        if !record.allSeedsCompleted || ruleFailed { throw ExitCode.ruleFailed }
    }

    func absolute(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }

    func settings(rules: RuleSet) -> PostRunSettings {
        PostRunSettings(rules: rules, refereeVersion: RefereeVersion.string,
                        submission: RecordSubmission.Options(author: author, githubID: githubID, name: name, blurb: blurb),
                        probeDataPath: dataPath.map { URL(fileURLWithPath: $0) },
                        tokenizerPath: tokenizerPath.map { URL(fileURLWithPath: $0) },
                        python: python, entryScript: entry, runProbes: !noProbes,
                        heldoutPath: heldoutShards.map { URL(fileURLWithPath: absolute($0)) })
            .withProbeBudget(probeBudget)
    }
}
