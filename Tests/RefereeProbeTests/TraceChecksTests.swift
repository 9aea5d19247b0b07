import Foundation
import Testing
import RefereeAudit
import RefereeCore
import RefereeLogs
import RefereeTestSupport
import RefereeTrace

/// The trace checks on the hand-written fixtures of Tests/Fixtures/traces (seed 7).
/// (They live here because RefereeAuditTests belongs to another helper.)
@Suite struct TraceChecksTests {
    static let ids = ["causal.score-before-update", "causal.single-pass", "trace.coverage", "trace.chain", "norm.sums-to-one"]

    static func rule(_ id: String, _ thresholds: [String: Double] = [:]) -> Rule {
        Rule(id: id, statement: id, severity: .error, thresholds: thresholds, source: "test")
    }

    static func context(_ fixture: String?, logs: [LogFile] = []) throws -> AuditContext {
        let traces = try fixture.map {
            [try TraceAnalyzer.analyse(directory: TestPaths.fixture("traces/\($0)"), seed: 7, displayRoot: TestPaths.fixture("traces"))]
        } ?? []
        return AuditContext(path: "r", folder: nil, logs: logs, claims: nil, logDigests: [:], traces: traces)
    }

    static func status(_ id: String, _ context: AuditContext, _ thresholds: [String: Double] = [:]) -> RuleStatus? {
        CheckRegistry.checks[id].map { $0(context, rule(id, thresholds)).status }
    }

    /// A trace that scores nothing (an evaluator whose losses autotrace could not see) proves no
    /// order or normalisation property: those rules are unverifiable, coverage fails.
    @Test func aTraceWithoutScoresProvesNothing() throws {
        let dir = try TestPaths.tempDir("trace-no-scores")
        let line = #"{"ev":"phase","name":"eval_start","prev":"0000000000000000000000000000000000000000000000000000000000000000","rank":0,"seq":0,"t":1770000000.0,"v":1,"val_tokens":21,"world_size":1}"#
        try Data((line + "\n").utf8).write(to: dir.appendingPathComponent("rank0.jsonl"))
        let facts = try TraceAnalyzer.analyse(directory: dir, seed: 7, displayRoot: dir)
        let context = AuditContext(path: "r", folder: nil, logs: [], claims: nil, logDigests: [:], traces: [facts])
        for id in ["causal.score-before-update", "causal.single-pass", "trace.chain", "norm.sums-to-one"] {
            #expect(Self.status(id, context) == .unverifiable, "\(id)")
        }
        #expect(Self.status("trace.coverage", context) == .fail)
    }

    /// A trace as autotrace writes it: its summary phase (with `compiled_loss_calls` as given,
    /// raw JSON), eval_start over 21 tokens, then scores and a TTT update in score-first order
    /// (`cheat`: the update comes before the score of what it read). `prev` links are zeros (the
    /// chain is not what these tests look at). No nested value: the line takes the fast path.
    static func autotraceContext(compiled: String, cheat: Bool = false) throws -> AuditContext {
        let dir = try TestPaths.tempDir("trace-autotrace")
        let zero = String(repeating: "0", count: 64)
        var bodies = [
            #""ev":"phase","name":"autotrace","compiled_loss_calls":\#(compiled),"stored_unobserved":0,"internal_errors":0"#,
            #""ev":"phase","name":"eval_start","val_tokens":21,"world_size":1"#,
            #""ev":"score","start":1,"end":11,"nll":20.0,"bytes":30,"psum_min":1.0,"psum_max":1.0"#,
            #""ev":"update","kind":"ttt","start":1,"end":11"#,
            #""ev":"score","start":11,"end":21,"nll":20.0,"bytes":30,"psum_min":1.0,"psum_max":1.0"#,
        ]
        if cheat { bodies.swapAt(2, 3) }
        let lines = bodies.enumerated().map { i, body in
            #"{\#(body),"prev":"\#(zero)","rank":0,"seq":\#(i),"source":"autotrace","t":\#(1770000000 + i).0,"v":1}"#
        }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: dir.appendingPathComponent("rank0.jsonl"))
        let facts = try TraceAnalyzer.analyse(directory: dir, seed: 7, displayRoot: dir)
        return AuditContext(path: "r", folder: nil, logs: [], claims: nil, logDigests: [:], traces: [facts])
    }

    /// autotrace's summary says what it saw and could not follow (losses inside compiled graphs,
    /// counted values stored into buffers, its own errors): the rules that need the whole
    /// evaluation observed are then unverifiable with that reason, never pass — and a violation
    /// in the observed part is no proof either (the unobserved calls may hold the scores).
    @Test func autotraceGapsMakeTheRulesUnverifiable() throws {
        let rules = ["causal.score-before-update", "causal.single-pass", "trace.coverage", "norm.sums-to-one"]
        let clean = try Self.autotraceContext(compiled: "0")
        for id in rules { #expect(Self.status(id, clean) == .pass, "\(id)") }
        let order = try #require(CheckRegistry.checks["causal.score-before-update"])
        let rule = Self.rule("causal.score-before-update")
        let pass = order(clean, rule)
        #expect(pass.message.contains("observed by autotrace"))
        #expect(try Self.status("causal.score-before-update", Self.autotraceContext(compiled: "0", cheat: true)) == .fail)

        for raw in ["3", #""three""#] {
            let gaps = try Self.autotraceContext(compiled: raw)
            for id in rules { #expect(Self.status(id, gaps) == .unverifiable, "\(id) with compiled_loss_calls \(raw)") }
            let result = order(gaps, rule)
            #expect(result.message.contains("compiled_loss_calls"), "\(result.message)")
        }
        let cheat = try Self.autotraceContext(compiled: "3", cheat: true)
        let result = order(cheat, rule)
        #expect(result.status == .unverifiable)
        #expect(result.message.contains("in what was observed: 1 violation(s)"), "\(result.message)")
    }

    /// Expected status of each rule above, per fixture (p pass, f fail).
    @Test(arguments: [
        ("honest", "ppppp"),
        ("two-pass", "pffpp"),
        ("gap", "ppfpp"),
        ("pre-eval-ttt", "fpppp"),
        ("out-of-order", "pfppp"),
        ("bad-psum", "ppppf"),
        ("missing-rank", "ppffp"),
        ("edited", "pppfp"),
        ("deleted-line", "pppfp"),
        ("malformed", "pppfp"),
    ])
    func fixtureMatrix(fixture: String, expected: String) throws {
        let context = try Self.context(fixture)
        let got = Self.ids.map { id -> Character in
            switch Self.status(id, context) {
            case .pass: return "p"
            case .fail: return "f"
            case .unverifiable: return "u"
            case nil: return "?"
            }
        }
        #expect(String(got) == expected)
    }

    @Test func noTracesIsUnverifiableWithHowTo() throws {
        let context = try Self.context(nil)
        for id in Self.ids + ["trace.matches-log"] {
            let check = try #require(CheckRegistry.checks[id])
            let result = check(context, Self.rule(id))
            #expect(result.status == .unverifiable)
            #expect(result.message.contains("REFEREE_TRACE_DIR"))
        }
    }

    @Test func psumToleranceComesFromTheRule() throws {
        let context = try Self.context("honest") // psums are 1 ± 1e-5
        #expect(Self.status("norm.sums-to-one", context) == .pass)
        #expect(Self.status("norm.sums-to-one", context, ["tolerance": 1e-6]) == .fail)
    }

    @Test func failuresCarryFileAndLine() throws {
        let check = try #require(CheckRegistry.checks["causal.score-before-update"])
        let result = check(try Self.context("pre-eval-ttt"), Self.rule("causal.score-before-update"))
        #expect(result.evidence.first?.location?.description == "pre-eval-ttt/rank0.jsonl:2")
    }

    static func logFile(seed: Int, bpb: Double, loss: Double?, decimals: Int = 8, lossDecimals: Int? = nil) -> LogFile {
        var run = RunLog(file: "train_seed\(seed).log", runIndex: 0, firstLine: 1, lastLine: 100)
        run.seed = seed
        let eval = EvalLine(label: "final_int8_zlib_roundtrip_exact", valLoss: loss, valBPB: bpb, decimals: decimals, valLossDecimals: lossDecimals,
                            evalTimeMs: nil, kind: .final, location: SourceLocation(file: "train_seed\(seed).log", line: 99))
        run.evals = [eval]
        run.score = ScoreChoice(eval: eval, reason: "test")
        return LogFile(path: run.file, byteCount: 0, lineCount: 100, runs: [run], notes: [])
    }

    @Test func matchesLogComparesWithTheSameSeed() throws {
        let bpb = 2 / Foundation.log(2.0) / 3 // fixture: 2 nats and 3 bytes per token
        let id = "trace.matches-log"
        let exact = try Self.context("honest", logs: [Self.logFile(seed: 7, bpb: (bpb * 1e8).rounded() / 1e8, loss: 2)])
        #expect(Self.status(id, exact) == .pass)
        let off = try Self.context("honest", logs: [Self.logFile(seed: 7, bpb: bpb - 0.001, loss: 2)])
        #expect(Self.status(id, off) == .fail)
        let lossOff = try Self.context("honest", logs: [Self.logFile(seed: 7, bpb: bpb, loss: 1.9)])
        #expect(Self.status(id, lossOff) == .fail)
        // The log's seed 8 has no trace: every seed needs its evidence, so this fails (it was
        // unverifiable before every seed's trace was required).
        let otherSeed = try Self.context("honest", logs: [Self.logFile(seed: 8, bpb: bpb, loss: 2)])
        #expect(Self.status(id, otherSeed) == .fail)
        // the edited trace's sums no longer reproduce the log
        let edited = try Self.context("edited", logs: [Self.logFile(seed: 7, bpb: bpb, loss: 2)])
        #expect(Self.status(id, edited) == .fail)
    }

    /// A score line printed with 4 decimals (the LoRA TTT record's `final_int8_ttt_lora`) is
    /// the trace's value rounded: it matches to half a unit of its last decimal, no further;
    /// a line printed coarser than `min_decimals` cannot widen the check and fails.
    @Test func matchesLogReadsTheLineToItsPrintedPrecision() throws {
        let bpb = 2 / Foundation.log(2.0) / 3   // 0.96179669…
        let id = "trace.matches-log"
        let rounded = try Self.context("honest", logs: [Self.logFile(seed: 7, bpb: 0.9618, loss: 2.0, decimals: 4, lossDecimals: 4)])
        #expect(Self.status(id, rounded, ["tolerance": 1e-6, "min_decimals": 4]) == .pass)
        // The same 4-decimal line read as if it had 8 decimals: the rounding is a violation.
        let strict = try Self.context("honest", logs: [Self.logFile(seed: 7, bpb: 0.9618, loss: 2.0)])
        #expect(Self.status(id, strict, ["tolerance": 1e-6, "min_decimals": 4]) == .fail)
        // One unit off in the 4th decimal is more than the rounding.
        let off = try Self.context("honest", logs: [Self.logFile(seed: 7, bpb: 0.9617, loss: 2.0, decimals: 4, lossDecimals: 4)])
        #expect(Self.status(id, off, ["tolerance": 1e-6, "min_decimals": 4]) == .fail)
        let lossOff = try Self.context("honest", logs: [Self.logFile(seed: 7, bpb: 0.9618, loss: 2.0001, decimals: 4, lossDecimals: 4)])
        #expect(Self.status(id, lossOff, ["tolerance": 1e-6, "min_decimals": 4]) == .fail)
        // Printing 1 decimal (0.9 for 0.9618) would allow 0.05 bpb: refused, naming the decimals.
        let coarse = try Self.context("honest", logs: [Self.logFile(seed: 7, bpb: 1.0, loss: 2.0, decimals: 1, lossDecimals: 1)])
        let rule = Self.rule(id, ["tolerance": 1e-6, "min_decimals": 4])
        let result = CheckRegistry.checks[id]!(coarse, rule)
        #expect(result.status == .fail)
        #expect(result.evidence.first?.detail.contains("with 1 decimal(s); at least 4 are needed") == true, "\(result.evidence.map(\.detail))")
        #expect(abs(bpb - 0.9618) < 5e-5)
        // A rules file's absurd min_decimals is clamped, never a trap: 1e300 and NaN.
        #expect(Self.status(id, rounded, ["tolerance": 1e-6, "min_decimals": 1e300]) == .fail)
        #expect(Self.status(id, rounded, ["tolerance": 1e-6, "min_decimals": .nan]) == .pass)
    }
}
