/// The protobuf wire types Referee understands (groups, wire types 3 and 4, are rejected).
enum WireType: UInt8, Sendable {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case fixed32 = 5
}

/// One field read from a protobuf message: its number, wire type and the absolute byte offset of
/// its key in the file (for error messages).
struct ProtoField: Sendable {
    var number: UInt64
    var wireType: WireType
    var offset: Int
}

/// A bounds-checked cursor over the bytes of one protobuf message.
///
/// Every read checks the remaining length first, so truncated or random input ends in
/// `DataError.malformed` naming the absolute offset, never in a trap. Offsets are absolute in the
/// file: a nested reader starts at its parent's offset of the submessage.
struct ProtoReader {
    let path: String
    private let bytes: [UInt8]
    private var index: Int
    private let end: Int

    /// Reads `bytes[range]`, reporting errors against `path`.
    init(path: String, bytes: [UInt8], range: Range<Int>? = nil) {
        self.path = path
        self.bytes = bytes
        let r = range ?? bytes.indices
        self.index = r.lowerBound
        self.end = r.upperBound
    }

    /// True once every byte of the message has been consumed.
    var isAtEnd: Bool { index >= end }

    /// The absolute offset of the next byte.
    var offset: Int { index }

    func malformed(_ expected: String, at offset: Int? = nil) -> DataError {
        .malformed(path: path, offset: offset ?? index, expected: expected)
    }

    /// Reads a base-128 varint of at most 10 bytes.
    mutating func readVarint() throws(DataError) -> UInt64 {
        let start = index
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard index < end else { throw malformed("a varint (message ends inside it)", at: start) }
            let byte = bytes[index]
            index += 1
            if shift == 63 && byte > 1 { throw malformed("a varint of at most 64 bits", at: start) }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw malformed("a varint of at most 10 bytes", at: start) }
        }
    }

    /// Reads a field key; nil at the end of the message.
    mutating func readField() throws(DataError) -> ProtoField? {
        guard !isAtEnd else { return nil }
        let start = index
        let key = try readVarint()
        let number = key >> 3
        guard number > 0 else { throw malformed("a field number ≥ 1 in a field key", at: start) }
        guard let wire = WireType(rawValue: UInt8(key & 7)) else {
            throw malformed("wire type 0, 1, 2 or 5 (found \(key & 7))", at: start)
        }
        return ProtoField(number: number, wireType: wire, offset: start)
    }

    /// Reads the length prefix of a length-delimited field and returns the byte range it covers.
    mutating func readLengthDelimited() throws(DataError) -> Range<Int> {
        let start = index
        let length = try readVarint()
        let remaining = end - index
        guard length <= UInt64(remaining) else {
            throw malformed("\(length) bytes of a length-delimited field (only \(remaining) left)", at: start)
        }
        let range = index..<(index + Int(length))
        index = range.upperBound
        return range
    }

    /// Reads 4 little-endian bytes.
    mutating func readFixed32() throws(DataError) -> UInt32 {
        guard end - index >= 4 else { throw malformed("4 bytes of a 32-bit field") }
        var value: UInt32 = 0
        for k in 0..<4 { value |= UInt32(bytes[index + k]) << (8 * UInt32(k)) }
        index += 4
        return value
    }

    /// Reads 8 little-endian bytes.
    mutating func readFixed64() throws(DataError) -> UInt64 {
        guard end - index >= 8 else { throw malformed("8 bytes of a 64-bit field") }
        var value: UInt64 = 0
        for k in 0..<8 { value |= UInt64(bytes[index + k]) << (8 * UInt64(k)) }
        index += 8
        return value
    }

    /// Skips the value of a field that is not used.
    mutating func skip(_ field: ProtoField) throws(DataError) {
        switch field.wireType {
        case .varint: _ = try readVarint()
        case .fixed64: _ = try readFixed64()
        case .lengthDelimited: _ = try readLengthDelimited()
        case .fixed32: _ = try readFixed32()
        }
    }

    /// Checks that `field` has the wire type the schema gives it.
    func expect(_ field: ProtoField, _ wire: WireType, _ name: String) throws(DataError) {
        guard field.wireType == wire else {
            throw malformed("\(name) (field \(field.number)) with wire type \(wire.rawValue), found \(field.wireType.rawValue)", at: field.offset)
        }
    }

    /// Reads a length-delimited UTF-8 string.
    mutating func readString(_ field: ProtoField, _ name: String) throws(DataError) -> String {
        try expect(field, .lengthDelimited, name)
        let range = try readLengthDelimited()
        guard let string = String(validating: bytes[range], as: UTF8.self) else {
            throw malformed("\(name) as valid UTF-8", at: range.lowerBound)
        }
        return string
    }

    /// Reads a varint field as a signed 32-bit integer (protobuf int32 / enum encoding).
    mutating func readInt32(_ field: ProtoField, _ name: String) throws(DataError) -> Int32 {
        try expect(field, .varint, name)
        let value = try readVarint()
        return Int32(truncatingIfNeeded: value)
    }

    /// Reads a varint field as a bool.
    mutating func readBool(_ field: ProtoField, _ name: String) throws(DataError) -> Bool {
        try expect(field, .varint, name)
        return try readVarint() != 0
    }

    /// Reads a 32-bit float field.
    mutating func readFloat(_ field: ProtoField, _ name: String) throws(DataError) -> Float {
        try expect(field, .fixed32, name)
        return Float(bitPattern: try readFixed32())
    }

    /// A reader over a nested message's bytes (absolute offsets kept).
    mutating func readMessage(_ field: ProtoField, _ name: String) throws(DataError) -> ProtoReader {
        try expect(field, .lengthDelimited, name)
        let range = try readLengthDelimited()
        return ProtoReader(path: path, bytes: bytes, range: range)
    }
}
