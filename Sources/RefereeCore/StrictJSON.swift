import Foundation

/// A strict JSON syntax check that finds what Foundation's parsers silently accept: the same
/// key twice in one object.
///
/// Foundation keeps the first (`JSONDecoder`) or an unspecified one of two equal keys, Python's
/// `json` keeps the last, so a file with `"val_bpb"` twice means different numbers to Referee
/// and to a leaderboard. Keys are compared after unescaping, with Swift `String` equality, so
/// two spellings that Swift would merge (`"caf\u00e9"` and `"cafe\u0301"`, canonically
/// equivalent) count as duplicates too. Runs in one pass with an explicit stack (no recursion),
/// so nesting depth costs heap, not stack; depth is capped at ``maxDepth``.
package enum StrictJSON {
    /// Deepest nesting accepted; deeper documents are refused (no evidence nests this deep).
    package static let maxDepth = 512

    /// A problem found in the text, with its 1-based line.
    package struct Problem: Error, Equatable, Sendable, CustomStringConvertible {
        package var line: Int
        package var message: String
        package var description: String { "line \(line): \(message)" }
    }

    /// Nil when `bytes` is one well-formed JSON value with no duplicate key in any object;
    /// otherwise the first problem (a duplicate key is named: `duplicate key "val_bpb"`).
    package static func check<C: Collection>(_ bytes: C) -> Problem? where C.Element == UInt8 {
        var scanner = Scanner(bytes: Array(bytes))
        return scanner.run()
    }

    /// Throws ``CoreError/io(path:reason:)`` naming `path` and the line when ``check(_:)`` finds a problem.
    package static func requireUnambiguous(_ data: Data, path: String) throws(CoreError) {
        if let p = check(data) { throw CoreError.io(path: "\(path):\(p.line)", reason: "ambiguous or malformed JSON: \(p.message)") }
    }

    private struct Scanner {
        let bytes: [UInt8]
        var i = 0
        var line = 1

        init(bytes: [UInt8]) { self.bytes = bytes }

        enum Frame {
            case object(keys: Set<String>)
            case array
        }

        mutating func run() -> Problem? {
            var stack: [Frame] = []
            skipSpace()
            // Expect a value; after it, either close containers or continue with ',' .
            var expectValue = true
            while true {
                if expectValue {
                    guard i < bytes.count else { return problem("unexpected end of text, expected a value") }
                    switch bytes[i] {
                    case 0x7B: // {
                        guard stack.count < StrictJSON.maxDepth else { return problem("nesting deeper than \(StrictJSON.maxDepth)") }
                        i += 1
                        skipSpace()
                        if i < bytes.count, bytes[i] == 0x7D {
                            i += 1
                            expectValue = false
                        } else {
                            stack.append(.object(keys: []))
                            if let p = readKey(into: &stack) { return p }
                            continue
                        }
                    case 0x5B: // [
                        guard stack.count < StrictJSON.maxDepth else { return problem("nesting deeper than \(StrictJSON.maxDepth)") }
                        i += 1
                        skipSpace()
                        if i < bytes.count, bytes[i] == 0x5D {
                            i += 1
                            expectValue = false
                        } else {
                            stack.append(.array)
                            continue
                        }
                    case 0x22:
                        guard readString() != nil else { return problem("malformed string") }
                        expectValue = false
                    case 0x74: guard literal("true") else { return problem("expected a value") }; expectValue = false
                    case 0x66: guard literal("false") else { return problem("expected a value") }; expectValue = false
                    case 0x6E: guard literal("null") else { return problem("expected a value") }; expectValue = false
                    default:
                        guard number() else { return problem("expected a value") }
                        expectValue = false
                    }
                }
                // After a value.
                skipSpace()
                guard let top = stack.last else {
                    return i == bytes.count ? nil : problem("text after the JSON value")
                }
                guard i < bytes.count else { return problem("unexpected end of text") }
                let b = bytes[i]
                switch top {
                case .array:
                    if b == 0x2C { i += 1; skipSpace(); expectValue = true; continue }
                    if b == 0x5D { i += 1; stack.removeLast(); expectValue = false; continue }
                    return problem("expected ',' or ']'")
                case .object:
                    if b == 0x2C {
                        i += 1
                        skipSpace()
                        if let p = readKey(into: &stack) { return p }
                        expectValue = true
                        continue
                    }
                    if b == 0x7D { i += 1; stack.removeLast(); expectValue = false; continue }
                    return problem("expected ',' or '}'")
                }
            }
        }

        /// Reads `"key" :` for the object on top of `stack`, recording the key.
        mutating func readKey(into stack: inout [Frame]) -> Problem? {
            guard i < bytes.count, bytes[i] == 0x22 else { return problem("expected a string key") }
            let keyLine = line
            guard let key = readString() else { return problem("malformed key string") }
            guard case .object(var keys) = stack.removeLast() else { return problem("internal: key outside an object") }
            guard keys.insert(key).inserted else {
                return Problem(line: keyLine, message: "duplicate key \"\(key)\" in one object (JSON readers disagree on which one counts)")
            }
            stack.append(.object(keys: keys))
            skipSpace()
            guard i < bytes.count, bytes[i] == 0x3A else { return problem("expected ':' after a key") }
            i += 1
            skipSpace()
            return nil
        }

        mutating func skipSpace() {
            while i < bytes.count {
                switch bytes[i] {
                case 0x0A: line += 1; i += 1
                case 0x20, 0x09, 0x0D: i += 1
                default: return
                }
            }
        }

        mutating func literal(_ word: String) -> Bool {
            let w = Array(word.utf8)
            guard i + w.count <= bytes.count, Array(bytes[i..<i + w.count]) == w else { return false }
            i += w.count
            return true
        }

        mutating func number() -> Bool {
            let start = i
            if i < bytes.count, bytes[i] == 0x2D { i += 1 }
            let d0 = i
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
            guard i > d0 else { return false }
            if i - d0 > 1, bytes[d0] == 0x30 { return false }
            if i < bytes.count, bytes[i] == 0x2E {
                i += 1
                let f0 = i
                while i < bytes.count, isDigit(bytes[i]) { i += 1 }
                guard i > f0 else { return false }
            }
            if i < bytes.count, bytes[i] == 0x65 || bytes[i] == 0x45 {
                i += 1
                if i < bytes.count, bytes[i] == 0x2B || bytes[i] == 0x2D { i += 1 }
                let e0 = i
                while i < bytes.count, isDigit(bytes[i]) { i += 1 }
                guard i > e0 else { return false }
            }
            return i > start
        }

        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

        /// Reads a string at `i` (on its opening quote) and returns it unescaped; nil when malformed.
        mutating func readString() -> String? {
            i += 1
            var out: [UInt8] = []
            var simple = true
            let start = i
            while i < bytes.count {
                let b = bytes[i]
                if b == 0x22 {
                    let result: String
                    if simple {
                        result = String(decoding: bytes[start..<i], as: UTF8.self)
                    } else {
                        result = String(decoding: out, as: UTF8.self)
                    }
                    i += 1
                    return result
                }
                if b < 0x20 { return nil }
                if b == 0x5C {
                    if simple { out.append(contentsOf: bytes[start..<i]); simple = false }
                    i += 1
                    guard i < bytes.count else { return nil }
                    switch bytes[i] {
                    case 0x22: out.append(0x22)
                    case 0x5C: out.append(0x5C)
                    case 0x2F: out.append(0x2F)
                    case 0x62: out.append(0x08)
                    case 0x66: out.append(0x0C)
                    case 0x6E: out.append(0x0A)
                    case 0x72: out.append(0x0D)
                    case 0x74: out.append(0x09)
                    case 0x75:
                        guard var code = hex4(at: i + 1) else { return nil }
                        i += 4
                        if (0xD800...0xDBFF).contains(code), i + 6 < bytes.count, bytes[i + 1] == 0x5C, bytes[i + 2] == 0x75,
                           let low = hex4(at: i + 3), (0xDC00...0xDFFF).contains(low) {
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                            i += 6
                        }
                        let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
                        out.append(contentsOf: Array(String(Character(scalar)).utf8))
                    default: return nil
                    }
                    i += 1
                    continue
                }
                if !simple { out.append(b) }
                i += 1
            }
            return nil
        }

        func hex4(at j: Int) -> UInt32? {
            guard j + 4 <= bytes.count else { return nil }
            var v: UInt32 = 0
            for k in j..<j + 4 {
                let b = bytes[k]
                let d: UInt32
                switch b {
                case 0x30...0x39: d = UInt32(b - 0x30)
                case 0x41...0x46: d = UInt32(b - 0x41 + 10)
                case 0x61...0x66: d = UInt32(b - 0x61 + 10)
                default: return nil
                }
                v = v << 4 | d
            }
            return v
        }

        func problem(_ message: String) -> Problem { Problem(line: line, message: message + " (byte \(i))") }
    }
}
