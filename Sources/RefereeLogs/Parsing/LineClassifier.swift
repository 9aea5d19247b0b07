import RefereeCore

/// Recognises the kinds of lines Parameter Golf scripts print. Pure functions of one line.
enum LineClassifier {
    /// Splits a `1776142360.538 message` unix-timestamp prefix (seconds) from the message.
    static func splitTimestamp(_ text: String) -> (timestamp: Double?, message: Substring) {
        var text = text
        let (stamp, start) = text.withUTF8 { splitTimestamp($0) }
        let utf8 = text.utf8
        return (stamp, text[utf8.index(utf8.startIndex, offsetBy: start)...])
    }

    /// The byte version of ``splitTimestamp(_:)-…``: the timestamp and where the message starts.
    static func splitTimestamp(_ bytes: UnsafeBufferPointer<UInt8>) -> (timestamp: Double?, messageStart: Int) {
        let n = bytes.count
        var i = 0
        while i < n, bytes[i] >= 0x30 && bytes[i] <= 0x39 { i += 1 }
        let digits = i
        guard digits >= 9, digits <= 11, i < n, bytes[i] == 0x2E else { return (nil, 0) }
        i += 1
        let fracStart = i
        while i < n, bytes[i] >= 0x30 && bytes[i] <= 0x39 { i += 1 }
        let frac = i - fracStart
        guard frac >= 1, frac <= 9 else { return (nil, 0) }
        let stampEnd = i
        if i < n {
            guard bytes[i] == 0x20 else { return (nil, 0) }
            i += 1
        }
        let stamp = LineScanner(borrowing: UnsafeBufferPointer(rebasing: bytes[0..<stampEnd])).number(at: 0)?.value
        return (stamp, i)
    }

    /// The `=` × 100 line scripts print around their header.
    static func isSeparator(_ s: LineScanner) -> Bool {
        s.bytes.count >= 50 && s.bytes.allSatisfy { $0 == 0x3D }
    }

    /// A line that can open a Python source file embedded in a log (docstring, comment, import,
    /// definition) or an indented code line (a source block whose start was cut off).
    static func looksLikeSourceStart(_ s: LineScanner) -> Bool {
        guard let first = s.bytes.first else { return false }
        if first == 0x22 || first == 0x27 || first == 0x23 || first == 0x40 { return true }  // " ' # @
        switch first {
        case 0x69: return s.hasPrefix("import ")  // i
        case 0x66: return s.hasPrefix("from ")  // f
        case 0x64: return s.hasPrefix("def ")  // d
        case 0x63: return s.hasPrefix("class ")  // c
        case 0x61: return s.hasPrefix("async def ")  // a
        case 0x20: return s.hasPrefix("    ") && s.bytes.count > 4 && s.bytes[4] != 0x20
        default: return false
        }
    }

    /// A line that can only be the first line of a Python file: a docstring opening at column 0,
    /// a shebang, or `from __future__`.
    static func isFileStart(_ text: String) -> Bool {
        text.hasPrefix("\"\"\"") || text.hasPrefix("'''") || text.hasPrefix("#!") || text.hasPrefix("from __future__")
    }

    /// A line only a running script prints: a metric line with real numbers, a step counter,
    /// a stop line. Seeing one while collecting a presumed source block proves it was not source.
    static func isRunOutput(_ s: LineScanner) -> Bool {
        guard let first = s.bytes.first, first != 0x20, first != 0x09 else { return false }
        if s.hasPrefix("stopping_early:") { return true }
        if s.hasPrefix("step:"), s.stepCounter(at: 5) != nil { return true }
        if first >= 0x30 && first <= 0x39, let c = s.stepCounter(at: 0), c.end < s.bytes.count, s.bytes[c.end] == 0x20 { return true }
        return evalLabel(s) != nil && s.number(after: "val_bpb") != nil
    }

    private static let valLossKey = Array("val_loss".utf8)
    private static let valBPBKey = Array("val_bpb".utf8)

    /// The label of a metric line: the text before its first `val_loss`/`val_bpb` key, when that
    /// text is a plain label (no quotes, braces or parentheses — f-strings in code are not labels).
    static func evalLabel(_ s: LineScanner) -> String? {
        guard let first = s.bytes.first, first != 0x20, first != 0x09 else { return nil }
        let keyStarts = [valLossKey, valBPBKey].compactMap { k -> Int? in
            var from = 0
            while let at = s.find(k, from: from) {
                if at == 0 || s.bytes[at - 1] == 0x20 { return at }
                from = at + 1
            }
            return nil
        }
        guard let start = keyStarts.min() else { return nil }
        for b in s.bytes[0..<start] {
            switch b {
            case 0x22, 0x27, 0x7B, 0x7D, 0x28, 0x29, 0x60, 0x5C: return nil  // " ' { } ( ) ` \
            default: continue
            }
        }
        return s.prefixText(upTo: start)
    }

    /// What an eval label says about the evaluation.
    static func kind(ofLabel label: String) -> EvalKind {
        if label.utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII (every real label): the same tests on bytes, without Foundation's search.
            var copy = label
            return copy.withUTF8 { kind(ofASCIILabel: $0) }
        }
        let l = label.lowercased()
        if l.isEmpty { return .progress }
        if l.hasPrefix("step:") || l.hasPrefix("step ") { return .inTraining }
        if let f = l.utf8.first, f >= 0x30 && f <= 0x39, LineScanner(l[...]).stepCounter(at: 0) != nil { return .inTraining }
        if l.contains("diagnostic") { return .diagnostic }
        if l.contains("pre-quant") || l.contains("pre_quant") || l.contains("prequant") || l.contains("pre quant")
            || l.contains("pre_ttt") || l.contains("pre-ttt") || l.contains("post_ema") || l.contains("post-ema") {
            return .preQuantization
        }
        if l.contains("progress") || l.contains("chunk") || l.contains("partial") || l.contains("running") || l.hasSuffix(":start") {
            return .progress
        }
        return .final
    }

    /// ``kind(ofLabel:)`` for an ASCII label (lower-cased here byte by byte).
    private static func kind(ofASCIILabel raw: UnsafeBufferPointer<UInt8>) -> EvalKind {
        if raw.isEmpty { return .progress }
        let lower = raw.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        return lower.withUnsafeBufferPointer { p -> EvalKind in
            let l = LineScanner(borrowing: p)
            if l.hasPrefix("step:") || l.hasPrefix("step ") { return .inTraining }
            if let f = p.first, f >= 0x30 && f <= 0x39, l.stepCounter(at: 0) != nil { return .inTraining }
            if l.contains("diagnostic") { return .diagnostic }
            if l.contains("pre-quant") || l.contains("pre_quant") || l.contains("prequant") || l.contains("pre quant")
                || l.contains("pre_ttt") || l.contains("pre-ttt") || l.contains("post_ema") || l.contains("post-ema") {
                return .preQuantization
            }
            if l.contains("progress") || l.contains("chunk") || l.contains("partial") || l.contains("running") || l.hasSuffix(":start") {
                return .progress
            }
            return .final
        }
    }

    /// A GPU row of an `nvidia-smi` table: `|   0  NVIDIA H100 80GB HBM3   On  |  …`.
    static func gpuRow(_ s: LineScanner) -> (index: Int, model: String)? {
        guard s.bytes.first == 0x7C else { return nil }  // |
        guard firstCellEndsWithOnOff(s.bytes) else { return nil }
        if s.bytes.allSatisfy({ $0 < 0x80 }) { return asciiGPURow(s.bytes) }
        let text = s.text
        let cells = text.split(separator: "|", omittingEmptySubsequences: true)
        guard let cell = cells.first else { return nil }
        let words = cell.split(separator: " ", omittingEmptySubsequences: true)
        guard words.count >= 3, let index = Int(words[0]), words.last == "On" || words.last == "Off" else { return nil }
        let name = words[1..<(words.count - 1)].joined(separator: " ")
        guard name.contains("NVIDIA") || name.contains("Tesla") || name.contains("GeForce") || name.contains("H100") || name.contains("A100") else { return nil }
        return (index, name)
    }

    /// ``gpuRow(_:)`` on the bytes of an ASCII line, where every `Character` is one byte and
    /// every test of the text path is a byte test: the first non-empty `|` cell split on spaces,
    /// an `Int` first word, `On`/`Off` last, the words between joined by single spaces and
    /// naming a known GPU family.
    private static func asciiGPURow(_ b: UnsafeBufferPointer<UInt8>) -> (index: Int, model: String)? {
        var i = 0
        while i < b.count, b[i] == 0x7C { i += 1 }
        let start = i
        while i < b.count, b[i] != 0x7C { i += 1 }
        guard i > start else { return nil }
        var words: [Range<Int>] = []
        var j = start
        while j < i {
            while j < i, b[j] == 0x20 { j += 1 }
            let w = j
            while j < i, b[j] != 0x20 { j += 1 }
            if j > w { words.append(w..<j) }
        }
        guard words.count >= 3, let index = Int(String(decoding: UnsafeBufferPointer(rebasing: b[words[0]]), as: UTF8.self)) else { return nil }
        let last = UnsafeBufferPointer(rebasing: b[words[words.count - 1]])
        guard last.elementsEqual("On".utf8) || last.elementsEqual("Off".utf8) else { return nil }
        var name: [UInt8] = []
        for (k, w) in words[1..<(words.count - 1)].enumerated() {
            if k > 0 { name.append(0x20) }
            name.append(contentsOf: b[w])
        }
        let known = ["NVIDIA", "Tesla", "GeForce", "H100", "A100"].contains { needle in
            let n = Array(needle.utf8)
            return name.count >= n.count && (0...(name.count - n.count)).contains { name[$0..<($0 + n.count)].elementsEqual(n) }
        }
        guard known else { return nil }
        return (index, String(decoding: name, as: UTF8.self))
    }

    /// A necessary condition of ``gpuRow(_:)``, on bytes: the first non-empty `|` cell's last
    /// space-separated word is `On` or `Off` (most table lines fail it without any `String`).
    private static func firstCellEndsWithOnOff(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i < b.count {
            while i < b.count, b[i] == 0x7C { i += 1 }
            let start = i
            while i < b.count, b[i] != 0x7C { i += 1 }
            guard i > start else { continue }
            var e = i
            while e > start, b[e - 1] == 0x20 { e -= 1 }
            var w = e
            while w > start, b[w - 1] != 0x20 { w -= 1 }
            let word = UnsafeBufferPointer(rebasing: b[w..<e])
            return word.elementsEqual("On".utf8) || word.elementsEqual("Off".utf8)
        }
        return false
    }

    /// A seed from logged hyperparameters: `seed:1337`, `  seed: 42`, `seed=42` (key=value lists
    /// and `Hyperparameters(… seed=42 …)`), or `s:42` on the ternary `params:` line.
    static func seed(_ s: LineScanner) -> Int? {
        if let v = s.integer(after: "seed") { return v }
        if s.hasPrefix("params:"), let v = s.integer(after: "s") { return v }
        return nil
    }

    /// A seed line as a run header prints it: `seed:…` / `  seed: …` alone at the line start, a
    /// `Hyperparameters(…)` dump, the ternary `params:` line, or a key=value list of settings.
    static func isHeaderSeedLine(_ s: LineScanner) -> Bool {
        let trimmed = s.bytes.drop { $0 == 0x20 || $0 == 0x09 }
        if trimmed.starts(with: Array("seed".utf8)) { return true }
        if s.hasPrefix("Hyperparameters") || s.hasPrefix("params:") { return true }
        return s.bytes.lazy.filter { $0 == 0x3D }.count >= 3
    }

    /// World size: `world_size:8`, `  world_size: 8`, or `ws:8` on the ternary `params:` line.
    static func worldSize(_ s: LineScanner) -> Int? {
        if let v = s.integer(after: "world_size") { return v }
        if s.hasPrefix("params:"), let v = s.integer(after: "ws") { return v }
        return nil
    }
}
