/// One run of a submission's eval entry point during probing.
package struct ProbeRun: Codable, Hashable, Sendable {
    /// `control-a`, `control-b`, `prefix` (suffix perturbed) or `flip-<k>` (one target flipped).
    package var name: String
    /// Exit status, nil when the child was killed on timeout.
    package var exitStatus: Int32?
    package var timedOut: Bool
    /// Wall-clock seconds of the run.
    package var seconds: Double
    /// True when `nll.f64` had one value per target position and `dists.jsonl` one line per
    /// requested position.
    package var wroteOutputs: Bool
    /// The last lines of the child's stderr (bounded), for diagnosis.
    package var stderrTail: String

    package init(name: String, exitStatus: Int32?, timedOut: Bool, seconds: Double, wroteOutputs: Bool, stderrTail: String) {
        self.name = name
        self.exitStatus = exitStatus
        self.timedOut = timedOut
        self.seconds = seconds
        self.wroteOutputs = wroteOutputs
        self.stderrTail = stderrTail
    }
}

/// One target-flip probe: a single future target `x[position]` changed from `from` to `to`.
///
/// Earlier NLLs must not move, and the distribution at `position` must stay the same (it may
/// depend only on `x[<position]`). The replacement token is the least likely or the most likely
/// one of the control run's distribution at that position (so a gate that reads the target
/// flips one way or the other), or a random token of the prefix.
package struct FlipProbe: Codable, Hashable, Sendable {
    /// The run's name in `runs`.
    package var run: String
    package var position: Int
    package var from: Int
    package var to: Int
    /// `least-likely`, `most-likely` or `random`.
    package var strategy: String
    /// Largest |ΔNLL| on positions `< position` against the control run, and where (nil when
    /// the run wrote no outputs).
    package var maxDelta: Double?
    package var worstPosition: Int?
    /// Largest |Δp| over the vocabulary between the control and flipped distributions at
    /// `position` (nil when either run did not dump it).
    package var distDelta: Double?

    package init(run: String, position: Int, from: Int, to: Int, strategy: String) {
        self.run = run
        self.position = position
        self.from = from
        self.to = to
        self.strategy = strategy
    }
}

/// A full-vocabulary distribution the submission dumped, checked against its scored NLL.
package struct DistributionCheck: Codable, Hashable, Sendable {
    /// The probe run it came from.
    package var run: String
    /// Target position in the probe shard.
    package var position: Int
    /// The true target token at that position.
    package var target: Int
    /// Number of probabilities in the vector.
    package var vocabSize: Int
    /// Σ p over the vector.
    package var sum: Double
    /// The NLL the submission scored at the position (`nll.f64`).
    package var nll: Double
    /// −ln p[target] from the dumped vector (infinity when p[target] ≤ 0 or out of range).
    package var negLogP: Double

    package init(run: String, position: Int, target: Int, vocabSize: Int, sum: Double, nll: Double, negLogP: Double) {
        self.run = run
        self.position = position
        self.target = target
        self.vocabSize = vocabSize
        self.sum = sum
        self.nll = nll
        self.negLogP = negLogP
    }
}

/// What the black-box probes measured on a record (`probes.json`).
package struct ProbeReport: Codable, Hashable, Sendable {
    /// Name of the report file inside a record folder.
    package static let fileName = "probes.json"

    /// The record folder probed.
    package var directory: String
    /// The folder the entry point ran in (where the artifact is).
    package var submission: String?
    /// The artifact file and its SHA-256, taken before any position was drawn.
    package var artifact: String?
    package var artifactSHA256: String?
    /// How the evaluations ran: `namespaces` (Referee's sandbox: a fresh working folder holding
    /// only the code and the artifact, the record hidden, the rest read-only, loopback only) or
    /// `none: <why>`. Absent in reports made before v0.2.
    package var sandbox: String?
    /// How many evaluation processes Referee started for these probes (batched plans answer
    /// several evaluations in one process). Absent in reports made before v0.2.
    package var evaluationProcesses: Int?
    /// The validation shard the probe tokens came from, and how many tokens the probe shard has.
    package var sourceShard: String?
    package var tokens: Int?
    /// Seed of the random draws (cut, flip, dumped positions), so a probe can be replayed.
    package var seed: UInt64?
    /// First target position whose token the perturbed shard changes (positions `< cut` compared).
    package var cut: Int?
    /// Positions whose full distribution was requested.
    package var positions: [Int] = []
    package var runs: [ProbeRun] = []
    /// True when every run wrote its outputs: the submission has the eval entry point.
    package var entryPoint = false
    /// Largest |ΔNLL| between the two control runs (run-to-run noise), nats.
    package var noise: Double?
    /// Largest |ΔNLL| on positions `< cut` between control and perturbed-suffix runs, and where.
    package var prefixMaxDelta: Double?
    package var prefixWorstPosition: Int?
    /// The target-flip probes, one run each.
    package var flips: [FlipProbe] = []
    /// Every dumped distribution, checked.
    package var distributions: [DistributionCheck] = []
    /// Problems met while probing (each a sentence a user can act on).
    package var problems: [String] = []

    package init(directory: String) {
        self.directory = directory
    }
}
