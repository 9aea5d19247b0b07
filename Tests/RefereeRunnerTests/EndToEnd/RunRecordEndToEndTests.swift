import Foundation
import Testing
import RefereeSandbox
import RefereeTestSupport
@testable import RefereeRunner

/// Nil when ``RunRecordEndToEndTests`` can run, else why it is skipped.
let runRecordSkipReason: String? = {
    guard FileManager.default.isExecutableFile(atPath: RunCommandEndToEndTests.binary.path) else {
        return "SKIP RunRecordEndToEndTests: \(RunCommandEndToEndTests.binary.path) not built (run `swift build --build-tests` first)"
    }
    guard FileManager.default.fileExists(atPath: TestPaths.repoRoot.appendingPathComponent("submissions/reference_cpu/train_gpt.py").path),
          FileManager.default.fileExists(atPath: TestPaths.repoRoot.appendingPathComponent("data/sp1024_synth/dataset/fineweb_val_000000.bin").path) else {
        return "SKIP RunRecordEndToEndTests: submissions/reference_cpu or data/sp1024_synth missing"
    }
    let check = CommandCapture.run(["/usr/bin/env", "python3", "-c", "import numpy, sentencepiece"])
    return check.succeeded ? nil
        : "SKIP RunRecordEndToEndTests: python3 lacks numpy or sentencepiece (pip install numpy sentencepiece): \(check.status)"
}()

/// The built `referee` binary driven end to end like a user would: `referee run` on the honest
/// CPU reference and on cheaters (real python3 + numpy + sentencepiece training, traces and
/// probes), then `verify`, `audit --format json` and `gate --junit` on the records it wrote.
/// The honest run is shared between the tests (it runs once per test process).
@Suite(.serialized, .enabled(if: runRecordSkipReason == nil, Comment(rawValue: runRecordSkipReason ?? "")))
struct RunRecordEndToEndTests {
    static let repo = TestPaths.repoRoot
    static let binary = RunCommandEndToEndTests.binary
    static let data = repo.appendingPathComponent("data/sp1024_synth")
    static let referenceScript = repo.appendingPathComponent("submissions/reference_cpu/train_gpt.py")
    static let seeds = [1337, 42, 2025]

    /// Every trace and probe rule of the protocol (docs/trace.md).
    static let traceAndProbeRules = [
        "causal.score-before-update", "causal.single-pass", "trace.coverage", "trace.chain", "norm.sums-to-one",
        "trace.matches-log", "causal.prefix-invariance", "causal.target-flip", "norm.full-vocab", "score.official",
    ]

    /// The environment of every `referee` call: REFEREE_HOME at the repository, and the
    /// cheaters' pointer to the reference (the probes inherit it from `referee run`).
    static var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["REFEREE_HOME"] = repo.path
        env["REFEREE_REFERENCE_CPU"] = referenceScript.path
        env.removeValue(forKey: "REFEREE_EVAL_ONLY")
        env.removeValue(forKey: "REFEREE_TRACE_DIR")
        return env
    }

    /// Runs `referee <arguments>` (stdout and stderr together).
    static func referee(_ arguments: [String], timeout: Double = 120) -> CapturedCommand {
        CommandCapture.run([binary.path] + arguments, timeout: timeout, environment: environment)
    }

    /// A finished `referee run`: its record folder, its command's result, and the key used.
    struct RunOutcome: Sendable {
        var record: URL
        var key: URL?
        var result: CapturedCommand
        /// `referee keygen` that made `key`, when there is one.
        var keygen: CapturedCommand?
    }

    /// `referee run <submission> --seeds … --track track_non_record_16mb --out <tmp>/rec`.
    static func runSubmission(_ submission: String, seeds: [Int], key: URL?, extra: [String] = []) -> RunOutcome {
        let dir = (try? TestPaths.tempDir("e2e-run")) ?? FileManager.default.temporaryDirectory
        let record = dir.appendingPathComponent("rec")
        var args = ["run", repo.appendingPathComponent("submissions/\(submission)").path,
                    "--seeds", seeds.map(String.init).joined(separator: ","),
                    "--track", "track_non_record_16mb",
                    "--data-path", data.appendingPathComponent("dataset").path,
                    "--tokenizer-path", data.appendingPathComponent("tokenizer/synth_1024_bpe.model").path,
                    "--out", record.path]
        if let key { args += ["--key", key.path] }
        args += extra
        args += ["--", "REFEREE_REFERENCE_CPU=\(referenceScript.path)"]
        return RunOutcome(record: record, key: key, result: referee(args, timeout: 580))
    }

    /// The honest reference, three seeds, signed with a fresh key (run once, shared).
    static let honest: RunOutcome = {
        let keyDir = (try? TestPaths.tempDir("e2e-key")) ?? FileManager.default.temporaryDirectory
        let key = keyDir.appendingPathComponent("K")
        let keygen = referee(["keygen", "--out", key.path])
        var outcome = runSubmission("reference_cpu", seeds: seeds, key: key)
        outcome.keygen = keygen
        return outcome
    }()

    /// `referee audit --format json <record>` decoded: verdict, rule id → status, rule id → the
    /// files its evidence names, and the raw command result.
    static func audit(_ record: URL) throws -> (verdict: String, statuses: [String: String], evidence: [String: [String]], result: CapturedCommand) {
        let result = referee(["audit", "--format", "json", record.path])
        let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8))
        let doc = try #require(object as? [String: Any], "audit JSON is not an object: \(result.output.prefix(300))")
        #expect(doc["schema"] as? String == "referee.audit/v1")
        let records = try #require(doc["records"] as? [[String: Any]])
        try #require(records.count == 1)
        let verdict = try #require(records[0]["verdict"] as? String)
        let results = try #require(records[0]["results"] as? [[String: Any]])
        var statuses: [String: String] = [:]
        var evidence: [String: [String]] = [:]
        for r in results {
            guard let id = r["id"] as? String else { continue }
            statuses[id] = r["status"] as? String
            evidence[id] = (r["evidence"] as? [[String: Any]] ?? []).compactMap { $0["file"] as? String }
        }
        return (verdict, statuses, evidence, result)
    }

    /// Files that must be in every finished record (relative to the record folder).
    static func expectedFiles(seeds: [Int]) -> [String] {
        seeds.map { "train_seed\($0).log" } + seeds.map { "traces/seed\($0)/rank0.jsonl" }
            + ["probes.json", "run.json", "environment.json", "submission.json", "README.md"]
    }

    // MARK: honest reference

    @Test func honestRunProducesACompleteSignedRecord() throws {
        let run = Self.honest
        #expect(run.result.status == "exit 0", "referee run: \(run.result.output.suffix(2000))")
        #expect(run.result.output.contains("sign: ok"), "the record was not signed: \(run.result.output.suffix(1000))")
        let fm = FileManager.default
        let key = try #require(run.key)
        #expect(run.keygen?.status == "exit 0", "referee keygen: \(run.keygen?.output ?? "not run")")
        #expect(fm.fileExists(atPath: key.path) && fm.fileExists(atPath: key.path + ".pub"), "referee keygen wrote no key pair")
        for file in Self.expectedFiles(seeds: Self.seeds) + ["referee.bundle.json", "referee.pub.pem"] {
            #expect(fm.fileExists(atPath: run.record.appendingPathComponent(file).path), "record lacks \(file)")
        }
        let plots = (try? fm.contentsOfDirectory(atPath: run.record.appendingPathComponent("plots").path)) ?? []
        #expect(plots.contains { $0.hasSuffix(".svg") }, "record has no plots/*.svg (got \(plots))")
        // Every seed's log is stamped by the runner and carries the final score line.
        for seed in Self.seeds {
            let log = try String(contentsOf: run.record.appendingPathComponent("train_seed\(seed).log"), encoding: .utf8)
            let first = try #require(log.split(separator: "\n").first)
            #expect(first.split(separator: " ").first.flatMap { Double($0) } != nil, "train_seed\(seed).log line 1 has no time stamp: \(first)")
            #expect(log.contains("final_int8_zlib_roundtrip_exact val_loss:"), "train_seed\(seed).log has no final score line")
            #expect(log.contains("seed:\(seed)"), "train_seed\(seed).log does not log seed \(seed)")
        }
        let runJSON = try JSONSerialization.jsonObject(with: Data(contentsOf: run.record.appendingPathComponent("run.json"))) as? [String: Any]
        let seedsRun = (runJSON?["seeds"] as? [[String: Any]])?.compactMap { $0["seed"] as? Int }
        #expect(seedsRun == Self.seeds)
        // The generated README re-runs the record the way it was made.
        let readme = try String(contentsOf: run.record.appendingPathComponent("README.md"), encoding: .utf8)
        // From run.json: the seeds in the order they ran, and the data flags as given.
        #expect(readme.contains("referee run . --seeds \(Self.seeds.map(String.init).joined(separator: ",")) --nproc-per-node 1 --track track_non_record_16mb --data-path "),
                "README.md lacks the referee run reproduction command")
        #expect(readme.contains("**Data:** Referee's bundled synthetic data"), "README.md does not say the record ran on synthetic data")
    }

    @Test func honestRecordVerifiesWithThePinnedKey() throws {
        let run = Self.honest
        let key = try #require(run.key)
        let verify = Self.referee(["verify", run.record.path, "--key", key.path + ".pub"])
        #expect(verify.status == "exit 0", "referee verify: \(verify.output)")
        #expect(verify.output.contains("verified"))
    }

    /// A verifier re-probes the signed record with a seed of their own: the report lands beside
    /// the record (bound to the same artifact, run in the sandbox) and the bundle still verifies.
    @Test func aVerifierReprobesTheSignedRecordWithTheirOwnSeed() throws {
        let run = Self.honest
        let key = try #require(run.key)
        let probe = Self.referee(["probe", run.record.path, "--seed", "424242"], timeout: 300)
        #expect(probe.status == "exit 0", "referee probe: \(probe.output)")
        let report = run.record.deletingLastPathComponent().appendingPathComponent("\(run.record.lastPathComponent).probes-424242.json")
        let text = try String(contentsOf: report, encoding: .utf8)
        let original = try String(contentsOf: run.record.appendingPathComponent("probes.json"), encoding: .utf8)
        // Seed 1337's declared artifact (the first completed seed), whichever seed `referee run` probed.
        let runJSON = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: run.record.appendingPathComponent("run.json"))) as? [String: Any])
        let firstSeed = try #require((runJSON["seeds"] as? [[String: Any]])?.first)
        let sha = try #require((firstSeed["artifact"] as? [String: Any])?["sha256"] as? String)
        #expect(text.contains("\"artifact_sha256\" : \"\(sha)\""), "the first seed's declared artifact")
        #expect(original.contains("\"version\" : 2"))
        #expect(text.contains("\"version\" : 2"))
        #expect(text.contains("\"seed\" : 424242"))
        #expect(text.contains("\"entry_point\" : true"))
        #expect(text.contains("\"sandbox\" : \"namespaces\"") || !SandboxProbe.probe().applied)
        #expect(probe.output.contains("power: 3 cuts"), "\(probe.output)")
        // The record audited with the verifier's report.
        let audit = Self.referee(["audit", run.record.path, "--probes", report.path, "--format", "json"])
        #expect(audit.status == "exit 0", "referee audit --probes: \(audit.output.suffix(2000))")
        #expect(audit.output.contains("424242"), "the audit used the verifier's report")
        // Every seed has its official evaluation: probes.json for the probed one, evaluations/ for the others.
        let others = try FileManager.default.contentsOfDirectory(atPath: run.record.appendingPathComponent("evaluations").path)
        #expect(others.count == Self.seeds.count - 1, "\(others)")
        let verify = Self.referee(["verify", run.record.path, "--key", key.path + ".pub"])
        #expect(verify.status == "exit 0", "the re-probe must not touch the signed record: \(verify.output)")
    }

    @Test func honestAuditPassesEveryTraceAndProbeRule() throws {
        let run = Self.honest
        let audit = try Self.audit(run.record)
        #expect(audit.result.status == "exit 0", "referee audit: \(audit.result.output.suffix(2000))")
        #expect(audit.verdict == "pass")
        for id in Self.traceAndProbeRules {
            #expect(audit.statuses[id] == "pass", "\(id) is \(audit.statuses[id] ?? "absent"), expected pass")
        }
        let others = audit.statuses.filter { ["causal.", "trace.", "norm."].contains(where: $0.key.hasPrefix) && $0.value != "pass" }
        #expect(others.isEmpty, "trace/probe rules not passing: \(others)")
    }

    @Test func flippingOneLogByteFailsVerification() throws {
        let run = Self.honest
        let key = try #require(run.key)
        // Tamper with a copy, so the other tests keep the pristine record.
        let copy = try TestPaths.tempDir("e2e-tamper").appendingPathComponent("rec")
        defer { try? FileManager.default.removeItem(at: copy.deletingLastPathComponent()) }
        try FileManager.default.copyItem(at: run.record, to: copy)
        let log = copy.appendingPathComponent("train_seed42.log")
        var bytes = try Data(contentsOf: log)
        try #require(bytes.count > 100)
        let index = bytes.count / 2
        bytes[index] ^= 0x01
        try bytes.write(to: log)
        let verify = Self.referee(["verify", copy.path, "--key", key.path + ".pub"])
        #expect(verify.status == "exit 1", "referee verify of a tampered record: \(verify.output)")
        #expect(verify.output.contains("train_seed42.log"), "the failure should name the changed file: \(verify.output)")
    }

    @Test func editingOneTraceLineBreaksTheChainAndTheSignature() throws {
        let run = Self.honest
        let key = try #require(run.key)
        let copy = try TestPaths.tempDir("e2e-trace").appendingPathComponent("rec")
        defer { try? FileManager.default.removeItem(at: copy.deletingLastPathComponent()) }
        try FileManager.default.copyItem(at: run.record, to: copy)
        let trace = copy.appendingPathComponent("traces/seed2025/rank0.jsonl")
        var lines = try String(contentsOf: trace, encoding: .utf8).components(separatedBy: "\n")
        // Lower the NLL of the first score event by editing one digit: still valid JSON.
        let index = try #require(lines.firstIndex { $0.contains("\"ev\":\"score\"") }, "no score event in the trace")
        let range = try #require(lines[index].range(of: "\"nll\":"))
        let digit = try #require(lines[index][range.upperBound...].firstIndex { ("1"..."9").contains($0) })
        lines[index].replaceSubrange(digit...digit, with: "0")
        try lines.joined(separator: "\n").write(to: trace, atomically: true, encoding: .utf8)

        let audit = try Self.audit(copy)
        #expect(audit.statuses["trace.chain"] == "fail", "trace.chain is \(audit.statuses["trace.chain"] ?? "absent") after an edit")
        #expect(audit.evidence["trace.chain"]?.contains { $0.hasSuffix("traces/seed2025/rank0.jsonl") } == true,
                "trace.chain evidence should name the edited file: \(audit.evidence["trace.chain"] ?? [])")
        #expect(audit.verdict == "fail")
        let verify = Self.referee(["verify", copy.path, "--key", key.path + ".pub"])
        #expect(verify.status == "exit 1", "referee verify of an edited trace: \(verify.output)")
    }

    @Test func gatePassesTheHonestRecord() throws {
        let run = Self.honest
        let junit = try TestPaths.tempDir("e2e-gate").appendingPathComponent("junit.xml")
        let gate = Self.referee(["gate", run.record.path, "--junit", junit.path])
        #expect(gate.status == "exit 0", "referee gate: \(gate.output)")
        let xml = try String(contentsOf: junit, encoding: .utf8)
        #expect(xml.contains("name=\"causal.score-before-update\""))
        #expect(!xml.contains("<failure"), "honest record has a JUnit failure: \(xml)")
    }

    // MARK: cheaters

    /// Cheater folder under submissions/cheaters and the rules it must fail (docs/trace.md).
    static let cheaters: [(String, [String])] = [
        ("cache_before_score", ["causal.score-before-update"]),
        ("gold_blend", ["norm.sums-to-one", "norm.full-vocab"]),
        ("lying_trace", ["trace.matches-log"]),
    ]

    @Test(arguments: cheaters)
    func cheaterRunFailsTheRightRule(name: String, failing: [String]) throws {
        let run = Self.runSubmission("cheaters/\(name)", seeds: [1337], key: nil)
        defer { try? FileManager.default.removeItem(at: run.record.deletingLastPathComponent()) }
        #expect(run.result.status == "exit 1", "referee run \(name): \(run.result.output.suffix(2000))")
        #expect(FileManager.default.fileExists(atPath: run.record.appendingPathComponent("probes.json").path),
                "the cheater's record has no probes.json: \(run.result.output.suffix(1000))")

        let audit = try Self.audit(run.record)
        #expect(audit.result.status == "exit 1")
        #expect(audit.verdict == "fail")
        for id in failing {
            #expect(audit.statuses[id] == "fail", "\(name): \(id) is \(audit.statuses[id] ?? "absent"), expected fail")
        }
        // A trace rule's failure points at the line that broke it: the trace line, or for
        // trace.matches-log the log's score line the trace sums disagree with.
        for id in failing where id != "norm.full-vocab" {
            let file = id == "trace.matches-log" ? "train_seed1337.log" : "traces/seed1337/rank0.jsonl"
            #expect(audit.evidence[id]?.contains { $0.hasSuffix(file) } == true,
                    "\(name): \(id) evidence should name \(file): \(audit.evidence[id] ?? [])")
        }
        // The cheater writes an honest, unedited trace: its chain holds.
        #expect(audit.statuses["trace.chain"] == "pass", "\(name): trace.chain is \(audit.statuses["trace.chain"] ?? "absent")")

        let junit = try TestPaths.tempDir("e2e-gate").appendingPathComponent("junit.xml")
        let gate = Self.referee(["gate", run.record.path, "--junit", junit.path])
        #expect(gate.status == "exit 1", "referee gate \(name): \(gate.output)")
        let xml = try String(contentsOf: junit, encoding: .utf8)
        for id in failing {
            let testcase = "name=\"\(id)\">\n      <failure"
            #expect(xml.contains(testcase), "\(name): JUnit has no <failure> for \(id)")
        }
    }
}
