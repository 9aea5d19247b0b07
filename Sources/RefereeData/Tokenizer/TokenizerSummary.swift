/// What `referee data inspect` reports about a tokenizer. JSON keys are snake_case:
/// `tokenizer`, `vocab_size`, `trainer_vocab_size`, `model_type`, `byte_fallback`,
/// `normalizer`, `add_dummy_prefix`, `pad_id`, `bos_id`, `eos_id`, `unk_id`, `piece_types`
/// (count per type name, types with no piece omitted).
package struct TokenizerSummary: Sendable, Equatable, Codable {
    package var tokenizer: String
    package var vocabSize: Int
    package var trainerVocabSize: Int
    package var modelType: String
    package var byteFallback: Bool
    package var normalizer: String
    package var addDummyPrefix: Bool
    package var padId: Int
    package var bosId: Int
    package var eosId: Int
    package var unkId: Int
    package var pieceTypes: [String: Int]

    enum CodingKeys: String, CodingKey {
        case tokenizer
        case vocabSize = "vocab_size"
        case trainerVocabSize = "trainer_vocab_size"
        case modelType = "model_type"
        case byteFallback = "byte_fallback"
        case normalizer
        case addDummyPrefix = "add_dummy_prefix"
        case padId = "pad_id"
        case bosId = "bos_id"
        case eosId = "eos_id"
        case unkId = "unk_id"
        case pieceTypes = "piece_types"
    }

    package init(model: TokenizerModel, path: String) {
        tokenizer = path
        vocabSize = model.vocabSize
        trainerVocabSize = Int(model.trainerSpec.vocabSize)
        modelType = model.trainerSpec.modelType.description
        byteFallback = model.trainerSpec.byteFallback
        normalizer = model.normalizerSpec.name
        addDummyPrefix = model.normalizerSpec.addDummyPrefix
        padId = Int(model.trainerSpec.padId)
        bosId = Int(model.trainerSpec.bosId)
        eosId = Int(model.trainerSpec.eosId)
        unkId = Int(model.trainerSpec.unkId)
        var types: [String: Int] = [:]
        for (type, count) in model.countsByType { types[type.description] = count }
        pieceTypes = types
    }

    /// `key: value` lines, piece types in enum order.
    package func text() -> String {
        var out = """
        tokenizer: \(tokenizer)
        vocab_size: \(vocabSize)
        trainer_vocab_size: \(trainerVocabSize)
        model_type: \(modelType)
        byte_fallback: \(byteFallback)
        normalizer: \(normalizer)
        add_dummy_prefix: \(addDummyPrefix)
        special ids: pad \(padId), bos \(bosId), eos \(eosId), unk \(unkId)
        piece types:

        """
        for type in PieceType.allCases {
            if let n = pieceTypes[type.description] { out += "  \(type.description): \(n)\n" }
        }
        return out
    }
}
