import Foundation

/// A JSON value with its type kept, the one JSON tree of the package: submission.json is read
/// into it (a `true` is never a number, a number never a string), and opaque documents
/// (`run.json`, `environment.json`) are embedded in a bundle's predicate through it and compared.
/// Integers that fit in `Int64` stay `.int`; other numbers are `.double`.
package indirect enum JSONValue: Codable, Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a JSON value")
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The value of a number (`.int` or `.double`) as a `Double`; nil for any other type.
    package var number: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    /// The value of a number that is a whole number below 9e15 in magnitude (exact in a
    /// `Double`), as an `Int`; nil otherwise (`1.5`, a string, …).
    package var integer: Int? {
        guard let d = number, d == d.rounded(), abs(d) < 9e15 else { return nil }
        return Int(d)
    }

    /// A short name of the type, for error messages.
    package var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// Parses `data`; on malformed JSON returns the 1-based line of the error when the parser says.
    package static func parse(_ data: Data) -> Result<JSONValue, JSONParseFailure> {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            let message = (error as NSError).userInfo["NSDebugDescription"] as? String ?? "\(error)"
            return .failure(JSONParseFailure(line: line(ofCharacterIn: message, data: data), message: message))
        }
        do {
            return .success(try JSONDecoder().decode(JSONValue.self, from: data))
        } catch {
            return .failure(JSONParseFailure(line: nil, message: "\(error)"))
        }
    }

    /// Maps "… around character 22." (or "line 3") in a parser message to a line of `data`;
    /// "end of file" maps to the last line.
    private static func line(ofCharacterIn message: String, data: Data) -> Int? {
        if message.lowercased().contains("end of file") {
            let newlines = data.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            return max(1, data.last == 0x0A ? newlines : newlines + 1)
        }
        let words = message.split(whereSeparator: { $0 == " " || $0 == "." || $0 == "," })
        for (i, w) in words.enumerated() where i + 1 < words.count {
            if w == "line", let l = Int(words[i + 1]) { return l }
            if w == "character", let c = Int(words[i + 1]) {
                let bytes = data.prefix(max(0, c))
                return bytes.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
            }
        }
        return nil
    }
}

/// Why a JSON file could not be parsed: the 1-based line when the parser names one.
package struct JSONParseFailure: Error, Sendable {
    package var line: Int?
    package var message: String
}
