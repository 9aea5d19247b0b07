import Foundation
import RefereeCore

/// A problem or a violation found in a trace, with the line it was read from.
package struct TraceFinding: Codable, Hashable, Sendable, CustomStringConvertible {
    package var location: SourceLocation
    /// The positions concerned, when the finding is about positions.
    package var range: PositionRange?
    package var message: String

    package init(_ location: SourceLocation, _ message: String, range: PositionRange? = nil) {
        self.location = location
        self.message = message
        self.range = range
    }

    package var description: String { "\(location): \(message)" }
}

/// Findings of one kind: the first few in full, and how many there were in all.
package struct FindingList: Codable, Hashable, Sendable {
    /// How many findings are kept in full; the rest are only counted.
    package static let keep = 20
    package private(set) var items: [TraceFinding] = []
    /// Total number of findings, listed or not.
    package private(set) var count = 0
    /// Total number of positions concerned (for findings about positions).
    package private(set) var positions = 0

    package init() {}

    package mutating func append(_ finding: TraceFinding) {
        count += 1
        positions = positions.addingSaturating(finding.range?.count ?? 0)
        if items.count < Self.keep { items.append(finding) }
    }

    package var isEmpty: Bool { count == 0 }
}

/// What the trace files of one run (one seed) establish, computed from the raw events.
package struct TraceFacts: Codable, Hashable, Sendable {
    /// Folder the per-rank files were read from.
    package var directory: String
    /// Seed from the folder name `seed<SEED>`, nil when the name carries none.
    package var seed: Int?
    /// Ranks with a `rank<R>.jsonl` file, ascending.
    package var ranks: [Int] = []
    /// `world_size` of the `eval_start` phase (nil when no rank wrote it).
    package var worldSize: Int?
    /// `val_tokens` (N) of the `eval_start` phase: targets `[1, N)` must be scored.
    package var valTokens: Int?
    /// Lines read, all files together (malformed ones included).
    package var lineCount = 0
    package var scoreEvents = 0
    package var updateEvents = 0
    /// Phase names in the order they were met (ranks merged by time, each name once).
    package var phases: [String] = []
    /// What autotrace (when it wrote the trace) saw and could not follow, per rank ("rank 0: …"):
    /// the order, coverage and score rules cannot pass on such a trace.
    package var observerGaps: [String] = []
    /// Whether autotrace wrote this trace (an `autotrace` phase line: observed, not declared).
    package var observedByAutotrace = false

    /// Union of scored target positions, sorted and merged.
    package var scored: [PositionRange] = []
    /// Parts of `[1, N)` no rank scored (the first ones listed).
    package var gaps = FindingList()
    /// Number of positions of `[1, N)` no rank scored (all gaps).
    package var uncoveredPositions = 0
    /// Positions scored more than once (each finding names the second score's line).
    package var overlaps = FindingList()
    /// Score ranges of a rank that start before the end of that rank's previous score (with
    /// ``orderedByDocument``: of that rank's previous score in the same document).
    package var outOfOrder = FindingList()
    /// Whether order was checked per document (the validation documents were known).
    package var orderedByDocument = false
    /// Scored positions outside `[1, N)`.
    package var outOfRange = FindingList()
    /// Updates that read positions not yet scored.
    package var unscoredReads = FindingList()
    /// Broken `prev` / `seq` links, rank mismatches, missing rank files.
    package var chainBreaks = FindingList()
    /// Lines that are not v1 events.
    package var malformed = FindingList()
    /// The smallest `psum_min` and the largest `psum_max` over every score event, and the
    /// lines they were read from (nil when there is no score event).
    package var psumMin: Double?
    package var psumMax: Double?
    package var psumMinLocation: SourceLocation?
    package var psumMaxLocation: SourceLocation?
    /// The largest `psum_min` and the smallest `psum_max` over every score event (one event
    /// whose whole range sums above or below 1 shows only here), with their lines.
    package var psumMinLargest: Double?
    package var psumMaxSmallest: Double?
    package var psumMinLargestLocation: SourceLocation?
    package var psumMaxSmallestLocation: SourceLocation?

    /// Σ nll (nats), Σ bytes and Σ tokens over every score event.
    package var nllSum = 0.0
    package var bytesSum = 0.0
    package var tokenSum = 0

    /// `val_loss` / `val_bpb` the submission printed into `eval_end` (self-reported, for
    /// comparison only).
    package var reportedValLoss: Double?
    package var reportedValBPB: Double?

    package init(directory: String, seed: Int? = nil) {
        self.directory = directory
        self.seed = seed
    }

    /// Σ nll / Σ tokens (nats per token), nil when nothing was scored.
    package var valLoss: Double? { tokenSum > 0 ? nllSum / Double(tokenSum) : nil }

    /// (Σ nll / Σ tokens) / ln 2 × (Σ tokens / Σ bytes), nil when nothing was scored.
    package var valBPB: Double? {
        guard tokenSum > 0, bytesSum > 0 else { return nil }
        return nllSum / (Double.ln2 * bytesSum)
    }
}

extension Double {
    /// ln 2.
    static let ln2 = 0.6931471805599453
}
