/// Turns parsed TOML tables into ``Rule`` values, with errors naming file, line and expectation.
struct RuleFileSchema {
    let path: String

    static let ruleKeys = ["id", "statement", "severity", "thresholds", "source", "parameters"]

    func fail(_ line: Int, _ expected: String) -> AuditError {
        AuditError.badRules(path: path, line: line, expected: expected)
    }

    func checkKeys(_ table: TOMLTable, allowed: [String], what: String) throws(AuditError) {
        for key in table.keys where !allowed.contains(key) {
            throw fail(table.line(of: key), "a \(what) among \(allowed.joined(separator: ", ")), not '\(key)'")
        }
    }

    func string(_ key: String, in table: TOMLTable) throws(AuditError) -> String {
        guard let value = table[key] else {
            let place = table.line == 0 ? "at the top of the file" : "in the table starting at line \(table.line)"
            throw fail(table.line == 0 ? 1 : table.line, "a '\(key)' string \(place)")
        }
        guard case .string(let s) = value, !s.isEmpty else {
            throw fail(table.line(of: key), "'\(key)' to be a non-empty string, not a \(value.typeName)")
        }
        return s
    }

    /// `source` is a string, or an array of strings joined with "; ".
    func sourceText(in table: TOMLTable) throws(AuditError) -> String {
        if case .array(let items)? = table["source"] {
            var parts: [String] = []
            for item in items {
                guard case .string(let s) = item, !s.isEmpty else {
                    throw fail(table.line(of: "source"), "'source' to be a string or an array of non-empty strings, found a \(item.typeName)")
                }
                parts.append(s)
            }
            guard !parts.isEmpty else { throw fail(table.line(of: "source"), "at least one source") }
            return parts.joined(separator: "; ")
        }
        return try string("source", in: table)
    }

    func rule(_ table: TOMLTable) throws(AuditError) -> Rule {
        try checkKeys(table, allowed: Self.ruleKeys, what: "rule key")
        let id = try string("id", in: table)
        guard id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "." || $0 == "-") }), id.contains(".") else {
            throw fail(table.line(of: "id"), "a rule id like 'size.artifact-cap' (lowercase family '.' name), not '\(id)'")
        }
        let statement = try string("statement", in: table)
        let severityText = try string("severity", in: table)
        guard let severity = Severity(rawValue: severityText) else {
            throw fail(table.line(of: "severity"), "severity \"error\" or \"warning\", not \"\(severityText)\"")
        }
        let source = try sourceText(in: table)
        var thresholds: [String: Double] = [:]
        if let value = table["thresholds"] {
            guard case .table(let t) = value else {
                throw fail(table.line(of: "thresholds"), "'thresholds' to be a table of numbers ({ name = 1.0 } or thresholds.name = 1.0), not a \(value.typeName)")
            }
            for key in t.keys {
                guard let number = t[key]?.number else {
                    throw fail(t.line(of: key), "threshold '\(key)' of rule '\(id)' to be a number, not a \(t[key]?.typeName ?? "missing value")")
                }
                thresholds[key] = number
            }
        }
        var parameters: [String: String] = [:]
        if let value = table["parameters"] {
            guard case .table(let t) = value else {
                throw fail(table.line(of: "parameters"), "'parameters' to be a table of strings, not a \(value.typeName)")
            }
            for key in t.keys {
                guard case .string(let s)? = t[key] else {
                    throw fail(t.line(of: key), "parameter '\(key)' of rule '\(id)' to be a string, not a \(t[key]?.typeName ?? "missing value")")
                }
                parameters[key] = s
            }
        }
        return Rule(id: id, statement: statement, severity: severity, thresholds: thresholds, source: source, parameters: parameters)
    }
}
