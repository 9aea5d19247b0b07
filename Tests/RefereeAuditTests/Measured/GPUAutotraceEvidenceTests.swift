import Foundation
import Testing
import RefereeCore
import RefereeTestSupport
import RefereeTrace
@testable import RefereeAudit

/// The committed GPU evidence of issue 17 (docs/gpu-runs/autotrace-referee-run-2xH200-final:
/// the real scripts run unmodified through `referee run --autotrace` on 2 H200s, traces written
/// by autotrace) re-audited under today's rules: the verdicts its README states still hold.
@Suite struct GPUAutotraceEvidenceTests {
    static let folder = TestPaths.repoRoot.appendingPathComponent("docs/gpu-runs/autotrace-referee-run-2xH200-final/records")
    static let traceRules = ["causal.score-before-update", "causal.single-pass", "trace.coverage", "trace.chain",
                             "norm.sums-to-one", "trace.matches-log"]

    static func statuses(_ job: String) throws -> [String: RuleStatus] {
        let context = try EvidenceLoader().context(for: folder.appendingPathComponent(job), displayPath: job)
        let audit = Auditor(rules: try LiarRecord.rules).audit(context)
        return Dictionary(audit.results.map { ($0.id, $0.status) }, uniquingKeysWith: { a, _ in a })
    }

    @Test(arguments: [
        // job: score-before-update, single-pass, coverage, chain, sums-to-one, matches-log
        ("baseline", "pass pass fail pass pass fail"),
        ("lora", "pass pass pass pass pass pass"),
        ("lora_cheat", "fail pass pass pass pass pass"),
        ("legal", "pass fail fail pass pass fail"),
        ("legal_cheat", "fail fail fail pass pass fail"),
    ])
    func verdictsOfTheRealScripts(job: String, expected: String) throws {
        let s = try Self.statuses(job)
        let got = Self.traceRules.map { s[$0]?.rawValue ?? "absent" }.joined(separator: " ")
        #expect(got == expected, "\(job): \(got)")
    }

    /// The LoRA record's run.json lists the validation documents; without them its rows, which
    /// batch documents by length, fail the per-rank order (the false alarm of rules 2026.04.5).
    @Test func theLoRARecordNeedsTheDocuments() throws {
        let context = try EvidenceLoader().context(for: Self.folder.appendingPathComponent("lora"), displayPath: "lora")
        #expect(context.measured?.validationDocuments?.firsts.count == 290)
        #expect(context.traces.allSatisfy { $0.orderedByDocument })
        var strict = context
        strict.traces = TraceDiscovery.traces(in: Self.folder.appendingPathComponent("lora"))
        #expect(try LiarRecord.check("causal.single-pass", strict).status == .fail)
    }
}
