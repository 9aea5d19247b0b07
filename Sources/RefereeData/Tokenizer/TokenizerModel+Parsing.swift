extension TokenizerModel {
    /// Parses the protobuf bytes of a `ModelProto`.
    ///
    /// Reads `pieces` (field 1), `trainer_spec` (2) and `normalizer_spec` (3); every other field,
    /// of any wire type, is skipped. Throws `DataError.malformed` with the absolute offset of the
    /// first byte that does not fit the format; an empty vocabulary is malformed too.
    package init(bytes: [UInt8], path: String) throws(DataError) {
        if bytes.count >= 4, Array(bytes[0..<4]) == Array(ShardHeader(tokenCount: 0).encoded()[0..<4]) {
            throw DataError.malformed(path: path, offset: 0, expected: "a SentencePiece .model protobuf (this file starts with the FineWeb shard magic 20240520: a token shard, not a tokenizer)")
        }
        var reader = ProtoReader(path: path, bytes: bytes)
        var pieces: [Piece] = []
        var trainer = TrainerSpec()
        var normalizer = NormalizerSpec()
        while let field = try reader.readField() {
            switch field.number {
            case 1:
                var sub = try reader.readMessage(field, "a SentencePiece message")
                pieces.append(try Self.parsePiece(&sub, index: pieces.count))
            case 2:
                var sub = try reader.readMessage(field, "a TrainerSpec message")
                trainer = try Self.parseTrainer(&sub)
            case 3:
                var sub = try reader.readMessage(field, "a NormalizerSpec message")
                normalizer = try Self.parseNormalizer(&sub)
            default:
                try reader.skip(field)
            }
        }
        guard !pieces.isEmpty else {
            throw reader.malformed("at least one SentencePiece (field 1) in the ModelProto", at: 0)
        }
        self.init(pieces: pieces, trainerSpec: trainer, normalizerSpec: normalizer)
    }

    static func parsePiece(_ r: inout ProtoReader, index: Int) throws(DataError) -> Piece {
        let start = r.offset
        var text: String?
        var piece = Piece(piece: "")
        while let field = try r.readField() {
            switch field.number {
            case 1: text = try r.readString(field, "piece \(index) text")
            case 2: piece.score = try r.readFloat(field, "piece \(index) score")
            case 3:
                let raw = try r.readInt32(field, "piece \(index) type")
                guard let type = PieceType(rawValue: raw) else {
                    throw r.malformed("piece \(index) type 1…6 (NORMAL…BYTE), found \(raw)", at: field.offset)
                }
                piece.type = type
            default: try r.skip(field)
            }
        }
        guard let text else { throw r.malformed("piece \(index) to have its text (field 1)", at: start) }
        piece.piece = text
        return piece
    }

    static func parseTrainer(_ r: inout ProtoReader) throws(DataError) -> TrainerSpec {
        var spec = TrainerSpec()
        while let field = try r.readField() {
            switch field.number {
            case 3:
                let raw = try r.readInt32(field, "trainer_spec.model_type")
                guard let type = ModelType(rawValue: raw) else {
                    throw r.malformed("trainer_spec.model_type 1…4 (UNIGRAM, BPE, WORD, CHAR), found \(raw)", at: field.offset)
                }
                spec.modelType = type
            case 4: spec.vocabSize = try r.readInt32(field, "trainer_spec.vocab_size")
            case 35: spec.byteFallback = try r.readBool(field, "trainer_spec.byte_fallback")
            case 40: spec.unkId = try r.readInt32(field, "trainer_spec.unk_id")
            case 41: spec.bosId = try r.readInt32(field, "trainer_spec.bos_id")
            case 42: spec.eosId = try r.readInt32(field, "trainer_spec.eos_id")
            case 43: spec.padId = try r.readInt32(field, "trainer_spec.pad_id")
            default: try r.skip(field)
            }
        }
        return spec
    }

    static func parseNormalizer(_ r: inout ProtoReader) throws(DataError) -> NormalizerSpec {
        var spec = NormalizerSpec()
        while let field = try r.readField() {
            switch field.number {
            case 1: spec.name = try r.readString(field, "normalizer_spec.name")
            case 3: spec.addDummyPrefix = try r.readBool(field, "normalizer_spec.add_dummy_prefix")
            case 4: spec.removeExtraWhitespaces = try r.readBool(field, "normalizer_spec.remove_extra_whitespaces")
            case 5: spec.escapeWhitespaces = try r.readBool(field, "normalizer_spec.escape_whitespaces")
            default: try r.skip(field)
            }
        }
        return spec
    }
}
