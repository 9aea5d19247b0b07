/// The parts of `TrainerSpec` (ModelProto field 2) that matter for byte counting and reports.
///
/// Defaults are protobuf's defaults for SentencePiece's schema when a field is absent.
package struct TrainerSpec: Sendable, Equatable, Codable {
    /// `model_type` (field 3); default unigram.
    package var modelType: ModelType = .unigram
    /// `vocab_size` (field 4) as trained; the model's real size is the number of pieces.
    package var vocabSize: Int32 = 8000
    /// `byte_fallback` (field 35).
    package var byteFallback: Bool = false
    /// `unk_id` (40), `bos_id` (41), `eos_id` (42), `pad_id` (43); -1 means disabled.
    package var unkId: Int32 = 0
    package var bosId: Int32 = 1
    package var eosId: Int32 = 2
    package var padId: Int32 = -1

    package init() {}
}

/// The parts of `NormalizerSpec` (ModelProto field 3) worth reporting.
package struct NormalizerSpec: Sendable, Equatable, Codable {
    /// `name` (field 1), e.g. `nmt_nfkc`.
    package var name: String = ""
    /// `add_dummy_prefix` (field 3); default true.
    package var addDummyPrefix: Bool = true
    /// `remove_extra_whitespaces` (field 4); default true.
    package var removeExtraWhitespaces: Bool = true
    /// `escape_whitespaces` (field 5); default true.
    package var escapeWhitespaces: Bool = true

    package init() {}
}
