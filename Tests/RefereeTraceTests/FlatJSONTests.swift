import Foundation
import Testing
import RefereeTestSupport
@testable import RefereeTrace

/// The fast parser must agree with JSONSerialization on every line it accepts, and decline
/// (nil) whatever it does not handle, so that the fallback decides.
@Suite struct FlatJSONTests {
    /// Numbers and strings of both parsers as comparable values. Numbers are rounded to 15
    /// significant digits: Foundation on Linux parses some long decimals 1 ulp off (e.g.
    /// 1795558550.9226549 → …546), the fast parser rounds correctly.
    static func normalise(_ object: [String: Any]) -> [String: String] {
        object.mapValues { value in
            if let s = value as? String { return "s:\(s)" }
            if let d = TraceLineParser.double(value) { return "n:" + String(format: "%.14e", d) }
            if value is FlatJSON.NullValue || value is NSNull { return "null" }
            if let b = value as? Bool { return "b:\(b)" }
            return "?"
        }
    }

    @Test func numbersAreCorrectlyRounded() throws {
        let fast = try #require(FlatJSON.parse(Array(#"{"t":1795558550.9226549,"n":-12,"e":1e-05}"#.utf8)))
        #expect(fast["t"] as? Double == 1795558550.9226549)
        #expect(fast["n"] as? Int == -12)
        #expect(fast["e"] as? Double == 1e-05)
    }

    @Test(arguments: [
        #"{"v":1,"seq":0,"t":1795558550.9226549,"nll":10.0,"psum_min":1e-05,"big":-2.5E+3,"name":"eval_start"}"#,
        #"  { "a" : 0 , "b" : -0.0 , "c" : "é ✓" }  "#,
        #"{}"#,
        #"{"x":true,"y":false,"z":null}"#,
    ])
    func agreesWithFoundation(_ line: String) throws {
        let fast = try #require(FlatJSON.parse(Array(line.utf8)))
        let slow = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(Self.normalise(fast) == Self.normalise(slow))
    }

    @Test(arguments: [
        #"{"a":"with \"escape\""}"#, #"{"a":[1,2]}"#, #"{"a":{"b":1}}"#, #"{"a":1,}"#, #"{"a":01}"#,
        #"{"a":1} x"#, #"{"a":.5}"#, #"{"a":1."#, #"not json"#, #"{"a":tru}"#, #"[1]"#, "",
    ])
    func declinesWhatItDoesNotHandle(_ line: String) {
        #expect(FlatJSON.parse(Array(line.utf8)) == nil)
    }

    @Test func everyFixtureLineAgrees() throws {
        let root = TestPaths.fixture("traces")
        var checked = 0
        for folder in try FileManager.default.contentsOfDirectory(atPath: root.path) {
            let dir = root.appendingPathComponent(folder)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [] where name.hasSuffix(".jsonl") {
                let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
                for line in text.split(separator: "\n") {
                    let slow = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
                    let fast = FlatJSON.parse(Array(line.utf8))
                    #expect(fast.map(Self.normalise) == slow.map(Self.normalise), "\(folder)/\(name): \(line)")
                    checked += 1
                }
            }
        }
        #expect(checked > 50)
    }

    @Test func booleansAreNotNumbersFromEitherParser() throws {
        let slow = try #require(try JSONSerialization.jsonObject(with: Data(#"{"a":true,"b":1,"c":0}"#.utf8)) as? [String: Any])
        #expect(TraceLineParser.int(slow["a"]) == nil)
        #expect(TraceLineParser.int(slow["b"]) == 1)
        #expect(TraceLineParser.int(slow["c"]) == 0)
        #expect(TraceLineParser.int(true) == nil)
        #expect(TraceLineParser.int(3.0) == 3)
        #expect(TraceLineParser.int(3.5) == nil)
    }
}
