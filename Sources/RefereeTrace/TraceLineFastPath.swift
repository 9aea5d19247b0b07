import Foundation
import RefereeCore

/// The fast path of ``TraceLineParser``: a single pass over the bytes of a line of the shape
/// the trace writer produces (a flat JSON object, strings without escapes, numbers) straight
/// into the event's fields, without a dictionary, `Any` boxes or a `String` per number.
///
/// It returns an event only when the line is well formed and every check of
/// ``TraceLineParser/parse(_:at:)`` passes, and then the very event that `parse` returns;
/// anything else (a malformed line, an escape, a nested value, a duplicated field, a failing
/// check) returns nil and the caller runs `parse`, which decides and words the finding. So this
/// only changes how fast a line is read, never what it means.
enum TraceLineFastPath {
    /// A parsed JSON scalar of a known field.
    private enum Value {
        case none
        case number(Double)
        case string(Int, Int)  // byte range of the string's contents
        case other
    }

    private struct Fields {
        var v = Value.none, seq = Value.none, rank = Value.none, t = Value.none, prev = Value.none, ev = Value.none
        var name = Value.none, valTokens = Value.none, worldSize = Value.none, valLoss = Value.none, valBPB = Value.none
        var start = Value.none, end = Value.none, nll = Value.none, bytes = Value.none
        var psumMin = Value.none, psumMax = Value.none, kind = Value.none
    }

    static func parse(_ b: UnsafeBufferPointer<UInt8>, at location: SourceLocation) -> TraceEvent? {
        guard let base = b.baseAddress else { return nil }
        let n = b.count
        var i = 0
        @inline(__always) func skipSpace() {
            while i < n, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0D || b[i] == 0x0A { i += 1 }
        }
        /// A string at `i` (after its quote); its contents' range, nil on an escape or control.
        @inline(__always) func string() -> (Int, Int)? {
            guard i < n, b[i] == 0x22 else { return nil }
            i += 1
            let s = i
            guard let q = memchr(base + s, 0x22, n - s) else { return nil }
            let e = base.distance(to: q.assumingMemoryBound(to: UInt8.self))
            for k in s..<e where b[k] == 0x5C || b[k] < 0x20 { return nil }
            i = e + 1
            return (s, e)
        }
        var f = Fields()
        skipSpace()
        guard i < n, b[i] == 0x7B else { return nil }
        i += 1
        skipSpace()
        if i < n, b[i] == 0x7D { return nil }  // {}: the slow path words the finding
        while true {
            skipSpace()
            guard let (ks, ke) = string() else { return nil }
            skipSpace()
            guard i < n, b[i] == 0x3A else { return nil }
            i += 1
            skipSpace()
            guard i < n else { return nil }
            let value: Value
            switch b[i] {
            case 0x22:
                guard let (s, e) = string() else { return nil }
                value = .string(s, e)
            case 0x74, 0x66, 0x6E:
                guard let skipped = literal(b, at: i) else { return nil }
                i = skipped
                value = .other
            default:
                guard let (d, e) = number(b, at: i) else { return nil }
                i = e
                value = .number(d)
            }
            guard assign(value, key: UnsafeBufferPointer(start: base + ks, count: ke - ks), to: &f) else { return nil }
            skipSpace()
            guard i < n else { return nil }
            if b[i] == 0x2C { i += 1; continue }
            if b[i] == 0x7D { i += 1; break }
            return nil
        }
        skipSpace()
        guard i == n else { return nil }
        return event(f, b, location)
    }

    /// Stores `value` in the field named by `key`; false on a duplicated known field.
    private static func assign(_ value: Value, key: UnsafeBufferPointer<UInt8>, to f: inout Fields) -> Bool {
        @inline(__always) func set(_ slot: inout Value) -> Bool {
            if case .none = slot { slot = value; return true }
            return false
        }
        @inline(__always) func isKey(_ name: StaticString) -> Bool {
            name.utf8CodeUnitCount == key.count && memcmp(key.baseAddress!, name.utf8Start, key.count) == 0
        }
        switch key.count {
        case 1: if isKey("v") { return set(&f.v) }; if isKey("t") { return set(&f.t) }
        case 2: if isKey("ev") { return set(&f.ev) }
        case 3: if isKey("seq") { return set(&f.seq) }; if isKey("end") { return set(&f.end) }; if isKey("nll") { return set(&f.nll) }
        case 4:
            if isKey("rank") { return set(&f.rank) }; if isKey("prev") { return set(&f.prev) }
            if isKey("name") { return set(&f.name) }; if isKey("kind") { return set(&f.kind) }
        case 5: if isKey("start") { return set(&f.start) }; if isKey("bytes") { return set(&f.bytes) }
        case 7: if isKey("val_bpb") { return set(&f.valBPB) }
        case 8:
            if isKey("val_loss") { return set(&f.valLoss) }; if isKey("psum_min") { return set(&f.psumMin) }
            if isKey("psum_max") { return set(&f.psumMax) }
        case 10: if isKey("val_tokens") { return set(&f.valTokens) }; if isKey("world_size") { return set(&f.worldSize) }
        default: break
        }
        return true  // another field: ignored, as `parse` ignores it
    }

    /// `true`, `false` or `null` at `i`: the index after it.
    private static func literal(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int? {
        for word: StaticString in ["true", "false", "null"] {
            let c = word.utf8CodeUnitCount
            if i + c <= b.count, memcmp(b.baseAddress! + i, word.utf8Start, c) == 0 { return i + c }
        }
        return nil
    }

    /// A JSON number at `i` (FlatJSON's grammar) as the `Double` `parse` would see, and its end.
    private static func number(_ b: UnsafeBufferPointer<UInt8>, at start: Int) -> (Double, Int)? {
        let n = b.count
        var i = start
        var negative = false
        if i < n, b[i] == 0x2D { negative = true; i += 1 }
        let digitsStart = i
        var mantissa: UInt64 = 0
        var significant = 0
        while i < n, b[i] >= 0x30 && b[i] <= 0x39 {
            if significant < 19 {
                mantissa = mantissa &* 10 &+ UInt64(b[i] &- 0x30)
                if mantissa != 0 { significant += 1 }
            } else {
                significant += 1
            }
            i += 1
        }
        guard i > digitsStart else { return nil }
        if i - digitsStart > 1, b[digitsStart] == 0x30 { return nil }  // leading zero
        var fraction = 0
        if i < n, b[i] == 0x2E {
            i += 1
            let f0 = i
            while i < n, b[i] >= 0x30 && b[i] <= 0x39 {
                if significant < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(b[i] &- 0x30)
                    if mantissa != 0 { significant += 1 }
                } else {
                    significant += 1
                }
                i += 1
            }
            guard i > f0 else { return nil }
            fraction = i - f0
        }
        var exponent = false
        if i < n, b[i] == 0x65 || b[i] == 0x45 {
            exponent = true
            i += 1
            if i < n, b[i] == 0x2B || b[i] == 0x2D { i += 1 }
            let e0 = i
            while i < n, b[i] >= 0x30 && b[i] <= 0x39 { i += 1 }
            guard i > e0 else { return nil }
        }
        if !exponent, fraction == 0, b[i - 1] != 0x2E, mantissa == 0 {
            return (0.0, i)  // `-0` is the integer 0 for FlatJSON (Int("-0") == 0), not -0.0
        }
        if !exponent, significant <= 15, fraction <= 22 {
            // Exact: both operands exact, one correctly rounded division (as strtod rounds).
            let magnitude = fraction == 0 ? Double(mantissa) : Double(mantissa) / powerOfTen(fraction)
            return (negative ? -magnitude : magnitude, i)
        }
        guard let d = Double(String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)) else { return nil }
        return (d, i)
    }

    private static func powerOfTen(_ k: Int) -> Double {
        var p = 1.0
        for _ in 0..<k { p *= 10 }  // exact up to 1e22
        return p
    }

    /// `TraceLineParser.int` on a number field.
    @inline(__always) private static func int(_ v: Value) -> Int? {
        guard case .number(let d) = v, d.rounded() == d, abs(d) < 9.0e15 else { return nil }
        return Int(d)
    }

    @inline(__always) private static func double(_ v: Value) -> Double? {
        guard case .number(let d) = v else { return nil }
        return d
    }

    /// The event `parse` builds from these fields, or nil whenever `parse` would report a
    /// problem or a field has another type than the one `parse` reads (then `parse` decides).
    private static func event(_ f: Fields, _ b: UnsafeBufferPointer<UInt8>, _ location: SourceLocation) -> TraceEvent? {
        func text(_ v: Value) -> String? {
            guard case .string(let s, let e) = v else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: b[s..<e]), as: UTF8.self)
        }
        func isText(_ v: Value, _ word: StaticString) -> Bool {
            guard case .string(let s, let e) = v, e - s == word.utf8CodeUnitCount else { return false }
            return memcmp(b.baseAddress! + s, word.utf8Start, e - s) == 0
        }
        /// An optional field: absent, or of the type `parse` reads.
        func optionalNumber(_ v: Value) -> Bool {
            switch v {
            case .none, .number: return true
            default: return false
            }
        }
        guard int(f.v) == 1, let seq = int(f.seq), seq >= 0, let rank = int(f.rank), rank >= 0,
              let t = double(f.t) else { return nil }
        guard case .string(let ps, let pe) = f.prev, pe - ps == 64 else { return nil }
        for k in ps..<pe where b[k] >= 0x80 { return nil }  // `parse` counts characters
        let body: TraceEvent.Body
        if isText(f.ev, "score") {
            guard let start = int(f.start), let end = int(f.end), end > start,
                  let nll = double(f.nll), nll.isFinite, let bytes = double(f.bytes), bytes.isFinite,
                  let lo = double(f.psumMin), let hi = double(f.psumMax) else { return nil }
            body = .score(range: PositionRange(start, end), nll: nll, bytes: bytes, psumMin: lo, psumMax: hi)
        } else if isText(f.ev, "update") {
            guard let start = int(f.start), let end = int(f.end) else { return nil }
            let kind: String
            switch f.kind {
            case .none: kind = "other"
            case .string: kind = text(f.kind)!
            default: return nil
            }
            body = .update(kind: kind, range: PositionRange(start, end))
        } else if isText(f.ev, "phase") {
            guard let name = text(f.name), optionalNumber(f.valTokens), optionalNumber(f.worldSize),
                  optionalNumber(f.valLoss), optionalNumber(f.valBPB) else { return nil }
            // autotrace's summary carries counters this path does not read: `parse` reads them
            if name == TraceEvent.autotracePhase { return nil }
            body = .phase(name: name, valTokens: int(f.valTokens), worldSize: int(f.worldSize),
                          valLoss: double(f.valLoss), valBPB: double(f.valBPB))
        } else {
            return nil
        }
        return TraceEvent(seq: seq, rank: rank, time: t, prev: text(f.prev)!, body: body, location: location)
    }
}
