/// One fact read from a size line.
enum SizeFact: Equatable {
    /// `Code size: N bytes` / `Code size (uncompressed): N bytes` / `code:N` on the ternary line.
    case code(Int)
    /// `Code size (compressed): N bytes`.
    case codeCompressed(Int)
    /// `Serialized model int8+zlib: N bytes` (a compressed model; not the raw `Serialized model:`).
    case model(Int)
    /// `Total submission size int8+zlib: N bytes` or `budget:N/16000000 … FITS`.
    case artifact(Int)
    /// The unqualified `Total submission size: N bytes`, which in the baseline dialect is the raw
    /// fp checkpoint plus code. Used as the artifact only when no qualified total exists.
    case unqualifiedTotal(Int)
    /// `artifact:15.92MB …`: megabytes only.
    case artifactMB(Double)
    /// A size line whose number is no byte count (negative, fractional or ≥ 9e15, e.g.
    /// `budget:1e30/16000000`): kept as the number's text so the run gets a note naming the
    /// line, and never converted to `Int` (which would trap).
    case unrepresentable(String)

    /// The byte count `n` stands for, nil unless it is an integer in `0 ..< 9e15`.
    static func byteCount(_ n: LineScanner.Number) -> Int? {
        guard n.value >= 0, n.value < 9e15 else { return nil }
        return Int(exactly: n.value)
    }

    /// Parses every size fact on the line (the ternary `artifact:` line carries two).
    static func parse(_ s: LineScanner) -> [SizeFact] {
        if s.hasPrefix("Code size") {
            guard let n = bytesBeforeWordBytes(s) else { return [] }
            return s.contains("(compressed)") ? [.codeCompressed(n)] : [.code(n)]
        }
        if s.hasPrefix("Serialized model") {
            // `Serialized model: N bytes` is the raw checkpoint; a qualifier means compressed.
            guard !s.hasPrefix("Serialized model:"), let n = bytesBeforeWordBytes(s) else { return [] }
            return [.model(n)]
        }
        if s.hasPrefix("Total submission size") {
            guard let n = bytesBeforeWordBytes(s) else { return [] }
            return s.hasPrefix("Total submission size:") ? [.unqualifiedTotal(n)] : [.artifact(n)]
        }
        if s.hasPrefix("budget:"), let n = s.number(at: 7), s.bytes.count > n.end, s.bytes[n.end] == 0x2F {
            return [byteCount(n).map(SizeFact.artifact) ?? .unrepresentable(String(decoding: UnsafeBufferPointer(rebasing: s.bytes[7..<n.end]), as: UTF8.self))]
        }
        if s.hasPrefix("artifact:") {
            var facts: [SizeFact] = []
            if let mb = s.number(at: 9), s.bytes.count >= mb.end + 2, s.bytes[mb.end] == 0x4D, s.bytes[mb.end + 1] == 0x42 {
                facts.append(.artifactMB(mb.value))
            }
            if let code = s.integer(after: "code") { facts.append(.code(code)) }
            return facts
        }
        return []
    }

    /// The integer right before ` bytes` after the line's first `:`.
    private static func bytesBeforeWordBytes(_ s: LineScanner) -> Int? {
        guard let colon = s.bytes.firstIndex(of: 0x3A) else { return nil }
        var i = colon + 1
        while i < s.bytes.count, s.bytes[i] == 0x20 { i += 1 }
        guard let n = s.number(at: i), let count = byteCount(n) else { return nil }
        let rest = String(decoding: s.bytes[n.end...], as: UTF8.self)
        guard rest.hasPrefix(" bytes") || rest.hasPrefix(" B") else { return nil }
        return count
    }
}
