import Foundation
import Testing
import RefereeCore
import RefereeCrypto
@testable import RefereeTrace

/// The writer-layout reader (`TraceLineFastPath.scanWriterLayout`) takes the lines
/// `python/referee_probe.py` writes, and for every line it takes, the event is the one
/// `TraceLineParser.parse` returns; anything else is left to the general scan.
@Suite struct TraceWriterLayoutTests {
    static let prev = "c37d36374ce38a669239b5d3a95045e61bb1cf4267776d8a206a41147f6c54e3"

    static func score(bytes: String = "12", end: String = "200005", nll: String = "8.0", prev: String = prev,
                      psumMax: String = "1.00001", psumMin: String = "0.99999", rank: String = "1", seq: String = "1",
                      start: String = "200001", t: String = "1700000000.0010998", v: String = "1") -> String {
        #"{"bytes":\#(bytes),"end":\#(end),"ev":"score","nll":\#(nll),"prev":"\#(prev)","psum_max":\#(psumMax),"psum_min":\#(psumMin),"rank":\#(rank),"seq":\#(seq),"start":\#(start),"t":\#(t),"v":\#(v)}"#
    }

    static func update(end: String = "200005", kind: String = "cache", prev: String = prev, rank: String = "1",
                       seq: String = "2", start: String = "200001", t: String = "1700000000.0021", v: String = "1") -> String {
        #"{"end":\#(end),"ev":"update","kind":"\#(kind)","prev":"\#(prev)","rank":\#(rank),"seq":\#(seq),"start":\#(start),"t":\#(t),"v":\#(v)}"#
    }

    /// (taken by the layout reader, fast-path event) for `line`.
    static func read(_ line: String) -> (layout: Bool, event: TraceEvent?) {
        var text = line
        return text.withUTF8 { b in
            var out = TraceLineFastPath.Line(kind: .score, seq: 0, rank: 0, time: 0, prev: .zero)
            let layout = TraceLineFastPath.scanWriterLayout(b, into: &out)
            return (layout, TraceLineFastPath.parse(b, at: SourceLocation(file: "rank1.jsonl", line: 2)))
        }
    }

    /// The fast path's event, when there is one, is `parse`'s.
    static func agrees(_ line: String) -> Bool {
        let location = SourceLocation(file: "rank1.jsonl", line: 2)
        guard let fast = read(line).event else { return true }
        guard case .event(let slow) = TraceLineParser.parse(line, at: location) else { return false }
        return fast == slow && fast.time.sign == slow.time.sign
    }

    static let taken: [String] = [
        score(), update(),
        score(bytes: "0", end: "5", nll: "12.345678901234567", psumMax: "1.0000001192092896", psumMin: "0.9999998807907104",
              rank: "0", seq: "123456", start: "1", t: "1764450000.1234567"),
        score(nll: "0.0", t: "1700000000.001"), score(t: "1764450000.999999"), score(nll: "123456789012.5"),
        update(kind: "ttt"), update(kind: "other"), update(kind: ""), update(t: "17"),
        // Numbers of another shape go through the general number reader, in place.
        score(nll: "1e-05"), score(nll: "-0.5"), score(nll: "-0"), score(v: "1.0"), score(nll: "12345678901234567890.5"),
        // `prev` in either case; a kind that is not ASCII (RankStream checks UTF-8 itself).
        score(prev: prev.uppercased()), update(kind: "caché"),
    ]

    static let leftToTheGeneralScan: [String] = [
        score().replacingOccurrences(of: ",\"v\":1}", with: ",\"v\":1} "),
        score().replacingOccurrences(of: "{\"bytes\"", with: "{ \"bytes\""),
        score(end: "05"), score(nll: "8."), score(prev: String(prev.dropLast()) + "g"),
        score(end: "2", start: "2"), score(v: "2"), score(psumMin: "true"), score(rank: "\"1\""),
        update(end: "9007199254740993", start: "1"),
        update(kind: #"ca\"che"#), update(kind: "ca\u{01}che"),
        update().replacingOccurrences(of: "\"kind\"", with: "\"kinf\""),
        update().replacingOccurrences(of: ",\"v\":1}", with: ",\"v\":1,\"x\":2}"),
        #"{"ev":"phase","name":"eval_start","prev":"\#(prev)","rank":1,"seq":0,"t":1700000000.0001,"v":1,"val_tokens":800001,"world_size":4}"#,
    ]

    @Test(arguments: taken)
    func writerLinesTakeTheLayout(_ line: String) {
        let (layout, event) = Self.read(line)
        #expect(layout, "\(line)")
        #expect(event != nil)
        #expect(Self.agrees(line), "\(line)")
    }

    @Test(arguments: leftToTheGeneralScan)
    func otherLinesAreLeftToTheGeneralScan(_ line: String) {
        #expect(!Self.read(line).layout, "\(line)")
        #expect(Self.agrees(line), "\(line)")
    }

    /// Every single-byte change of the two writer lines (each position, a few replacement
    /// bytes): whatever the fast path accepts, `parse` accepts with the same event.
    @Test func everyOneByteMutationAgreesWithParse() {
        let replacements: [UInt8] = Array("0 1.9-e\"\\,:}{ax".utf8) + [0x01, 0xC3]
        var disagreements: [String] = []
        for base in [Self.score(), Self.update()] {
            let bytes = Array(base.utf8)
            for position in bytes.indices {
                for r in replacements where r != bytes[position] {
                    var mutated = bytes
                    mutated[position] = r
                    let line = String(decoding: mutated, as: UTF8.self)
                    if !Self.agrees(line) { disagreements.append(line) }
                }
                // and the byte removed
                var shorter = bytes
                shorter.remove(at: position)
                let line = String(decoding: shorter, as: UTF8.self)
                if !Self.agrees(line) { disagreements.append(line) }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
    }

    /// Numbers of 1 to 19 digits with and without a fraction, as the writer's `%r` and `%d`
    /// write them: the layout reader's value is `Double(String)`'s, bit for bit.
    @Test func numbersAreCorrectlyRounded() {
        var rng: UInt64 = 0xDEAD_BEEF
        func next() -> UInt64 {
            rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return rng
        }
        var checked = 0
        for _ in 0..<20_000 {
            let digits = 1 + Int(next() >> 59) % 19
            var text = String(next() % 9 + 1)
            for _ in 1..<digits { text += String(next() % 10) }
            let point = Int(next() >> 40) % (digits + 1)
            if point > 0, point < digits {
                text.insert(".", at: text.index(text.startIndex, offsetBy: point))
            }
            let line = Self.score(nll: text, t: text)
            var copy = line
            let fast = copy.withUTF8 { b -> TraceLineFastPath.Line? in
                var out = TraceLineFastPath.Line(kind: .score, seq: 0, rank: 0, time: 0, prev: .zero)
                return TraceLineFastPath.scanWriterLayout(b, into: &out) ? out : nil
            }
            guard let fast else {
                Issue.record("layout not taken: \(line)")
                continue
            }
            #expect(fast.nll.bitPattern == Double(text)!.bitPattern, "\(text)")
            #expect(fast.time.bitPattern == Double(text)!.bitPattern, "\(text)")
            checked += 1
        }
        #expect(checked == 20_000)
    }

    /// `m / 10^k` for random 16- to 19-digit `m` and for the 17 significant digits of random
    /// doubles, their last digit moved by −1, 0 or +1 (quotients next to a double, where a
    /// candidate from two roundings is most often one unit off): `roundedQuotient` gives
    /// `Double(String)`'s value, or nil.
    @Test func roundedQuotientIsExactOrDeclines() {
        var rng: UInt64 = 42
        var answered = 0
        for i in 0..<40_000 {
            rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let k = Int(rng >> 59) % 20
            let m: UInt64
            if i % 2 == 0 {
                m = (1 << 53) + 1 + (rng >> 1) % (9_999_999_999_999_999_999 - (1 << 53) - 1)
            } else {
                let d = Double(bitPattern: 0x3FF0_0000_0000_0000 | (rng >> 12))
                let digits = String(format: "%.16e", d).prefix { $0 != "e" }.filter { $0 != "." }
                m = UInt64(digits)! &+ (rng & 3) &- 1
            }
            var text = String(m)
            if k > 0 {
                while text.count <= k { text = "0" + text }
                text.insert(".", at: text.index(text.endIndex, offsetBy: -k))
            }
            guard let q = TraceLineFastPath.roundedQuotient(m, k) else { continue }
            #expect(q.bitPattern == Double(text)!.bitPattern, "\(text)")
            answered += 1
        }
        #expect(answered > 30_000)
    }

    @Test func eightDigitsAtATime() {
        for text in ["", "0", "7", "12", "123", "1234567", "12345678", "99999999", "1234,", "12.5", "9}", "0x1"] {
            let padded = Array((text + "########").utf8.prefix(8))
            let (count, value) = padded.withUnsafeBufferPointer { TraceLineFastPath.digits8($0.baseAddress!) }
            let digits = text.prefix { $0.isASCII && $0.isNumber }.prefix(8)
            #expect(count == digits.count, "\(text)")
            #expect(value == (UInt64(digits) ?? 0), "\(text)")
        }
    }

    @Test(arguments: [0, 1, 55, 56, 63, 64, 65, 190, 1000])
    func lineDigestIsSHA256(_ count: Int) throws {
        let hasher = try SHA256LineHasher()
        let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let d = bytes.withUnsafeBytes { hasher.digest($0) }
        #expect(d.hex == SHA256.hex(Data(bytes)))
    }
}
