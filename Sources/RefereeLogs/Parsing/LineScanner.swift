import Foundation

/// Byte-level scanning of one log line: keys, numbers, prefixes.
///
/// Real logs write metrics as `key:value`, `key: value` or `key=value`. Scanning bytes keeps the
/// reader fast on gigabyte logs (no regular expressions, no copy of the line, no `String` per
/// number on the hot path).
struct LineScanner {
    /// The line's bytes (UTF-8), without a timestamp prefix. Either borrowed from the caller
    /// (``init(borrowing:)``: valid only while the caller's buffer is) or owned by `storage`.
    let bytes: UnsafeBufferPointer<UInt8>
    private let storage: Storage?

    /// Owns a copy of a line's bytes for scanners made from text.
    final class Storage {
        let buffer: UnsafeMutableBufferPointer<UInt8>
        init<C: Collection>(_ source: C) where C.Element == UInt8 {
            buffer = .allocate(capacity: source.count)
            _ = buffer.initialize(from: source)
        }
        deinit { buffer.deallocate() }
    }

    init(_ text: Substring) {
        let s = Storage(text.utf8)
        storage = s
        bytes = UnsafeBufferPointer(s.buffer)
    }

    init(bytes: [UInt8]) {
        let s = Storage(bytes)
        storage = s
        self.bytes = UnsafeBufferPointer(s.buffer)
    }

    /// A scanner over bytes it does not own: the caller keeps them alive while it is used.
    init(borrowing bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        storage = nil
    }

    /// A number found after a key: its value, where its text ends, its printed decimals.
    struct Number {
        var value: Double
        var end: Int
        /// Digits after the decimal point as printed.
        var decimals: Int
    }

    var isEmpty: Bool { bytes.isEmpty }

    func hasPrefix(_ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard count <= bytes.count else { return false }
        guard count > 0 else { return true }
        return memcmp(bytes.baseAddress!, prefix.utf8Start, count) == 0
    }

    func hasSuffix(_ suffix: StaticString) -> Bool {
        let count = suffix.utf8CodeUnitCount
        guard count <= bytes.count else { return false }
        guard count > 0 else { return true }
        return memcmp(bytes.baseAddress! + (bytes.count - count), suffix.utf8Start, count) == 0
    }

    func contains(_ needle: String) -> Bool {
        var needle = needle
        return needle.withUTF8 { find($0, from: 0) } != nil
    }

    /// Index of the first occurrence of `needle` at or after `from`.
    func find(_ needle: [UInt8], from: Int) -> Int? {
        needle.withUnsafeBufferPointer { find($0, from: from) }
    }

    /// Index of the first occurrence of `needle` at or after `from`.
    func find(_ needle: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard !needle.isEmpty, bytes.count >= needle.count, from >= 0 else { return nil }
        let first = Int32(needle[0])
        let last = bytes.count - needle.count
        guard let base = bytes.baseAddress else { return nil }
        var i = from
        while i <= last {
            guard let hit = memchr(base + i, first, last - i + 1) else { return nil }
            let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            var j = 1
            while j < needle.count, bytes[at + j] == needle[j] { j += 1 }
            if j == needle.count { return at }
            i = at + 1
        }
        return nil
    }

    /// The number after `key` followed by `:` or `=` (spaces allowed after the separator).
    /// The key must start the line or follow a space, tab, `(`, `,` or `[`, so `val_bpb` does not
    /// match inside `pre_ttt_val_bpb` and `seed` does not match `train_seed`.
    func number(after key: String) -> Number? {
        var key = key
        return key.withUTF8 { number(after: $0) }
    }

    private func number(after k: UnsafeBufferPointer<UInt8>) -> Number? {
        var from = 0
        while let at = find(k, from: from) {
            from = at + 1
            if at > 0 {
                let before = bytes[at - 1]
                guard before == 0x20 || before == 0x09 || before == 0x28 || before == 0x2C || before == 0x5B else { continue }
            }
            var i = at + k.count
            guard i < bytes.count, bytes[i] == 0x3A || bytes[i] == 0x3D else { continue }
            i += 1
            while i < bytes.count, bytes[i] == 0x20 { i += 1 }
            if let n = number(at: i) { return n }
        }
        return nil
    }

    /// Parses a decimal number (optional sign, digits, optional fraction and exponent) at `start`.
    /// The value is exactly what `Double(text)` gives for the number's text (an exact fast path
    /// for up to 15 significant digits without exponent, `Double(String)` otherwise).
    func number(at start: Int) -> Number? {
        var i = start
        let n = bytes.count
        var negative = false
        if i < n, bytes[i] == 0x2D || bytes[i] == 0x2B { negative = bytes[i] == 0x2D; i += 1 }
        let digitsStart = i
        var mantissa: UInt64 = 0
        var significant = 0
        while i < n, isDigit(bytes[i]) {
            if significant < 19 {
                mantissa = mantissa &* 10 &+ UInt64(bytes[i] &- 0x30)
                if mantissa != 0 { significant += 1 }
            } else {
                significant += 1
            }
            i += 1
        }
        var sawDigits = i > digitsStart
        var fraction = 0
        if i < n, bytes[i] == 0x2E {
            let fracStart = i + 1
            var j = fracStart
            var m = mantissa
            var sig = significant
            while j < n, isDigit(bytes[j]) {
                if sig < 19 {
                    m = m &* 10 &+ UInt64(bytes[j] &- 0x30)
                    if m != 0 { sig += 1 }
                } else {
                    sig += 1
                }
                j += 1
            }
            if j > fracStart || sawDigits {
                sawDigits = sawDigits || j > fracStart
                fraction = j - fracStart
                mantissa = m
                significant = sig
                i = j
            }
        }
        guard sawDigits else { return nil }
        var exponent = false
        if i < n, bytes[i] == 0x65 || bytes[i] == 0x45 {
            var j = i + 1
            if j < n, bytes[j] == 0x2D || bytes[j] == 0x2B { j += 1 }
            let expStart = j
            while j < n, isDigit(bytes[j]) { j += 1 }
            if j > expStart { i = j; exponent = true }
        }
        let value: Double
        if !exponent, significant <= 15, fraction <= 22 {
            // Clinger's fast path: both operands exact, one correctly rounded division.
            let magnitude = fraction == 0 ? Double(mantissa) : Double(mantissa) / Self.powerOfTen(fraction)
            value = negative ? -magnitude : magnitude
        } else {
            guard let v = Double(String(decoding: bytes[start..<i], as: UTF8.self)) else { return nil }
            value = v
        }
        guard value.isFinite else { return nil }
        return Number(value: value, end: i, decimals: fraction)
    }

    /// 10^k for 0 ≤ k ≤ 22, every one exact in a `Double`.
    @inline(__always)
    static func powerOfTen(_ k: Int) -> Double {
        switch k {
        case 0: 1e0
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        default: 1e22
        }
    }

    /// The numbers after the keys a step line carries, each exactly what ``number(after:)``
    /// returns for that key, found in one pass over the line's `:` and `=` separators instead of
    /// one search of the whole line per key.
    struct StepKeys {
        var trainLoss: Number?
        var loss: Number?
        var valLoss: Number?
        var valBPB: Number?
        var trainTime: Number?
        var t: Number?
    }

    func stepKeys() -> StepKeys {
        var r = StepKeys()
        let n = bytes.count
        guard let base = bytes.baseAddress else { return r }
        let raw = UnsafeRawPointer(base)
        var i = 0
        // Eight bytes at a time: a word's bytes equal to `:` or `=` get their high bit set in
        // `mask` (SWAR zero-byte test; a rare false hit is re-checked below).
        while i + 8 <= n {
            let x = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            var mask = Self.zeroBytes(x ^ 0x3A3A_3A3A_3A3A_3A3A) | Self.zeroBytes(x ^ 0x3D3D_3D3D_3D3D_3D3D)
            while mask != 0 {
                let q = i + mask.trailingZeroBitCount >> 3
                mask &= mask &- 1
                if q > 0, bytes[q] == 0x3A || bytes[q] == 0x3D { separator(q, into: &r) }
            }
            i += 8
        }
        while i < n {
            if i > 0, bytes[i] == 0x3A || bytes[i] == 0x3D { separator(i, into: &r) }
            i += 1
        }
        return r
    }

    /// High bit set in each byte of `x` that is zero (and possibly in bytes above a zero byte).
    @inline(__always)
    private static func zeroBytes(_ x: UInt64) -> UInt64 {
        (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
    }

    @inline(__always)
    private func separator(_ q: Int, into r: inout StepKeys) {
        switch bytes[q - 1] {
        case 0x73:  // s: train_loss, val_loss, loss
            if r.trainLoss == nil, key("train_loss", endsAt: q) { r.trainLoss = numberAfterSeparator(q) }
            if r.valLoss == nil, key("val_loss", endsAt: q) { r.valLoss = numberAfterSeparator(q) }
            if r.loss == nil, key("loss", endsAt: q) { r.loss = numberAfterSeparator(q) }
        case 0x62:  // b: val_bpb
            if r.valBPB == nil, key("val_bpb", endsAt: q) { r.valBPB = numberAfterSeparator(q) }
        case 0x65:  // e: train_time
            if r.trainTime == nil, key("train_time", endsAt: q) { r.trainTime = numberAfterSeparator(q) }
        case 0x74:  // t
            if r.t == nil, key("t", endsAt: q) { r.t = numberAfterSeparator(q) }
        default:
            break
        }
    }

    /// True when `key` ends right before index `q` and starts the line or follows a space, tab,
    /// `(`, `,` or `[` (the rule of ``number(after:)``).
    @inline(__always)
    private func key(_ key: StaticString, endsAt q: Int) -> Bool {
        let count = key.utf8CodeUnitCount
        let at = q - count
        guard at >= 0 else { return false }
        if at > 0 {
            let before = bytes[at - 1]
            guard before == 0x20 || before == 0x09 || before == 0x28 || before == 0x2C || before == 0x5B else { return false }
        }
        return memcmp(bytes.baseAddress! + at, key.utf8Start, count) == 0
    }

    /// The number after the separator at `q` (spaces allowed before it).
    private func numberAfterSeparator(_ q: Int) -> Number? {
        var i = q + 1
        while i < bytes.count, bytes[i] == 0x20 { i += 1 }
        return number(at: i)
    }

    /// An integer after `key` (see ``number(after:)``), nil when the value has a fraction.
    func integer(after key: String) -> Int? {
        guard let n = number(after: key), abs(n.value) < 9e15 else { return nil }
        return Int(exactly: n.value)
    }

    /// A duration after `key` in milliseconds: `600038ms`, `455.1s` or `0.8m`.
    func milliseconds(after key: String) -> Double? {
        guard let n = number(after: key) else { return nil }
        return Self.milliseconds(n, unitAt: n.end, in: bytes)
    }

    static func milliseconds(_ n: Number, unitAt i: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard i < bytes.count else { return nil }
        if bytes[i] == 0x6D {  // m
            if i + 1 < bytes.count, bytes[i + 1] == 0x73 { return n.value }  // ms
            if i + 1 < bytes.count, bytes[i + 1] == 0x69 { return nil }  // min… ambiguous, skip
            return (n.value * 60_000 * 1000).rounded() / 1000
        }
        if bytes[i] == 0x73 { return (n.value * 1000 * 1000).rounded() / 1000 }  // s
        return nil
    }

    /// `N/M` at `start` (a step counter): returns both numbers and the end index.
    func stepCounter(at start: Int) -> (step: Int, total: Int, end: Int)? {
        var i = start
        let n = bytes.count
        var step = 0
        while i < n, isDigit(bytes[i]), i - start < 12 { step = step &* 10 &+ Int(bytes[i] &- 0x30); i += 1 }
        guard i > start, i - start < 12, i < n, bytes[i] == 0x2F else { return nil }
        i += 1
        let t0 = i
        var total = 0
        while i < n, isDigit(bytes[i]), i - t0 < 12 { total = total &* 10 &+ Int(bytes[i] &- 0x30); i += 1 }
        guard i > t0, i - t0 < 12, !(i < n && isDigit(bytes[i])) else { return nil }
        return (step, total, i)
    }

    /// The text of the whole line.
    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The text before byte index `end`, trimmed of spaces.
    func prefixText(upTo end: Int) -> String {
        var e = end
        while e > 0, bytes[e - 1] == 0x20 || bytes[e - 1] == 0x09 { e -= 1 }
        return String(decoding: bytes[0..<e], as: UTF8.self)
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
}
