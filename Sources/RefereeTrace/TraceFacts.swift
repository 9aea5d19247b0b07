import Foundation
import RefereeCore

/// A problem or a violation found in a trace, with the line it was read from.
public struct TraceFinding: Codable, Hashable, Sendable, CustomStringConvertible {
    public var location: SourceLocation
    /// The positions concerned, when the finding is about positions.
    public var range: PositionRange?
    public var message: String

    public init(_ location: SourceLocation, _ message: String, range: PositionRange? = nil) {
        self.location = location
        self.message = message
        self.range = range
    }

    public var description: String { "\(location): \(message)" }
}

/// Findings of one kind: the first few in full, and how many there were in all.
public struct FindingList: Codable, Hashable, Sendable {
    /// How many findings are kept in full; the rest are only counted.
    public static let keep = 20
    public private(set) var items: [TraceFinding] = []
    /// Total number of findings, listed or not.
    public private(set) var count = 0
    /// Total number of positions concerned (for findings about positions).
    public private(set) var positions = 0

    public init() {}

    public mutating func append(_ finding: TraceFinding) {
        count += 1
        positions = positions.addingSaturating(finding.range?.count ?? 0)
        if items.count < Self.keep { items.append(finding) }
    }

    public var isEmpty: Bool { count == 0 }
}

/// What the trace files of one run (one seed) establish, computed from the raw events.
public struct TraceFacts: Codable, Hashable, Sendable {
    /// Folder the per-rank files were read from.
    public var directory: String
    /// Seed from the folder name `seed<SEED>`, nil when the name carries none.
    public var seed: Int?
    /// Ranks with a `rank<R>.jsonl` file, ascending.
    public var ranks: [Int] = []
    /// `world_size` of the `eval_start` phase (nil when no rank wrote it).
    public var worldSize: Int?
    /// `val_tokens` (N) of the `eval_start` phase: targets `[1, N)` must be scored.
    public var valTokens: Int?
    /// Lines read, all files together (malformed ones included).
    public var lineCount = 0
    public var scoreEvents = 0
    public var updateEvents = 0
    /// Phase names in the order they were met (ranks merged by time, each name once).
    public var phases: [String] = []

    /// Union of scored target positions, sorted and merged.
    public var scored: [PositionRange] = []
    /// Parts of `[1, N)` no rank scored (the first ones listed).
    public var gaps = FindingList()
    /// Number of positions of `[1, N)` no rank scored (all gaps).
    public var uncoveredPositions = 0
    /// Positions scored more than once (each finding names the second score's line).
    public var overlaps = FindingList()
    /// Score ranges of a rank that start before the end of that rank's previous score.
    public var outOfOrder = FindingList()
    /// Scored positions outside `[1, N)`.
    public var outOfRange = FindingList()
    /// Updates that read positions not yet scored.
    public var unscoredReads = FindingList()
    /// Broken `prev` / `seq` links, rank mismatches, missing rank files.
    public var chainBreaks = FindingList()
    /// Lines that are not v1 events.
    public var malformed = FindingList()
    /// The smallest `psum_min` and the largest `psum_max` over every score event, and the
    /// lines they were read from (nil when there is no score event).
    public var psumMin: Double?
    public var psumMax: Double?
    public var psumMinLocation: SourceLocation?
    public var psumMaxLocation: SourceLocation?
    /// The largest `psum_min` and the smallest `psum_max` over every score event (one event
    /// whose whole range sums above or below 1 shows only here), with their lines.
    public var psumMinLargest: Double?
    public var psumMaxSmallest: Double?
    public var psumMinLargestLocation: SourceLocation?
    public var psumMaxSmallestLocation: SourceLocation?

    /// Σ nll (nats), Σ bytes and Σ tokens over every score event.
    public var nllSum = 0.0
    public var bytesSum = 0.0
    public var tokenSum = 0

    /// `val_loss` / `val_bpb` the submission printed into `eval_end` (self-reported, for
    /// comparison only).
    public var reportedValLoss: Double?
    public var reportedValBPB: Double?

    public init(directory: String, seed: Int? = nil) {
        self.directory = directory
        self.seed = seed
    }

    /// Σ nll / Σ tokens (nats per token), nil when nothing was scored.
    public var valLoss: Double? { tokenSum > 0 ? nllSum / Double(tokenSum) : nil }

    /// (Σ nll / Σ tokens) / ln 2 × (Σ tokens / Σ bytes), nil when nothing was scored.
    public var valBPB: Double? {
        guard tokenSum > 0, bytesSum > 0 else { return nil }
        return nllSum / (Double.ln2 * bytesSum)
    }
}

extension Double {
    /// ln 2.
    static let ln2 = 0.6931471805599453
}
