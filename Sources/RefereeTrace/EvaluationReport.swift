import Foundation
import RefereeCore

/// One evaluation of a probes.json v2 campaign: a fresh process and sandbox, the same
/// invocation, file names, shard length and environment as every other.
package struct EvaluationRun: Codable, Hashable, Sendable {
    /// `official`, `control`, `cut-<k>` or `heldout`.
    package var name: String
    /// `official`, `control`, `cut` or `heldout`.
    package var kind: String
    /// Exit status, nil when the child was killed on timeout.
    package var exitStatus: Int32?
    package var timedOut: Bool
    /// Wall-clock seconds of the process, on Referee's clock.
    package var seconds: Double
    /// True when `nll.f64` held one value per target and `dists.jsonl` every requested position.
    package var wroteOutputs: Bool
    /// The last 2 KiB of the child's output, for diagnosis.
    package var stderrTail: String
    /// SHA-256 of the `nll.f64` it wrote (nil when none was read).
    package var nllSHA256: String?

    enum CodingKeys: String, CodingKey {
        case name, kind, seconds
        case exitStatus = "exit_status", timedOut = "timed_out", wroteOutputs = "wrote_outputs"
        case stderrTail = "stderr_tail", nllSHA256 = "nll_sha256"
    }

    package init(name: String, kind: String, exitStatus: Int32?, timedOut: Bool, seconds: Double, wroteOutputs: Bool,
                 stderrTail: String, nllSHA256: String? = nil) {
        self.name = name
        self.kind = kind
        self.exitStatus = exitStatus
        self.timedOut = timedOut
        self.seconds = seconds
        self.wroteOutputs = wroteOutputs
        self.stderrTail = stderrTail
        self.nllSHA256 = nllSHA256
    }
}

/// Sums of one block of consecutive target positions `[start, end)`.
package struct ScoreBlock: Codable, Hashable, Sendable {
    package var start: Int
    package var end: Int
    /// Σ NLL (nats) over the block.
    package var nll: Double
    /// Σ target bytes over the block (Referee's count; 0 without a tokenizer).
    package var bytes: Int

    /// Target positions in the block: `end - start`, 0 when reversed, saturated (a tampered
    /// probes.json may hold any two integers).
    package var length: Int { max(0, end.subtractingSaturating(start)) }

    package init(start: Int, end: Int, nll: Double, bytes: Int) {
        self.start = start
        self.end = end
        self.nll = nll
        self.bytes = bytes
    }
}

/// A score Referee computed from an evaluation's per-token NLLs and its own byte count
/// (`official`, and `heldout` with its `source`). The audit recomputes `val_loss` and `val_bpb`
/// from `blocks` and never trusts the stored figures.
package struct EvaluationScore: Codable, Hashable, Sendable {
    /// Target positions scored: N − 1.
    package var targets: Int
    package var nllSum: Double
    /// Σ target bytes; nil without a tokenizer (then no val_bpb).
    package var bytes: Int?
    package var valLoss: Double
    package var valBPB: Double?
    /// Target positions per block (the last block is shorter).
    package var blockSize: Int
    package var blocks: [ScoreBlock]
    /// The held-out folder (heldout only; nil for `official`).
    package var source: String?

    enum CodingKeys: String, CodingKey {
        case targets, bytes, blocks, source
        case nllSum = "nll_sum", valLoss = "val_loss", valBPB = "val_bpb", blockSize = "block_size"
    }

    package init(targets: Int, nllSum: Double, bytes: Int?, valLoss: Double, valBPB: Double?, blockSize: Int,
                 blocks: [ScoreBlock], source: String? = nil) {
        self.targets = targets
        self.nllSum = nllSum
        self.bytes = bytes
        self.valLoss = valLoss
        self.valBPB = valBPB
        self.blockSize = blockSize
        self.blocks = blocks
        self.source = source
    }

    /// The block size every v2 report uses.
    package static let defaultBlockSize = 2048

    /// The score of `nll` (element i − 1 is target position i) with `targetBytes` (same
    /// indexing; nil without a tokenizer), in blocks of `blockSize` targets.
    package static func compute(nll: [Double], targetBytes: [UInt8]?, blockSize: Int = defaultBlockSize, source: String? = nil) -> EvaluationScore {
        var blocks: [ScoreBlock] = []
        var start = 0
        while start < nll.count {
            let end = min(start + blockSize, nll.count)
            var sum = 0.0
            var bytes = 0
            for i in start..<end {
                sum += nll[i]
                if let targetBytes { bytes += Int(targetBytes[i]) }
            }
            blocks.append(ScoreBlock(start: start + 1, end: end + 1, nll: sum, bytes: bytes))
            start = end
        }
        var score = EvaluationScore(targets: nll.count, nllSum: 0, bytes: nil, valLoss: 0, valBPB: nil, blockSize: blockSize,
                                    blocks: blocks, source: source)
        let (sum, bytes, loss, bpb) = score.recomputed(countsBytes: targetBytes != nil)
        score.nllSum = sum
        score.bytes = bytes
        score.valLoss = loss
        score.valBPB = bpb
        return score
    }

    /// Σ nll, Σ bytes, val_loss and val_bpb recomputed from the blocks (what the audit trusts).
    package func recomputed(countsBytes: Bool? = nil) -> (nll: Double, bytes: Int?, valLoss: Double, valBPB: Double?) {
        let sum = blocks.reduce(0.0) { $0 + $1.nll }
        // Saturating: the blocks come from probes.json / evaluations, which a tampered record edits.
        let targets = blocks.reduce(0) { $0.addingSaturating($1.length) }
        let counted = countsBytes ?? (bytes != nil)
        let bytes = counted ? blocks.reduce(0) { $0.addingSaturating($1.bytes) } : nil
        let loss = targets > 0 ? sum / Double(targets) : .nan
        let bpb = bytes.flatMap { $0 > 0 ? sum / (0.6931471805599453 * Double($0)) : nil }
        return (sum, bytes, loss, bpb)
    }
}

/// One cut evaluation: the stream kept before `position`, natural text from elsewhere from it on.
package struct CutProbe: Codable, Hashable, Sendable {
    /// The evaluation's name (`cut-<k>`).
    package var run: String
    package var position: Int
    /// `random`, `doc-start`, `doc-end` or `boundary-<n>`.
    package var kind: String
    /// Where the replacement text starts in the stream (`x'[position + j] = x[(source + j) mod N]`).
    package var source: Int
    /// Largest |ΔNLL| against `official` on positions `< position`, and where (nil when the
    /// evaluation wrote no outputs).
    package var prefixMaxDelta: Double?
    package var prefixWorstPosition: Int?
    /// Largest |Δp| against `official` over the distributions at `position` and at every D
    /// position before it (nil when a distribution is missing).
    package var distDelta: Double?
    package var distPositionsChecked: [Int] = []

    enum CodingKeys: String, CodingKey {
        case run, position, kind, source
        case prefixMaxDelta = "prefix_max_delta", prefixWorstPosition = "prefix_worst_position"
        case distDelta = "dist_delta", distPositionsChecked = "dist_positions_checked"
    }

    package init(run: String, position: Int, kind: String, source: Int) {
        self.run = run
        self.position = position
        self.kind = kind
        self.source = source
    }
}

/// The stated power of a campaign: for a leak at a random fraction f of positions (reading
/// at most the target itself, the worst case), the probability 1 − (1 − f)^m that one of the m
/// cuts catches it.
package struct ProbePower: Codable, Hashable, Sendable {
    package var cuts: Int
    package var f001: Double
    package var f005: Double
    package var f025: Double
    /// The probability that the plan draws a cut of each structural class (`doc-start`,
    /// `doc-end`, `boundary`): a leak confined to that class is caught when one is drawn.
    package var structural: [String: Double] = [:]

    enum CodingKeys: String, CodingKey {
        case cuts, structural
        case f001 = "f_0.01", f005 = "f_0.05", f025 = "f_0.25"
    }

    package init(cuts: Int, structural: [String: Double] = [:]) {
        self.cuts = cuts
        func p(_ f: Double) -> Double { 1 - Foundation.pow(1 - f, Double(cuts)) }
        f001 = p(0.01)
        f005 = p(0.05)
        f025 = p(0.25)
        self.structural = structural
    }
}
