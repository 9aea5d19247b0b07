import RefereeCore

/// What kind of evaluation a metric line reports. Only `.final` lines can be a run's score.
package enum EvalKind: String, Codable, Sendable {
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
package struct EvalLine: Codable, Hashable, Sendable {
    /// The line's label, e.g. `final_int8_zlib_roundtrip_exact` or `legal_ttt_exact`.
    package var label: String
    package var valLoss: Double?
    package var valBPB: Double
    /// Decimal places printed for val_bpb (8 for the `_exact` lines).
    package var decimals: Int
    /// Decimal places printed for val_loss, when the line has one and they were read.
    package var valLossDecimals: Int?
    /// Evaluation time reported on the line, in milliseconds.
    package var evalTimeMs: Double?
    package var kind: EvalKind
    package var location: SourceLocation

    package init(label: String, valLoss: Double?, valBPB: Double, decimals: Int, valLossDecimals: Int? = nil,
                 evalTimeMs: Double?, kind: EvalKind, location: SourceLocation) {
        self.label = label
        self.valLoss = valLoss
        self.valBPB = valBPB
        self.decimals = decimals
        self.valLossDecimals = valLossDecimals
        self.evalTimeMs = evalTimeMs
        self.kind = kind
        self.location = location
    }
}

/// One point of the training curve.
package struct StepPoint: Codable, Hashable, Sendable {
    package var step: Int
    package var totalSteps: Int?
    package var trainLoss: Double?
    package var valLoss: Double?
    package var valBPB: Double?
    package var trainTimeMs: Double?
    package var line: Int

    package init(step: Int, totalSteps: Int? = nil, trainLoss: Double? = nil, valLoss: Double? = nil, valBPB: Double? = nil, trainTimeMs: Double? = nil, line: Int) {
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
package struct ByteCount: Codable, Hashable, Sendable {
    package var bytes: Int
    package var location: SourceLocation
    package init(bytes: Int, location: SourceLocation) {
        self.bytes = bytes
        self.location = location
    }
}

/// The size lines of a run. `artifactBytes` is the submission total (code + compressed model),
/// never the raw fp checkpoint that the baseline's first `Total submission size:` line reports.
package struct SizeReport: Codable, Hashable, Sendable {
    package var codeBytes: ByteCount?
    package var codeBytesCompressed: ByteCount?
    package var modelBytes: ByteCount?
    package var artifactBytes: ByteCount?
    /// Artifact size when the log prints megabytes only (`artifact:15.92MB …`); never a byte count.
    package var artifactMB: Double?
    package var artifactMBLocation: SourceLocation?
    /// An artifact size line whose number is no byte count (`budget:1e30/16000000`: negative,
    /// fractional or ≥ 9e15), as printed; nil when none. Never converted to an integer.
    package var rejectedArtifactSize: String?
    package var rejectedArtifactSizeLocation: SourceLocation?
    package init(codeBytes: ByteCount? = nil, codeBytesCompressed: ByteCount? = nil, modelBytes: ByteCount? = nil, artifactBytes: ByteCount? = nil) {
        self.codeBytes = codeBytes
        self.codeBytesCompressed = codeBytesCompressed
        self.modelBytes = modelBytes
        self.artifactBytes = artifactBytes
        self.artifactMB = nil
        self.artifactMBLocation = nil
    }
}

/// GPUs seen in the log's `nvidia-smi` table (or declared hardware line).
package struct GPUInfo: Codable, Hashable, Sendable {
    /// Model name as printed, e.g. `NVIDIA H100 80GB HBM3`.
    package var model: String
    package var count: Int
    package var location: SourceLocation
    package init(model: String, count: Int, location: SourceLocation) {
        self.model = model
        self.count = count
        self.location = location
    }
}

/// The eval line chosen as a run's score, and why.
package struct ScoreChoice: Codable, Hashable, Sendable {
    package var eval: EvalLine
    /// A sentence saying why this line (e.g. "last 8-decimal eval after the size line at :1234").
    package var reason: String
    package init(eval: EvalLine, reason: String) {
        self.eval = eval
        self.reason = reason
    }
}

/// One run extracted from a log file. A file may hold several appended runs.
package struct RunLog: Codable, Hashable, Sendable {
    /// Path of the log file as given (or relative to the record folder).
    package var file: String
    /// 0-based index of the run inside the file.
    package var runIndex: Int
    package var firstLine: Int
    package var lastLine: Int
    /// Seed from the logged hyperparameters (never from the file name).
    package var seed: Int?
    package var seedLocation: SourceLocation?
    package var worldSize: Int?
    /// Where the world size was read.
    package var worldSizeLocation: SourceLocation?
    package var gpu: GPUInfo?
    package var steps: [StepPoint]
    /// Training wall-clock in ms (`train_time:600038ms`, the last one of the training loop).
    package var trainTimeMs: Double?
    package var trainTimeLocation: SourceLocation?
    /// True when the run printed `stopping_early: wallclock_cap …`.
    package var stoppedAtWallclockCap: Bool
    package var evals: [EvalLine]
    package var sizes: SizeReport
    /// `total_eval_time:455.1s` when printed, in ms.
    package var totalEvalTimeMs: Double?
    /// First and last unix timestamps when lines carry them (seconds).
    package var firstTimestamp: Double?
    package var lastTimestamp: Double?
    /// The source code the script wrote into its log, exactly as embedded, when present.
    package var embeddedSource: String?
    package var embeddedSourceLines: ClosedRange<Int>?
    /// The score of the run, nil when no eligible line exists.
    package var score: ScoreChoice?
    /// Problems met while reading (truncated or invalid lines…), each with its line.
    package var notes: [String]

    package init(file: String, runIndex: Int, firstLine: Int, lastLine: Int) {
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
package struct LogFile: Codable, Hashable, Sendable {
    package var path: String
    package var byteCount: UInt64
    package var lineCount: Int
    package var runs: [RunLog]
    /// Problems with the file as a whole (binary content, no run found…).
    package var notes: [String]
    package init(path: String, byteCount: UInt64, lineCount: Int, runs: [RunLog], notes: [String]) {
        self.path = path
        self.byteCount = byteCount
        self.lineCount = lineCount
        self.runs = runs
        self.notes = notes
    }
}
