import Foundation
import Testing
import RefereeAudit
import RefereeTestSupport
import RefereeTrace
@testable import RefereeProbe

/// The probe checks on reports produced by really probing the tiny submissions.
@Suite(.serialized) struct ProbeChecksTests {
    static let ids = ["causal.prefix-invariance", "causal.target-flip", "norm.full-vocab"]

    static func statuses(_ report: ProbeReport?) -> String {
        let context = AuditContext(path: "r", folder: nil, logs: [], claims: nil, logDigests: [:], probes: report)
        return String(ids.map { id -> Character in
            let rule = Rule(id: id, statement: id, severity: .error, thresholds: [:], source: "test")
            switch CheckRegistry.checks[id]?(context, rule).status {
            case .pass: return "p"
            case .fail: return "f"
            case .unverifiable: return "u"
            case nil: return "?"
            }
        })
    }

    @Test(arguments: [
        ("honest", "ppp"),
        ("future", "ffp"),
        ("peek", "pfp"),
        ("unnormalised", "ppf"),
        ("no-entry", "uuu"),
    ])
    func probeMatrix(variant: String, expected: String) throws {
        let root = try ProbeSubmissions.make(variant)
        defer { try? FileManager.default.removeItem(at: root) }
        let report = try Prober.probe(ProbeOptions(record: root, dataPath: root.appendingPathComponent("data"), positions: 4, seed: 77, timeout: 60))
        #expect(Self.statuses(report) == expected)
    }

    @Test func noReportIsUnverifiableWithHowTo() {
        #expect(Self.statuses(nil) == "uuu")
        let context = AuditContext(path: "r", folder: nil, logs: [], claims: nil, logDigests: [:])
        let rule = Rule(id: "norm.full-vocab", statement: "", severity: .error, thresholds: [:], source: "")
        #expect(CheckRegistry.checks["norm.full-vocab"]?(context, rule).message.contains("referee probe") == true)
    }

    /// Noise inflation (threat model, class Probe awareness): a submission whose two control
    /// evaluations disagree on purpose must not buy itself a wider tolerance.
    @Test func noiseCannotWidenTheAllowance() {
        var report = ProbeReport(directory: "r")
        report.entryPoint = true
        report.cut = 10
        report.prefixMaxDelta = 0.01
        report.noise = 0
        #expect(Self.statuses(report).first == "f")
        report.noise = 0.02 // large enough to swallow the leak under a noise-scaled tolerance
        #expect(Self.statuses(report).first == "f")
        let rule = Rule(id: "causal.prefix-invariance", statement: "", severity: .error, thresholds: ["tolerance": 1e-4, "max_noise": 1e-4], source: "")
        let context = AuditContext(path: "r", folder: nil, logs: [], claims: nil, logDigests: [:], probes: report)
        #expect(CheckRegistry.checks["causal.prefix-invariance"]?(context, rule).message.contains("non-deterministic") == true)
        report.prefixMaxDelta = 0.00005
        report.noise = 0.00004 // honest float noise within max_noise: allowed on top of the tolerance
        #expect(Self.statuses(report).first == "p")
    }
}
