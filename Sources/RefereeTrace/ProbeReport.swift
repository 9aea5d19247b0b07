/// One run of a submission's eval entry point during probing.
public struct ProbeRun: Codable, Hashable, Sendable {
    /// `control-a`, `control-b`, `prefix` (suffix perturbed) or `flip` (one target flipped).
    public var name: String
    /// Exit status, nil when the child was killed on timeout.
    public var exitStatus: Int32?
    public var timedOut: Bool
    /// Wall-clock seconds of the run.
    public var seconds: Double
    /// True when `nll.f64` had one value per target position and `dists.jsonl` one line per
    /// requested position.
    public var wroteOutputs: Bool
    /// The last lines of the child's stderr (bounded), for diagnosis.
    public var stderrTail: String

    public init(name: String, exitStatus: Int32?, timedOut: Bool, seconds: Double, wroteOutputs: Bool, stderrTail: String) {
        self.name = name
        self.exitStatus = exitStatus
        self.timedOut = timedOut
        self.seconds = seconds
        self.wroteOutputs = wroteOutputs
        self.stderrTail = stderrTail
    }
}

/// A full-vocabulary distribution the submission dumped, checked against its scored NLL.
public struct DistributionCheck: Codable, Hashable, Sendable {
    /// The probe run it came from.
    public var run: String
    /// Target position in the probe shard.
    public var position: Int
    /// The true target token at that position.
    public var target: Int
    /// Number of probabilities in the vector.
    public var vocabSize: Int
    /// Σ p over the vector.
    public var sum: Double
    /// The NLL the submission scored at the position (`nll.f64`).
    public var nll: Double
    /// −ln p[target] from the dumped vector (infinity when p[target] ≤ 0 or out of range).
    public var negLogP: Double

    public init(run: String, position: Int, target: Int, vocabSize: Int, sum: Double, nll: Double, negLogP: Double) {
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
public struct ProbeReport: Codable, Hashable, Sendable {
    /// Name of the report file inside a record folder.
    public static let fileName = "probes.json"

    /// The record folder probed.
    public var directory: String
    /// The folder the entry point ran in (where the artifact is).
    public var submission: String?
    /// The artifact file and its SHA-256, taken before any position was drawn.
    public var artifact: String?
    public var artifactSHA256: String?
    /// The validation shard the probe tokens came from, and how many tokens the probe shard has.
    public var sourceShard: String?
    public var tokens: Int?
    /// Seed of the random draws (cut, flip, dumped positions), so a probe can be replayed.
    public var seed: UInt64?
    /// First target position whose token the perturbed shard changes (positions `< cut` compared).
    public var cut: Int?
    /// Target position whose token is flipped (positions `< flipPosition` compared, and the
    /// distribution at `flipPosition`).
    public var flipPosition: Int?
    public var flipFrom: Int?
    public var flipTo: Int?
    /// Positions whose full distribution was requested.
    public var positions: [Int] = []
    public var runs: [ProbeRun] = []
    /// True when every run wrote its outputs: the submission has the eval entry point.
    public var entryPoint = false
    /// Largest |ΔNLL| between the two control runs (run-to-run noise), nats.
    public var noise: Double?
    /// Largest |ΔNLL| on positions `< cut` between control and perturbed-suffix runs, and where.
    public var prefixMaxDelta: Double?
    public var prefixWorstPosition: Int?
    /// Largest |ΔNLL| on positions `< flipPosition` between control and flipped runs, and where.
    public var flipMaxDelta: Double?
    public var flipWorstPosition: Int?
    /// Largest |Δp| over the vocabulary between the distributions at `flipPosition` of the
    /// control and flipped runs (nil when either run did not dump it).
    public var flipDistDelta: Double?
    /// Every dumped distribution, checked.
    public var distributions: [DistributionCheck] = []
    /// Problems met while probing (each a sentence a user can act on).
    public var problems: [String] = []

    public init(directory: String) {
        self.directory = directory
    }
}
