import RefereeTrace
import ArgumentParser
import Foundation
import RefereeProbe
import RefereeRunner

struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Run black-box causality and normalisation probes on a record.",
        discussion: """
        Evaluates the submission's eval entry point (python3 train_gpt.py with REFEREE_EVAL_ONLY=1) \
        7 times on probe shards cut from the first validation shard: twice unchanged (run-to-run \
        noise), once with the suffix after a random cut replaced, four times with one future target \
        flipped; full distributions are dumped at random positions drawn after the artifact's hash \
        is recorded. A submission that follows REFEREE_EVAL_PLAN answers all 7 in one process start. \
        Writes probes.json (sorted keys, atomic); the audit reads it for causal.prefix-invariance, \
        causal.target-flip and norm.full-vocab.
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

    @Option(help: "Seed of the random draws (default: a fresh random seed, recorded in the report).")
    var seed: UInt64?

    @Option(help: "Where to write the report (default: <record-dir>/probes.json, only if the record has none; beside a signed record, <record-dir>.probes-<seed>.json so that its bundle stays valid).")
    var out: String?

    @Flag(help: "Replace the record's existing probes.json (without --out).")
    var overwrite = false

    @Option(help: "Seconds one evaluation may run before it is killed.")
    var timeout: Double = 600

    @Option(help: "Folder of FineWeb-format held-out shards, evaluated as the campaign's held-out evaluation (rule data.heldout-gap; default: the --heldout-shards of the record's run.json).")
    var heldoutShards: String?

    func run() throws {
        let record = URL(fileURLWithPath: recordDir)
        // A record made by `referee run`: probe the first completed seed's artifact with the
        // record's own code, on the data it ran on, unless told otherwise.
        let run = try? RecordJSON.decode(RunRecord.self, from: Data(contentsOf: record.appendingPathComponent("run.json")))
        let completed = run?.seeds.first { $0.exitCode == 0 && $0.artifact != nil }
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
        options.heldoutPath = (heldoutShards ?? run?.heldout?.path).map { URL(fileURLWithPath: $0) }
        let report = try Prober.probe(options)
        let destination = options.out ?? defaultOut
        try Prober.write(report, to: destination)
        print("wrote \(destination.path): entry point \(report.entryPoint ? "found" : "missing"), noise \(report.noise.map { "\($0)" } ?? "-"), prefix Δ \(report.prefixMaxDelta.map { "\($0)" } ?? "-"), flip Δp \(report.flips.compactMap(\.distDelta).max().map { "\($0)" } ?? "-")")
        for problem in report.problems { print("  \(problem)") }
    }
}
