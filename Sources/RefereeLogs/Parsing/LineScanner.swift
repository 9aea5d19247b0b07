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
    @inline(__always)
    func number(at start: Int) -> Number? {
        // The shape of nearly every logged metric, `-?D{1,15}(.D{1,7})?` with at most 15 digits and
        // no exponent, is read with eight-byte loads and no loop when 26 bytes of the line are
        // left; anything else goes through ``shortNumber(at:)`` (same value for these shapes too).
        let n = bytes.count
        guard let p = bytes.baseAddress, start + 26 <= n else { return shortNumber(at: start) }
        let raw = UnsafeRawPointer(p)
        var i = start
        let negative = p[i] == 0x2D
        if negative { i += 1 }
        let x = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
        var k = Self.nonDigitBytes(x).trailingZeroBitCount &>> 3
        guard k > 0 else { return shortNumber(at: start) }
        var mantissa = Self.eightDigits((x &- 0x3030_3030_3030_3030) &<< UInt64(64 &- 8 &* k))
        i += k
        if k == 8 {
            // Nine to fifteen integer digits (a training time in ms, a step count).
            let x2 = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            let k2 = Self.nonDigitBytes(x2).trailingZeroBitCount &>> 3
            guard k2 < 8 else { return shortNumber(at: start) }
            if k2 > 0 {
                mantissa = mantissa &* Self.integerPowerOfTen(k2) &+ Self.eightDigits((x2 &- 0x3030_3030_3030_3030) &<< UInt64(64 &- 8 &* k2))
                i += k2
                k += k2
            }
        }
        var fraction = 0
        if p[i] == 0x2E {
            let y = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i + 1, as: UInt64.self))
            let f = Self.nonDigitBytes(y).trailingZeroBitCount &>> 3
            guard f > 0, f < 8, k + f <= 15 else { return shortNumber(at: start) }
            mantissa = mantissa &* Self.integerPowerOfTen(f) &+ Self.eightDigits((y &- 0x3030_3030_3030_3030) &<< UInt64(64 &- 8 &* f))
            fraction = f
            i += 1 + f
        }
        guard p[i] | 0x20 != 0x65 else { return shortNumber(at: start) }
        // 10^fraction ≤ 10^7 is exact as an integer and as a Double (an integer table, not the
        // jump table of `powerOfTen`).
        let magnitude = fraction == 0 ? Double(mantissa) : Double(mantissa) / Double(Self.integerPowerOfTen(fraction))
        return Number(value: negative ? -magnitude : magnitude, end: i, decimals: fraction)
    }

    /// ``number(at:)`` byte by byte: `-?D+(.D+)?` with at most 15 digits in all and no exponent
    /// here, any other shape (a longer number, an exponent, a bare `.5` or `5.`) through
    /// ``generalNumber(at:)``.
    func shortNumber(at start: Int) -> Number? {
        let n = bytes.count
        guard start < n, let p = bytes.baseAddress else { return generalNumber(at: start) }
        var i = start
        let negative = p[i] == 0x2D
        if negative { i += 1 }
        let intStart = i
        var mantissa: UInt64 = 0
        while i < n {
            let d = p[i] &- 0x30
            guard d <= 9 else { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            i += 1
        }
        var digits = i - intStart
        guard digits > 0 else { return generalNumber(at: start) }
        var fraction = 0
        if i < n, p[i] == 0x2E {
            let fracStart = i + 1
            var j = fracStart
            while j < n {
                let d = p[j] &- 0x30
                guard d <= 9 else { break }
                mantissa = mantissa &* 10 &+ UInt64(d)
                j += 1
            }
            fraction = j - fracStart
            guard fraction > 0 else { return generalNumber(at: start) }
            digits += fraction
            i = j
        }
        guard digits <= 15, !(i < n && (p[i] | 0x20) == 0x65) else { return generalNumber(at: start) }
        let magnitude = fraction == 0 ? Double(mantissa) : Double(mantissa) / Self.powerOfTen(fraction)
        return Number(value: negative ? -magnitude : magnitude, end: i, decimals: fraction)
    }

    /// Bytes of `x` that are not ASCII digits are non-zero (a byte is a digit when its high
    /// nibble is 3 and stays 3 after adding 6; a carry out of a byte ≥ 0xFA disturbs only the
    /// bytes after that non-digit). The count of leading digits is `trailingZeroBitCount / 8`.
    @inline(__always)
    static func nonDigitBytes(_ x: UInt64) -> UInt64 {
        ((x & 0xF0F0_F0F0_F0F0_F0F0) ^ 0x3030_3030_3030_3030)
            | (((x &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) ^ 0x3030_3030_3030_3030)
    }

    /// The ASCII digits at `start` (at most `max` of them, `max` ≥ 1): their count, and their
    /// value (wrapped modulo 2^64; exact for up to 19 digits). Eight bytes at a time where the
    /// line has eight bytes left.
    @inline(__always)
    func digitRun(at start: Int, max: Int) -> (value: UInt64, count: Int) {
        let n = bytes.count
        guard start < n, let p = bytes.baseAddress else { return (0, 0) }
        let end = start + Swift.min(max, n - start)
        let raw = UnsafeRawPointer(p)
        var i = start
        var value: UInt64 = 0
        while i < end {
            guard i + 8 <= n else {
                while i < end {
                    let d = p[i] &- 0x30
                    guard d <= 9 else { break }
                    value = value &* 10 &+ UInt64(d)
                    i += 1
                }
                break
            }
            let x = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            let k = Swift.min(Self.nonDigitBytes(x).trailingZeroBitCount &>> 3, end - i)
            guard k > 0 else { break }
            // Subtracting '0' may borrow only upwards from a non-digit byte, never into the
            // first k bytes; the shift drops the bytes after them and makes leading zeros.
            let d = (x &- 0x3030_3030_3030_3030) &<< UInt64(8 &* (8 &- k))
            value = value &* Self.integerPowerOfTen(k) &+ Self.eightDigits(d)
            i += k
            guard k == 8 else { break }
        }
        return (value, i - start)
    }

    /// The value of eight digits 0…9 held one per byte, the first in the lowest byte.
    @inline(__always)
    private static func eightDigits(_ digits: UInt64) -> UInt64 {
        let v = digits &* 10 &+ (digits &>> 8)
        let mask: UInt64 = 0x0000_00FF_0000_00FF
        let pairs = (v & mask) &* (100 &+ (1_000_000 &<< 32)) &+ ((v &>> 16) & mask) &* (1 &+ (10_000 &<< 32))
        return (pairs &>> 32) & 0xFFFF_FFFF
    }

    /// 10^k for 0 ≤ k ≤ 19 as an integer.
    @inline(__always)
    static func integerPowerOfTen(_ k: Int) -> UInt64 {
        switch k {
        case 0: 1
        case 1: 10
        case 2: 100
        case 3: 1_000
        case 4: 10_000
        case 5: 100_000
        case 6: 1_000_000
        case 7: 10_000_000
        case 8: 100_000_000
        case 9: 1_000_000_000
        case 10: 10_000_000_000
        case 11: 100_000_000_000
        case 12: 1_000_000_000_000
        case 13: 10_000_000_000_000
        case 14: 100_000_000_000_000
        case 15: 1_000_000_000_000_000
        case 16: 10_000_000_000_000_000
        case 17: 100_000_000_000_000_000
        case 18: 1_000_000_000_000_000_000
        default: 10_000_000_000_000_000_000
        }
    }

    /// ``number(at:)`` for any shape of number.
    func generalNumber(at start: Int) -> Number? {
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

    /// The values of the keys a step line carries, each from the number ``number(after:)``
    /// returns for that key, found in one pass over the line's `:` and `=` separators instead of
    /// one search of the whole line per key.
    struct StepKeys {
        var trainLoss: Double?
        var loss: Double?
        var valLoss: Double?
        var valBPB: Double?
        /// Printed decimals of `valBPB`.
        var valBPBDecimals = 0
        /// `train_time` and `t` in milliseconds: nil when the key is absent or its unit unknown.
        var trainTimeMs: Double?
        var tMs: Double?
        /// Keys whose number was found (the first such occurrence of a key wins).
        var found: UInt8 = 0

        static let trainTimeBit: UInt8 = 1
        static let tBit: UInt8 = 2
    }

    /// Which keys ``stepKeys(from:_:)`` reads: a type, so that each mode is compiled on its own
    /// with the choice folded away.
    protocol StepKeyMode {
        /// True to leave `train_loss` and `loss` nil (their numbers not read).
        static var skipLosses: Bool { get }
    }

    /// Every key.
    enum AllKeys: StepKeyMode { static var skipLosses: Bool { false } }

    /// Every key but the losses (`train_loss`, `loss`), read as with ``AllKeys``.
    enum KeysButLosses: StepKeyMode { static var skipLosses: Bool { true } }

    /// Separators before `from` are not looked at: the caller knows no key ends there (a step
    /// counter, `step:N/M`, holds none of these keys).
    @inline(__always)
    func stepKeys(from: Int = 0) -> StepKeys {
        stepKeys(from: from, AllKeys.self)
    }

    /// ``stepKeys(from:)`` reading the keys `Mode` names.
    @inline(__always)
    func stepKeys<Mode: StepKeyMode>(from: Int, _ mode: Mode.Type) -> StepKeys {
        var r = StepKeys()
        stepKeys(from: from, mode, into: &r)
        return r
    }

    /// ``stepKeys(from:_:)`` into `r` (a fresh `StepKeys()`), for the hot caller: the keys are
    /// written where the caller reads them, not copied out of a returned struct (whose flag
    /// byte, just written, the copy read back as part of a wider word).
    @inline(__always)
    func stepKeys<Mode: StepKeyMode>(from: Int, _ mode: Mode.Type, into r: inout StepKeys) {
        let skipLosses = Mode.skipLosses
        let n = bytes.count
        guard let base = bytes.baseAddress else { return }
        let raw = UnsafeRawPointer(base)
        var i = Swift.max(from, 0)
        // Eight bytes at a time: a word's bytes equal to `:` or `=` get their high bit set in
        // `mask` (SWAR zero-byte test; a rare false hit is re-checked below).
        while i + 8 <= n {
            let x = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            var mask = Self.zeroBytes(x ^ 0x3A3A_3A3A_3A3A_3A3A) | Self.zeroBytes(x ^ 0x3D3D_3D3D_3D3D_3D3D)
            while mask != 0 {
                let q = i &+ mask.trailingZeroBitCount &>> 3
                mask &= mask &- 1
                if q > 0, base[q] == 0x3A || base[q] == 0x3D { separator(q, into: &r, skipLosses: skipLosses) }
            }
            i += 8
        }
        while i < n {
            if i > 0, base[i] == 0x3A || base[i] == 0x3D { separator(i, into: &r, skipLosses: skipLosses) }
            i += 1
        }
    }

    /// ``stepKeys(from:skipLosses:)`` reading every key, as one call: for the less frequent
    /// callers, so that the hot one keeps the scan inlined.
    @inline(never)
    func allStepKeys(from: Int) -> StepKeys {
        stepKeys(from: from)
    }

    /// High bit set in each byte of `x` that is zero (and possibly in bytes above a zero byte).
    @inline(__always)
    private static func zeroBytes(_ x: UInt64) -> UInt64 {
        (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
    }

    /// The eight bytes ending right before index `q` (little-endian: byte `q - 1` is the top
    /// byte), or nil when `q < 8`.
    @inline(__always)
    private func word(endingAt q: Int) -> UInt64? {
        guard q >= 8 else { return nil }
        return UInt64(littleEndian: UnsafeRawPointer(bytes.baseAddress!).loadUnaligned(fromByteOffset: q &- 8, as: UInt64.self))
    }

    @inline(__always)
    private static func isKeyBoundary(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x28 || b == 0x2C || b == 0x5B
    }

    /// True when the key of `count` bytes ending before `q` starts the line or follows a key
    /// boundary (space, tab, `(`, `,`, `[`).
    @inline(__always)
    private func keyStartOK(_ q: Int, count: Int) -> Bool {
        let at = q &- count
        return at == 0 || (at > 0 && Self.isKeyBoundary(bytes.baseAddress![at &- 1]))
    }

    @inline(__always)
    private func separator(_ q: Int, into r: inout StepKeys, skipLosses: Bool) {
        // The eight bytes before the separator are compared with each key's end at once (a
        // `switch` on the last byte compiled to a jump table, this loop's costliest branch).
        guard let w = word(endingAt: q) else {
            shortSeparator(q, into: &r, skipLosses: skipLosses)
            return
        }
        let p = bytes.baseAddress!
        if w == 0x7373_6F6C_5F6E_6961 {  // "ain_loss"
            if !skipLosses, r.trainLoss == nil, q >= 10, p[q &- 10] == 0x74, p[q &- 9] == 0x72, keyStartOK(q, count: 10) {
                r.trainLoss = numberAfterSeparator(q)?.value
            }
        } else if w == 0x656D_6974_5F6E_6961 {  // "ain_time"
            if r.found & StepKeys.trainTimeBit == 0, q >= 10, p[q &- 10] == 0x74, p[q &- 9] == 0x72, keyStartOK(q, count: 10) {
                if let ms = wholeMilliseconds(after: q) {
                    r.found |= StepKeys.trainTimeBit
                    r.trainTimeMs = ms
                } else if let v = numberAfterSeparator(q) {
                    r.found |= StepKeys.trainTimeBit
                    r.trainTimeMs = Self.milliseconds(v, unitAt: v.end, in: bytes)
                }
            }
        } else if w == 0x7373_6F6C_5F6C_6176 {  // "val_loss"
            if r.valLoss == nil, keyStartOK(q, count: 8) { r.valLoss = numberAfterSeparator(q)?.value }
        } else if w &>> 8 == 0x62_7062_5F6C_6176 {  // "val_bpb"
            if r.valBPB == nil, Self.isKeyBoundary(UInt8(truncatingIfNeeded: w)), let v = numberAfterSeparator(q) {
                r.valBPB = v.value
                r.valBPBDecimals = v.decimals
            }
        } else if w &>> 32 == 0x7373_6F6C {  // "loss"
            if !skipLosses, r.loss == nil, Self.isKeyBoundary(UInt8(truncatingIfNeeded: w &>> 24)) { r.loss = numberAfterSeparator(q)?.value }
        } else if w &>> 56 == 0x74 {  // "t"
            if r.found & StepKeys.tBit == 0, Self.isKeyBoundary(UInt8(truncatingIfNeeded: w &>> 48)), let v = numberAfterSeparator(q) {
                r.found |= StepKeys.tBit
                r.tMs = Self.milliseconds(v, unitAt: v.end, in: bytes)
            }
        }
    }

    /// ``separator(_:into:)`` for a separator within the line's first eight bytes (only `loss`,
    /// `val_bpb` and `t` fit there).
    private func shortSeparator(_ q: Int, into r: inout StepKeys, skipLosses: Bool) {
        if r.loss == nil, key("loss", endsAt: q) {
            if !skipLosses { r.loss = numberAfterSeparator(q)?.value }
        } else if r.valBPB == nil, key("val_bpb", endsAt: q), let v = numberAfterSeparator(q) {
            r.valBPB = v.value
            r.valBPBDecimals = v.decimals
        } else if r.found & StepKeys.tBit == 0, key("t", endsAt: q), let v = numberAfterSeparator(q) {
            r.found |= StepKeys.tBit
            r.tMs = Self.milliseconds(v, unitAt: v.end, in: bytes)
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
        let p = bytes.baseAddress! + at
        let k = key.utf8Start
        var j = 0
        while j < count {
            guard p[j] == k[j] else { return false }
            j += 1
        }
        return true
    }

    /// The usual train time, `D{1,14}ms` right after the separator at `q` (sixteen bytes
    /// readable there): its value, which is what ``numberAfterSeparator(_:)`` and
    /// ``milliseconds(_:unitAt:in:)`` give for that text (an integer of at most 15 digits reads
    /// as `Double(mantissa)` and `ms` keeps it); nil for any other text, which they then read.
    @inline(__always)
    private func wholeMilliseconds(after q: Int) -> Double? {
        let start = q &+ 1
        guard start &+ 16 <= bytes.count else { return nil }
        let p = bytes.baseAddress!
        let raw = UnsafeRawPointer(p)
        let x = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: start, as: UInt64.self))
        let k = Self.nonDigitBytes(x).trailingZeroBitCount &>> 3
        guard k > 0 else { return nil }
        var value = Self.eightDigits((x &- 0x3030_3030_3030_3030) &<< UInt64(64 &- 8 &* k))
        var end = start &+ k
        if k == 8 {
            let y = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: end, as: UInt64.self))
            let k2 = Self.nonDigitBytes(y).trailingZeroBitCount &>> 3
            guard k2 < 7 else { return nil }
            if k2 > 0 {
                value = value &* Self.integerPowerOfTen(k2) &+ Self.eightDigits((y &- 0x3030_3030_3030_3030) &<< UInt64(64 &- 8 &* k2))
                end &+= k2
            }
        }
        guard p[end] == 0x6D, p[end &+ 1] == 0x73 else { return nil }
        return Double(value)
    }

    /// The number after the separator at `q` (spaces allowed before it).
    @inline(__always)
    private func numberAfterSeparator(_ q: Int) -> Number? {
        var i = q + 1
        let p = bytes.baseAddress!
        while i < bytes.count, p[i] == 0x20 { i += 1 }
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

    /// `N/M` at `start` (a step counter): returns both numbers and the end index. Each number has
    /// 1 to 11 digits.
    func stepCounter(at start: Int) -> (step: Int, total: Int, end: Int)? {
        let n = bytes.count
        guard start < n, let p = bytes.baseAddress else { return nil }
        if start + 24 <= n {
            // Up to 7 + 16 digits read in three eight-byte loads; an 8-digit step goes below.
            let raw = UnsafeRawPointer(p)
            let x = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: start, as: UInt64.self))
            let k1 = Self.nonDigitBytes(x).trailingZeroBitCount &>> 3
            guard k1 > 0 else { return nil }
            if k1 < 8 {
                guard p[start + k1] == 0x2F else { return nil }
                let step = Self.eightDigits((x &- 0x3030_3030_3030_3030) &<< UInt64(64 &- 8 &* k1))
                let t0 = start + k1 + 1
                let y = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: t0, as: UInt64.self))
                let k2 = Self.nonDigitBytes(y).trailingZeroBitCount &>> 3
                guard k2 > 0 else { return nil }
                var total = Self.eightDigits((y &- 0x3030_3030_3030_3030) &<< UInt64(64 &- 8 &* k2))
                var end = t0 + k2
                if k2 == 8 {
                    let z = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: end, as: UInt64.self))
                    let k3 = Self.nonDigitBytes(z).trailingZeroBitCount &>> 3
                    guard k3 < 4 else { return nil }  // 12 digits or more
                    if k3 > 0 {
                        total = total &* Self.integerPowerOfTen(k3) &+ Self.eightDigits((z &- 0x3030_3030_3030_3030) &<< UInt64(64 &- 8 &* k3))
                        end += k3
                    }
                }
                return (Int(step), Int(total), end)
            }
        }
        let step = digitRun(at: start, max: 12)
        var i = start + step.count
        guard step.count > 0, step.count < 12, i < n, p[i] == 0x2F else { return nil }
        i += 1
        let total = digitRun(at: i, max: 12)
        // Fewer than 12 digits: the run ended at a non-digit or at the end of the line.
        guard total.count > 0, total.count < 12 else { return nil }
        return (Int(step.value), Int(total.value), i + total.count)
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
