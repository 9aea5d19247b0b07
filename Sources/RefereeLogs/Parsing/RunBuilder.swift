import Foundation
import RefereeCore

/// Accumulates the facts of one run while its lines stream past, then finishes it (GPU summary,
/// artifact fallback, eval reclassification, score choice).
struct RunBuilder {
    var run: RunLog
    /// Last line that carried a training/eval/size fact; a new run's header starts after it.
    var lastSubstantiveLine: Int?
    var gpuRows: [Int: String] = [:]
    var gpuTableLine: Int?
    var unqualifiedTotal: ByteCount?
    /// Line of `run.trainTimeMs` (its location is made once, when the run is finished).
    private var trainTimeLine: Int?

    init(file: String, runIndex: Int, firstLine: Int) {
        run = RunLog(file: file, runIndex: runIndex, firstLine: firstLine, lastLine: firstLine)
    }

    /// An empty placeholder held by the parser while no run is open.
    static var closed: RunBuilder { RunBuilder(file: "", runIndex: 0, firstLine: 1) }

    /// True once the run has trained, evaluated or reported sizes: a later header starts a new run.
    var isSubstantive: Bool { lastSubstantiveLine != nil }

    private func loc(_ line: Int) -> SourceLocation { SourceLocation(file: run.file, line: line) }

    mutating func markSubstantive(_ line: Int) {
        lastSubstantiveLine = line
    }

    mutating func note(_ text: String) {
        if run.notes.count < 200 { run.notes.append(text) }
    }

    mutating func timestamp(_ t: Double) {
        if run.firstTimestamp == nil { run.firstTimestamp = t }
        run.lastTimestamp = t
    }

    mutating func seed(_ value: Int, line: Int) {
        if let old = run.seed, old != value {
            note("\(loc(line)): seed \(value) replaces seed \(old) logged at \(run.seedLocation.map(\.description) ?? "?") before training started")
        }
        if run.seed != value || run.seedLocation == nil { run.seedLocation = loc(line) }
        run.seed = value
    }

    /// Header facts printed after the run trained belong to the next run's header, if one
    /// follows; they are held here and handed over (or kept when the file ends).
    var laterWorldSize: (value: Int, line: Int)?
    var laterGPURows: [Int: String] = [:]
    var laterGPUTableLine: Int?

    mutating func worldSize(_ value: Int, line: Int) {
        if isSubstantive {
            laterWorldSize = (value, line)
            return
        }
        run.worldSize = value
        run.worldSizeLocation = loc(line)
    }

    mutating func gpuRow(index: Int, model: String, line: Int) {
        if isSubstantive {
            if laterGPURows[index] != nil { laterGPURows = [:]; laterGPUTableLine = line }
            if laterGPUTableLine == nil { laterGPUTableLine = line }
            laterGPURows[index] = model
            return
        }
        if gpuRows[index] != nil {  // a new table replaces the previous one
            gpuRows = [:]
            gpuTableLine = line
        }
        if gpuTableLine == nil { gpuTableLine = line }
        gpuRows[index] = model
    }

    static let maxSteps = 20_000
    static let maxTrainingEvals = 5_000
    static let maxOtherEvals = 5_000
    private var steps = BoundedSeries<StepPoint>(cap: RunBuilder.maxSteps)
    private var openStep: StepPoint?
    private var trainingEvals = BoundedSeries<EvalLine>(cap: RunBuilder.maxTrainingEvals)
    private var otherEvals = RecentSeries<EvalLine>(cap: RunBuilder.maxOtherEvals)

    /// The line of the open point when its losses are not read yet (``stepDeferringLosses``),
    /// and where its keys start (the end of its step counter): read when the point turns out
    /// to be needed, exactly as the line itself would have been read.
    private var deferredLine: [UInt8] = []
    private var deferredCount = 0
    private var deferredKeysFrom = 0
    private var openIsDeferred = false

    /// What ``stepDeferringLosses(step:total:trainTimeMs:line:keys:)`` did with a step line.
    enum DeferredStep {
        /// Nothing: the line merges with the open point; the caller adds it with ``step(_:)``.
        case merge
        /// The point is open and will be kept: the caller sets its losses (``setOpenLosses``).
        case kept
        /// The point is open and its losses are read only if it is the run's last point.
        case deferred
    }

    /// ``step(_:)`` for a step line with a train time and no validation keys, before its losses
    /// are read. A point that does not merge is appended to the curve when the next point opens,
    /// and the curve's countdown, which only appends change, already says whether that append will
    /// keep it: a dropped point is never part of the result (a later append or the run's end
    /// replaces it as the curve's tail) unless it is still open when the run ends. So the losses of
    /// a point the curve will drop are read only then, from a copy of its line (`keys`: the
    /// line's bytes, whose keys start at `keysFrom`). Results equal ``step(_:)``'s (tested).
    mutating func stepDeferringLosses(step: Int, total: Int, trainTimeMs: Double, line: Int, bytes: UnsafeBufferPointer<UInt8>, keysFrom: Int) -> DeferredStep {
        if openStep?.step == step, let open = openStep?.line, open >= line - 3 { return .merge }
        markSubstantive(line)
        // A deferred open point was due to be dropped by this append: its losses are never read.
        if let open = openStep { steps.append(open) }
        openStep = StepPoint(step: step, totalSteps: total, trainLoss: nil, valLoss: nil, valBPB: nil, trainTimeMs: trainTimeMs, line: line)
        run.trainTimeMs = trainTimeMs
        trainTimeLine = line
        if steps.nextAppendKeeps {
            openIsDeferred = false
            return .kept
        }
        // Copied over the previous deferred line (the buffer only grows, to the longest line).
        if deferredLine.count < bytes.count { deferredLine = [UInt8](repeating: 0, count: Swift.max(bytes.count, 256)) }
        if let source = bytes.baseAddress {
            deferredLine.withUnsafeMutableBufferPointer { _ = memcpy($0.baseAddress!, source, bytes.count) }
        }
        deferredCount = bytes.count
        deferredKeysFrom = keysFrom
        openIsDeferred = true
        return .deferred
    }

    /// Sets the losses of the point ``stepDeferringLosses`` opened with `.kept`.
    mutating func setOpenLosses(_ trainLoss: Double?) {
        openStep?.trainLoss = trainLoss
    }

    /// The open point with its losses read (from its saved line when they were deferred).
    private func materialisedOpenStep() -> StepPoint? {
        guard openIsDeferred, var open = openStep else { return openStep }
        let keys = deferredLine.withUnsafeBufferPointer {
            LineScanner(borrowing: UnsafeBufferPointer(rebasing: $0[0..<deferredCount])).allStepKeys(from: deferredKeysFrom)
        }
        open.trainLoss = keys.trainLoss ?? keys.loss
        return open
    }

    /// Adds a step point; a train line and a val line of the same step are merged into one point.
    mutating func step(_ point: StepPoint) {
        markSubstantive(point.line)
        if openIsDeferred {
            openStep = materialisedOpenStep()
            openIsDeferred = false
        }
        if openStep?.step == point.step, let line = openStep?.line, line >= point.line - 3 {
            // Merged in place (no copy of the open point per line).
            openStep!.trainLoss = openStep!.trainLoss ?? point.trainLoss
            openStep!.valLoss = point.valLoss ?? openStep!.valLoss
            openStep!.valBPB = point.valBPB ?? openStep!.valBPB
            openStep!.trainTimeMs = point.trainTimeMs ?? openStep!.trainTimeMs
            openStep!.totalSteps = openStep!.totalSteps ?? point.totalSteps
        } else {
            if let open = openStep { steps.append(open) }
            openStep = point
        }
        if let t = point.trainTimeMs {
            run.trainTimeMs = t
            trainTimeLine = point.line
        }
    }

    mutating func stop(wallclockCap: Bool, trainTimeMs: Double?, line: Int) {
        markSubstantive(line)
        if wallclockCap { run.stoppedAtWallclockCap = true }
        if let trainTimeMs {
            run.trainTimeMs = trainTimeMs
            trainTimeLine = line
        }
    }

    mutating func eval(_ e: EvalLine) {
        markSubstantive(e.location.line)
        if e.kind == .inTraining { trainingEvals.append(e) } else { otherEvals.append(e) }
    }

    mutating func size(_ fact: SizeFact, line: Int) {
        markSubstantive(line)
        switch fact {
        case .code(let n): run.sizes.codeBytes = ByteCount(bytes: n, location: loc(line))
        case .codeCompressed(let n): run.sizes.codeBytesCompressed = ByteCount(bytes: n, location: loc(line))
        case .model(let n): run.sizes.modelBytes = ByteCount(bytes: n, location: loc(line))
        case .artifact(let n): run.sizes.artifactBytes = ByteCount(bytes: n, location: loc(line))
        case .unqualifiedTotal(let n): unqualifiedTotal = ByteCount(bytes: n, location: loc(line))
        case .artifactMB(let mb):
            run.sizes.artifactMB = mb
            run.sizes.artifactMBLocation = loc(line)
        case .unrepresentable(let text):
            run.sizes.rejectedArtifactSize = text
            run.sizes.rejectedArtifactSizeLocation = loc(line)
            note("\(loc(line)): size \(text) is not a byte count (expected an integer from 0 to 9e15); the line is ignored")
        }
    }

    mutating func totalEvalTime(_ ms: Double, line: Int) {
        markSubstantive(line)
        run.totalEvalTimeMs = ms
    }

    mutating func embeddedSource(_ text: String, lines: ClosedRange<Int>, incomplete: Bool) {
        if let old = run.embeddedSourceLines {
            note("\(loc(lines.lowerBound)): a second source block (lines \(lines.lowerBound)-\(lines.upperBound)) replaces the one at lines \(old.lowerBound)-\(old.upperBound)")
        }
        run.embeddedSource = text
        run.embeddedSourceLines = lines
        if incomplete {
            note("\(loc(lines.lowerBound)): the embedded source has lines over the length cap; its text is incomplete")
        }
    }

    /// Moves header facts read at or after `line` (world size, GPU table) to `next`, which starts there.
    mutating func handOverHeader(from line: Int, to next: inout RunBuilder) {
        if let w = laterWorldSize, w.line >= line {
            next.worldSize(w.value, line: w.line)
            laterWorldSize = nil
        }
        if let g = laterGPUTableLine, g >= line {
            next.gpuRows = laterGPURows
            next.gpuTableLine = g
            laterGPURows = [:]
            laterGPUTableLine = nil
        }
    }

    /// Completes the run: GPU summary, artifact fallback, reclassification and score.
    func finished(lastLine: Int) -> RunLog {
        var run = self.run
        run.lastLine = max(lastLine, run.firstLine)
        if let l = trainTimeLine { run.trainTimeLocation = loc(l) }
        var stepSeries = steps
        if let open = materialisedOpenStep() { stepSeries.append(open) }
        run.steps = stepSeries.elements
        if stepSeries.thinned {
            run.notes.append("\(run.file): the step curve has more than \(Self.maxSteps) points; it was thinned (first and last points kept)")
        }
        run.evals = (trainingEvals.elements + otherEvals.elements).sorted { $0.location.line < $1.location.line }
        if trainingEvals.thinned {
            run.notes.append("\(run.file): more than \(Self.maxTrainingEvals) in-training eval lines; they were thinned")
        }
        if otherEvals.dropped > 0 {
            run.notes.append("\(run.file): \(otherEvals.dropped) early eval lines dropped; the last \(Self.maxOtherEvals) are kept")
        }
        var gpuRows = self.gpuRows
        var gpuTableLine = self.gpuTableLine
        if run.worldSize == nil, let w = laterWorldSize {
            run.worldSize = w.value
            run.worldSizeLocation = loc(w.line)
        }
        if gpuRows.isEmpty, let g = laterGPUTableLine {
            gpuRows = laterGPURows
            gpuTableLine = g
        }
        if let g = gpuTableLine, !gpuRows.isEmpty {
            let models = Set(gpuRows.values).sorted()
            run.gpu = GPUInfo(model: models.joined(separator: " + "), count: gpuRows.count, location: loc(g))
            if models.count > 1 { run.notes.append("\(loc(g)): the nvidia-smi table lists different GPU models: \(models.joined(separator: ", "))") }
        }
        if run.sizes.artifactBytes == nil, let raw = unqualifiedTotal {
            run.sizes.artifactBytes = raw
            run.notes.append("\(raw.location): only an unqualified `Total submission size:` line exists; it is taken as the artifact total, but in the baseline dialect that line is the raw fp checkpoint")
        }
        if let sizeLine = run.sizes.artifactBytes?.location.line {
            for i in run.evals.indices where run.evals[i].kind == .final && run.evals[i].location.line < sizeLine {
                run.evals[i].kind = .preQuantization
            }
        }
        run.score = ScoreSelector.choose(from: run.evals, artifactLine: run.sizes.artifactBytes?.location)
        return run
    }
}
