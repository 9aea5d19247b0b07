import Foundation

/// What a post-run step reports.
package enum PostRunStatus: String, Sendable, Codable, Hashable {
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
package struct PostRunStepRecord: Sendable, Codable, Hashable {
    package var name: String
    package var status: PostRunStatus
    package var detail: String

    package init(name: String, status: PostRunStatus, detail: String) {
        self.name = name
        self.status = status
        self.detail = detail
    }
}

/// What every post-run step is given: the finished record folder and how it was made.
package struct PostRunContext: Sendable {
    package var record: URL
    package var track: String
    /// The signing key (`--key`), nil when none was given.
    package var keyPath: URL?
    package var run: RunRecord
}

/// The steps after the seeds ran: audit with the same rules (including the trace), write
/// submission.json and README.md, sign the bundle. Each step is a closure so the CLI wires the
/// audit, report and bundle modules and tests can run without them. Steps run in order; a
/// throwing step is recorded as `error` and the next steps still run.
package struct PostRunPipeline: Sendable {
    package struct Step: Sendable {
        package var name: String
        package var run: @Sendable (PostRunContext) throws -> (PostRunStatus, String)
        /// True for a step that fixes the record's bytes (signing): run.json is written before it
        /// and not rewritten after, so its own result is reported but not stored in run.json.
        package var sealsRecord: Bool

        package init(name: String, sealsRecord: Bool = false, run: @escaping @Sendable (PostRunContext) throws -> (PostRunStatus, String)) {
            self.name = name
            self.sealsRecord = sealsRecord
            self.run = run
        }

        /// A step that records why it did not run.
        package static func unavailable(_ name: String, _ reason: String) -> Step {
            Step(name: name) { _ in (.skipped, reason) }
        }
    }

    package var steps: [Step]

    package init(steps: [Step]) {
        self.steps = steps
    }

    package func run(_ context: PostRunContext) -> [PostRunStepRecord] {
        steps.map { run($0, context) }
    }

    /// Runs one step, turning a throw into an `error` record.
    package func run(_ step: Step, _ context: PostRunContext) -> PostRunStepRecord {
        do {
            let (status, detail) = try step.run(context)
            return PostRunStepRecord(name: step.name, status: status, detail: detail)
        } catch {
            return PostRunStepRecord(name: step.name, status: .error, detail: "\(error)")
        }
    }
}
