/// The words of a submission: what the author says about it. Numbers never come from here.
package struct SubmissionMetadata: Codable, Hashable, Sendable {
    package var author: String
    package var githubID: String
    package var name: String
    /// One paragraph; when empty, a sentence is generated from the results.
    package var blurb: String
    /// `YYYY-MM-DD`, chosen by ``RecordDate``.
    package var date: String

    package init(author: String, githubID: String, name: String, blurb: String, date: String) {
        self.author = author
        self.githubID = githubID
        self.name = name
        self.blurb = blurb
        self.date = date
    }
}

/// The earlier record a new one is compared with (`--against`).
package struct Comparison: Codable, Hashable, Sendable {
    /// The earlier record's path as given.
    package var record: String
    /// Its distinct runs' val_loss values (nats).
    package var valLosses: [Double]
    /// Required improvement in nats (0.005 by the README's rule).
    package var marginNats: Double
    /// Its distinct scored runs' val_bpb values: with them the test runs in bits per byte
    /// (``ImprovementTest``), which stays meaningful when the tokenizers differ.
    package var valBPBs: [Double]

    package init(record: String, valLosses: [Double], marginNats: Double = 0.005, valBPBs: [Double] = []) {
        self.record = record
        self.valLosses = valLosses
        self.marginNats = marginNats
        self.valBPBs = valBPBs
    }
}
