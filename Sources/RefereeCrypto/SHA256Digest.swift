import COpenSSL

/// A SHA-256 digest held inline (32 bytes, no allocation), for code that hashes many small
/// inputs, such as trace lines.
package struct SHA256Digest: Hashable, Sendable {
    package var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0

    /// The digest of 32 zero bytes (hex: 64 zeros).
    package static let zero = SHA256Digest()

    package init() {}

    /// Parses 64 hex digits, either case; nil for anything else (another length, a non-hex byte).
    /// Eight digits at a time (``hex8(_:)``): this runs once per trace line.
    package init?(hexUTF8 bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count == 64, let base = bytes.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base)
        @inline(__always) func word(_ offset: Int) -> UInt64? {
            guard let hi = SHA256Digest.hex8(raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)),
                  let lo = SHA256Digest.hex8(raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)) else { return nil }
            return UInt64(hi) << 32 | UInt64(lo)
        }
        guard let a = word(0), let b = word(16), let c = word(32), let d = word(48) else { return nil }
        (w0, w1, w2, w3) = (a, b, c, d)
    }

    /// Eight hex digits, either case, loaded little-endian (the first digit in the low byte),
    /// as their 32-bit value; nil when any byte is not a hex digit. Branch-free byte tests on
    /// the whole word: a byte below 0x80 is in `[lo, hi]` when adding `0x80 - lo` sets its top
    /// bit and adding `0x7F - hi` does not (no carry crosses bytes below 0x80).
    @inline(__always)
    static func hex8(_ x: UInt64) -> UInt32? {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let top: UInt64 = 0x8080_8080_8080_8080
        guard x & top == 0 else { return nil }
        let digit = (x &+ 0x50 &* ones) & ~(x &+ 0x46 &* ones) & top            // '0'...'9'
        let folded = x | 0x20 &* ones                                           // 'A'...'F' -> 'a'...'f'
        let letter = (folded &+ 0x1F &* ones) & ~(folded &+ 0x19 &* ones) & top // 'a'...'f'
        guard digit | letter == top else { return nil }
        let nibbles = (x & (0x0F &* ones)) &+ (letter >> 7) &* 9
        var p = ((nibbles << 4) | (nibbles >> 8)) & 0x00FF_00FF_00FF_00FF
        p = (p | (p >> 8)) & 0x0000_FFFF_0000_FFFF
        p = (p | (p >> 16)) & 0xFFFF_FFFF
        return UInt32(truncatingIfNeeded: p).byteSwapped
    }

    /// The value of a hex digit (either case), or 0x80 for any other byte (a table: hex digits
    /// in a digest are random, so branches would mispredict half the time).
    @inline(__always)
    static func hexValue(_ b: UInt8) -> UInt8 {
        hexTable[Int(b)]
    }

    private static let hexTable: [UInt8] = (0..<256).map { (i: Int) -> UInt8 in
        switch i {
        case 0x30...0x39: UInt8(i - 0x30)
        case 0x61...0x66: UInt8(i - 0x61 + 10)
        case 0x41...0x46: UInt8(i - 0x41 + 10)
        default: 0x80
        }
    }

    /// Parses the 64 hex digits of `text` (see ``init(hexUTF8:)``).
    package init?(hex text: String) {
        var text = text
        guard let d = text.withUTF8({ SHA256Digest(hexUTF8: $0) }) else { return nil }
        self = d
    }

    /// 64 lowercase hex digits.
    package var hex: String {
        let (a, b, c, d) = (w0, w1, w2, w3)
        return String(unsafeUninitializedCapacity: 64) { out in
            func put(_ w: UInt64, at start: Int) {
                for k in 0..<16 {
                    let nibble = UInt8(truncatingIfNeeded: w >> (60 - 4 * UInt64(k))) & 0x0F
                    out[start + k] = nibble < 10 ? 0x30 + nibble : 0x57 + nibble
                }
            }
            put(a, at: 0)
            put(b, at: 16)
            put(c, at: 32)
            put(d, at: 48)
            return 64
        }
    }
}

/// Hashes many small inputs one after the other (trace lines: the hash chain). Holds no
/// state (each input has its own context on the stack), so copying it costs nothing.
///
/// Each input goes through libcrypto's SHA256_Init/Update/Final on a stack context
/// (`referee_sha256` in the COpenSSL shim): on the 400,004 bench lines 145 ns per 190-byte
/// line with reading, against 185 ns for EVP with a copy of an initialised context
/// (`EVP_MD_CTX_copy_ex`, which allocates and frees the provider's state per line) and about
/// the same for `EVP_DigestInit_ex2(context, NULL, NULL)` on one reused context (issue 15).
package struct SHA256LineHasher: Sendable {
    package init() throws(CryptoError) {
        // Checks once that libcrypto hashes (the digest of nothing).
        var empty = [UInt8](repeating: 0, count: 32)
        guard referee_sha256(nil, 0, &empty) == 1 else { throw OpenSSLErrors.failure("SHA-256 init") }
    }

    /// The SHA-256 digest of `bytes`.
    package func digest(_ bytes: UnsafeRawBufferPointer) -> SHA256Digest {
        var raw: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        let ok = withUnsafeMutableBytes(of: &raw) { out -> Bool in
            referee_sha256(bytes.baseAddress, bytes.count, out.baseAddress!.assumingMemoryBound(to: UInt8.self)) == 1
        }
        // The built-in SHA-256 fails only on allocation failure.
        precondition(ok, "SHA-256 failed: \(OpenSSLErrors.drain())")
        var d = SHA256Digest()
        d.w0 = UInt64(bigEndian: raw.0)
        d.w1 = UInt64(bigEndian: raw.1)
        d.w2 = UInt64(bigEndian: raw.2)
        d.w3 = UInt64(bigEndian: raw.3)
        return d
    }
}
