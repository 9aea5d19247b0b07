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
///
/// Two versions share this type. Version 1 (no `version` field; camelCase keys): probes on the
/// first 4096–8192 tokens, eval-only runs not tied to the scored run (`runs`, `cut`, `flips`).
/// Version 2 (`"version": 2`; snake_case keys, docs/protocol.md): Referee's own official
/// evaluation of the whole validation set plus indistinguishable control and cut evaluations
/// (`evaluations`, `official`, `cuts`, `power`). The audit proves causality only from version 2.
package struct ProbeReport: Hashable, Sendable {
    /// Name of the report file inside a record folder.
    package static let fileName = "probes.json"
    /// The current version written by ``Prober``.
    package static let currentVersion = 2

    /// nil or 1: a version-1 report; 2: the official evaluation and the campaign.
    package var version: Int?
    /// The record folder probed.
    package var directory: String
    /// The folder the entry point ran in (where the artifact is).
    package var submission: String?
    /// The artifact file and its SHA-256, taken before any position was drawn.
    package var artifact: String?
    package var artifactSHA256: String?
    /// How the evaluations ran: `namespaces` (Referee's sandbox) or `none: <why>`.
    package var sandbox: String?
    /// How many evaluation processes Referee started (v1 only; v2 starts one per evaluation).
    package var evaluationProcesses: Int?
    /// v1: the validation shard the probe tokens came from, and the probe shard's tokens.
    package var sourceShard: String?
    package var tokens: Int?
    /// Seed of the random draws, so a campaign can be replayed.
    package var seed: UInt64?
    /// v1: first target position whose token the perturbed shard changes.
    package var cut: Int?
    /// Positions whose full distribution was requested (v2: the list D, the same for every evaluation).
    package var positions: [Int] = []
    /// v1: the runs.
    package var runs: [ProbeRun] = []
    /// True when every evaluation wrote its outputs: the submission has the eval entry point.
    package var entryPoint = false
    /// Largest |ΔNLL| between the control evaluations, nats (v2: official vs control).
    package var noise: Double?
    /// v1: largest |ΔNLL| on positions `< cut` between control and perturbed runs, and where.
    package var prefixMaxDelta: Double?
    package var prefixWorstPosition: Int?
    /// v1: the target-flip probes, one run each.
    package var flips: [FlipProbe] = []
    /// Every dumped distribution, checked.
    package var distributions: [DistributionCheck] = []
    /// Problems met while probing (each a sentence a user can act on).
    package var problems: [String] = []

    // Version 2.
    /// Evaluations besides `official` (`--probe-budget`): 1 control + (budget − 1) cuts.
    package var budget: Int?
    /// Tokens N of the validation stream (all `fineweb_val_*.bin` concatenated in name order).
    package var valTokens: Int?
    /// Σ target bytes of the stream (Referee's count, the baseline byte rule); nil without a tokenizer.
    package var valBytes: Int?
    /// Evaluation names in the order they ran (a seeded shuffle).
    package var order: [String] = []
    package var evaluations: [EvaluationRun] = []
    /// The score that counts, from the official evaluation's NLLs and Referee's byte count.
    package var official: EvaluationScore?
    /// The held-out evaluation's score (nil when no held-out folder was given).
    package var heldout: EvaluationScore?
    /// Where max |official − control| occurs.
    package var noisePosition: Int?
    package var cuts: [CutProbe] = []
    /// The probability that the cuts catch a leak at a random fraction f of positions.
    package var power: ProbePower?

    package init(directory: String) {
        self.directory = directory
    }

    /// True for a version-2 report.
    package var isV2: Bool { (version ?? 1) >= 2 }
}

extension ProbeReport: Codable {
    enum Keys: String, CodingKey {
        // Version 1 (camelCase).
        case directory, submission, artifact, artifactSHA256, sandbox, evaluationProcesses, sourceShard, tokens, seed, cut
        case positions, runs, entryPoint, noise, prefixMaxDelta, prefixWorstPosition, flips, distributions, problems
        // Version 2 (snake_case).
        case version, budget, order, evaluations, official, heldout, cuts, power
        case artifactSHA256V2 = "artifact_sha256", entryPointV2 = "entry_point", valTokens = "val_tokens"
        case valBytes = "val_bytes", noisePosition = "noise_position"
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        directory = try c.decodeIfPresent(String.self, forKey: .directory) ?? ""
        version = try c.decodeIfPresent(Int.self, forKey: .version)
        submission = try c.decodeIfPresent(String.self, forKey: .submission)
        artifact = try c.decodeIfPresent(String.self, forKey: .artifact)
        sandbox = try c.decodeIfPresent(String.self, forKey: .sandbox)
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed)
        positions = try c.decodeIfPresent([Int].self, forKey: .positions) ?? []
        noise = try c.decodeIfPresent(Double.self, forKey: .noise)
        distributions = try c.decodeIfPresent([DistributionCheck].self, forKey: .distributions) ?? []
        problems = try c.decodeIfPresent([String].self, forKey: .problems) ?? []
        if (version ?? 1) >= 2 {
            artifactSHA256 = try c.decodeIfPresent(String.self, forKey: .artifactSHA256V2)
            entryPoint = try c.decodeIfPresent(Bool.self, forKey: .entryPointV2) ?? false
            budget = try c.decodeIfPresent(Int.self, forKey: .budget)
            valTokens = try c.decodeIfPresent(Int.self, forKey: .valTokens)
            valBytes = try c.decodeIfPresent(Int.self, forKey: .valBytes)
            order = try c.decodeIfPresent([String].self, forKey: .order) ?? []
            evaluations = try c.decodeIfPresent([EvaluationRun].self, forKey: .evaluations) ?? []
            official = try c.decodeIfPresent(EvaluationScore.self, forKey: .official)
            heldout = try c.decodeIfPresent(EvaluationScore.self, forKey: .heldout)
            noisePosition = try c.decodeIfPresent(Int.self, forKey: .noisePosition)
            cuts = try c.decodeIfPresent([CutProbe].self, forKey: .cuts) ?? []
            power = try c.decodeIfPresent(ProbePower.self, forKey: .power)
        } else {
            artifactSHA256 = try c.decodeIfPresent(String.self, forKey: .artifactSHA256)
            entryPoint = try c.decode(Bool.self, forKey: .entryPoint)
            evaluationProcesses = try c.decodeIfPresent(Int.self, forKey: .evaluationProcesses)
            sourceShard = try c.decodeIfPresent(String.self, forKey: .sourceShard)
            tokens = try c.decodeIfPresent(Int.self, forKey: .tokens)
            cut = try c.decodeIfPresent(Int.self, forKey: .cut)
            runs = try c.decodeIfPresent([ProbeRun].self, forKey: .runs) ?? []
            prefixMaxDelta = try c.decodeIfPresent(Double.self, forKey: .prefixMaxDelta)
            prefixWorstPosition = try c.decodeIfPresent(Int.self, forKey: .prefixWorstPosition)
            flips = try c.decodeIfPresent([FlipProbe].self, forKey: .flips) ?? []
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(directory, forKey: .directory)
        try c.encodeIfPresent(submission, forKey: .submission)
        try c.encodeIfPresent(artifact, forKey: .artifact)
        try c.encodeIfPresent(sandbox, forKey: .sandbox)
        try c.encodeIfPresent(seed, forKey: .seed)
        try c.encode(positions, forKey: .positions)
        try c.encodeIfPresent(noise, forKey: .noise)
        try c.encode(distributions, forKey: .distributions)
        try c.encode(problems, forKey: .problems)
        if isV2 {
            try c.encode(version, forKey: .version)
            try c.encodeIfPresent(artifactSHA256, forKey: .artifactSHA256V2)
            try c.encode(entryPoint, forKey: .entryPointV2)
            try c.encodeIfPresent(budget, forKey: .budget)
            try c.encodeIfPresent(valTokens, forKey: .valTokens)
            try c.encodeIfPresent(valBytes, forKey: .valBytes)
            try c.encode(order, forKey: .order)
            try c.encode(evaluations, forKey: .evaluations)
            try c.encodeIfPresent(official, forKey: .official)
            if let heldout { try c.encode(heldout, forKey: .heldout) } else { try c.encodeNil(forKey: .heldout) }
            try c.encodeIfPresent(noisePosition, forKey: .noisePosition)
            try c.encode(cuts, forKey: .cuts)
            try c.encodeIfPresent(power, forKey: .power)
        } else {
            try c.encodeIfPresent(artifactSHA256, forKey: .artifactSHA256)
            try c.encode(entryPoint, forKey: .entryPoint)
            try c.encodeIfPresent(evaluationProcesses, forKey: .evaluationProcesses)
            try c.encodeIfPresent(sourceShard, forKey: .sourceShard)
            try c.encodeIfPresent(tokens, forKey: .tokens)
            try c.encodeIfPresent(cut, forKey: .cut)
            try c.encode(runs, forKey: .runs)
            try c.encodeIfPresent(prefixMaxDelta, forKey: .prefixMaxDelta)
            try c.encodeIfPresent(prefixWorstPosition, forKey: .prefixWorstPosition)
            try c.encode(flips, forKey: .flips)
        }
    }
}
