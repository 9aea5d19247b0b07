import RefereeCore

/// What kind of evaluation a metric line reports. Only `.final` lines can be a run's score.
public enum EvalKind: String, Codable, Sendable {
    /// An evaluation of the reloaded (quantised, compressed) artifact after the size line.
    case final
    /// A line the script itself labels diagnostic.
    case diagnostic
    /// An evaluation of the model before quantisation / serialisation.
    case preQuantization = "pre_quantization"
    /// A `step:N/M val_loss … val_bpb …` line inside the training loop.
    case inTraining = "in_training"
    /// A progress line of a long evaluation (partial windows, running averages).
    case progress
}

/// One metric line carrying a val_bpb.
public struct EvalLine: Codable, Hashable, Sendable {
    /// The line's label, e.g. `final_int8_zlib_roundtrip_exact` or `legal_ttt_exact`.
    public var label: String
    public var valLoss: Double?
    public var valBPB: Double
    /// Decimal places printed for val_bpb (8 for the `_exact` lines).
    public var decimals: Int
    /// Evaluation time reported on the line, in milliseconds.
    public var evalTimeMs: Double?
    public var kind: EvalKind
    public var location: SourceLocation

    public init(label: String, valLoss: Double?, valBPB: Double, decimals: Int, evalTimeMs: Double?, kind: EvalKind, location: SourceLocation) {
        self.label = label
        self.valLoss = valLoss
        self.valBPB = valBPB
        self.decimals = decimals
        self.evalTimeMs = evalTimeMs
        self.kind = kind
        self.location = location
    }
}

/// One point of the training curve.
public struct StepPoint: Codable, Hashable, Sendable {
    public var step: Int
    public var totalSteps: Int?
    public var trainLoss: Double?
    public var valLoss: Double?
    public var valBPB: Double?
    public var trainTimeMs: Double?
    public var line: Int

    public init(step: Int, totalSteps: Int? = nil, trainLoss: Double? = nil, valLoss: Double? = nil, valBPB: Double? = nil, trainTimeMs: Double? = nil, line: Int) {
        self.step = step
        self.totalSteps = totalSteps
        self.trainLoss = trainLoss
        self.valLoss = valLoss
        self.valBPB = valBPB
        self.trainTimeMs = trainTimeMs
        self.line = line
    }
}

/// A byte count read from a size line, with where it was read.
public struct ByteCount: Codable, Hashable, Sendable {
    public var bytes: Int
    public var location: SourceLocation
    public init(bytes: Int, location: SourceLocation) {
        self.bytes = bytes
        self.location = location
    }
}

/// The size lines of a run. `artifactBytes` is the submission total (code + compressed model),
/// never the raw fp checkpoint that the baseline's first `Total submission size:` line reports.
public struct SizeReport: Codable, Hashable, Sendable {
    public var codeBytes: ByteCount?
    public var codeBytesCompressed: ByteCount?
    public var modelBytes: ByteCount?
    public var artifactBytes: ByteCount?
    /// Artifact size when the log prints megabytes only (`artifact:15.92MB …`); never a byte count.
    public var artifactMB: Double?
    public var artifactMBLocation: SourceLocation?
    /// An artifact size line whose number is no byte count (`budget:1e30/16000000`: negative,
    /// fractional or ≥ 9e15), as printed; nil when none. Never converted to an integer.
    public var rejectedArtifactSize: String?
    public var rejectedArtifactSizeLocation: SourceLocation?
    public init(codeBytes: ByteCount? = nil, codeBytesCompressed: ByteCount? = nil, modelBytes: ByteCount? = nil, artifactBytes: ByteCount? = nil) {
        self.codeBytes = codeBytes
        self.codeBytesCompressed = codeBytesCompressed
        self.modelBytes = modelBytes
        self.artifactBytes = artifactBytes
        self.artifactMB = nil
        self.artifactMBLocation = nil
    }
}

/// GPUs seen in the log's `nvidia-smi` table (or declared hardware line).
public struct GPUInfo: Codable, Hashable, Sendable {
    /// Model name as printed, e.g. `NVIDIA H100 80GB HBM3`.
    public var model: String
    public var count: Int
    public var location: SourceLocation
    public init(model: String, count: Int, location: SourceLocation) {
        self.model = model
        self.count = count
        self.location = location
    }
}

/// The eval line chosen as a run's score, and why.
public struct ScoreChoice: Codable, Hashable, Sendable {
    public var eval: EvalLine
    /// A sentence saying why this line (e.g. "last 8-decimal eval after the size line at :1234").
    public var reason: String
    public init(eval: EvalLine, reason: String) {
        self.eval = eval
        self.reason = reason
    }
}

/// One run extracted from a log file. A file may hold several appended runs.
public struct RunLog: Codable, Hashable, Sendable {
    /// Path of the log file as given (or relative to the record folder).
    public var file: String
    /// 0-based index of the run inside the file.
    public var runIndex: Int
    public var firstLine: Int
    public var lastLine: Int
    /// Seed from the logged hyperparameters (never from the file name).
    public var seed: Int?
    public var seedLocation: SourceLocation?
    public var worldSize: Int?
    /// Where the world size was read.
    public var worldSizeLocation: SourceLocation?
    public var gpu: GPUInfo?
    public var steps: [StepPoint]
    /// Training wall-clock in ms (`train_time:600038ms`, the last one of the training loop).
    public var trainTimeMs: Double?
    public var trainTimeLocation: SourceLocation?
    /// True when the run printed `stopping_early: wallclock_cap …`.
    public var stoppedAtWallclockCap: Bool
    public var evals: [EvalLine]
    public var sizes: SizeReport
    /// `total_eval_time:455.1s` when printed, in ms.
    public var totalEvalTimeMs: Double?
    /// First and last unix timestamps when lines carry them (seconds).
    public var firstTimestamp: Double?
    public var lastTimestamp: Double?
    /// The source code the script wrote into its log, exactly as embedded, when present.
    public var embeddedSource: String?
    public var embeddedSourceLines: ClosedRange<Int>?
    /// The score of the run, nil when no eligible line exists.
    public var score: ScoreChoice?
    /// Problems met while reading (truncated or invalid lines…), each with its line.
    public var notes: [String]

    public init(file: String, runIndex: Int, firstLine: Int, lastLine: Int) {
        self.file = file
        self.runIndex = runIndex
        self.firstLine = firstLine
        self.lastLine = lastLine
        self.seed = nil
        self.seedLocation = nil
        self.worldSize = nil
        self.worldSizeLocation = nil
        self.gpu = nil
        self.steps = []
        self.trainTimeMs = nil
        self.trainTimeLocation = nil
        self.stoppedAtWallclockCap = false
        self.evals = []
        self.sizes = SizeReport()
        self.totalEvalTimeMs = nil
        self.firstTimestamp = nil
        self.lastTimestamp = nil
        self.embeddedSource = nil
        self.embeddedSourceLines = nil
        self.score = nil
        self.notes = []
    }
}

/// A log file and the runs found in it.
public struct LogFile: Codable, Hashable, Sendable {
    public var path: String
    public var byteCount: UInt64
    public var lineCount: Int
    public var runs: [RunLog]
    /// Problems with the file as a whole (binary content, no run found…).
    public var notes: [String]
    public init(path: String, byteCount: UInt64, lineCount: Int, runs: [RunLog], notes: [String]) {
        self.path = path
        self.byteCount = byteCount
        self.lineCount = lineCount
        self.runs = runs
        self.notes = notes
    }
}
