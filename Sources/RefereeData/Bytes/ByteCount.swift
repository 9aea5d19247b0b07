/// Token, target and byte counts of one shard within the concatenated validation stream.
///
/// `targets` counts the positions of this shard that are target positions of the whole stream:
/// every token except the very first of the stream. `bytes` is their baseline byte count (the
/// first token of a later shard is scored after the last token of the shard before).
package struct ShardByteCount: Sendable, Equatable, Codable {
    package var path: String
    package var tokens: Int
    package var targets: Int
    package var bytes: Int

    package init(path: String, tokens: Int, targets: Int, bytes: Int) {
        self.path = path
        self.tokens = tokens
        self.targets = targets
        self.bytes = bytes
    }
}

/// The byte denominator of a validation set: totals over target positions `1..<N` of the
/// shards concatenated in order, and each shard's share. JSON keys: `tokenizer`, `vocab_size`,
/// `shards` (each `path`, `tokens`, `targets`, `bytes`), `tokens`, `targets`, `bytes`.
package struct ByteCount: Sendable, Equatable, Codable {
    package var tokenizer: String
    package var vocabSize: Int
    package var shards: [ShardByteCount]
    package var tokens: Int
    package var targets: Int
    package var bytes: Int

    enum CodingKeys: String, CodingKey {
        case tokenizer
        case vocabSize = "vocab_size"
        case shards, tokens, targets, bytes
    }

    package init(tokenizer: String, vocabSize: Int, shards: [ShardByteCount]) {
        self.tokenizer = tokenizer
        self.vocabSize = vocabSize
        self.shards = shards
        tokens = shards.reduce(0) { $0 + $1.tokens }
        targets = shards.reduce(0) { $0 + $1.targets }
        bytes = shards.reduce(0) { $0 + $1.bytes }
    }
}
