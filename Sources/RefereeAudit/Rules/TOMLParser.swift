import Foundation

/// A strict parser for the TOML subset that rule files use.
///
/// Supported: `# comments`; `key = value` with bare or dotted keys (`thresholds.max_bytes = 1`);
/// basic strings (`"…"` with `\" \\ \n \t \uXXXX` escapes) and literal strings (`'…'`); integers
/// (underscores allowed); floats (`1.5`, `1e-4`); booleans; one-line arrays; one-line inline tables
/// (`{ a = 1, b = "x" }`); `[[name]]` array-of-tables headers. Everything else (plain `[table]`
/// headers, multi-line strings or arrays, dates) is rejected with the file, the line and what was
/// expected — never guessed.
package struct TOMLParser: Sendable {
    /// The path named in errors.
    package var path: String

    package init(path: String) {
        self.path = path
    }

    /// Parses `text`; throws ``AuditError/badRules(path:line:expected:)`` on the first problem.
    package func parse(_ text: String) throws(AuditError) -> TOMLDocument {
        var root = TOMLTable(line: 0)
        var arrays: [String: [TOMLTable]] = [:]
        var current: String? = nil
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var scanner = LineScanner(chars: Array(rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine), line: lineNumber, path: path)
            scanner.skipSpaces()
            if scanner.atEndOrComment { continue }
            if scanner.peek == "[" {
                let name = try scanner.arrayHeader()
                arrays[name, default: []].append(TOMLTable(line: lineNumber))
                current = name
                continue
            }
            let key = try scanner.key()
            scanner.skipSpaces()
            try scanner.expect("=", what: "'=' after the key '\(key.joined(separator: "."))'")
            scanner.skipSpaces()
            let value = try scanner.value()
            scanner.skipSpaces()
            guard scanner.atEndOrComment else {
                throw scanner.error("end of line or a '#' comment after the value of '\(key.joined(separator: "."))'")
            }
            if let name = current {
                var table = arrays[name]!.removeLast()
                try insert(value, at: key, into: &table, line: lineNumber)
                arrays[name]!.append(table)
            } else {
                try insert(value, at: key, into: &root, line: lineNumber)
            }
        }
        return TOMLDocument(root: root, arrays: arrays)
    }

    private func insert(_ value: TOMLValue, at key: [String], into table: inout TOMLTable, line: Int) throws(AuditError) {
        let head = key[0]
        if key.count == 1 {
            guard table.set(head, value, line: line) else {
                throw AuditError.badRules(path: path, line: line, expected: "each key set once, but '\(head)' is set again (first at line \(table.line(of: head)))")
            }
            return
        }
        var sub: TOMLTable
        switch table[head] {
        case nil:
            sub = TOMLTable(line: line)
        case .table(let existing):
            sub = existing
        case let other?:
            throw AuditError.badRules(path: path, line: line, expected: "'\(head)' to be a table for the dotted key, but it is a \(other.typeName) (line \(table.line(of: head)))")
        }
        try insert(value, at: Array(key.dropFirst()), into: &sub, line: line)
        if table[head] == nil {
            _ = table.set(head, .table(sub), line: line)
        } else {
            table.replace(head, .table(sub))
        }
    }
}

/// Reads one line character by character.
private struct LineScanner {
    var chars: [Character]
    var index = 0
    let line: Int
    let path: String
    /// Arrays and inline tables open around the current value (recursion depth).
    var depth = 0
    /// Deepest nesting accepted: the parser recurses once per level, so a line of 200,000 `[`
    /// would overflow the stack (a crash, not an error) without a cap.
    static let maxDepth = 64

    init(chars: [Character], line: Int, path: String) {
        self.chars = chars
        self.line = line
        self.path = path
    }

    var peek: Character? { index < chars.count ? chars[index] : nil }
    var atEndOrComment: Bool { peek == nil || peek == "#" }

    func error(_ expected: String) -> AuditError {
        AuditError.badRules(path: path, line: line, expected: "expected \(expected) (column \(index + 1))")
    }

    mutating func skipSpaces() {
        while let c = peek, c == " " || c == "\t" { index += 1 }
    }

    mutating func expect(_ c: Character, what: String) throws(AuditError) {
        guard peek == c else { throw error(what) }
        index += 1
    }

    static func isBare(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "-")
    }

    mutating func bareKey() throws(AuditError) -> String {
        let start = index
        while let c = peek, LineScanner.isBare(c) { index += 1 }
        guard index > start else { throw error("a key (letters, digits, '_' or '-')") }
        return String(chars[start..<index])
    }

    /// A bare or dotted key.
    mutating func key() throws(AuditError) -> [String] {
        var parts = [try bareKey()]
        while true {
            skipSpaces()
            guard peek == "." else { break }
            index += 1
            skipSpaces()
            parts.append(try bareKey())
        }
        return parts
    }

    /// `[[name]]`.
    mutating func arrayHeader() throws(AuditError) -> String {
        guard index + 1 < chars.count, chars[index + 1] == "[" else {
            throw error("'[[name]]' (only arrays of tables such as [[rule]] are supported; write sub-tables inline or as dotted keys)")
        }
        index += 2
        skipSpaces()
        let name = try bareKey()
        skipSpaces()
        try expect("]", what: "']]' closing the table header")
        try expect("]", what: "']]' closing the table header")
        skipSpaces()
        guard atEndOrComment else { throw error("end of line after the table header") }
        return name
    }

    mutating func value() throws(AuditError) -> TOMLValue {
        guard let c = peek else { throw error("a value (string, number, boolean, array or inline table)") }
        switch c {
        case "\"": return .string(try basicString())
        case "'": return .string(try literalString())
        case "[", "{":
            guard depth < Self.maxDepth else { throw error("arrays and inline tables nested at most \(Self.maxDepth) deep") }
            depth += 1
            defer { depth -= 1 }
            return c == "[" ? try array() : try inlineTable()
        case "t", "f": return try boolean()
        default: return try number()
        }
    }

    mutating func basicString() throws(AuditError) -> String {
        index += 1
        var out = ""
        while let c = peek {
            index += 1
            if c == "\"" { return out }
            if c != "\\" { out.append(c); continue }
            guard let e = peek else { break }
            index += 1
            switch e {
            case "\"": out.append("\"")
            case "\\": out.append("\\")
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "u":
                guard index + 4 <= chars.count,
                      let code = UInt32(String(chars[index..<index + 4]), radix: 16),
                      let scalar = Unicode.Scalar(code) else {
                    throw error("four hex digits after \\u")
                }
                index += 4
                out.unicodeScalars.append(scalar)
            default:
                index -= 1
                throw error("a valid escape (\\\" \\\\ \\n \\t \\r \\uXXXX), not '\\\(e)'")
            }
        }
        throw error("a closing '\"' on the same line (multi-line strings are not supported)")
    }

    mutating func literalString() throws(AuditError) -> String {
        index += 1
        let start = index
        while let c = peek {
            if c == "'" {
                let s = String(chars[start..<index])
                index += 1
                return s
            }
            index += 1
        }
        throw error("a closing \"'\" on the same line")
    }

    mutating func boolean() throws(AuditError) -> TOMLValue {
        let rest = String(chars[index...])
        if rest.hasPrefix("true") { index += 4; return .bool(true) }
        if rest.hasPrefix("false") { index += 5; return .bool(false) }
        throw error("a value: true, false, a number, a quoted string, an array or an inline table")
    }

    mutating func number() throws(AuditError) -> TOMLValue {
        let start = index
        while let c = peek, c.isASCII, c.isLetter || c.isNumber || "+-._".contains(c) { index += 1 }
        let raw = String(chars[start..<index])
        guard !raw.isEmpty else {
            throw error("a value: a quoted string, a number, true/false, an array or an inline table")
        }
        if raw.hasPrefix("_") || raw.hasSuffix("_") || raw.contains("__") {
            index = start
            throw error("a number with '_' only between digits, got '\(raw)'")
        }
        let text = raw.replacingOccurrences(of: "_", with: "")
        if let i = Int(text) { return .integer(i) }
        let isFloatSyntax = text.allSatisfy { $0.isNumber || "+-.eE".contains($0) } && text.contains(where: \.isNumber)
        if isFloatSyntax, !text.hasPrefix("."), !text.hasSuffix("."), let d = Double(text), d.isFinite {
            return .float(d)
        }
        index = start
        throw error("a value: a number, a quoted string, true/false, an array or an inline table, got '\(raw)'")
    }

    mutating func array() throws(AuditError) -> TOMLValue {
        index += 1
        var items: [TOMLValue] = []
        while true {
            skipSpaces()
            if peek == "]" { index += 1; return .array(items) }
            if peek == nil || peek == "#" { throw error("']' closing the array on the same line") }
            items.append(try value())
            skipSpaces()
            if peek == "," { index += 1; continue }
            if peek == "]" { index += 1; return .array(items) }
            throw error("',' or ']' in the array")
        }
    }

    mutating func inlineTable() throws(AuditError) -> TOMLValue {
        let headerLine = line
        index += 1
        var table = TOMLTable(line: headerLine)
        skipSpaces()
        if peek == "}" { index += 1; return .table(table) }
        while true {
            skipSpaces()
            let key = try bareKey()
            skipSpaces()
            try expect("=", what: "'=' after '\(key)' in the inline table")
            skipSpaces()
            let v = try value()
            guard table.set(key, v, line: line) else { throw error("'\(key)' set once in the inline table") }
            skipSpaces()
            if peek == "," { index += 1; continue }
            if peek == "}" { index += 1; return .table(table) }
            throw error("',' or '}' in the inline table (inline tables must fit on one line)")
        }
    }
}
