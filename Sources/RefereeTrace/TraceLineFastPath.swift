import Foundation
import RefereeCore
import RefereeCrypto

/// The fast path of ``TraceLineParser``: a single pass over the bytes of a line of the shape
/// the trace writer produces (a flat JSON object, strings without escapes, numbers) straight
/// into the event's fields, without a dictionary, `Any` boxes or a `String` per number.
///
/// It returns an event only when the line is well formed and every check of
/// ``TraceLineParser/parse(_:at:)`` passes, and then the very event that `parse` returns;
/// anything else (a malformed line, an escape, a nested value, a duplicated field, a failing
/// check, a `prev` that is not 64 hex digits) returns nil and the caller runs `parse`, which
/// decides and words the finding. So this only changes how fast a line is read, never what it
/// means.
///
/// Lines in the writer's exact layout are first read by ``scanWriterLayout(_:into:)`` (fixed
/// keys compared as words at their places, same values and checks); any other line is scanned
/// as follows. Cost per line (issue 15): one pass over the bytes; a key is recognised from its first eight
/// bytes packed into an integer while it is scanned (no `memcmp` per candidate key); fields are
/// plain stored numbers with a bit per field seen (a duplicate is a set bit); `prev` is decoded
/// from hex in place; a number without exponent whose digits make an integer up to 2^53 is
/// converted exactly without `strtod`, one of up to 19 digits by a candidate checked exactly in
/// 128-bit integers (``roundedQuotient(_:_:)``), any other through `strtod` on a
/// NUL-terminated copy in a stack buffer (the conversion `Double(String)` makes, without a
/// `String`).
enum TraceLineFastPath {
    /// Field slots, one bit each in ``Fields``'s masks.
    enum Slot {
        static let v: UInt32 = 1 << 0, seq: UInt32 = 1 << 1, rank: UInt32 = 1 << 2, t: UInt32 = 1 << 3
        static let prev: UInt32 = 1 << 4, ev: UInt32 = 1 << 5, name: UInt32 = 1 << 6, kind: UInt32 = 1 << 7
        static let valTokens: UInt32 = 1 << 8, worldSize: UInt32 = 1 << 9, valLoss: UInt32 = 1 << 10
        static let valBPB: UInt32 = 1 << 11, start: UInt32 = 1 << 12, end: UInt32 = 1 << 13
        static let nll: UInt32 = 1 << 14, bytes: UInt32 = 1 << 15, psumMin: UInt32 = 1 << 16, psumMax: UInt32 = 1 << 17
    }

    /// What the line said about the known fields: which were seen, which hold a number or a
    /// string, their numbers, the byte ranges of their strings and `prev`'s digest.
    struct Fields {
        var seen: UInt32 = 0
        var numbers: UInt32 = 0
        var strings: UInt32 = 0
        var v = 0.0, seq = 0.0, rank = 0.0, t = 0.0
        var valTokens = 0.0, worldSize = 0.0, valLoss = 0.0, valBPB = 0.0
        var start = 0.0, end = 0.0, nll = 0.0, bytes = 0.0, psumMin = 0.0, psumMax = 0.0
        var prev = SHA256Digest()
        /// `ev` when it is one of the three event names (nil for any other string).
        var ev: Line.Kind?
        var nameStart = 0, nameEnd = 0, kindStart = 0, kindEnd = 0

        @inline(__always) func has(_ slot: UInt32) -> Bool { seen & slot != 0 }
        @inline(__always) func isNumber(_ slot: UInt32) -> Bool { numbers & slot != 0 }
        @inline(__always) func isString(_ slot: UInt32) -> Bool { strings & slot != 0 }

        mutating func setNumber(_ slot: UInt32, _ d: Double) {
            numbers |= slot
            switch slot {
            case Slot.v: v = d
            case Slot.seq: seq = d
            case Slot.rank: rank = d
            case Slot.t: t = d
            case Slot.valTokens: valTokens = d
            case Slot.worldSize: worldSize = d
            case Slot.valLoss: valLoss = d
            case Slot.valBPB: valBPB = d
            case Slot.start: start = d
            case Slot.end: end = d
            case Slot.nll: nll = d
            case Slot.bytes: bytes = d
            case Slot.psumMin: psumMin = d
            case Slot.psumMax: psumMax = d
            default: break
            }
        }
    }

    /// The slot of a key of `count` bytes whose first (up to) eight bytes, big-endian, are
    /// `packed`; 0 for a key the parser ignores. Keys longer than eight bytes are told apart
    /// by their bytes at `key`.
    @inline(__always)
    private static func slot(count: Int, packed: UInt64, key: UnsafePointer<UInt8>) -> UInt32 {
        if count <= 8 {
            // A key holds no byte below 0x20, so the packed value and the count determine it.
            switch packed {
            case 0x76: return Slot.v                               // v
            case 0x74: return Slot.t                               // t
            case 0x6576: return Slot.ev                            // ev
            case 0x73_6571: return Slot.seq                        // seq
            case 0x65_6e64: return Slot.end                        // end
            case 0x6e_6c6c: return Slot.nll                        // nll
            case 0x7261_6e6b: return Slot.rank                     // rank
            case 0x7072_6576: return Slot.prev                     // prev
            case 0x6e61_6d65: return Slot.name                     // name
            case 0x6b69_6e64: return Slot.kind                     // kind
            case 0x73_7461_7274: return Slot.start                 // start
            case 0x62_7974_6573: return Slot.bytes                 // bytes
            case 0x76_616c_5f62_7062: return Slot.valBPB           // val_bpb
            case 0x7661_6c5f_6c6f_7373: return Slot.valLoss        // val_loss
            case 0x7073_756d_5f6d_696e: return Slot.psumMin        // psum_min
            case 0x7073_756d_5f6d_6178: return Slot.psumMax        // psum_max
            default: return 0
            }
        }
        guard count == 10 else { return 0 }
        if packed == 0x7661_6c5f_746f_6b65, key[8] == 0x6E, key[9] == 0x73 { return Slot.valTokens }  // val_tokens
        if packed == 0x776f_726c_645f_7369, key[8] == 0x7A, key[9] == 0x65 { return Slot.worldSize }  // world_size
        return 0
    }

    /// What the fast path read from a line: plain values only (no `String`, nothing to retain),
    /// so streams hand it around by copying a few words. `text` is the byte range of the
    /// update's `kind` (nil when absent: "other") or of the phase's `name`.
    struct Line {
        enum Kind: UInt8 { case score, update, phase }
        var kind: Kind
        var seq: Int
        var rank: Int
        var time: Double
        var prev: SHA256Digest
        var start = 0, end = 0
        var nll = 0.0, bytes = 0.0, psumMin = 0.0, psumMax = 0.0
        var text: Range<Int>?
        var valTokens: Int?, worldSize: Int?
        var valLoss: Double?, valBPB: Double?
    }

    /// The event `TraceLineParser.parse` returns for this line, or nil (see the type).
    static func parse(_ b: UnsafeBufferPointer<UInt8>, at location: SourceLocation) -> TraceEvent? {
        guard let line = scan(b) else { return nil }
        return event(line, b, location)
    }

    /// The event of a line ``scan(_:)`` read, with its strings.
    static func event(_ line: Line, _ b: UnsafeBufferPointer<UInt8>, _ location: SourceLocation) -> TraceEvent {
        func text() -> String? {
            line.text.map { String(decoding: UnsafeBufferPointer(rebasing: b[$0]), as: UTF8.self) }
        }
        let body: TraceEvent.Body
        switch line.kind {
        case .score:
            body = .score(range: PositionRange(line.start, line.end), nll: line.nll, bytes: line.bytes,
                          psumMin: line.psumMin, psumMax: line.psumMax)
        case .update:
            body = .update(kind: text() ?? "other", range: PositionRange(line.start, line.end))
        case .phase:
            body = .phase(name: text() ?? "", valTokens: line.valTokens, worldSize: line.worldSize,
                          valLoss: line.valLoss, valBPB: line.valBPB)
        }
        return TraceEvent(seq: line.seq, rank: line.rank, time: line.time, prev: line.prev, body: body, location: location)
    }

    /// Reads a line of the writer's shape into a ``Line``; nil whenever `parse` should decide.
    static func scan(_ b: UnsafeBufferPointer<UInt8>) -> Line? {
        var out = Line(kind: .score, seq: 0, rank: 0, time: 0, prev: .zero)
        return scan(b, into: &out) ? out : nil
    }

    /// ``scan(_:)`` into `out` (every field of it written when true, left undefined when
    /// false): no `Line?` (about 170 bytes) copied out per line.
    static func scan(_ b: UnsafeBufferPointer<UInt8>, into out: inout Line) -> Bool {
        // The writer's own layout first (most lines): fixed keys compared as words.
        if scanWriterLayout(b, into: &out) { return true }
        guard let base = b.baseAddress else { return false }
        let n = b.count
        var i = 0
        @inline(__always) func skipSpace() {
            while i < n {
                let c = base[i]
                // One comparison for the usual case, a byte above the space.
                guard c <= 0x20, c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A else { return }
                i += 1
            }
        }
        /// The rest of a string whose opening quote is before `i`: its end (the closing quote's
        /// index, `i` moves after it); nil on an escape, a control byte or no closing quote.
        @inline(__always) func stringEnd() -> Int? {
            while i + 8 <= n {
                let k = special8(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
                i += k
                if k < 8 { break }
            }
            while i < n {
                let c = base[i]
                if c == 0x22 {
                    i += 1
                    return i - 1
                }
                if c == 0x5C || c < 0x20 { return nil }
                i += 1
            }
            return nil
        }
        var f = Fields()
        // A key the path does not read (autotrace's `source`) is skipped once; a second one goes
        // to the slow path, which refuses a duplicate as `parse` does.
        var skippedKey = false
        skipSpace()
        guard i < n, base[i] == 0x7B else { return false }
        i += 1
        skipSpace()
        if i < n, base[i] == 0x7D { return false }  // {}: the slow path words the finding
        while true {
            skipSpace()
            // The key, packed while it is scanned.
            guard i < n, base[i] == 0x22 else { return false }
            i += 1
            let ks = i
            var packed: UInt64 = 0
            var k = 8
            if i + 8 <= n {
                // Eight bytes at once: a key of up to seven bytes ends inside them.
                let x = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                k = special8(x)
                if k < 8 {
                    guard base[i + k] == 0x22 else { return false }
                    packed = (x << (64 - 8 * UInt64(k))).byteSwapped  // the k bytes, first one highest
                    i += k
                }
            }
            if k == 8 {
                while true {
                    guard i < n else { return false }
                    let c = base[i]
                    if c == 0x22 { break }
                    if c == 0x5C || c < 0x20 { return false }
                    if i - ks < 8 { packed = packed << 8 | UInt64(c) }
                    i += 1
                }
            }
            let slot = Self.slot(count: i - ks, packed: packed, key: base + ks)
            if slot != 0 {
                guard f.seen & slot == 0 else { return false }  // a duplicated known field
                f.seen |= slot
            } else {
                guard !skippedKey else { return false }
                skippedKey = true
            }
            i += 1
            skipSpace()
            guard i < n, base[i] == 0x3A else { return false }
            i += 1
            skipSpace()
            guard i < n else { return false }
            switch base[i] {
            case 0x22:
                i += 1
                if slot == Slot.prev {
                    // 64 hex digits then the quote; anything else is left to the slow path.
                    guard i + 64 < n, base[i + 64] == 0x22,
                          let d = SHA256Digest(hexUTF8: UnsafeBufferPointer(start: base + i, count: 64)) else { return false }
                    f.prev = d
                    f.strings |= slot
                    i += 65
                } else {
                    let s = i
                    guard let e = stringEnd() else { return false }
                    f.strings |= slot
                    switch slot {
                    case Slot.ev: f.ev = eventKind(base + s, e - s)
                    case Slot.name: f.nameStart = s; f.nameEnd = e
                    case Slot.kind: f.kindStart = s; f.kindEnd = e
                    default: break
                    }
                }
            case 0x74, 0x66, 0x6E:
                guard let skipped = literal(b, at: i) else { return false }
                i = skipped
            default:
                guard let (d, e) = number(b, at: i) else { return false }
                i = e
                if slot != 0 { f.setNumber(slot, d) }
            }
            skipSpace()
            guard i < n else { return false }
            if base[i] == 0x2C { i += 1; continue }
            if base[i] == 0x7D { i += 1; break }
            return false
        }
        skipSpace()
        guard i == n else { return false }
        guard line(f, into: &out) else { return false }
        // autotrace's summary carries counters this path does not read: `parse` reads them.
        if out.kind == .phase, let name = out.text {
            let word = TraceEvent.autotracePhase.utf8
            if name.count == word.count, zip(b[name], word).allSatisfy({ $0 == $1 }) { return false }
        }
        return true
    }

    /// The index (0...7) of the first byte of `x` (eight bytes loaded little-endian) that ends
    /// or breaks a plain string: `"`, `\\` or a control byte below 0x20; 8 when there is none.
    /// Exact per byte (no carry crosses a byte): a byte is zero when adding 0x7F to its low
    /// seven bits does not set its top bit and neither does the byte itself.
    @inline(__always)
    static func special8(_ x: UInt64) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let top: UInt64 = 0x8080_8080_8080_8080
        let q = x ^ (0x22 &* ones), e = x ^ (0x5C &* ones)
        let quote = ~(((q & low7) &+ low7) | q) & top
        let escape = ~(((e & low7) &+ low7) | e) & top
        let control = ~(((x & low7) &+ 0x60 &* ones) | x) & top
        let m = quote | escape | control
        return m == 0 ? 8 : m.trailingZeroBitCount >> 3
    }

    /// The event kind `ev` names, nil for another string.
    @inline(__always)
    private static func eventKind(_ p: UnsafePointer<UInt8>, _ count: Int) -> Line.Kind? {
        func isWord(_ word: StaticString) -> Bool {
            count == word.utf8CodeUnitCount && memcmp(p, word.utf8Start, count) == 0
        }
        if isWord("score") { return .score }
        if isWord("update") { return .update }
        if isWord("phase") { return .phase }
        return nil
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
    @inline(__always)
    static func number(_ b: UnsafeBufferPointer<UInt8>, at start: Int) -> (Double, Int)? {
        let base = b.baseAddress!
        let n = b.count
        var i = start
        var negative = false
        if i < n, base[i] == 0x2D { negative = true; i += 1 }
        let digitsStart = i
        // Every digit, integer and fraction, into `mantissa` (it wraps past 19 digits: only
        // read below when there are at most 19).
        var mantissa: UInt64 = 0
        while i < n {
            let digit = base[i] &- 0x30
            guard digit < 10 else { break }
            mantissa = mantissa &* 10 &+ UInt64(digit)
            i += 1
        }
        guard i > digitsStart else { return nil }
        if i - digitsStart > 1, base[digitsStart] == 0x30 { return nil }  // leading zero
        var digits = i - digitsStart
        var fraction = 0
        if i < n, base[i] == 0x2E {
            i += 1
            let f0 = i
            while i < n {
                let digit = base[i] &- 0x30
                guard digit < 10 else { break }
                mantissa = mantissa &* 10 &+ UInt64(digit)
                i += 1
            }
            guard i > f0 else { return nil }
            fraction = i - f0
            digits += fraction
        }
        var exponent = false
        if i < n, base[i] == 0x65 || base[i] == 0x45 {
            exponent = true
            i += 1
            if i < n, base[i] == 0x2B || base[i] == 0x2D { i += 1 }
            let e0 = i
            while i < n, base[i] &- 0x30 < 10 { i += 1 }
            guard i > e0 else { return nil }
        }
        if !exponent, fraction == 0, digits == 1, mantissa == 0 {
            return (0.0, i)  // `-0` is the integer 0 for FlatJSON (Int("-0") == 0), not -0.0
        }
        if !exponent, digits <= 19 {
            // At most 19 digits: `mantissa` holds them without wrapping.
            if mantissa <= 1 << 53 {
                // Exact: both operands exact, one correctly rounded division (as strtod rounds).
                let magnitude = fraction == 0 ? Double(mantissa) : Double(mantissa) / powersOfTen[fraction]
                return (negative ? -magnitude : magnitude, i)
            }
            // 16 to 19 significant digits (a 17-digit `time.time()` or `float.__repr__`).
            if let magnitude = roundedQuotient(mantissa, fraction) {
                return (negative ? -magnitude : magnitude, i)
            }
        }
        // Long numbers (a time with 17 significant digits): strtod on a NUL-terminated copy.
        let length = i - start
        guard length < 64 else {
            guard let d = Double(String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)) else { return nil }
            return (d, i)
        }
        let d = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer -> Double? in
            let p = buffer.baseAddress!
            UnsafeMutableRawPointer(p).copyMemory(from: base + start, byteCount: length)
            p[length] = 0
            var end: UnsafeMutablePointer<CChar>?
            // strtod reads the process locale's decimal point; where that is not `.` it stops
            // at the `.`, the text is not consumed whole, and `Double(String)` (C locale) decides.
            let d = strtod(p, &end)
            return end == p + length ? d : nil
        }
        if let d { return (d, i) }
        guard let d = Double(String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)) else { return nil }
        return (d, i)
    }

    /// `m / 10^k` correctly rounded (as `strtod` rounds it), for `m` above 2^53 and `k` at most
    /// 19; nil when it cannot be decided here (the caller then uses `strtod`). A candidate from
    /// two roundings (within one unit in the last place) and its neighbours are checked exactly,
    /// in 128-bit integers: the double `M·2^E` is the correctly rounded quotient when the
    /// quotient lies strictly between the midpoints `(2M − 1)·2^(E−1)` and `(2M + 1)·2^(E−1)`,
    /// i.e. `(2M − 1)·10^k < m·2^(1−E) < (2M + 1)·10^k`. Ties, a candidate that is a power of two
    /// (its lower neighbour is closer) and quotients of 2^53 or more are left to `strtod`.
    @inline(__always)
    static func roundedQuotient(_ m: UInt64, _ k: Int) -> Double? {
        guard k <= 19 else { return nil }
        let ten = powerOfTen(k)
        var candidate = Double(m) / Double(ten)
        for _ in 0..<3 {
            guard candidate.significandBitPattern != 0 else { return nil }
            // candidate = M·2^E, M with its implicit bit; shift = 1 − E.
            let e = Int(candidate.exponentBitPattern) - 1075
            let shift = 1 - e
            guard shift > 0, shift <= 64 else { return nil }
            let big = candidate.significandBitPattern | 1 << 52
            // m·2^shift as (high, low).
            let scaled: (high: UInt64, low: UInt64) = shift == 64 ? (m, 0) : (m >> (64 - shift), m << shift)
            let lower = (2 * big - 1).multipliedFullWidth(by: ten)
            let upper = (2 * big + 1).multipliedFullWidth(by: ten)
            let aboveLower = scaled.high > lower.high || (scaled.high == lower.high && scaled.low > lower.low)
            let belowUpper = scaled.high < upper.high || (scaled.high == upper.high && scaled.low < upper.low)
            if aboveLower && belowUpper { return candidate }
            if !aboveLower {
                // At or below the lower midpoint: a tie is left to strtod, else one step down.
                if scaled.high == lower.high && scaled.low == lower.low { return nil }
                candidate = candidate.nextDown
            } else {
                if scaled.high == upper.high && scaled.low == upper.low { return nil }
                candidate = candidate.nextUp
            }
        }
        return nil
    }

    /// 10^k for k in 0...22, each exact.
    private static let powersOfTen: [Double] = {
        var p = 1.0
        var out: [Double] = []
        for _ in 0...22 {
            out.append(p)
            p *= 10
        }
        return out
    }()

    /// `TraceLineParser.int` on a number: integral and below 9e15 in magnitude.
    @inline(__always) private static func int(_ d: Double) -> Int? {
        guard abs(d) < 9.0e15 else { return nil }  // false for NaN too
        let i = Int(d)
        return Double(i) == d ? i : nil
    }

    /// The line `parse` reads from these fields, or nil whenever `parse` would report a
    /// problem or a field has another type than the one `parse` reads (then `parse` decides).
    @inline(__always)
    static func line(_ f: Fields, into out: inout Line) -> Bool {
        /// An optional number field: absent, or a number (the type `parse` reads).
        @inline(__always) func optionalNumber(_ slot: UInt32) -> Bool {
            !f.has(slot) || f.isNumber(slot)
        }
        @inline(__always) func number(_ slot: UInt32, _ value: Double) -> Double? {
            f.isNumber(slot) ? value : nil
        }
        @inline(__always) func integer(_ slot: UInt32, _ value: Double) -> Int? {
            f.isNumber(slot) ? int(value) : nil
        }
        guard integer(Slot.v, f.v) == 1, let seq = integer(Slot.seq, f.seq), seq >= 0,
              let rank = integer(Slot.rank, f.rank), rank >= 0, let t = number(Slot.t, f.t),
              f.isString(Slot.prev), f.isString(Slot.ev) else { return false }
        switch f.ev {
        case .score:
            guard let start = integer(Slot.start, f.start), let end = integer(Slot.end, f.end), end > start,
                  let nll = number(Slot.nll, f.nll), nll.isFinite, let bytes = number(Slot.bytes, f.bytes), bytes.isFinite,
                  let lo = number(Slot.psumMin, f.psumMin), let hi = number(Slot.psumMax, f.psumMax) else { return false }
            out = Line(kind: .score, seq: seq, rank: rank, time: t, prev: f.prev, start: start, end: end,
                       nll: nll, bytes: bytes, psumMin: lo, psumMax: hi)
            return true
        case .update:
            guard let start = integer(Slot.start, f.start), let end = integer(Slot.end, f.end) else { return false }
            if f.has(Slot.kind) { guard f.isString(Slot.kind) else { return false } }
            out = Line(kind: .update, seq: seq, rank: rank, time: t, prev: f.prev, start: start, end: end)
            if f.has(Slot.kind) { out.text = f.kindStart..<f.kindEnd }
            return true
        case .phase:
            guard f.isString(Slot.name), optionalNumber(Slot.valTokens), optionalNumber(Slot.worldSize),
                  optionalNumber(Slot.valLoss), optionalNumber(Slot.valBPB) else { return false }
            out = Line(kind: .phase, seq: seq, rank: rank, time: t, prev: f.prev)
            out.text = f.nameStart..<f.nameEnd
            out.valTokens = integer(Slot.valTokens, f.valTokens)
            out.worldSize = integer(Slot.worldSize, f.worldSize)
            out.valLoss = number(Slot.valLoss, f.valLoss)
            out.valBPB = number(Slot.valBPB, f.valBPB)
            return true
        case nil:
            return false
        }
    }
}
