import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import RefereeCore
import RefereeLogs
import RefereeReport
@testable import RefereeAudit

/// A small audit with one pass, one error failure, one warning failure and one unverifiable rule.
private func sampleAudit() -> RecordAudit {
    let rules = RuleSet(track: "track_10min_16mb", version: "1", digest: "abc", rules: [
        Rule(id: "size.artifact-cap", statement: "s", severity: .error, thresholds: ["max_bytes": 16_000_000], source: "x"),
        Rule(id: "claim.score", statement: "s", severity: .error, thresholds: [:], source: "x"),
        Rule(id: "evidence.seeds", statement: "s", severity: .warning, thresholds: [:], source: "x"),
        Rule(id: "stats.significance", statement: "s", severity: .error, thresholds: [:], source: "x"),
    ])
    var logs = Build.threeSeeds(bpbs: [1.1, 1.2, 1.3])
    logs[2] = Build.log(Build.run(file: "train_seed3.log", seed: 1, bpb: 1.3))
    let claims = Build.claims(bpb: 1.1, decimals: 4)
    return Auditor(rules: rules).audit(Build.context(logs, claims: claims))
}

@Suite struct AuditReportsTests {
    @Test func sampleAuditHasEachStatus() {
        let audit = sampleAudit()
        #expect(audit.results.map(\.status) == [.pass, .fail, .fail, .unverifiable])
        #expect(audit.verdict == .fail)
    }

    @Test func jsonHasTheDocumentedStableKeys() throws {
        let data = AuditJSONReport.render([sampleAudit()])
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(root.keys) == ["schema", "records"])
        #expect(root["schema"] as? String == "referee.audit/v1")
        let record = try #require((root["records"] as? [[String: Any]])?.first)
        #expect(Set(record.keys) == ["path", "track", "rules_version", "rules_digest", "score", "verdict", "runs", "results"])
        #expect(record["verdict"] as? String == "fail")
        let run = try #require((record["runs"] as? [[String: Any]])?.first)
        #expect(Set(run.keys) == ["file", "run_index", "seed", "score", "score_line", "score_label", "val_loss", "train_time_ms", "eval_time_ms", "code_bytes", "artifact_bytes", "gpu", "gpu_count", "duplicate_of"])
        #expect(run["file"] as? String == "train_seed1.log")
        #expect(run["duplicate_of"] is NSNull)
        let result = try #require((record["results"] as? [[String: Any]])?[1])
        #expect(Set(result.keys) == ["id", "status", "severity", "message", "evidence", "evidence_source"])
        #expect(result["evidence_source"] as? String == "logged")
        #expect(result["status"] as? String == "fail")
        let evidence = try #require((result["evidence"] as? [[String: Any]])?.first)
        #expect(Set(evidence.keys) == ["file", "line", "detail"])
        // Sorted keys and byte-stable output.
        #expect(data == AuditJSONReport.render([sampleAudit()]))
        let text = String(decoding: data, as: UTF8.self)
        let recordsAt = try #require(text.range(of: "\"records\"")).lowerBound
        let schemaAt = try #require(text.range(of: "\"schema\"")).lowerBound
        #expect(recordsAt < schemaAt)
    }

    @Test("the streamed JSON document equals the rendered one", arguments: [0, 1, 3])
    func jsonStreamEqualsRender(count: Int) {
        var audits = (0..<count).map { _ in sampleAudit() }
        for i in audits.indices { audits[i].path = "record \(i) \"quoted\"\n" }
        var stream = AuditJSONReport.Stream()
        var streamed = Data()
        for audit in audits { streamed.append(stream.record(audit)) }
        streamed.append(stream.end())
        #expect(String(decoding: streamed, as: UTF8.self) == String(decoding: AuditJSONReport.render(audits), as: UTF8.self))
    }

    /// The direct writer behind `Stream` against `JSONEncoder` (`render`): every control byte,
    /// quotes, backslashes, slashes and non-ASCII text in every string field; numbers with and
    /// without fractions, exponents, negative zero; absent and present optional scores; a
    /// non-finite number (the encoder throws, the record becomes `{}`).
    @Test("the streamed JSON equals JSONEncoder's on hostile strings and numbers", arguments: [0, 1, 2, 3])
    func jsonStreamEqualsRenderOnHostileValues(variant: Int) {
        var text = (0..<0x80).map { String(UnicodeScalar(UInt8($0))) }.joined()
        text += "\u{2028}\u{2029}é\u{FFFD}😀\u{85}/\\\""
        let numbers: [Double] = [1, 0.1, 1e-5, 1e-7, 1e16, 1e17, 1.2345678901234568e20, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
                                 100, 2.5e15, 12345.678, -3.25, 1.0610758733333334]
        var audit = sampleAudit()
        audit.path = text
        audit.track = "t/\(variant)\n"
        audit.rulesVersion = text
        audit.rulesDigest = ""
        audit.score = variant == 0 ? nil : numbers[variant]
        audit.measuredScore = variant == 1 ? nil : numbers[variant + 3]
        audit.officialScore = variant == 2 ? nil : numbers[variant + 6]
        for i in audit.runs.indices {
            audit.runs[i].file = text
            audit.runs[i].scoreLabel = variant == 1 ? nil : text
            audit.runs[i].gpu = "\u{0}\t\(i)"
            audit.runs[i].duplicateOf = variant == 2 ? text : nil
            audit.runs[i].score = numbers[(i + variant) % numbers.count]
            audit.runs[i].valLoss = numbers[(i + variant + 4) % numbers.count]
            audit.runs[i].trainTimeMs = numbers[(i + 7) % numbers.count]
            audit.runs[i].evalTimeMs = numbers[(i + 9) % numbers.count]
            audit.runs[i].seed = variant == 0 ? nil : Int.min + i
            audit.runs[i].codeBytes = Int.max - i
        }
        for i in audit.results.indices {
            audit.results[i].message = text
            audit.results[i].evidence.append(Evidence(text, at: SourceLocation(file: text, line: i - 1)))
            audit.results[i].evidence.append(Evidence("", at: nil))
        }
        if variant == 1 { audit.runs = [] }
        if variant == 2 { audit.results = [] }
        var stream = AuditJSONReport.Stream()
        var streamed = Data()
        for a in [audit, sampleAudit(), audit] { streamed.append(stream.record(a)) }
        streamed.append(stream.end())
        let rendered = AuditJSONReport.render([audit, sampleAudit(), audit])
        #expect(String(decoding: streamed, as: UTF8.self) == String(decoding: rendered, as: UTF8.self))
        // A number JSON cannot hold: `JSONEncoder` throws, and the stream writes that record as
        // `{}` (as it did when it encoded each record with `JSONEncoder`).
        var bad = audit
        if bad.runs.isEmpty { bad.score = [.nan, .infinity, -.infinity][variant % 3] } else { bad.runs[0].trainTimeMs = .nan }
        var badStream = AuditJSONReport.Stream()
        var badData = badStream.record(bad)
        badData.append(badStream.end())
        #expect(String(decoding: badData, as: UTF8.self) == "{\n  \"records\" : [\n    {}\n  ],\n  \"schema\" : \"referee.audit/v1\"\n}\n")
    }

    @Test func junitIsWellFormedWithFailuresAndSkips() throws {
        var audit = sampleAudit()
        audit.path = "rec <&> \"quoted\"\u{01}"
        let xml = JUnitReport.render([audit, sampleAudit()])
        let delegate = Collector()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = delegate
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(delegate.count["testsuite"] == 2)
        #expect(delegate.count["testcase"] == 8)
        #expect(delegate.count["failure"] == 2)
        #expect(delegate.count["skipped"] == 2)
        #expect(delegate.count["system-out"] == 2)
        // Every testcase names what its finding rested on.
        #expect(delegate.count["property"] == 2 * 5 + 8)
        #expect(xml.components(separatedBy: "<property name=\"evidence\" value=\"logged\"/>").count - 1 == 8)
        #expect(delegate.suiteNames.first == "rec <&> \"quoted\"\u{FFFD}")
        #expect(xml.contains("<testsuites name=\"referee audit\" tests=\"8\" failures=\"2\" errors=\"0\" skipped=\"2\">"))
    }

    @Test func githubAnnotationsNameFileAndLine() {
        let lines = GitHubAnnotations.render([sampleAudit()]).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("::error file=rec/submission.json,title=claim.score (fail) [logged]::val_bpb 1.1000 is not the mean"))
        #expect(lines[1].hasPrefix("::warning file=train_seed3.log,line=20,title=evidence.seeds (fail) [logged]::"))
        #expect(lines[2].hasPrefix("::notice file=rec,title=stats.significance (unverifiable) [logged]::"))
        #expect(lines.allSatisfy { !$0.dropFirst(2).contains("\n") })
        #expect(GitHubAnnotations.data("50%\nx") == "50%25%0Ax")
        #expect(GitHubAnnotations.property("a:b,c") == "a%3Ab%2Cc")
    }

    @Test func textShowsVerdictRunsBudgetsAndRules() {
        let text = AuditTextReport().render(sampleAudit())
        #expect(text.hasPrefix("rec\n  verdict FAIL   score 1.20000000 (mean of 3 distinct run(s))"))
        #expect(text.contains("train_seed1.log  1     1.10000000  112   590.0s  98.3%  60.0s  10.0%  15900000  99.4%  8× NVIDIA H100 80GB HBM3"), "\(text)")
        #expect(text.contains("  PASS  size.artifact-cap "))
        #expect(text.contains("  FAIL  claim.score "))
        #expect(text.contains("  WARN  evidence.seeds "))
        #expect(text.contains("  ----  stats.significance "))
        #expect(text.contains("train_seed2.log:110"))
    }
}

private final class Collector: NSObject, XMLParserDelegate {
    var count: [String: Int] = [:]
    var suiteNames: [String] = []
    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        count[elementName, default: 0] += 1
        if elementName == "testsuite", let name = attributeDict["name"] { suiteNames.append(name) }
    }
}
