/// An in-toto Statement v1 (https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md)
/// whose predicate is a ``RecordPredicate``.
package struct InTotoStatement: Codable, Hashable, Sendable {
    /// Always ``BundleLayout/statementType``.
    package var type: String
    /// Every file of the record, sorted by path bytes.
    package var subject: [Subject]
    /// Always ``BundleLayout/predicateType``.
    package var predicateType: String
    package var predicate: RecordPredicate

    package init(subject: [Subject], predicate: RecordPredicate) {
        self.type = BundleLayout.statementType
        self.subject = subject
        self.predicateType = BundleLayout.predicateType
        self.predicate = predicate
    }

    enum CodingKeys: String, CodingKey {
        case type = "_type"
        case subject, predicateType, predicate
    }
}

/// One file of the record: its path relative to the record folder (`/`-separated) and digest.
package struct Subject: Codable, Hashable, Sendable {
    /// Relative path, e.g. `train_seed42.log` or `traces/seed42/rank0.jsonl`.
    package var name: String
    /// `{"sha256": "<64 lowercase hex>"}`.
    package var digest: [String: String]

    package init(name: String, sha256: String) {
        self.name = name
        self.digest = ["sha256": sha256]
    }

    /// The SHA-256 digest, when present.
    package var sha256: String? { digest["sha256"] }
}
