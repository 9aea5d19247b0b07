/// The parts of `TrainerSpec` (ModelProto field 2) that matter for byte counting and reports.
///
/// Defaults are protobuf's defaults for SentencePiece's schema when a field is absent.
public struct TrainerSpec: Sendable, Equatable, Codable {
    /// `model_type` (field 3); default unigram.
    public var modelType: ModelType = .unigram
    /// `vocab_size` (field 4) as trained; the model's real size is the number of pieces.
    public var vocabSize: Int32 = 8000
    /// `byte_fallback` (field 35).
    public var byteFallback: Bool = false
    /// `unk_id` (40), `bos_id` (41), `eos_id` (42), `pad_id` (43); -1 means disabled.
    public var unkId: Int32 = 0
    public var bosId: Int32 = 1
    public var eosId: Int32 = 2
    public var padId: Int32 = -1

    public init() {}
}

/// The parts of `NormalizerSpec` (ModelProto field 3) worth reporting.
public struct NormalizerSpec: Sendable, Equatable, Codable {
    /// `name` (field 1), e.g. `nmt_nfkc`.
    public var name: String = ""
    /// `add_dummy_prefix` (field 3); default true.
    public var addDummyPrefix: Bool = true
    /// `remove_extra_whitespaces` (field 4); default true.
    public var removeExtraWhitespaces: Bool = true
    /// `escape_whitespaces` (field 5); default true.
    public var escapeWhitespaces: Bool = true

    public init() {}
}
