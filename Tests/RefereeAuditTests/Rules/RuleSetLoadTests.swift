import Foundation
import Testing
import RefereeCrypto
import RefereeTestSupport
@testable import RefereeAudit

@Suite struct RuleSetLoadTests {
    static let requiredIDs = [
        "size.artifact-cap", "time.train", "time.eval", "hardware.gpus", "evidence.logs-present",
        "evidence.final-score", "evidence.code-matches-log", "evidence.seeds", "claim.score", "claim.size",
        "stats.significance", "causal.score-before-update", "causal.single-pass", "trace.coverage",
        "trace.chain", "norm.sums-to-one", "trace.matches-log", "causal.prefix-invariance",
        "causal.target-flip", "norm.full-vocab", "score.official",
        "claim.train-time", "claim.artifact-size", "claim.val-tokens", "claim.bytes",
        "code.self-contained", "data.official-val", "evidence.plausible-values",
        "runner.sandbox", "runner.complete", "runner.integrity",
        "data.validation-hidden", "data.heldout-gap",
    ]

    var rulesDir: URL { TestPaths.repoRoot.appendingPathComponent("Rules") }

    @Test func recordTrackListsEveryRuleWithThresholdsAndSources() throws {
        let url = rulesDir.appendingPathComponent("track_10min_16mb.toml")
        let set = try RuleSet.load(url)
        #expect(set.track == "track_10min_16mb")
        #expect(!set.version.isEmpty)
        #expect(set.digest == SHA256.hex(try Data(contentsOf: url)))
        #expect(Set(set.rules.map(\.id)) == Set(Self.requiredIDs))
        #expect(set.rule("size.artifact-cap")?.thresholds["max_bytes"] == 16_000_000)
        #expect(set.rule("time.train")?.thresholds["max_seconds"] == 600)
        #expect(set.rule("time.eval")?.thresholds["max_seconds"] == 600)
        #expect(set.rule("hardware.gpus")?.thresholds["gpu_count"] == 8)
        #expect(set.rule("hardware.gpus")?.parameters["gpu_model"] == "H100")
        #expect(set.rule("norm.sums-to-one")?.thresholds["tolerance"] == 1e-4)
        #expect(set.rule("trace.matches-log")?.thresholds["tolerance"] == 1e-6)
        #expect(set.rule("norm.full-vocab")?.thresholds["tolerance"] == 1e-4)
        #expect(set.rule("time.train")?.thresholds["startup_seconds"] == 60)
        #expect(set.rule("data.official-val")?.source.contains("FineWeb") == true)
        #expect(set.rule("stats.significance")?.thresholds["min_improvement_nats"] == 0.005)
        #expect(set.rule("stats.significance")?.thresholds["max_p_value"] == 0.01)
        #expect(set.rule("causal.single-pass")?.source.contains("#1017") == true)
        #expect(set.rule("data.heldout-gap")?.thresholds == ["alpha": 0.01, "min_gap_bpb": 0.002])
        #expect(set.rule("data.heldout-gap")?.severity == .error && set.rule("data.validation-hidden")?.severity == .error)
        for rule in set.rules {
            #expect(!rule.source.isEmpty && !rule.statement.isEmpty, "\(rule.id)")
        }
    }

    @Test func nonRecordTrackDropsTimeAndHardwareAndWarnsOnClaims() throws {
        let set = try RuleSet.load(rulesDir.appendingPathComponent("track_non_record_16mb.toml"))
        #expect(set.track == "track_non_record_16mb")
        #expect(set.rule("time.train") == nil)
        #expect(set.rule("hardware.gpus") == nil)
        #expect(set.rule("size.artifact-cap")?.severity == .error)
        #expect(set.rule("claim.score")?.severity == .warning)
        #expect(set.rules.count == Self.requiredIDs.count - 2)
        // Warnings here: a non-record run on synthetic data has no held-out evaluation yet.
        #expect(set.rule("data.heldout-gap")?.severity == .warning && set.rule("data.validation-hidden")?.severity == .warning)
    }

    @Test func builtinRulesNeedNoFolder() throws {
        let set = try RuleSet.builtin(track: "track_10min_16mb", environment: [:])
        #expect(set.track == "track_10min_16mb")
        #expect(set.digest == SHA256.hex(try Data(contentsOf: rulesDir.appendingPathComponent("track_10min_16mb.toml"))))
        #expect(throws: AuditError.self) { try RuleSet.builtin(track: "no_such_track", environment: [:]) }
    }

    @Test(arguments: [
        ("version = \"1\"\n[[rule]]\nid = \"a.b\"\nstatement = \"s\"\nseverity = \"error\"\nsource = \"x\"", 1, "'track'"),
        ("track = \"t\"\nversion = \"1\"\n[[rule]]\nid = \"a.b\"\nstatement = \"s\"\nseverity = \"fatal\"\nsource = \"x\"", 6, "\"error\" or \"warning\""),
        ("track = \"t\"\nversion = \"1\"\n[[rule]]\nid = \"a.b\"\nstatement = \"s\"\nseverity = \"error\"\nsource = \"x\"\nthresholds = { max = \"big\" }", 8, "to be a number"),
        ("track = \"t\"\nversion = \"1\"\n[[rule]]\nid = \"a.b\"\nstatement = \"s\"\nseverity = \"error\"\nsource = \"x\"\ncolour = \"red\"", 8, "not 'colour'"),
        ("track = \"t\"\nversion = \"1\"\n[[rule]]\nid = \"Bad Id\"\nstatement = \"s\"\nseverity = \"error\"\nsource = \"x\"", 4, "rule id like"),
        ("track = \"t\"\nversion = \"1\"\n[[rule]]\nid = \"a.b\"\nseverity = \"error\"\nsource = \"x\"", 3, "'statement'"),
        ("track = \"t\"\nversion = \"1\"\n[[rule]]\nid = \"a.b\"\nstatement = \"s\"\nseverity = \"error\"\nsource = \"x\"\n[[rule]]\nid = \"a.b\"\nstatement = \"s\"\nseverity = \"error\"\nsource = \"x\"", 8, "already defined at line 3"),
        ("track = \"t\"\nversion = 2\n[[rule]]", 2, "non-empty string"),
    ])
    func schemaErrorsNameLineAndExpectation(text: String, line: Int, fragment: String) {
        do {
            _ = try RuleSet.parse(text, path: "x.toml", digest: "d")
            Issue.record("expected an error")
        } catch {
            guard case .badRules(let path, let errLine, let expected) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(path == "x.toml")
            #expect(errLine == line)
            #expect(expected.contains(fragment), "\(expected)")
        }
    }

    @Test func unreadableFileIsABadRulesError() {
        do {
            _ = try RuleSet.load(URL(fileURLWithPath: "/nonexistent/r.toml"))
            Issue.record("expected an error")
        } catch {
            guard case .badRules(let path, nil, let expected) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(path == "/nonexistent/r.toml")
            #expect(expected.contains("readable rules file"))
        }
    }
}
