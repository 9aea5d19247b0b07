import Foundation

/// A parsed JSON value with its type kept (a `true` is never a number, a number never a string).
enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null; return }
        if let b = try? c.decode(Bool.self) { self = .bool(b); return }
        if let d = try? c.decode(Double.self) { self = .number(d); return }
        if let s = try? c.decode(String.self) { self = .string(s); return }
        if let a = try? c.decode([JSONValue].self) { self = .array(a); return }
        self = .object(try c.decode([String: JSONValue].self))
    }

    /// A short name of the type, for error messages.
    var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// Parses `data`; on malformed JSON returns the 1-based line of the error when the parser says.
    static func parse(_ data: Data) -> Result<JSONValue, JSONParseFailure> {
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

/// Why a JSON file could not be parsed.
struct JSONParseFailure: Error {
    var line: Int?
    var message: String
}
