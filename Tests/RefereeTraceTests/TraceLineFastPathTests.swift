import Foundation
import Testing
import RefereeCore
import RefereeCrypto
@testable import RefereeTrace

/// The fast path returns exactly the event `TraceLineParser.parse` returns, or nil (and then the
/// caller uses `parse`); it never accepts a line `parse` rejects.
@Suite struct TraceLineFastPathTests {
    static let prev = String(repeating: "ab", count: 32)
    static let lines: [String] = [
        #"{"bytes":12,"end":5,"ev":"score","nll":8.0,"prev":"\#(prev)","psum_max":1.00001,"psum_min":0.99999,"rank":0,"seq":1,"start":1,"t":1700000000.001,"v":1}"#,
        #"{"end":5,"ev":"update","kind":"cache","prev":"\#(prev)","rank":0,"seq":2,"start":1,"t":1764450000.1234567,"v":1}"#,
        #"{"end":5,"ev":"update","prev":"\#(prev)","rank":0,"seq":2,"start":1,"t":1,"v":1}"#,
        #"{"ev":"phase","name":"eval_start","prev":"\#(prev)","rank":3,"seq":0,"t":1.5e9,"v":1,"val_tokens":800001,"world_size":4}"#,
        #"{"ev":"phase","name":"eval_end","prev":"\#(prev)","rank":3,"seq":9,"t":-0,"v":1.0,"val_loss":-0.0,"val_bpb":123456789012345678}"#,
        #" { "ev" : "score" , "start":1,"end":2,"nll":-0,"bytes":1e2,"psum_min":0,"psum_max":1,"prev":"\#(prev.uppercased())","rank":0,"seq":3,"t":2,"v":1 } "#,
        // Lines the fast path must leave to `parse`:
        #"{"ev":"score","start":2,"end":2,"nll":1,"bytes":1,"psum_min":1,"psum_max":1,"prev":"\#(prev)","rank":0,"seq":3,"t":2,"v":1}"#,
        #"{"ev":"score","start":1,"end":2,"nll":1,"bytes":true,"psum_min":1,"psum_max":1,"prev":"\#(prev)","rank":0,"seq":3,"t":2,"v":1}"#,
        #"{"ev":"update","kind":7,"start":1,"end":2,"prev":"\#(prev)","rank":0,"seq":3,"t":2,"v":1}"#,
        #"{"ev":"phase","name":"x","val_tokens":"9","prev":"\#(prev)","rank":0,"seq":3,"t":2,"v":1}"#,
        #"{"ev":"phase","name":"x\u0041","prev":"\#(prev)","rank":0,"seq":3,"t":2,"v":1}"#,
        #"{"ev":"phase","name":"x","prev":"\#(prev)","rank":0,"rank":1,"seq":3,"t":2,"v":1}"#,
        #"{"ev":"phase","name":"x","prev":"\#(prev)","rank":0,"seq":03,"t":2,"v":1}"#,
        #"{"ev":"phase","name":"x","prev":"\#(prev)","rank":0,"seq":3,"t":2,"v":2}"#,
        #"{"ev":"phase","name":"x","prev":"short","rank":0,"seq":3,"t":2,"v":1}"#,
        #"{"ev":"phase","name":"x","prev":"\#(prev)","rank":0,"seq":-1,"t":2,"v":1}"#,
        #"{"ev":"phase","name":"x","prev":"\#(prev)","rank":0,"seq":3,"t":2,"v":1,"extra":{"a":1}}"#,
        #"{"ev":"Phase","name":"x","prev":"\#(prev)","rank":0,"seq":3,"t":2,"v":1}"#,
        // Duplicated keys the fast path does not read (found by fuzzing: it skipped them)
        #"{"end":16,"ev":"update","prev":"\#(prev)","rank":1,"seq":2,"start":1,"":0,"":11,"t":2.5,"v":1}"#,
        #"{"end":5,"ev":"update","prev":"\#(prev)","rank":0,"seq":2,"source":"autotrace","start":1,"source":"x","t":1,"v":1}"#,
        #"{"end":5,"ev":"update","prev":"\#(prev)","rank":0,"seq":2,"a":1,"b":2,"c":3,"d":4,"source_of_it":5,"source_of_it":6,"start":1,"t":1,"v":1}"#,
        #"{}"#, #"[]"#, #"{"v":1"#, "",
    ]

    @Test(arguments: lines)
    func sameEventAsParse(_ line: String) {
        let location = SourceLocation(file: "rank0.jsonl", line: 4)
        var text = line
        let fast = text.withUTF8 { TraceLineFastPath.parse($0, at: location) }
        guard let fast else { return }
        guard case .event(let slow) = TraceLineParser.parse(line, at: location) else {
            Issue.record("the fast path accepted a line parse rejects: \(line)")
            return
        }
        #expect(fast == slow)
        if case .phase(_, _, _, let loss?, _) = fast.body { #expect(loss.sign == .minus) }  // -0.0 kept
        #expect(fast.time.sign == slow.time.sign)
    }

    @Test func fastPathTakesTheWritersLines() {
        let location = SourceLocation(file: "rank0.jsonl", line: 1)
        for line in Self.lines.prefix(6) {
            var text = line
            #expect(text.withUTF8 { TraceLineFastPath.parse($0, at: location) } != nil, "\(line)")
        }
    }

    /// A line that repeats a key the fast path does not read is never taken by it.
    @Test func duplicatedUnreadKeysAreLeftToParse() {
        let location = SourceLocation(file: "rank0.jsonl", line: 1)
        for line in Self.lines where line.contains(#""":0,"":11"#) || line.contains(#""source":"x""#) || line.contains("source_of_it") {
            var text = line
            #expect(text.withUTF8 { TraceLineFastPath.parse($0, at: location) } == nil, "\(line)")
            guard case .problem = TraceLineParser.parse(line, at: location) else {
                Issue.record("parse accepted a duplicated key: \(line)")
                continue
            }
        }
        // one unread key, once, is still the fast path's
        var ok = #"{"end":5,"ev":"update","prev":"\#(Self.prev)","rank":0,"seq":2,"source":"autotrace","start":1,"t":1,"v":1}"#
        #expect(ok.withUTF8 { TraceLineFastPath.parse($0, at: location) } != nil)
    }

    @Test func digestHexRoundTrip() throws {
        let hasher = try SHA256LineHasher()
        let bytes = Array("hello".utf8)
        let d = bytes.withUnsafeBytes { hasher.digest($0) }
        #expect(d.hex == SHA256.hex(Data(bytes)))
        #expect(SHA256Digest(hex: d.hex.uppercased()) == d)
        #expect(SHA256Digest(hex: String(d.hex.dropLast()) + "g") == nil)
        #expect(SHA256Digest(hex: String(repeating: "0", count: 64)) == .zero)
        #expect(SHA256Digest(hex: "00") == nil)
    }
}
