import Foundation
import Testing
import RefereeAudit
import RefereeTestSupport
import RefereeTrace
@testable import RefereeProbe

/// Issue #12's cheaters against the v2 campaign, each on `seeds` probe seeds: the named rule
/// fails on EVERY seed, and the honest reference passes every probe rule on every seed at the
/// same budget. The budget is the smallest for which the stated power promises a catch:
/// probe-aware and noise cheaters at the default 4; a lookahead over the last 22% of the set at
/// 6 (5 strata of 20%: the last stratum lies inside the leak); a leak at the first two targets
/// after each document start at 8 (7 cuts, 3 of them structural: every class is drawn).
/// `aware-length` and `aware-marker` believe every evaluation is the official one (the shard
/// always has the validation set's length; in the sandbox `/tmp` is private, so no evaluation
/// sees the marker of another): their lookahead is then caught like any other. `aware-hash`
/// cheats in `official` and `control` only (the cuts' streams have other hashes): the cuts'
/// NLLs before the cut then differ from the official ones.
@Suite(.serialized) struct CampaignCheaterTests {
    static let seeds = UInt64(1)...20
    static let probeRules = ["causal.prefix-invariance", "causal.target-flip", "norm.full-vocab"]

    /// (variant, budget, the rule that must fail)
    static let cheaters: [(String, Int, String)] = [
        ("aware-hash", 4, "causal.prefix-invariance"),
        ("aware-length", 4, "causal.prefix-invariance"),
        ("aware-marker", 4, "causal.prefix-invariance"),
        ("late", 6, "causal.prefix-invariance"),
        ("docstart", 8, "causal.target-flip"),
        ("noise", 4, "causal.prefix-invariance"),
    ]

    static func campaign(_ root: URL, budget: Int, seed: UInt64) throws -> ProbeReport {
        var options = ProbeOptions(record: root, dataPath: root.appendingPathComponent("data"), positions: 4, seed: seed, timeout: 60)
        options.budget = budget
        return try Prober.probe(options)
    }

    static func status(_ id: String, _ report: ProbeReport) -> RuleResult? {
        let context = AuditContext(path: "r", folder: nil, logs: [], claims: nil, logDigests: [:], probes: report)
        return CheckRegistry.checks[id]?(context, Rule(id: id, statement: id, severity: .error, thresholds: [:], source: "test"))
    }

    @Test(arguments: cheaters)
    func cheaterFailsOnEverySeed(variant: String, budget: Int, rule: String) throws {
        let root = try ProbeSubmissions.make(variant, count: 3000, document: 150)
        defer { try? FileManager.default.removeItem(at: root) }
        for seed in Self.seeds {
            let report = try Self.campaign(root, budget: budget, seed: seed)
            #expect(report.entryPoint, "\(variant) seed \(seed): \(report.problems)")
            let result = Self.status(rule, report)
            #expect(result?.status == .fail, "\(variant) passed \(rule) on probe seed \(seed): \(result?.message ?? "-")")
        }
    }

    @Test(arguments: [4, 6, 8])
    func honestPassesOnEverySeed(budget: Int) throws {
        let root = try ProbeSubmissions.make("honest", count: 3000, document: 150)
        defer { try? FileManager.default.removeItem(at: root) }
        for seed in Self.seeds {
            let report = try Self.campaign(root, budget: budget, seed: seed)
            for id in Self.probeRules {
                let result = Self.status(id, report)
                #expect(result?.status == .pass, "honest \(id) on probe seed \(seed), budget \(budget): \(result?.message ?? "-")")
            }
        }
    }

    /// The probe-aware cheater of protocol v1 (honest whenever REFEREE_EVAL_ONLY is set) gains
    /// nothing: the official evaluation is an eval-only run too, so its score is the honest one.
    @Test func v1ProbeAwareCheaterIsScoredHonestly() throws {
        let honest = try ProbeSubmissions.make("honest", count: 3000, document: 150)
        let aware = try ProbeSubmissions.make("aware-v1", count: 3000, document: 150)
        defer { for r in [honest, aware] { try? FileManager.default.removeItem(at: r) } }
        let a = try Self.campaign(honest, budget: 2, seed: 3)
        let b = try Self.campaign(aware, budget: 2, seed: 3)
        #expect(a.official != nil && a.official?.nllSum == b.official?.nllSum)
    }
}
