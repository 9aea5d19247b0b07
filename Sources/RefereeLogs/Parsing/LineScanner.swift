/// Byte-level scanning of one log line: keys, numbers, prefixes.
///
/// Real logs write metrics as `key:value`, `key: value` or `key=value`. Scanning bytes keeps the
/// reader fast on gigabyte logs (no regular expressions on the hot path).
struct LineScanner {
    /// The line's bytes (UTF-8), without a timestamp prefix.
    let bytes: [UInt8]

    init(_ text: Substring) {
        bytes = Array(text.utf8)
    }

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// A number found after a key: its value, its text and where its text ends.
    struct Number {
        var value: Double
        var text: String
        var end: Int
        /// Digits after the decimal point as printed.
        var decimals: Int {
            guard let dot = text.firstIndex(of: ".") else { return 0 }
            return text[text.index(after: dot)...].prefix { $0.isNumber }.count
        }
    }

    var isEmpty: Bool { bytes.isEmpty }

    func hasPrefix(_ prefix: String) -> Bool {
        var i = 0
        for b in prefix.utf8 {
            guard i < bytes.count, bytes[i] == b else { return false }
            i += 1
        }
        return true
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
        guard !needle.isEmpty, bytes.count >= needle.count else { return nil }
        let first = needle[0]
        var i = from
        let last = bytes.count - needle.count
        while i <= last {
            if bytes[i] == first {
                var j = 1
                while j < needle.count, bytes[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
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
    func number(at start: Int) -> Number? {
        var i = start
        if i < bytes.count, bytes[i] == 0x2D || bytes[i] == 0x2B { i += 1 }
        let digitsStart = i
        while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        var sawDigits = i > digitsStart
        if i < bytes.count, bytes[i] == 0x2E {
            let fracStart = i + 1
            var j = fracStart
            while j < bytes.count, isDigit(bytes[j]) { j += 1 }
            if j > fracStart || sawDigits {
                sawDigits = sawDigits || j > fracStart
                i = j
            }
        }
        guard sawDigits else { return nil }
        if i < bytes.count, bytes[i] == 0x65 || bytes[i] == 0x45 {
            var j = i + 1
            if j < bytes.count, bytes[j] == 0x2D || bytes[j] == 0x2B { j += 1 }
            let expStart = j
            while j < bytes.count, isDigit(bytes[j]) { j += 1 }
            if j > expStart { i = j }
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        guard let value = Double(text), value.isFinite else { return nil }
        return Number(value: value, text: text, end: i)
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

    static func milliseconds(_ n: Number, unitAt i: Int, in bytes: [UInt8]) -> Double? {
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
        let s0 = i
        while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        guard i > s0, i - s0 < 12, i < bytes.count, bytes[i] == 0x2F else { return nil }
        let step = Int(String(decoding: bytes[s0..<i], as: UTF8.self))
        i += 1
        let t0 = i
        while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        guard i > t0, i - t0 < 12, let step, let total = Int(String(decoding: bytes[t0..<i], as: UTF8.self)) else { return nil }
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
