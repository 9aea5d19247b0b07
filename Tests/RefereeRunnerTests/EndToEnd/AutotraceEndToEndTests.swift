import Foundation
import Testing
import RefereeTestSupport
@testable import RefereeRunner

/// Nil when the PyTorch submissions can run here (python3 with torch, numpy, sentencepiece:
/// CI installs Debian's python3-torch), else why the test is skipped.
let autotraceSkipReason: String? = {
    if let reason = runRecordSkipReason { return reason }
    return torchPython != nil ? nil
        : "SKIP AutotraceEndToEndTests: neither python3 on PATH nor /usr/bin/python3 can import torch, numpy and sentencepiece (apt-get install python3-torch python3-numpy python3-sentencepiece)"
}()

/// The first interpreter that can import torch, numpy and sentencepiece: `python3` on PATH, else
/// the system's `/usr/bin/python3` (Debian's python3-torch is installed for it, while CI's PATH
/// may start with another Python, e.g. pyenv's); nil when neither can.
let torchPython: String? = ["python3", "/usr/bin/python3"].first { python in
    CommandCapture.run(["/usr/bin/env", python, "-c", "import torch, numpy, sentencepiece"], timeout: 60).succeeded
}

/// `referee run --autotrace` end to end on the CPU PyTorch submission with score-first TTT
/// (submissions/autotrace_ttt, which knows nothing of Referee's trace protocol) and its cheating
/// twin (adapts on each chunk before scoring it): the audit decides from the observed trace.
@Suite(.serialized, .enabled(if: autotraceSkipReason == nil, Comment(rawValue: autotraceSkipReason ?? "")))
struct AutotraceEndToEndTests {
    static func run(_ submission: String) throws -> [String: String] {
        let repo = RunRecordEndToEndTests.repo
        let data = RunRecordEndToEndTests.data
        let record = try TestPaths.tempDir("e2e-autotrace").appendingPathComponent("rec")
        let result = RunRecordEndToEndTests.referee([
            "run", repo.appendingPathComponent("submissions/\(submission)").path, "--seeds", "1337", "--autotrace", "--no-probes",
            "--python", torchPython ?? "python3",
            "--track", "track_non_record_16mb", "--data-path", data.appendingPathComponent("dataset").path,
            "--tokenizer-path", data.appendingPathComponent("tokenizer/synth_1024_bpe.model").path, "--out", record.path,
            "--", "ITERATIONS=30", "MAX_WALLCLOCK_SECONDS=100000", "OMP_NUM_THREADS=1",
        ], timeout: 580)
        #expect(FileManager.default.fileExists(atPath: record.appendingPathComponent("run.json").path), "\(result.output.suffix(2000))")
        return try RunRecordEndToEndTests.audit(record).statuses
    }

    @Test func honestPassesAndTheCheatingTwinFailsTheOrderRule() throws {
        let honest = try Self.run("autotrace_ttt")
        for rule in ["causal.score-before-update", "causal.single-pass", "trace.coverage", "trace.chain", "norm.sums-to-one", "trace.matches-log"] {
            #expect(honest[rule] == "pass", "honest \(rule): \(honest[rule] ?? "missing")")
        }
        let cheater = try Self.run("autotrace_ttt_cheater")
        #expect(cheater["causal.score-before-update"] == "fail")
        for rule in ["causal.single-pass", "trace.coverage", "trace.chain"] {
            #expect(cheater[rule] == "pass", "cheater \(rule): \(cheater[rule] ?? "missing")")
        }
    }
}
