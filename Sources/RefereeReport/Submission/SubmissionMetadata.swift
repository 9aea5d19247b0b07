/// The words of a submission: what the author says about it. Numbers never come from here.
public struct SubmissionMetadata: Codable, Hashable, Sendable {
    public var author: String
    public var githubID: String
    public var name: String
    /// One paragraph; when empty, a sentence is generated from the results.
    public var blurb: String
    /// `YYYY-MM-DD`, chosen by ``RecordDate``.
    public var date: String

    public init(author: String, githubID: String, name: String, blurb: String, date: String) {
        self.author = author
        self.githubID = githubID
        self.name = name
        self.blurb = blurb
        self.date = date
    }
}

/// The earlier record a new one is compared with (`--against`).
public struct Comparison: Codable, Hashable, Sendable {
    /// The earlier record's path as given.
    public var record: String
    /// Its distinct runs' val_loss values (nats).
    public var valLosses: [Double]
    /// Required improvement in nats (0.005 by the README's rule).
    public var marginNats: Double
    /// Its distinct scored runs' val_bpb values: with them the test runs in bits per byte
    /// (``ImprovementTest``), which stays meaningful when the tokenizers differ.
    public var valBPBs: [Double]

    public init(record: String, valLosses: [Double], marginNats: Double = 0.005, valBPBs: [Double] = []) {
        self.record = record
        self.valLosses = valLosses
        self.marginNats = marginNats
        self.valBPBs = valBPBs
    }
}
