/// A SentencePiece ModelProto built byte by byte (seed for the tokenizer fuzzer and the
/// `data bytes` regressions): control, unknown, byte and normal pieces and a trainer spec.
enum TinyModel {
    static func varint(_ value: UInt64, into out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    static func field(_ number: UInt64, _ payload: [UInt8], into out: inout [UInt8]) {
        varint(number << 3 | 2, into: &out)
        varint(UInt64(payload.count), into: &out)
        out += payload
    }

    static func int(_ number: UInt64, _ value: Int64, into out: inout [UInt8]) {
        varint(number << 3, into: &out)
        varint(UInt64(bitPattern: value), into: &out)
    }

    static let bytes: [UInt8] = {
        var model: [UInt8] = []
        let pieces: [(String, Int64)] = [("<pad>", 3), ("<s>", 3), ("</s>", 3), ("<unk>", 2), ("<0x41>", 6),
                                         ("\u{2581}the", 1), ("cat", 1), ("\u{2581}", 1), ("é", 1)]
        for (text, type) in pieces {
            var p: [UInt8] = []
            field(1, Array(text.utf8), into: &p)
            varint(2 << 3 | 5, into: &p)
            p += [0, 0, 128, 191]  // -1.0 as float32
            int(3, type, into: &p)
            field(1, p, into: &model)
        }
        var trainer: [UInt8] = []
        int(3, 2, into: &trainer)
        int(4, Int64(pieces.count), into: &trainer)
        int(35, 1, into: &trainer)
        int(40, 3, into: &trainer)
        int(41, 1, into: &trainer)
        int(42, 2, into: &trainer)
        int(43, 0, into: &trainer)
        field(2, trainer, into: &model)
        var norm: [UInt8] = []
        field(1, Array("identity".utf8), into: &norm)
        field(3, norm, into: &model)
        return model
    }()
}
