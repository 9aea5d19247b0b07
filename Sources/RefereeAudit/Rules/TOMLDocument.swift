/// A value of the TOML subset that rule files use.
package enum TOMLValue: Hashable, Sendable {
    case string(String)
    case integer(Int)
    case float(Double)
    case bool(Bool)
    case array([TOMLValue])
    case table(TOMLTable)

    /// A short name of the value's type, for error messages.
    package var typeName: String {
        switch self {
        case .string: return "string"
        case .integer: return "integer"
        case .float: return "float"
        case .bool: return "boolean"
        case .array: return "array"
        case .table: return "table"
        }
    }

    /// The value as a number when it is an integer or a float.
    package var number: Double? {
        switch self {
        case .integer(let i): return Double(i)
        case .float(let d): return d
        default: return nil
        }
    }
}

/// A TOML table: keys in the order they were written, each with the line it was set on.
package struct TOMLTable: Hashable, Sendable {
    /// Line of the table's header (`[[rule]]`), 0 for the root table.
    package var line: Int
    package private(set) var keys: [String] = []
    private var values: [String: TOMLValue] = [:]
    private var lines: [String: Int] = [:]

    package init(line: Int) {
        self.line = line
    }

    package subscript(key: String) -> TOMLValue? { values[key] }

    /// The line `key` was set on (the table's header line when unknown).
    package func line(of key: String) -> Int { lines[key] ?? line }

    /// Sets `key`; returns false when it was already set (TOML forbids redefinition).
    mutating func set(_ key: String, _ value: TOMLValue, line: Int) -> Bool {
        if values[key] != nil { return false }
        keys.append(key)
        values[key] = value
        lines[key] = line
        return true
    }

    /// Replaces the value of an existing key (used to extend a dotted-key sub-table).
    mutating func replace(_ key: String, _ value: TOMLValue) {
        values[key] = value
    }
}

/// A parsed rule file: the root table and the arrays of tables (`[[name]]`).
package struct TOMLDocument: Hashable, Sendable {
    package var root: TOMLTable
    /// `[[name]]` tables by name, in file order.
    package var arrays: [String: [TOMLTable]]

    package init(root: TOMLTable, arrays: [String: [TOMLTable]]) {
        self.root = root
        self.arrays = arrays
    }
}
