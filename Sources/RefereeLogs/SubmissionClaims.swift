import Foundation
import RefereeCore

/// Per-seed numbers a submission.json claims.
package struct SeedClaim: Codable, Hashable, Sendable {
    package var seed: String
    package var valBPB: Double?
    package var valLoss: Double?
    package var artifactBytes: Int?
    package init(seed: String, valBPB: Double? = nil, valLoss: Double? = nil, artifactBytes: Int? = nil) {
        self.seed = seed
        self.valBPB = valBPB
        self.valLoss = valLoss
        self.artifactBytes = artifactBytes
    }
}

/// What a record's submission.json claims. The file has no fixed schema: every field is
/// optional, and a field of the wrong type is an error naming the file and the field.
package struct SubmissionClaims: Codable, Hashable, Sendable {
    package var path: String
    package var name: String?
    package var author: String?
    package var githubID: String?
    package var date: String?
    package var track: String?
    package var valBPB: Double?
    /// Decimal places of val_bpb as written in the file (claims are compared at this precision).
    package var valBPBDecimals: Int?
    package var valLoss: Double?
    package var bytesTotal: Int?
    package var bytesCode: Int?
    package var seeds: [SeedClaim]
    package init(path: String) {
        self.path = path
        self.seeds = []
    }
}
