import Foundation
import Testing
import RefereeTestSupport

/// `referee gate` as CI runs it: exit codes, JUnit and the Markdown summary.
@Suite(.enabled(if: RefereeBinary.available, "needs .build/debug/referee (run `swift build --build-tests` first)"))
struct GateEndToEndTests {
    struct Outcome {
        var status: Int32
        var junit: String
        var summary: String
        var stdout: String
    }

    func gate(_ paths: [String], extra: [String] = []) throws -> Outcome {
        let dir = try TestPaths.tempDir("gate")
        defer { try? FileManager.default.removeItem(at: dir) }
        let junit = dir.appendingPathComponent("junit.xml"), summary = dir.appendingPathComponent("summary.md")
        let r = try RefereeBinary.run(["gate"] + paths + ["--junit", junit.path, "--summary", summary.path] + extra)
        return Outcome(status: r.status, junit: (try? String(contentsOf: junit, encoding: .utf8)) ?? "",
                       summary: (try? String(contentsOf: summary, encoding: .utf8)) ?? "", stdout: r.stdout)
    }

    /// The JUnit testcase element of `rule` in `junit`, up to its closing tag.
    func testcase(_ rule: String, in junit: String) -> String? {
        guard let start = junit.range(of: "name=\"\(rule)\"") else { return nil }
        let rest = junit[start.upperBound...]
        if rest.hasPrefix("/>") { return "<testcase name=\"\(rule)\"/>" }
        guard let end = rest.range(of: "</testcase>") else { return nil }
        return String(junit[start.lowerBound..<end.upperBound])
    }

    @Test(arguments: [
        ("oversize", "size.artifact-cap"),
        ("overtime", "time.train"),
        ("best-seed-claim", "claim.score"),
        ("no-logs", "evidence.logs-present"),
    ])
    func cheaterFailsWithItsRule(name: String, rule: String) throws {
        let out = try gate([RefereeBinary.cheater(name).path])
        #expect(out.status == 1, "gate on cheater \(name) exited \(out.status)")
        let element = try #require(testcase(rule, in: out.junit), "no JUnit testcase for \(rule)")
        #expect(element.contains("<failure type=\"error\""), "\(rule) is not a failure for \(name): \(element)")
        #expect(out.stdout.contains("::error file="), "no GitHub error annotation for \(name)")
        #expect(out.summary.hasPrefix("## ❌ Referee gate failed"))
        #expect(out.summary.contains("- `\(rule)` (error, fail)"))
    }

    @Test(.enabled(if: TestPaths.samples != nil, "shared samples absent (TestPaths.samples is nil): skipping"))
    func sampleRecordsExitCodesMatchTheirJUnit() throws {
        let samples = RefereeBinary.allSamples()
        for sample in samples {
            let out = try gate([sample.path])
            let failures = out.junit.components(separatedBy: "<failure ").count - 1
            // The exit code and the JUnit agree: 1 exactly when an error rule failed.
            #expect(out.status == (failures > 0 ? 1 : 0), "\(sample.lastPathComponent): exit \(out.status) with \(failures) JUnit failures")
            #expect(out.junit.contains("<testsuite name=\"\(sample.path)\""))
        }
        let baseline = try gate([try #require(RefereeBinary.sample("2026-03-17_NaiveBaseline")).path])
        #expect(baseline.status == 0)
        #expect(baseline.junit.contains("failures=\"0\""))
        #expect(testcase("size.artifact-cap", in: baseline.junit)?.contains("<failure") == false)
        // MixedQuant's train.log holds three appended runs that all log seed:1337 (lines 1377,
        // 2850, 4354): the gate fails it on evidence.seeds.
        let mixed = try gate([try #require(RefereeBinary.sample("2026-03-19_MixedQuant_Int6Int8_SlidingWindow")).path])
        #expect(mixed.status == 1)
        #expect(testcase("evidence.seeds", in: mixed.junit)?.contains("<failure type=\"error\"") == true)
        #expect(mixed.stdout.contains("title=evidence.seeds"))
    }

    @Test(.enabled(if: TestPaths.samples != nil, "shared samples absent (TestPaths.samples is nil): skipping"))
    func mixedBatchFailsAndNamesOnlyTheCheater() throws {
        let good = try #require(RefereeBinary.sample("2026-03-17_NaiveBaseline"))
        let out = try gate([good.path, RefereeBinary.cheater("oversize").path])
        #expect(out.status == 1)
        #expect(out.junit.components(separatedBy: "<testsuite ").count - 1 == 2)
        #expect(out.summary.contains("failed: 1 of 2 paths"))
    }

    @Test func honestSyntheticRecordPasses() throws {
        let out = try gate([RefereeBinary.cheater("clean").path])
        #expect(out.status == 0)
        #expect(out.junit.contains("failures=\"0\""))
        #expect(!out.stdout.contains("::error"))
        #expect(out.summary.hasPrefix("## ✅ Referee gate passed"))
    }

    /// `referee report` on a folder whose name carries no date and whose logs no timestamps:
    /// the page is still written and says so.
    @Test func reportWithoutDateEvidence() throws {
        let dir = try TestPaths.tempDir("report")
        defer { try? FileManager.default.removeItem(at: dir) }
        let html = dir.appendingPathComponent("r.html")
        let r = try RefereeBinary.run(["report", RefereeBinary.cheater("clean").path, "--html", html.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try String(contentsOf: html, encoding: .utf8).contains("date not in the evidence"))
    }

    @Test func unreadablePathExitsTwoWithAJUnitCase() throws {
        let out = try gate(["/nonexistent/record"])
        #expect(out.status == 2)
        #expect(out.junit.contains("name=\"gate.audit\""))
        #expect(out.junit.contains("<failure type=\"error\""))
    }

    @Test(.enabled(if: TestPaths.samples != nil, "shared samples absent (TestPaths.samples is nil): skipping"))
    func strictFailsIncompleteVerdicts() throws {
        let good = try #require(RefereeBinary.sample("2026-03-17_NaiveBaseline"))
        let out = try gate([good.path], extra: ["--strict"])
        // The baseline logs no GPUs and has no traces: incomplete, so --strict fails it.
        #expect(out.status == 1)
    }

    /// A folder with a `referee.bundle.json` that does not verify fails the gate, even when its
    /// rules pass, and the bundle is a failed JUnit case.
    @Test func invalidBundleFailsTheGate() throws {
        let root = try TestPaths.tempDir("bundle")
        defer { try? FileManager.default.removeItem(at: root) }
        let record = root.appendingPathComponent("track_10min_16mb/signed")
        try FileManager.default.createDirectory(at: record.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: RefereeBinary.cheater("clean"), to: record)
        let before = try gate([record.path])
        #expect(before.status == 0)
        #expect(!before.junit.contains("bundle.verify"))
        try Data("{\"payloadType\": \"x\"}".utf8).write(to: record.appendingPathComponent("referee.bundle.json"))
        let after = try gate([record.path])
        #expect(after.status == 1)
        let element = try #require(testcase("bundle.verify", in: after.junit))
        #expect(element.contains("<failure"))
        #expect(after.summary.contains("- Bundle: referee.bundle.json"))
    }
}
