import Foundation
import Testing
import RefereeTestSupport
@testable import RefereeRunner

/// Nil when torchrun with the gloo backend can run here, else why the test is skipped.
let multiProcessSkipReason: String? = {
    if let reason = runRecordSkipReason { return reason }
    // The interpreter torchrun runs under is its own (its #! line): on CI, /usr/bin/torchrun of
    // Debian's python3-torch, while python3 on PATH may be another Python without torch.
    let gloo = ["python3", "/usr/bin/python3"].contains { python in
        let check = CommandCapture.run(["/usr/bin/env", python, "-c", "import torch.distributed; print(torch.distributed.is_gloo_available())"])
        return check.succeeded && check.output.contains("True")
    }
    guard gloo, CommandCapture.run(["/bin/sh", "-c", "command -v torchrun"]).succeeded else {
        return "SKIP MultiProcessEndToEndTests: PyTorch (with gloo) is not importable here, so torchrun cannot launch 2 processes; the same run is recorded on the GPU machine in docs/gpu-runs/"
    }
    return nil
}()

/// `referee run --nproc-per-node 2` of the CPU reference through torchrun (gloo on the CPU):
/// two ranks, one trace file each, merged by the audit (coverage without gap or overlap).
@Suite(.serialized, .enabled(if: multiProcessSkipReason == nil, Comment(rawValue: multiProcessSkipReason ?? "")))
struct MultiProcessEndToEndTests {
    @Test func twoRanksCoverTheValidationSetTogether() throws {
        let outcome = RunRecordEndToEndTests.runSubmission("reference_cpu", seeds: [7], key: nil, extra: ["--nproc-per-node", "2"])
        #expect(outcome.result.succeeded, "referee run failed: \(outcome.result.output.suffix(2000))")
        let traces = outcome.record.appendingPathComponent("traces/seed7")
        let files = try FileManager.default.contentsOfDirectory(atPath: traces.path).sorted()
        #expect(files == ["rank0.jsonl", "rank1.jsonl"])
        let audit = try RunRecordEndToEndTests.audit(outcome.record)
        for rule in ["trace.coverage", "causal.single-pass", "causal.score-before-update", "trace.chain", "trace.matches-log"] {
            #expect(audit.statuses[rule] == "pass", "\(rule): \(audit.statuses[rule] ?? "missing")")
        }
        let run = try JSONSerialization.jsonObject(with: Data(contentsOf: outcome.record.appendingPathComponent("run.json"))) as? [String: Any]
        #expect(run?["launcher"] as? String == "torchrun")
        #expect(run?["nproc_per_node"] as? Int == 2)
    }
}
