import Foundation
import Testing
import RefereeTestSupport
@testable import RefereeAudit
@testable import RefereeCore
@testable import RefereeLogs
@testable import RefereeTrace

/// The defences of issue 13 at library level: each test fails without its defence.
@Suite struct HostileUnitTests {
    // MARK: Integer conversions

    @Test(arguments: ["budget:1e30/16000000 FITS", "budget:-5/16000000", "budget:1.5/16000000", "budget:9e15/16000000"])
    func budgetLinesThatAreNoByteCount(line: String) {
        let facts = SizeFact.parse(LineScanner(Substring(line)))
        #expect(facts.count == 1)
        guard case .unrepresentable = facts.first else {
            Issue.record("\(line) parsed as \(facts)")
            return
        }
    }

    @Test func saturatingConversions() {
        #expect(Int(saturating: 1e30) == .max)
        #expect(Int(saturating: -1e308) == .min)
        #expect(Int(saturating: .nan) == 0)
        #expect(Int(saturating: -.infinity) == .min)
        #expect(Int(saturating: 42.9) == 42)
        #expect(Int.max.addingSaturating(1) == .max)
        #expect(Int.min.addingSaturating(-1) == .min)
        #expect(PositionRange(.min, .max).count == .max)
    }

    @Test func welchWithValLossOf1e308IsUndefinedNotATrap() {
        #expect(WelchTest(new: [1e308, -1e308], old: [2.0, 2.1], margin: 0.005) == nil)
        #expect(WelchTest(new: [2.0, 2.01], old: [.infinity, 2.1], margin: 0.005) == nil)
        #expect(StudentT.cdf(1, df: .nan).isNaN)
        #expect(StudentT.cdf(1, df: -1).isNaN)
        #expect(WelchTest(new: [2.0, 2.01], old: [2.1, 2.12], margin: 0.005) != nil)
    }

    // MARK: Interval sets

    /// A million ranges in descending order: a sorted array shifted every element on each
    /// insertion (over 60 s); the treap takes about as long as ascending order.
    @Test func descendingRangesCostLikeAscendingOnes() {
        let n = 100_000
        func build(_ order: [Int]) -> (Duration, IntervalSet) {
            var set = IntervalSet()
            let clock = ContinuousClock()
            let t = clock.measure {
                for k in order { set.insert(PositionRange(2 * k, 2 * k + 1)) }
            }
            return (t, set)
        }
        let (up, a) = build(Array(0..<n))
        let (down, b) = build(Array((0..<n).reversed()))
        #expect(a == b)
        #expect(a.count == n)
        #expect(down < up * 4 + .milliseconds(500), "descending \(down) vs ascending \(up)")
        // Filling the holes merges everything into one range.
        var c = b
        for k in 0..<n { c.insert(PositionRange(2 * k + 1, 2 * k + 2)) }
        #expect(c.ranges == [PositionRange(0, 2 * n)])
    }

    // MARK: Duplicate keys

    @Test(arguments: [
        (#"{"val_bpb": 1.0, "val_bpb": 2.0}"#, "val_bpb"),
        ("{\n\"a\": {\"x\": 1, \"x\": 2}}", "x"),
        (#"{"caf\u00e9": 1, "cafe\u0301": 2}"#, "café"),
        (#"[{"payload": "a"}, {"p\u0061yload": "b", "payload": "c"}]"#, "payload"),
    ])
    func duplicateKeysAreNamed(json: String, key: String) throws {
        let problem = try #require(StrictJSON.check(Array(json.utf8)))
        #expect(problem.message.hasPrefix("duplicate key"))
        #expect(problem.message.contains(key) || key == "café")
    }

    @Test(arguments: [#"{"a": 1, "b": {"a": 2}}"#, #"[{"a":1},{"a":2}]"#, "\"x\"", "[]", "{}", " 1.5e3 "])
    func wellFormedJSONPasses(json: String) {
        #expect(StrictJSON.check(Array(json.utf8)) == nil)
    }

    /// Found by the `strict_json` fuzz target: Foundation accepts `[11,]`; Python's json and RFC
    /// 8259 do not, so Referee must not read a file a leaderboard cannot.
    @Test(arguments: ["[11,]", #"{"a": 1,}"#, "[1,\n]"])
    func trailingCommasAreRefused(json: String) {
        #expect(StrictJSON.check(Array(json.utf8)) != nil)
    }

    @Test func deepNestingIsRefusedWithoutRecursion() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(StrictJSON.check(Array(deep.utf8))?.message.hasPrefix("nesting deeper") == true)
    }

    @Test func submissionJSONWithDuplicateValBPBNamesLineAndKey() {
        let text = "{\n  \"val_bpb\": 1.5,\n  \"val_bpb\": 1.2\n}\n"
        do {
            _ = try SubmissionClaims.parse(Data(text.utf8), path: "rec/submission.json")
            Issue.record("accepted")
        } catch {
            #expect(error.description.contains("rec/submission.json:3"))
            #expect(error.description.contains("duplicate key \"val_bpb\""))
        }
    }

    @Test func traceLineWithDuplicateKeyIsNotAnEvent() {
        let zeros = String(repeating: "0", count: 64)
        let line = #"{"v":1,"seq":0,"rank":0,"t":1.0,"prev":"\#(zeros)","ev":"score","start":1,"end":5,"start":100,"nll":1,"bytes":1,"psum_min":1,"psum_max":1}"#
        guard case .problem(let finding) = TraceLineParser.parse(line, at: SourceLocation(file: "rank0.jsonl", line: 7)) else {
            Issue.record("a duplicate start became an event")
            return
        }
        #expect(finding.description.contains("rank0.jsonl:7") && finding.message.contains("duplicate key \"start\""))
    }

    /// Found while checking the parsers for recursion: `--rules` with 200,000 nested `[` on one
    /// line overflowed the stack (SIGSEGV) in the TOML parser's recursive descent.
    @Test func deeplyNestedTOMLIsAnErrorNotAStackOverflow() {
        let text = "track = " + String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000) + "\n"
        #expect(throws: AuditError.self) { _ = try RuleSet.parse(text, path: "deep.toml", digest: "") }
        let fine = "track = " + String(repeating: "[", count: 10) + String(repeating: "]", count: 10) + "\n"
        #expect(throws: AuditError.self) { _ = try RuleSet.parse(fine, path: "ok.toml", digest: "") } // schema, not depth
        do {
            _ = try RuleSet.parse(text, path: "deep.toml", digest: "")
        } catch {
            #expect(error.description.contains("deep.toml:1") && error.description.contains("nested at most 64 deep"), "\(error)")
        }
    }

    // MARK: Special files

    @Test func evidenceFileRefusesFIFOsAndDevicesWithoutBlocking() throws {
        let dir = try TestPaths.tempDir("evidence-file")
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("pipe")
        #expect(mkfifo(fifo.path, 0o644) == 0)
        let link = dir.appendingPathComponent("zero")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "/dev/zero")
        for (url, kind) in [(fifo, "FIFO"), (link, "character device"), (URL(fileURLWithPath: "/dev/urandom"), "character device"), (dir, "directory")] {
            do {
                _ = try EvidenceFile.readAll(url)
                Issue.record("\(url.path) was read")
            } catch {
                #expect(error.description.contains(url.path) && error.description.contains(kind), "\(error)")
            }
            #expect(throws: CoreError.self) { _ = try LineReader(url: url) }
        }
        let regular = dir.appendingPathComponent("ok.txt")
        try Data("a\nb\n".utf8).write(to: regular)
        #expect(try EvidenceFile.readAll(regular) == Data("a\nb\n".utf8))
        #expect(throws: CoreError.self) { _ = try EvidenceFile.readAll(regular, limit: 2) }
        #expect(EvidenceFile.problem(atPath: link.path, insideRealRoot: EvidenceFile.realPath(dir.path)!)?.contains("outside the record") == true)
        #expect(EvidenceFile.problem(atPath: fifo.path, insideRealRoot: EvidenceFile.realPath(dir.path)!)?.contains("FIFO") == true)
        #expect(EvidenceFile.problem(atPath: regular.path, insideRealRoot: EvidenceFile.realPath(dir.path)!) == nil)
    }
}
