import Foundation
import Testing
import RefereeLogs
import RefereeTestSupport

/// `referee submission` and `referee report` on a real sample record, byte for byte.
@Suite(.enabled(if: RefereeBinary.available, "needs .build/debug/referee (run `swift build --build-tests` first)"),
       .enabled(if: TestPaths.samples != nil, "shared samples absent (TestPaths.samples is nil): skipping"))
struct SubmissionEndToEndTests {
    static let record = "2026-04-09_A2_Muon097_3Seed"
    static let flags = ["--author", "dexhunter", "--github-id", "dexhunter",
                        "--name", "SP8192 + Muon momentum 0.97 + Legal Score-First TTT + Causal N-gram Token Tilt"]

    func submission(into dir: URL, extra: [String] = []) throws -> RefereeBinary.Result {
        let sample = try #require(RefereeBinary.sample(Self.record))
        return try RefereeBinary.run(["submission", sample.path, "--output", dir.path] + Self.flags + extra)
    }

    /// Every file under `dir`, relative path → bytes.
    func snapshot(_ dir: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil)
        while let url = walker?.nextObject() as? URL {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue { out[String(url.path.dropFirst(dir.path.count + 1))] = try Data(contentsOf: url) }
        }
        return out
    }

    @Test func goldenSubmissionAndReadme() throws {
        let dir = try TestPaths.tempDir("submission")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try submission(into: dir)
        #expect(r.status == 0 || r.status == 1, "referee submission failed: \(r.stderr)")
        try Golden.check(try String(contentsOf: dir.appendingPathComponent("submission.json"), encoding: .utf8), "sample-A2_Muon097/submission.json")
        try Golden.check(try String(contentsOf: dir.appendingPathComponent("README.md"), encoding: .utf8), "sample-A2_Muon097/README.md")
        let files = try snapshot(dir).keys.sorted()
        #expect(files == ["README.md", "plots/budget.svg", "plots/curve-seed0.svg", "plots/curve-seed1234.svg", "plots/curve-seed42.svg", "submission.json"])
    }

    @Test func rerunChangesNoByte() throws {
        let a = try TestPaths.tempDir("submission-a"), b = try TestPaths.tempDir("submission-b")
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        _ = try submission(into: a)
        _ = try submission(into: b)
        let first = try snapshot(a)
        #expect(!first.isEmpty)
        #expect(first == (try snapshot(b)))
        _ = try submission(into: a)
        #expect(first == (try snapshot(a)))
    }

    /// Written into a copy of the record itself, a second run (which now reads its own
    /// submission.json as the claims) gives the same bytes.
    @Test func inPlaceRerunIsAFixedPoint() throws {
        let sample = try #require(RefereeBinary.sample(Self.record))
        let copy = try TestPaths.tempDir("record").appendingPathComponent("track_10min_16mb/\(Self.record)")
        defer { try? FileManager.default.removeItem(at: copy.deletingLastPathComponent().deletingLastPathComponent()) }
        try FileManager.default.createDirectory(at: copy.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: sample, to: copy)
        for file in try FileManager.default.contentsOfDirectory(atPath: copy.path) {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: copy.appendingPathComponent(file).path)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: copy.path)
        _ = try RefereeBinary.run(["submission", copy.path, "--in-place"] + Self.flags)
        let first = try snapshot(copy)
        _ = try RefereeBinary.run(["submission", copy.path, "--in-place"] + Self.flags)
        #expect(first == (try snapshot(copy)))
        // The claims the audit read back are the generated ones, so the claim rules pass.
        let readme = try String(contentsOf: copy.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("| `claim.score` | ✅ pass |"))
    }

    /// The generated file reads back through the logs helper's submission.json parser with the
    /// same numbers.
    @Test func generatedJSONReadsBackAsClaims() throws {
        let dir = try TestPaths.tempDir("submission")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try submission(into: dir)
        let claims = try SubmissionClaims.load(dir.appendingPathComponent("submission.json"))
        #expect(claims.valBPB == 1.07983273)
        #expect(claims.bytesTotal == 15_994_604)
        #expect(claims.author == "dexhunter")
        #expect(Set(claims.seeds.map(\.seed)) == ["0", "42", "1234"])
        #expect(claims.seeds.first { $0.seed == "42" }?.valLoss == 2.7896663)
    }

    @Test func againstAddsThePValue() throws {
        let dir = try TestPaths.tempDir("submission")
        defer { try? FileManager.default.removeItem(at: dir) }
        let old = try #require(RefereeBinary.sample("2026-04-05_SP8192_GPTQ-Embeddings_SDClip_Loop45x2"))
        let r = try submission(into: dir, extra: ["--against", old.path])
        #expect(r.status == 0 || r.status == 1, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("submission.json"))) as? [String: Any])
        let against = try #require(json["against"] as? [String: Any])
        let p = try #require(json["p_value"] as? Double)
        #expect(p >= 0 && p <= 1)
        #expect(against["p_value"] as? Double == p)
        #expect(against["margin_nats"] as? Double == 0.005)
        let readme = try String(contentsOf: dir.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("| Against | `\(old.path)`"))
    }

    @Test func recordWithoutLogsIsExitTwo() throws {
        let dir = try TestPaths.tempDir("submission")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try RefereeBinary.run(["submission", RefereeBinary.cheater("no-logs").path, "--output", dir.path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("no run has a final score line"))
    }

    @Test func logFileInsteadOfFolderIsExitTwo() throws {
        let log = try #require(RefereeBinary.sample("2026-03-17_NaiveBaseline")).appendingPathComponent("train.log")
        let r = try RefereeBinary.run(["submission", log.path, "--output", "/nonexistent-output"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("\(log.path): not a record folder"))
    }

    @Test func badDateIsExitTwoWithAMessage() throws {
        let dir = try TestPaths.tempDir("submission")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try submission(into: dir, extra: ["--date", "9 April"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("expected a date written YYYY-MM-DD"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("submission.json").path))
    }

    @Test func htmlReportHasTablesAndPlots() throws {
        let sample = try #require(RefereeBinary.sample(Self.record))
        let dir = try TestPaths.tempDir("html")
        defer { try? FileManager.default.removeItem(at: dir) }
        let html = dir.appendingPathComponent("report.html")
        let r = try RefereeBinary.run(["report", sample.path, "--html", html.path])
        #expect(r.status == 0 || r.status == 1, "referee report failed: \(r.stderr)")
        let text = try String(contentsOf: html, encoding: .utf8)
        #expect(text.contains("<table id=\"compliance\">") && text.contains("<table id=\"results\">"))
        #expect(text.components(separatedBy: "<svg ").count - 1 == 4)
    }
}

/// The browser check: `scripts/screenshot-report.sh` renders the HTML report in headless
/// Chromium and checks the DOM (tables present, every row) and the PNG (size, not blank).
@Suite(.enabled(if: RefereeBinary.available, "needs .build/debug/referee"),
       .enabled(if: TestPaths.samples != nil, "shared samples absent: skipping"),
       .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium"), "chromium not installed (apt-get install -y chromium): skipping the browser check"))
struct ScreenshotTests {
    @Test func reportRendersInChromium() throws {
        let dir = try TestPaths.tempDir("shot")
        defer { try? FileManager.default.removeItem(at: dir) }
        let png = dir.appendingPathComponent("report.png")
        let script = TestPaths.repoRoot.appendingPathComponent("scripts/screenshot-report.sh")
        let sample = try #require(RefereeBinary.sample(SubmissionEndToEndTests.record))
        var env = ProcessInfo.processInfo.environment
        env["REFEREE"] = RefereeBinary.url.path
        let r = try RefereeBinary.run(executable: URL(fileURLWithPath: "/bin/bash"), [script.path, sample.path, png.path], environment: env)
        #expect(r.status == 0, "screenshot script failed: \(r.stderr)")
        #expect(r.stderr.contains("screenshot-report: ok") || r.stdout.contains("screenshot-report: ok"))
        let bytes = try Data(contentsOf: png)
        #expect(bytes.count > 10_000)
    }
}
