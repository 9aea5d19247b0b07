import Foundation

/// JSON encoding used for every file and report Referee writes: sorted keys, stable output,
/// slashes unescaped, so that unchanged input gives byte-identical output.
package enum CanonicalJSON {
    package static func encoder(pretty: Bool = true) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty
            ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            : [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Encodes `value` and appends a final newline when pretty-printing.
    package static func encode<T: Encodable>(_ value: T, pretty: Bool = true) throws -> Data {
        var data = try encoder(pretty: pretty).encode(value)
        if pretty { data.append(0x0A) }
        return data
    }
}
