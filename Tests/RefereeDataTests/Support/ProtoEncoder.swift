/// A minimal protobuf encoder for building test models field by field (independent of the
/// reader under test: it only appends bytes).
struct ProtoEncoder {
    var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func key(_ field: UInt64, _ wire: UInt64) { varint(field << 3 | wire) }

    mutating func int(_ field: UInt64, _ value: Int64) {
        key(field, 0)
        varint(UInt64(bitPattern: value))
    }

    mutating func fixed32(_ field: UInt64, _ value: UInt32) {
        key(field, 5)
        for k in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt32(k)))) }
    }

    mutating func fixed64(_ field: UInt64, _ value: UInt64) {
        key(field, 1)
        for k in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(k)))) }
    }

    mutating func data(_ field: UInt64, _ payload: [UInt8]) {
        key(field, 2)
        varint(UInt64(payload.count))
        bytes.append(contentsOf: payload)
    }

    mutating func string(_ field: UInt64, _ text: String) { data(field, Array(text.utf8)) }
}

/// Builds a small ModelProto: the pieces, a trainer spec, a normalizer spec, and unknown fields of
/// every wire type at each level (which the reader must skip).
func encodeModel(
    _ pieces: [(String, Float, Int64?)],
    modelType: Int64 = 2,
    vocabSize: Int64? = nil,
    byteFallback: Bool = true,
    normalizer: String = "nmt_nfkc",
    unknownFields: Bool = true
) -> [UInt8] {
    var model = ProtoEncoder()
    if unknownFields { model.int(99, 7) }
    for (text, score, type) in pieces {
        var p = ProtoEncoder()
        p.string(1, text)
        p.fixed32(2, score.bitPattern)
        if let type { p.int(3, type) }
        if unknownFields { p.fixed64(7, 0xDEAD_BEEF) }
        model.data(1, p.bytes)
    }
    var trainer = ProtoEncoder()
    trainer.string(2, "prefix")
    trainer.int(3, modelType)
    trainer.int(4, vocabSize ?? Int64(pieces.count))
    if unknownFields { trainer.fixed32(10, Float(0.9995).bitPattern) }
    trainer.int(35, byteFallback ? 1 : 0)
    trainer.int(40, 3)
    trainer.int(41, 1)
    trainer.int(42, 2)
    trainer.int(43, 0)
    model.data(2, trainer.bytes)
    var norm = ProtoEncoder()
    norm.string(1, normalizer)
    norm.data(2, [1, 2, 3, 4])
    norm.int(3, 0)
    model.data(3, norm.bytes)
    if unknownFields {
        model.fixed64(50, 1)
        model.data(51, [9, 9, 9])
    }
    return model.bytes
}

/// A tiny vocabulary with every piece type, used by several suites.
/// Ids: 0 <pad> control, 1 <s> control, 2 </s> control, 3 <unk> unknown, 4 <0x41> byte,
/// 5 "▁the" normal, 6 "cat" normal, 7 "▁" normal, 8 "é" normal (2 bytes), 9 "▁日本" normal,
/// 10 "<mask>" unused, 11 "\u{E001}" user-defined (3 bytes).
let tinyPieces: [(String, Float, Int64?)] = [
    ("<pad>", 0, 3), ("<s>", 0, 3), ("</s>", 0, 3), ("<unk>", 0, 2), ("<0x41>", 0, 6),
    ("\u{2581}the", -1, nil), ("cat", -2, 1), ("\u{2581}", -3, 1), ("é", -4, 1),
    ("\u{2581}日本", -5, 1), ("<mask>", 0, 5), ("\u{E001}", 0, 4),
]
