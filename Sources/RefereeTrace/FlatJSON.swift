/// A fast parser for the one shape trace lines have: a flat JSON object whose values are
/// strings without escapes, numbers, `true`, `false` or `null`.
///
/// Anything else (nesting, escapes, malformed text) returns nil and the caller falls back to
/// `JSONSerialization`, so this only decides how fast a line is read, never what it means.
/// Numbers become `Int` when written without fraction or exponent (and in range), else `Double`.
enum FlatJSON {
    static func parse(_ bytes: [UInt8]) -> [String: Any]? {
        var i = 0
        let n = bytes.count
        func skipSpace() {
            while i < n, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D || bytes[i] == 0x0A { i += 1 }
        }
        func string() -> String? {
            guard i < n, bytes[i] == 0x22 else { return nil }
            i += 1
            let start = i
            while i < n, bytes[i] != 0x22 {
                if bytes[i] == 0x5C || bytes[i] < 0x20 { return nil } // escapes and control characters: fall back
                i += 1
            }
            guard i < n else { return nil }
            let s = String(decoding: bytes[start..<i], as: UTF8.self)
            i += 1
            return s
        }
        func number() -> Any? {
            let start = i
            var integral = true
            if i < n, bytes[i] == 0x2D { i += 1 }
            let digitsStart = i
            while i < n, bytes[i] >= 0x30 && bytes[i] <= 0x39 { i += 1 }
            guard i > digitsStart else { return nil }
            if i - digitsStart > 1, bytes[digitsStart] == 0x30 { return nil } // leading zero
            if i < n, bytes[i] == 0x2E {
                integral = false
                i += 1
                let fraction = i
                while i < n, bytes[i] >= 0x30 && bytes[i] <= 0x39 { i += 1 }
                guard i > fraction else { return nil }
            }
            if i < n, bytes[i] == 0x65 || bytes[i] == 0x45 {
                integral = false
                i += 1
                if i < n, bytes[i] == 0x2B || bytes[i] == 0x2D { i += 1 }
                let exponent = i
                while i < n, bytes[i] >= 0x30 && bytes[i] <= 0x39 { i += 1 }
                guard i > exponent else { return nil }
            }
            let text = String(decoding: bytes[start..<i], as: UTF8.self)
            if integral, let v = Int(text) { return v }
            return Double(text)
        }
        func literal(_ word: StaticString, _ value: Any) -> Any? {
            let count = word.utf8CodeUnitCount
            guard i + count <= n else { return nil }
            let w = UnsafeBufferPointer(start: word.utf8Start, count: count)
            for k in 0..<count where bytes[i + k] != w[k] { return nil }
            i += count
            return value
        }
        skipSpace()
        guard i < n, bytes[i] == 0x7B else { return nil }
        i += 1
        var object: [String: Any] = [:]
        skipSpace()
        if i < n, bytes[i] == 0x7D {
            i += 1
        } else {
            while true {
                skipSpace()
                guard let key = string() else { return nil }
                skipSpace()
                guard i < n, bytes[i] == 0x3A else { return nil }
                i += 1
                skipSpace()
                guard i < n else { return nil }
                let value: Any?
                switch bytes[i] {
                case 0x22: value = string()
                case 0x74: value = literal("true", true)
                case 0x66: value = literal("false", false)
                case 0x6E: value = literal("null", NullValue())
                default: value = number()
                }
                guard let value else { return nil }
                // A duplicate key: decline, so the caller's strict path reports it.
                guard object[key] == nil else { return nil }
                object[key] = value
                skipSpace()
                guard i < n else { return nil }
                if bytes[i] == 0x2C { i += 1; continue }
                if bytes[i] == 0x7D { i += 1; break }
                return nil
            }
        }
        skipSpace()
        return i == n ? object : nil
    }

    /// JSON `null` (kept distinct from a missing key, as `NSNull` is for `JSONSerialization`).
    struct NullValue {}
}
