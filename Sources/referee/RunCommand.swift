import ArgumentParser
import Foundation
import RefereeAudit
import RefereeBundle
import RefereeCrypto
import RefereeLogs
import RefereeProbe
import RefereeReport
import RefereeRunner

/// `referee run <record-dir> --seeds 1337,42,2025 [...] [-- NAME=value ...]`.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a submission end to end and produce a verified record.",
        discussion: """
        Each seed runs in its own working directory (artifacts/seed<SEED>) with its output \
        timestamped into train_seed<SEED>.log. Phase caps are enforced: at a cap the whole process \
        group is stopped and the run is recorded as over budget. Exit codes: 0 every seed completed \
        and nothing failed, 1 a seed failed, crashed or went over budget, or a rule failed, \
        2 bad input, 130 interrupted.
        """
    )

    @Argument(help: "The submission folder holding the entry script (train_gpt.py).")
    var recordDir: String

    @Option(help: "Comma-separated seeds, one run each, e.g. 1337,42,2025.")
    var seeds: String

    @Option(name: .customLong("nproc-per-node"), help: "Processes per node; above 1 the run goes through torchrun.")
    var nprocPerNode: Int = 1

    @Flag(help: "Launch through torchrun even with one process.")
    var torchrun = false

    @Option(name: .customLong("data-path"), help: "Data folder, passed as DATA_PATH.")
    var dataPath: String?

    @Option(name: .customLong("tokenizer-path"), help: "Tokenizer .model file, passed as TOKENIZER_PATH.")
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

    @Option(name: .customLong("train-seconds"), help: "Training cap in seconds (default: the track's time.train rule, else 600).")
    var trainSeconds: Double?

    @Option(name: .customLong("eval-seconds"), help: "Cap after training stops, in seconds (default: the track's time.eval rule, else 600).")
    var evalSeconds: Double?

    @Option(name: .customLong("grace-seconds"), help: "Grace added to each cap before the group is stopped.")
    var graceSeconds: Double = 60

    @Flag(name: .customLong("no-network-isolation"), help: "Do not run the submission in a loopback-only network namespace.")
    var noNetworkIsolation = false

    @Option(help: "Author written into submission.json (default: the submission's own submission.json, else 'Referee').")
    var author: String?

    @Option(name: .customLong("github-id"), help: "GitHub id written into submission.json (default: the submission's own, else 'referee').")
    var githubID: String?

    @Option(help: "Name written into submission.json (default: the submission's own, else the record folder's name).")
    var name: String?

    @Option(help: "One-paragraph description for submission.json.")
    var blurb: String?

    @Flag(name: .customLong("no-probes"), help: "Skip the black-box probes after the runs (their rules are then unverifiable).")
    var noProbes = false

    @Argument(parsing: .postTerminator, help: "NAME=value environment variables for the submission, after '--'.")
    var extraEnvironment: [String] = []

    func run() throws {
        let seedList = try RunConfiguration.parseSeeds(seeds)
        let extra = try RunConfiguration.parseEnvironment(extraEnvironment)
        guard nprocPerNode >= 1 else { throw ValidationError("--nproc-per-node must be at least 1") }
        let source = URL(fileURLWithPath: recordDir)
        let outURL = out.map { URL(fileURLWithPath: $0) } ?? RunConfiguration.defaultOut(track: track, recordDir: source)
        let launch = LaunchPlan(python: python, nprocPerNode: nprocPerNode, forceTorchrun: torchrun,
                                dataPath: dataPath.map(absolute), tokenizerPath: tokenizerPath.map(absolute),
                                refereeHome: LaunchPlan.locateHome(), extraEnvironment: extra)
        let ruleSet = try RuleSet.builtin(track: track)
        // Explicit flags win over the track's rules; a cap the rules do not set stays at 600 s.
        var caps = PhaseCaps(rules: ruleSet, fallback: PhaseCaps(trainSeconds: 600, evalSeconds: 600, graceSeconds: graceSeconds))
        if let trainSeconds { caps.trainSeconds = trainSeconds }
        if let evalSeconds { caps.evalSeconds = evalSeconds }
        let config = RunConfiguration(recordDir: source, outDir: outURL, seeds: seedList, track: track, entryScript: entry,
                                      launch: launch,
                                      caps: caps,
                                      isolateNetwork: !noNetworkIsolation, keyPath: key.map { URL(fileURLWithPath: $0) },
                                      refereeVersion: RefereeVersion.string)
        let trap = InterruptTrap(catchSignals: true)
        defer { trap.release() }
        let runner = Runner(config: config, pipeline: pipeline(rules: ruleSet), progress: ProgressReporter(), interrupt: trap)
        let record = try runner.run()
        print("record: \(outURL.standardizedFileURL.path)")
        for step in record.postRun { print("\(step.name): \(step.status.rawValue) \(step.detail)") }
        if record.interrupted { throw ExitCode(130) }
        let ruleFailed = record.postRun.contains { $0.status == .ruleFailed || $0.status == .error }
        if !record.allSeedsCompleted || ruleFailed { throw ExitCode.ruleFailed }
    }

    func absolute(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }

    /// The post-run steps: audit with the track's rules (the traces included), write
    /// submission.json + README.md from that evidence, sign the bundle when `--key` is given.
    func pipeline(rules: RuleSet) -> PostRunPipeline {
        let options = RecordSubmission.Options(author: author, githubID: githubID, name: name, blurb: blurb)
        let generator = "referee \(RefereeVersion.string)"
        let audit: AuditProvider = { url in try Auditor(rules: rules).audit(path: url, displayPath: "") }
        let probeData = dataPath.map { URL(fileURLWithPath: $0) }
        let tokenizer = tokenizerPath.map { URL(fileURLWithPath: $0) }
        let python = self.python
        let entry = self.entry
        let skipProbes = noProbes
        return PostRunPipeline(steps: [
            PostRunPipeline.Step(name: "probe") { context in
                if skipProbes { return (.skipped, "--no-probes given") }
                guard let probeData else { return (.skipped, "no --data-path: the probes need the validation shards") }
                guard let first = context.run.seeds.first(where: { $0.stop == .exited && $0.exitCode == 0 }) else {
                    return (.skipped, "no seed completed, so there is no artifact to probe")
                }
                let helper = LaunchPlan.locateHome().flatMap { ProbeOptions.findPythonHelper(from: $0) }
                let options = ProbeOptions(record: context.record,
                                           submission: context.record.appendingPathComponent(first.workingDirectory),
                                           dataPath: probeData, tokenizerPath: tokenizer,
                                           script: context.record.appendingPathComponent(entry).path, python: python,
                                           pythonPath: helper.map { [$0] } ?? [])
                let report = try Prober.probe(options)
                try Prober.write(report, to: context.record.appendingPathComponent("probes.json"))
                let status: PostRunStatus = report.entryPoint ? .ok : .incomplete
                return (status, "seed \(first.seed)'s artifact; entry point \(report.entryPoint ? "found" : "missing")")
            },
            PostRunPipeline.Step(name: "audit") { context in
                let result = try audit(context.record)
                return (Self.status(result.verdict), Self.summary(result))
            },
            PostRunPipeline.Step(name: "report") { context in
                var options = options
                let claims = try? SubmissionClaims.load(context.record.appendingPathComponent("submission.json"))
                if options.author == nil && claims?.author == nil { options.author = "Referee" }
                if options.githubID == nil && claims?.githubID == nil { options.githubID = "referee" }
                let result = try RecordSubmission(rules: rules, generator: generator).write(recordDir: context.record, options: options)
                return (Self.status(result.page.audit.verdict), "wrote \(result.written.joined(separator: ", "))")
            },
            PostRunPipeline.Step(name: "sign", sealsRecord: true) { context in
                guard let keyPath = context.keyPath else { return (.skipped, "no --key given") }
                let key = try Ed25519PrivateKey(contentsOf: keyPath)
                let statement = try BundleSigner(key: key, toolVersion: RefereeVersion.string, audit: audit).sign(context.record)
                return (.ok, "\(statement.subject.count) files signed, keyid \(try key.publicKey().keyID())")
            },
        ])
    }

    static func status(_ verdict: Verdict) -> PostRunStatus {
        switch verdict {
        case .pass: return .ok
        case .fail: return .ruleFailed
        case .incomplete: return .incomplete
        }
    }

    static func summary(_ audit: RecordAudit) -> String {
        let failed = audit.results.filter { $0.status == .fail }.map(\.id)
        let open = audit.results.filter { $0.status == .unverifiable }.map(\.id)
        var text = "verdict \(audit.verdict.rawValue)"
        if !failed.isEmpty { text += "; failed: \(failed.joined(separator: ", "))" }
        if !open.isEmpty { text += "; unverifiable: \(open.joined(separator: ", "))" }
        return text
    }
}
