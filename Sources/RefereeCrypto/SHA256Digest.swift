import COpenSSL

/// A SHA-256 digest held inline (32 bytes, no allocation), for code that hashes many small
/// inputs, such as trace lines.
package struct SHA256Digest: Hashable, Sendable {
    package var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0

    /// The digest of 32 zero bytes (hex: 64 zeros).
    package static let zero = SHA256Digest()

    package init() {}

    /// Parses 64 hex digits, either case; nil for anything else (another length, a non-hex byte).
    package init?(hexUTF8 bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count == 64, let base = bytes.baseAddress else { return nil }
        /// 16 hex digits at `p` as a number; nil on a non-hex byte.
        func word(_ p: UnsafePointer<UInt8>) -> UInt64? {
            var acc: UInt64 = 0
            var bad: UInt8 = 0
            for k in 0..<16 {
                let v = SHA256Digest.hexValue(p[k])
                bad |= v
                acc = acc << 4 | UInt64(v & 0x0F)
            }
            return bad & 0x80 == 0 ? acc : nil
        }
        guard let a = word(base), let b = word(base + 16), let c = word(base + 32), let d = word(base + 48) else { return nil }
        (w0, w1, w2, w3) = (a, b, c, d)
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
        var out = ""
        out.reserveCapacity(64)
        for w in [w0, w1, w2, w3] {
            var s = String(w, radix: 16)
            if s.count < 16 { s = String(repeating: "0", count: 16 - s.count) + s }
            out += s
        }
        return out
    }
}

/// Hashes many small inputs one after the other with one reused libcrypto context (no
/// allocation per input). Not shared between threads.
package final class SHA256LineHasher {
    private let context: DigestContext
    private let md: OpaquePointer

    package init() throws(CryptoError) {
        context = try DigestContext(operation: "SHA-256 init")
        // Fetched once: passing the legacy EVP_sha256() to every init makes OpenSSL 3 look the
        // implementation up (under a lock) each time.
        guard let md = EVP_MD_fetch(nil, "SHA256", nil) else { throw OpenSSLErrors.failure("SHA-256 init") }
        self.md = md
    }

    deinit { EVP_MD_free(md) }

    /// The SHA-256 digest of `bytes`.
    package func digest(_ bytes: UnsafeRawBufferPointer) -> SHA256Digest {
        var raw: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var length: UInt32 = 0
        let ok = withUnsafeMutableBytes(of: &raw) { out -> Bool in
            EVP_DigestInit_ex(context.pointer, md, nil) == 1
                && (bytes.count == 0 || EVP_DigestUpdate(context.pointer, bytes.baseAddress, bytes.count) == 1)
                && EVP_DigestFinal_ex(context.pointer, out.baseAddress!.assumingMemoryBound(to: UInt8.self), &length) == 1
        }
        // The built-in SHA-256 fails only on allocation failure.
        precondition(ok && length == 32, "SHA-256 failed: \(OpenSSLErrors.drain())")
        var d = SHA256Digest()
        d.w0 = UInt64(bigEndian: raw.0)
        d.w1 = UInt64(bigEndian: raw.1)
        d.w2 = UInt64(bigEndian: raw.2)
        d.w3 = UInt64(bigEndian: raw.3)
        return d
    }
}
