import Foundation
import Testing
import RefereeAudit
import RefereeCore
import RefereeLogs
import RefereeTestSupport
import RefereeTrace
@testable import RefereeProbe

/// The cheater matrix: the honest CPU reference and every cheater of `submissions/` are really
/// trained and evaluated (python3 + numpy + sentencepiece, traces on), then really probed, and
/// every trace and probe rule is checked against the expected table below (the campaign of
/// probe protocol v2 at budget 8, probe seed 2026; score.official compares the log's score with
/// Referee's official evaluation).
@Suite(.serialized) struct CheaterMatrixTests {
    /// Rule order of the expected strings (p pass, f fail, u unverifiable).
    static let rules = [
        "causal.score-before-update", "causal.single-pass", "trace.coverage", "trace.chain", "norm.sums-to-one",
        "trace.matches-log", "causal.prefix-invariance", "causal.target-flip", "norm.full-vocab", "score.official",
    ]

    /// Expected statuses per submission (folder under `submissions/`).
    static let expected: [(String, String)] = [
        ("reference_cpu", "pppppppppp"),
        ("cheaters/cache_before_score", "fpppppffpp"),
        ("cheaters/double_score", "pffppfpppp"),
        ("cheaters/gold_blend", "ppppfpppfp"),
        ("cheaters/lying_trace", "pppppfpppp"),
        ("cheaters/pre_eval_ttt", "fpppppffpp"),
        ("cheaters/target_gate", "pppppppfpp"),
        ("cheaters/two_pass", "pffppffffp"),
        ("cheaters/probe_aware", "ppppppffpp"),
        ("cheaters/late_lookahead", "ppppppffpp"),
        ("cheaters/doc_start_leak", "pppppppfpp"),
        ("cheaters/noise_inflation", "pppppffffp"),
    ]

    static let seed = 1337
    static let budget = 8
    static let repo = TestPaths.repoRoot
    static let data = repo.appendingPathComponent("data/sp1024_synth")

    /// Nil when the matrix can run, else why it is skipped.
    static let skipReason: String? = {
        guard FileManager.default.fileExists(atPath: repo.appendingPathComponent("submissions/reference_cpu/train_gpt.py").path),
              FileManager.default.fileExists(atPath: data.appendingPathComponent("dataset/fineweb_val_000000.bin").path) else {
            return "submissions/ or data/sp1024_synth/ missing (merge the python branch)"
        }
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import numpy, sentencepiece"]
        check.standardOutput = FileHandle.nullDevice
        check.standardError = FileHandle.nullDevice
        guard (try? check.run()) != nil else { return "python3 not found" }
        check.waitUntilExit()
        return check.terminationStatus == 0 ? nil : "python3 lacks numpy or sentencepiece (pip install numpy sentencepiece)"
    }()

    /// Trains and evaluates `script` in `dir` with tracing on; returns the exit status.
    static func train(_ script: URL, in dir: URL) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script.path]
        p.currentDirectoryURL = dir
        var env = ProcessInfo.processInfo.environment
        env["PYTHONPATH"] = repo.appendingPathComponent("python").path
        env["PYTHONUNBUFFERED"] = "1"
        env["REFEREE_TRACE_DIR"] = dir.appendingPathComponent("traces/seed\(seed)").path
        env["SEED"] = "\(seed)"
        env["DATA_PATH"] = data.appendingPathComponent("dataset").path
        env["TOKENIZER_PATH"] = data.appendingPathComponent("tokenizer/synth_1024_bpe.model").path
        env.removeValue(forKey: "REFEREE_EVAL_ONLY")
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        p.standardError = try FileHandle(forWritingTo: {
            let u = dir.appendingPathComponent("stderr.txt")
            _ = FileManager.default.createFile(atPath: u.path, contents: nil)
            return u
        }())
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// The run's log: through RefereeLogs' LogReader when it reads it, else the last
    /// `*_exact val_loss:… val_bpb:…` line (the reference's score line) read here.
    static func logs(in dir: URL) -> [LogFile] {
        let logDir = dir.appendingPathComponent("logs")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: logDir.path))?.filter { $0.hasSuffix(".txt") }.sorted() ?? []
        return names.map { name in
            let url = logDir.appendingPathComponent(name)
            if let file = try? LogReader().read(url, displayPath: "logs/\(name)"), file.runs.contains(where: { $0.score != nil }) {
                return file
            }
            var run = RunLog(file: "logs/\(name)", runIndex: 0, firstLine: 1, lastLine: 0)
            run.seed = seed
            for line in LineReaderSequence(url: url) {
                run.lastLine = line.number
                let fields = line.text.split(separator: " ")
                guard let label = fields.first, label.hasSuffix("_exact"),
                      let loss = fields.first(where: { $0.hasPrefix("val_loss:") }).flatMap({ Double($0.dropFirst(9)) }),
                      let bpb = fields.first(where: { $0.hasPrefix("val_bpb:") }).flatMap({ Double($0.dropFirst(8)) }) else { continue }
                let eval = EvalLine(label: String(label), valLoss: loss, valBPB: bpb, decimals: 8, evalTimeMs: nil, kind: .final,
                                    location: SourceLocation(file: run.file, line: line.number))
                run.evals.append(eval)
                run.score = ScoreChoice(eval: eval, reason: "last _exact line")
            }
            return LogFile(path: run.file, byteCount: 0, lineCount: run.lastLine, runs: [run], notes: [])
        }
    }

    /// Runs one submission end to end and returns its status string and the context.
    static func statuses(of name: String) throws -> (String, AuditContext) {
        let script = repo.appendingPathComponent("submissions").appendingPathComponent(name).appendingPathComponent("train_gpt.py")
        let dir = try TestPaths.tempDir("matrix-\(name.replacingOccurrences(of: "/", with: "-"))")
        defer { try? FileManager.default.removeItem(at: dir) }
        let status = try train(script, in: dir)
        #expect(status == 0, "\(name) exited \(status): \(EntryPointRunner.tail(dir.appendingPathComponent("stderr.txt")))")
        // The probes run the script from a fresh working folder: the cheaters find the reference
        // they build on through this variable, not through a path relative to their own file.
        setenv("REFEREE_REFERENCE_CPU", repo.appendingPathComponent("submissions/reference_cpu/train_gpt.py").path, 1)
        var options = ProbeOptions(record: dir, dataPath: data.appendingPathComponent("dataset"),
                                   tokenizerPath: data.appendingPathComponent("tokenizer/synth_1024_bpe.model"),
                                   positions: 8, seed: 2026, script: script.path,
                                   pythonPath: [repo.appendingPathComponent("python")], timeout: 120)
        // Budget 8: 7 cuts, one per seventh of the validation set, every structural class drawn
        // (the budget at which the stated power promises to catch late and document-start leaks).
        options.budget = budget
        let report = try Prober.probe(options)
        let context = AuditContext(path: dir.path, folder: nil, logs: logs(in: dir), claims: nil, logDigests: [:],
                                   traces: TraceDiscovery.traces(in: dir), probes: report)
        let letters = rules.map { id -> Character in
            let rule = Rule(id: id, statement: id, severity: .error, thresholds: [:], source: "matrix")
            switch CheckRegistry.checks[id]?(context, rule).status {
            case .pass: return "p"
            case .fail: return "f"
            case .unverifiable: return "u"
            case nil: return "?"
            }
        }
        return (String(letters), context)
    }

    @Test(arguments: expected)
    func matrixRow(name: String, expected: String) throws {
        if let skipReason = Self.skipReason {
            print("CheaterMatrixTests skipped: \(skipReason)")
            return
        }
        let (got, context) = try Self.statuses(of: name)
        let details = Self.rules.compactMap { id -> String? in
            let r = CheckRegistry.checks[id]?(context, Rule(id: id, statement: id, severity: .error, thresholds: [:], source: "matrix"))
            return r.map { "\(id): \($0.status.rawValue) — \($0.message)" }
        }
        print("MATRIX | \(name) | " + got.map { $0 == "p" ? "pass" : $0 == "f" ? "**FAIL**" : "unverifiable" }.joined(separator: " | ") + " |")
        #expect(got == expected, Comment(rawValue: "\(name):\n" + details.joined(separator: "\n")))
    }
}

/// `LineReader` as a sequence that stops quietly when the file cannot be opened.
private struct LineReaderSequence: Sequence {
    let url: URL
    func makeIterator() -> AnyIterator<Line> {
        guard var reader = try? LineReader(url: url) else { return AnyIterator { nil } }
        return AnyIterator { reader.next() }
    }
}
