import RefereeTrace
import ArgumentParser
import Foundation
import RefereeProbe
import RefereeRunner

struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Run Referee's official evaluation and the probe campaign on a record (protocol v2).",
        discussion: """
        After hashing the artifact, draws from one seed the cut positions (one per stratum of the \
        whole validation set, a third of them at document starts, document ends or evaluator \
        boundaries), the dumped positions and a random order, then runs the eval entry point \
        (python3 train_gpt.py with REFEREE_EVAL_ONLY=1) once per evaluation, each in a fresh \
        process and sandbox with the same invocation, file names, shard length, environment and \
        layout: official (the whole validation stream: Referee's score), control (the same input), \
        and budget − 1 cuts (the suffix after the cut replaced by text from elsewhere). Prints the \
        official val_bpb, the stated power and the cost in evaluations. On a record made by \
        `referee run` it uses the record's code, the data path in run.json and the artifact of \
        --run-seed (default: the first completed seed). Writes probes.json v2 (sorted keys, \
        atomic); beside a signed record <record-dir>.probes-<seed>.json, which \
        `referee audit <record-dir> --probes FILE` audits the record with.
        """
    )

    @Argument(help: "Record folder (probes.json is written there unless --out is given).")
    var recordDir: String

    @Option(help: "Folder the entry point runs in, holding the artifact (default: the record folder).")
    var submission: String?

    @Option(help: "Folder holding fineweb_val_*.bin shards (default: the --data-path of the record's run.json, else data/datasets/fineweb10B_sp1024).")
    var dataPath: String?

    @Option(help: "SentencePiece model passed to the submission as TOKENIZER_PATH.")
    var tokenizerPath: String?

    @Option(help: "Number of random positions whose full distribution is dumped.")
    var positions: Int = 8

    @Option(help: "Seed of the random draws (default: a fresh random seed, recorded in the report). A verifier keeps it secret until the artifact is frozen.")
    var seed: UInt64?

    @Option(help: "Evaluations besides the official one (at least 2): 1 control + (budget − 1) cuts.")
    var probeBudget: Int = 4

    @Option(help: "On a record made by `referee run`: whose artifact to evaluate (default: the first completed seed).")
    var runSeed: Int?

    @Option(help: "Where to write the report (default: <record-dir>/probes.json, only if the record has none; beside a signed record, <record-dir>.probes-<seed>.json so that its bundle stays valid).")
    var out: String?

    @Flag(help: "Replace the record's existing probes.json (without --out).")
    var overwrite = false

    @Option(help: "Seconds one evaluation may run before it is killed.")
    var timeout: Double = 600

    @Option(help: "Folder of FineWeb-format held-out shards, evaluated as the campaign's held-out evaluation (rule data.heldout-gap; default: the --heldout-shards of the record's run.json).")
    var heldoutShards: String?

    func validate() throws {
        if probeBudget < 2 { throw ValidationError("--probe-budget must be at least 2 (1 control + at least 1 cut)") }
    }

    func run() throws {
        let record = URL(fileURLWithPath: recordDir)
        // A record made by `referee run`: probe the first completed seed's artifact with the
        // record's own code, on the data it ran on, unless told otherwise.
        let run = try? RecordJSON.decode(RunRecord.self, from: Data(contentsOf: record.appendingPathComponent("run.json")))
        let completed = run?.seeds.first { $0.exitCode == 0 && $0.artifact != nil && (runSeed == nil || $0.seed == runSeed) }
        if let runSeed, run != nil, completed == nil {
            throw ValidationError("run.json has no completed seed \(runSeed) with a declared artifact")
        }
        let submissionURL = submission.map { URL(fileURLWithPath: $0) }
            ?? completed.map { record.appendingPathComponent($0.workingDirectory) }
        let script = run.map { record.appendingPathComponent($0.entryScript).path } ?? "train_gpt.py"
        let data = dataPath ?? run?.invocation?.dataPath ?? "data/datasets/fineweb10B_sp1024"
        let tokenizer = tokenizerPath ?? run?.invocation?.tokenizerPath
        let drawn = seed ?? UInt64.random(in: 0...UInt64.max)
        let signed = FileManager.default.fileExists(atPath: record.appendingPathComponent("referee.bundle.json").path)
        let defaultOut = signed
            ? record.deletingLastPathComponent().appendingPathComponent("\(record.lastPathComponent).probes-\(drawn).json")
            : record.appendingPathComponent("probes.json")
        if out == nil, !overwrite, FileManager.default.fileExists(atPath: defaultOut.path) {
            throw ValidationError("\(defaultOut.path) already exists and is never replaced unless asked: pass --out FILE, or --overwrite")
        }
        var helperSearch = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        helperSearch.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        let helper = helperSearch.lazy.compactMap { ProbeOptions.findPythonHelper(from: $0) }.first
        var options = ProbeOptions(
            record: record, submission: submissionURL,
            dataPath: URL(fileURLWithPath: data), tokenizerPath: tokenizer.map { URL(fileURLWithPath: $0) },
            positions: positions, seed: drawn, out: out.map { URL(fileURLWithPath: $0) },
            script: script, pythonPath: helper.map { [$0] } ?? [], timeout: timeout)
        options.budget = probeBudget
        if submission == nil, let artifact = completed?.artifact { options.artifact = record.appendingPathComponent(artifact.path) }
        options.extraEnvironment = ProbeOptions.environment(fromSettings: run?.settings ?? [])
        if let files = run?.code.files, !files.isEmpty { options.codeFiles = files.map { record.appendingPathComponent($0.path) } }
        options.heldoutPath = (heldoutShards ?? run?.heldout?.path).map { URL(fileURLWithPath: $0) }
        let report = try Prober.probe(options)
        let destination = options.out ?? defaultOut
        try Prober.write(report, to: destination)
        print("wrote \(destination.path): entry point \(report.entryPoint ? "found" : "missing"), probe seed \(drawn)")
        if let official = report.official {
            print("  official: val_bpb \(official.valBPB.map { String(format: "%.8f", $0) } ?? "- (no tokenizer)") val_loss \(String(format: "%.8f", official.valLoss)) over \(official.targets) targets")
        }
        print("  noise (official vs control): \(report.noise.map { "\($0)" } ?? "-")")
        for cut in report.cuts {
            print("  \(cut.run) at \(cut.position) (\(cut.kind)): prefix Δ \(cut.prefixMaxDelta.map { "\($0)" } ?? "-"), Δp \(cut.distDelta.map { "\($0)" } ?? "-")")
        }
        if let p = report.power {
            print("  power: \(p.cuts) cuts catch a leak at 1% / 5% / 25% of positions with probability \(String(format: "%.3f / %.3f / %.3f", p.f001, p.f005, p.f025)); a cut of each structural class is drawn with probability \(String(format: "%.2f", p.structural["doc-start"] ?? 0)); a leak over any contiguous 1/\(max(p.cuts, 1)) of the set is always caught")
        }
        let total = report.evaluations.reduce(0.0) { $0 + $1.seconds }
        let one = report.evaluations.first { $0.kind == "official" }?.seconds ?? 0
        print("  cost: \(report.evaluations.count) evaluations, \(String(format: "%.1f", total)) s = \(one > 0 ? String(format: "%.2f", total / one) : "-") × the official evaluation (\(String(format: "%.1f", one)) s)")
        for problem in report.problems { print("  \(problem)") }
    }
}
