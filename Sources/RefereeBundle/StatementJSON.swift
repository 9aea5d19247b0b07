import Foundation
import RefereeCore

/// The signed statement's JSON, fast for records of many files: the subject list (one object
/// per file, most of the payload) is written and read directly as bytes, the predicate through
/// `JSONEncoder` / `JSONDecoder` as before.
///
/// Same bytes, same values: ``encode(_:)`` gives exactly `CanonicalJSON.encode(statement,
/// pretty: false)` (sorted keys, compact, slashes unescaped) and falls back to it whenever a
/// string would need escaping; ``decodeCanonical(_:)`` accepts only that canonical shape with
/// plain strings, and returns nil for anything else, which the caller then checks and decodes
/// as before (`StrictJSON`, `JSONDecoder`), so every error message is unchanged.
enum StatementJSON {
    /// The canonical compact JSON of `statement`.
    static func encode(_ statement: InTotoStatement) throws -> Data {
        guard isPlain(statement.type), isPlain(statement.predicateType),
              statement.subject.allSatisfy({ $0.digest.count == 1 && $0.sha256.map(isPlain) == true && isPlain($0.name) }) else {
            return try CanonicalJSON.encode(statement, pretty: false)
        }
        let predicate = try CanonicalJSON.encode(statement.predicate, pretty: false)
        var out = [UInt8]()
        out.reserveCapacity(predicate.count + statement.subject.reduce(200) { $0 + $1.name.utf8.count + 112 })
        out += #"{"_type":""#.utf8
        out += statement.type.utf8
        out += #"","predicate":"#.utf8
        out += predicate
        out += #","predicateType":""#.utf8
        out += statement.predicateType.utf8
        out += #"","subject":["#.utf8
        for (index, subject) in statement.subject.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out += #"{"digest":{"sha256":""#.utf8
            out += subject.sha256!.utf8
            out += #""},"name":""#.utf8
            out += subject.name.utf8
            out += #""}"#.utf8
        }
        out += "]}".utf8
        return Data(out)
    }

    /// The statement in `payload` when it has exactly the canonical shape that ``encode(_:)``
    /// writes with plain strings, its predicate free of duplicate keys (`StrictJSON`) and
    /// decodable; nil otherwise (decode it the general way, which reports what is wrong).
    static func decodeCanonical(_ payload: Data) -> InTotoStatement? {
        payload.withUnsafeBytes { raw -> InTotoStatement? in
            var reader = Reader(bytes: raw.bindMemory(to: UInt8.self))
            guard reader.expect(#"{"_type":""#), let type = reader.plainString(),
                  reader.expect(#","predicate":"#), let predicateRange = reader.skipObject(maxDepth: StrictJSON.maxDepth - 1),
                  reader.expect(#","predicateType":""#), let predicateType = reader.plainString(),
                  reader.expect(#","subject":["#) else { return nil }
            var subjects: [Subject] = []
            if !reader.expect("]") {
                while true {
                    guard reader.expect(#"{"digest":{"sha256":""#), let digest = reader.plainString(),
                          reader.expect(#"},"name":""#), let name = reader.plainString(), reader.expect("}") else { return nil }
                    subjects.append(Subject(name: name, sha256: digest))
                    if reader.expect(",") { continue }
                    guard reader.expect("]") else { return nil }
                    break
                }
            }
            guard reader.expect("}"), reader.atEnd else { return nil }
            let predicateBytes = Data(UnsafeRawBufferPointer(rebasing: raw[predicateRange]))
            guard StrictJSON.check(predicateBytes) == nil,
                  let predicate = try? JSONDecoder().decode(RecordPredicate.self, from: predicateBytes) else { return nil }
            var statement = InTotoStatement(subject: subjects, predicate: predicate)
            statement.type = type
            statement.predicateType = predicateType
            return statement
        }
    }

    /// True when `text` is written in JSON as itself between quotes: printable ASCII other than
    /// `"` and `\`.
    static func isPlain(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0

        var atEnd: Bool { i == bytes.count }

        /// Consumes `literal` when the bytes continue with it.
        mutating func expect(_ literal: StaticString) -> Bool {
            let n = literal.utf8CodeUnitCount
            guard bytes.count - i >= n, memcmp(bytes.baseAddress! + i, literal.utf8Start, n) == 0 else { return false }
            i += n
            return true
        }

        /// A plain string's text up to its closing quote (consumed); nil at anything else.
        mutating func plainString() -> String? {
            let start = i
            while i < bytes.count {
                let b = bytes[i]
                if b == UInt8(ascii: "\"") {
                    defer { i += 1 }
                    return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
                }
                guard b >= 0x20, b < 0x7F, b != UInt8(ascii: "\\") else { return nil }
                i += 1
            }
            return nil
        }

        /// Skips one JSON object (strings and nesting followed, not validated: the range is
        /// checked by `StrictJSON` and decoded after) and returns its byte range; nil when it
        /// does not start with `{`, never closes, or nests deeper than `maxDepth`.
        mutating func skipObject(maxDepth: Int) -> Range<Int>? {
            guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return nil }
            let start = i
            var depth = 0
            var inString = false
            while i < bytes.count {
                let b = bytes[i]
                i += 1
                if inString {
                    if b == UInt8(ascii: "\\") { i += 1 } else if b == UInt8(ascii: "\"") { inString = false }
                    continue
                }
                switch b {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                    if depth > maxDepth { return nil }
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return i <= bytes.count ? start..<i : nil }
                default: break
                }
            }
            return nil
        }
    }
}
