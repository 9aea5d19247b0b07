import Foundation
import RefereeCore

/// Per-seed numbers a submission.json claims.
public struct SeedClaim: Codable, Hashable, Sendable {
    public var seed: String
    public var valBPB: Double?
    public var valLoss: Double?
    public var artifactBytes: Int?
    public init(seed: String, valBPB: Double? = nil, valLoss: Double? = nil, artifactBytes: Int? = nil) {
        self.seed = seed
        self.valBPB = valBPB
        self.valLoss = valLoss
        self.artifactBytes = artifactBytes
    }
}

/// What a record's submission.json claims. The file has no fixed schema: every field is
/// optional, and a field of the wrong type is an error naming the file and the field.
public struct SubmissionClaims: Codable, Hashable, Sendable {
    public var path: String
    public var name: String?
    public var author: String?
    public var githubID: String?
    public var date: String?
    public var track: String?
    public var valBPB: Double?
    /// Decimal places of val_bpb as written in the file (claims are compared at this precision).
    public var valBPBDecimals: Int?
    public var valLoss: Double?
    public var bytesTotal: Int?
    public var bytesCode: Int?
    public var seeds: [SeedClaim]
    public init(path: String) {
        self.path = path
        self.seeds = []
    }
}
