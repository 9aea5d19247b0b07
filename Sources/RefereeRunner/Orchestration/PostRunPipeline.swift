import Foundation

/// What a post-run step reports.
public enum PostRunStatus: String, Sendable, Codable, Hashable {
    /// The step ran and found nothing wrong.
    case ok
    /// The step ran and a rule failed (the audit's verdict was `fail`).
    case ruleFailed = "rule_failed"
    /// The step could not check everything (the audit's verdict was `incomplete`).
    case incomplete
    /// The step did not run (not wired in this build, no key given, run interrupted…).
    case skipped
    /// The step threw; `detail` holds its message.
    case error
}

/// One step's line in `run.json`'s `post_run`.
public struct PostRunStepRecord: Sendable, Codable, Hashable {
    public var name: String
    public var status: PostRunStatus
    public var detail: String

    public init(name: String, status: PostRunStatus, detail: String) {
        self.name = name
        self.status = status
        self.detail = detail
    }
}

/// What every post-run step is given: the finished record folder and how it was made.
public struct PostRunContext: Sendable {
    public var record: URL
    public var track: String
    /// The signing key (`--key`), nil when none was given.
    public var keyPath: URL?
    public var run: RunRecord
}

/// The steps after the seeds ran: audit with the same rules (including the trace), write
/// submission.json and README.md, sign the bundle. Each step is a closure so the CLI wires the
/// audit, report and bundle modules and tests can run without them. Steps run in order; a
/// throwing step is recorded as `error` and the next steps still run.
public struct PostRunPipeline: Sendable {
    public struct Step: Sendable {
        public var name: String
        public var run: @Sendable (PostRunContext) throws -> (PostRunStatus, String)
        /// True for a step that fixes the record's bytes (signing): run.json is written before it
        /// and not rewritten after, so its own result is reported but not stored in run.json.
        public var sealsRecord: Bool

        public init(name: String, sealsRecord: Bool = false, run: @escaping @Sendable (PostRunContext) throws -> (PostRunStatus, String)) {
            self.name = name
            self.sealsRecord = sealsRecord
            self.run = run
        }

        /// A step that records why it did not run.
        public static func unavailable(_ name: String, _ reason: String) -> Step {
            Step(name: name) { _ in (.skipped, reason) }
        }
    }

    public var steps: [Step]

    public init(steps: [Step]) {
        self.steps = steps
    }

    public func run(_ context: PostRunContext) -> [PostRunStepRecord] {
        steps.map { run($0, context) }
    }

    /// Runs one step, turning a throw into an `error` record.
    public func run(_ step: Step, _ context: PostRunContext) -> PostRunStepRecord {
        do {
            let (status, detail) = try step.run(context)
            return PostRunStepRecord(name: step.name, status: status, detail: detail)
        } catch {
            return PostRunStepRecord(name: step.name, status: .error, detail: "\(error)")
        }
    }
}
