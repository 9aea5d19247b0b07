import RefereeCrypto

/// The score and update lines exactly as `python/referee_probe.py` formats them (its `_SCORE`
/// and `_UPDATE` templates: `json.dumps(sort_keys=True, separators=(",", ":"))`, keys in a
/// fixed order, no spaces), read by comparing each fixed piece between two values as one or
/// two machine words at its expected place instead of scanning and dispatching every key
/// (issue 15).
///
/// This only recognises the layout: the values go through the same ``TraceLineFastPath/number(_:at:)``,
/// the same `prev` decoding and the same ``TraceLineFastPath/line(_:into:)`` checks as the
/// general scan, so a line read here is read exactly as the general scan reads it. Any byte
/// that differs from the layout (another key order, a space, an escape in `kind`, an
/// extra key, a phase line, a failing check) returns false and the general scan decides.
extension TraceLineFastPath {
    /// Reads a score or update line of the writer's exact layout into `out`; false otherwise
    /// (`out` then undefined: the caller runs the general scan).
    @inline(__always)
    static func scanWriterLayout(_ b: UnsafeBufferPointer<UInt8>, into out: inout Line) -> Bool {
        guard let base = b.baseAddress else { return false }
        let n = b.count
        // The shortest line of either layout is well over 64 bytes.
        guard n >= 64 else { return false }
        let p = UnsafeRawPointer(base)
        var i = 0
        // Static helpers with `i` passed inout (nested functions capturing `i` kept it in a
        // box with a dynamic exclusivity check per call).
        var f = Fields()
        if base[2] == 0x62 {
            // {"bytes":B,"end":E,"ev":"score","nll":N,"prev":"P","psum_max":X,"psum_min":Y,
            // "rank":R,"seq":S,"start":A,"t":T,"v":V}
            guard m8(p, n, &i, 9, 0x2273_6574_7962_227B, 0x3A22_7365_7479_6222), layoutNumber(b, &i, &f.bytes),
                  m4(p, n, &i, 7, 0x6E65_222C, 0x3A22_646E), layoutNumber(b, &i, &f.end),
                  m16(p, n, &i, 20, 0x7322_3A22_7665_222C, 0x6E22_2C22_6572_6F63, 0x3A22_6C6C_6E22_2C22), layoutNumber(b, &i, &f.nll),
                  m8(p, n, &i, 9, 0x3A22_7665_7270_222C, 0x223A_2276_6572_7022), layoutPrev(base, n, &i, &f.prev),
                  m8(p, n, &i, 13, 0x5F6D_7573_7022_2C22, 0x3A22_7861_6D5F_6D75), layoutNumber(b, &i, &f.psumMax),
                  m8(p, n, &i, 12, 0x6D5F_6D75_7370_222C, 0x3A22_6E69_6D5F_6D75), layoutNumber(b, &i, &f.psumMin),
                  m8(p, n, &i, 8, 0x3A22_6B6E_6172_222C, 0x3A22_6B6E_6172_222C) else { return false }
            f.ev = .score
            f.seen = Slot.bytes | Slot.end | Slot.ev | Slot.nll | Slot.prev | Slot.psumMax | Slot.psumMin
            f.numbers = Slot.bytes | Slot.end | Slot.nll | Slot.psumMax | Slot.psumMin
            f.strings = Slot.ev | Slot.prev
        } else {
            // {"end":E,"ev":"update","kind":"K","prev":"P","rank":R,"seq":S,"start":A,"t":T,"v":V}
            guard m4(p, n, &i, 7, 0x6E65_227B, 0x3A22_646E), layoutNumber(b, &i, &f.end),
                  m16(p, n, &i, 23, 0x7522_3A22_7665_222C, 0x222C_2265_7461_6470, 0x223A_2264_6E69_6B22) else { return false }
            // The kind: a plain string (no escape, no control byte), as the general scan's.
            let s = i
            while i + 8 <= n {
                let k = special8(p.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                i += k
                if k < 8 { break }
            }
            guard i < n, base[i] == 0x22 else { return false }
            f.kindStart = s
            f.kindEnd = i
            guard m8(p, n, &i, 10, 0x2276_6572_7022_2C22, 0x223A_2276_6572_7022), layoutPrev(base, n, &i, &f.prev),
                  m8(p, n, &i, 9, 0x226B_6E61_7222_2C22, 0x3A22_6B6E_6172_222C) else { return false }
            f.ev = .update
            f.seen = Slot.end | Slot.ev | Slot.kind | Slot.prev
            f.numbers = Slot.end
            f.strings = Slot.ev | Slot.kind | Slot.prev
        }
        // ...,"rank": already matched: R,"seq":S,"start":A,"t":T,"v":V}
        guard layoutNumber(b, &i, &f.rank),
              m4(p, n, &i, 7, 0x6573_222C, 0x3A22_7165), layoutNumber(b, &i, &f.seq),
              m8(p, n, &i, 9, 0x2274_7261_7473_222C, 0x3A22_7472_6174_7322), layoutNumber(b, &i, &f.start),
              m4(p, n, &i, 5, 0x2274_222C, 0x3A22_7422), layoutNumber(b, &i, &f.t),
              m4(p, n, &i, 5, 0x2276_222C, 0x3A22_7622), i < n else { return false }
        // `v`: one digit before the closing `}` (fewer than eight bytes left for layoutNumber).
        if i == n - 2, base[i] &- 0x30 < 10 {
            f.v = Double(base[i] &- 0x30)
            i += 1
        } else {
            guard layoutNumber(b, &i, &f.v) else { return false }
        }
        guard i == n - 1, base[i] == 0x7D else { return false }
        f.seen |= Slot.rank | Slot.seq | Slot.start | Slot.t | Slot.v
        f.numbers |= Slot.rank | Slot.seq | Slot.start | Slot.t | Slot.v
        return line(f, into: &out)
    }

    /// The `count` (5...7) bytes at `i` are those whose first and last four bytes, loaded
    /// little-endian, are `a` and `z`; `i` moves past them.
    @inline(__always)
    private static func m4(_ p: UnsafeRawPointer, _ n: Int, _ i: inout Int, _ count: Int, _ a: UInt32, _ z: UInt32) -> Bool {
        guard i + count <= n, p.loadUnaligned(fromByteOffset: i, as: UInt32.self) == a,
              p.loadUnaligned(fromByteOffset: i + count - 4, as: UInt32.self) == z else { return false }
        i += count
        return true
    }

    /// Same for 8...16 bytes: the first and last eight.
    @inline(__always)
    private static func m8(_ p: UnsafeRawPointer, _ n: Int, _ i: inout Int, _ count: Int, _ a: UInt64, _ z: UInt64) -> Bool {
        guard i + count <= n, p.loadUnaligned(fromByteOffset: i, as: UInt64.self) == a,
              p.loadUnaligned(fromByteOffset: i + count - 8, as: UInt64.self) == z else { return false }
        i += count
        return true
    }

    /// Same for 17...24 bytes: the first sixteen and the last eight.
    @inline(__always)
    private static func m16(_ p: UnsafeRawPointer, _ n: Int, _ i: inout Int, _ count: Int, _ a: UInt64, _ b: UInt64, _ z: UInt64) -> Bool {
        guard i + count <= n, p.loadUnaligned(fromByteOffset: i, as: UInt64.self) == a,
              p.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self) == b,
              p.loadUnaligned(fromByteOffset: i + count - 8, as: UInt64.self) == z else { return false }
        i += count
        return true
    }

    /// A number at `i`; `i` moves past it. The usual shape (digits, an optional fraction, at most
    /// 19 digits in all, no sign, no exponent, no leading zero) is read here, eight digits at a
    /// time, and converted as ``TraceLineFastPath/number(_:at:)`` converts it; anything else
    /// goes to `number(_:at:)` itself.
    @inline(__always)
    private static func layoutNumber(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ value: inout Double) -> Bool {
        let base = b.baseAddress.unsafelyUnwrapped
        let n = b.count
        var j = i
        // The integer part: one or two groups of up to eight digits.
        guard j + 8 <= n else { return layoutNumberSlow(b, &i, &value) }
        var (k, m) = digits8(base + j)
        guard k > 0, k == 1 || base[j] != 0x30 else { return layoutNumberSlow(b, &i, &value) }
        j += k
        var digits = k
        if k == 8 {
            guard j + 8 <= n else { return layoutNumberSlow(b, &i, &value) }
            let (k2, v2) = digits8(base + j)
            guard k2 < 8 else { return layoutNumberSlow(b, &i, &value) }
            m = m &* powerOfTen(k2) &+ v2
            j += k2
            digits += k2
        }
        var fraction = 0
        if base[j] == 0x2E {
            j += 1
            guard j + 8 <= n else { return layoutNumberSlow(b, &i, &value) }
            let (f1, v1) = digits8(base + j)
            guard f1 > 0 else { return layoutNumberSlow(b, &i, &value) }
            m = m &* powerOfTen(f1) &+ v1
            j += f1
            fraction = f1
            if f1 == 8 {
                guard j + 8 <= n else { return layoutNumberSlow(b, &i, &value) }
                let (f2, v2) = digits8(base + j)
                guard f2 < 8 else { return layoutNumberSlow(b, &i, &value) }
                m = m &* powerOfTen(f2) &+ v2
                j += f2
                fraction += f2
            }
        }
        // (At most 19 digits: `m` did not wrap.)
        guard digits + fraction <= 19, j < n, base[j] | 0x20 != 0x65 else { return layoutNumberSlow(b, &i, &value) }
        if m <= 1 << 53 {
            value = fraction == 0 ? Double(m) : Double(m) / Double(powerOfTen(fraction))
        } else {
            guard let q = roundedQuotient(m, fraction) else { return layoutNumberSlow(b, &i, &value) }
            value = q
        }
        i = j
        return true
    }

    /// ``TraceLineFastPath/number(_:at:)`` at `i`; `i` moves past it.
    @inline(never)
    private static func layoutNumberSlow(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ value: inout Double) -> Bool {
        guard let (v, e) = number(b, at: i) else { return false }
        value = v
        i = e
        return true
    }

    /// The leading decimal digits among the eight bytes at `p` (0...8 of them) and their value
    /// (SWAR: a byte is a digit when subtracting `0` leaves at most 9; the first non-digit is
    /// found exactly, the bytes after it are shifted out before the digits are combined).
    @inline(__always)
    static func digits8(_ p: UnsafePointer<UInt8>) -> (count: Int, value: UInt64) {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let x = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
        let t = x &- 0x30 &* ones
        let nonDigit = (t | (t &+ 0x76 &* ones)) & (0x80 &* ones)
        let k = nonDigit.trailingZeroBitCount >> 3
        guard k > 0 else { return (0, 0) }
        // The k digits into the high bytes (zeros before them), then pairs, quads, eights.
        var v = t << UInt64(8 * (8 - k))
        v = ((v & 0x0F0F_0F0F_0F0F_0F0F) &* 2561) >> 8
        v = ((v & 0x00FF_00FF_00FF_00FF) &* 6_553_601) >> 16
        v = ((v & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) >> 32
        return (k, v)
    }

    /// 10^k for k in 0...19 (`k` outside that range traps).
    @inline(__always)
    static func powerOfTen(_ k: Int) -> UInt64 {
        powersOfTenTable[k]
    }

    /// A literal table: initialised statically, no lazy global (a `switch` became an indirect
    /// jump per number).
    private static let powersOfTenTable: [UInt64] = [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000,
        10_000_000_000, 100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000,
        1_000_000_000_000_000, 10_000_000_000_000_000, 100_000_000_000_000_000,
        1_000_000_000_000_000_000, 10_000_000_000_000_000_000,
    ]

    /// 64 hex digits at `i`; `i` moves past them.
    @inline(__always)
    private static func layoutPrev(_ base: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int, _ prev: inout SHA256Digest) -> Bool {
        guard i + 64 <= n, let d = SHA256Digest(hexUTF8: UnsafeBufferPointer(start: base + i, count: 64)) else { return false }
        prev = d
        i += 64
        return true
    }
}
