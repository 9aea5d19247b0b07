import RefereeTrace
import Foundation
import RefereeAudit
import RefereeBundle
import RefereeCrypto
import RefereeLogs
import RefereeProbe
import RefereeReport

/// What the standard post-run steps need besides the finished record.
package struct PostRunSettings: Sendable {
    /// The track's rules: the audit, the report and the signed verdicts all use them.
    package var rules: RuleSet
    /// Referee's version, written into submission.json and the bundle.
    package var refereeVersion: String
    /// Text fields for submission.json (nil: the submission's own, else `Referee`/`referee`).
    package var submission: RecordSubmission.Options
    /// Validation shards for the probes; nil skips them (their rules stay unverifiable).
    package var probeDataPath: URL?
    package var tokenizerPath: URL?
    /// Interpreter and entry script for the probes' eval runs.
    package var python: String
    package var entryScript: String
    package var runProbes: Bool
    /// Evaluations besides `official` on the probed seed (`--probe-budget`): 1 control + cuts.
    package var probeBudget: Int = 4
    /// A folder of held-out shards (`--heldout-shards`): evaluated once more on the probed seed.
    package var heldoutPath: URL?

    package init(rules: RuleSet, refereeVersion: String, submission: RecordSubmission.Options, probeDataPath: URL?,
                tokenizerPath: URL?, python: String, entryScript: String, runProbes: Bool, heldoutPath: URL? = nil) {
        self.heldoutPath = heldoutPath
        self.rules = rules
        self.refereeVersion = refereeVersion
        self.submission = submission
        self.probeDataPath = probeDataPath
        self.tokenizerPath = tokenizerPath
        self.python = python
        self.entryScript = entryScript
        self.runProbes = runProbes
    }
}

extension PostRunSettings {
    /// A copy with `probeBudget` set.
    package func withProbeBudget(_ budget: Int) -> PostRunSettings {
        var copy = self
        copy.probeBudget = budget
        return copy
    }
}

extension PostRunPipeline {
    /// `referee run`'s steps, in order: **evaluate** (Referee's official evaluation and a
    /// control of every completed seed's artifact, plus the cuts and the held-out evaluation on
    /// one seed drawn at random: probes.json and evaluations/seed<S>.json), **audit** with the track's rules (traces and probes included), **report**
    /// (submission.json, README.md, plots), **sign** when a key was given (seals the record:
    /// run.json is written before it).
    package static func standard(_ settings: PostRunSettings) -> PostRunPipeline {
        let rules = settings.rules
        let audit: AuditProvider = { snapshot in try Auditor(rules: rules).audit(snapshot: snapshot, displayPath: "") }
        return PostRunPipeline(steps: [
            Step(name: "evaluate") { context in try evaluate(context, settings) },
            Step(name: "audit") { context in
                let result = try Auditor(rules: rules).audit(path: context.record, displayPath: "")
                return (status(result.verdict), summary(result))
            },
            Step(name: "report") { context in
                var options = settings.submission
                let claims = try? SubmissionClaims.load(context.record.appendingPathComponent("submission.json"))
                if options.author == nil && claims?.author == nil { options.author = "Referee" }
                if options.githubID == nil && claims?.githubID == nil { options.githubID = "referee" }
                let result = try RecordSubmission(rules: rules, generator: "referee \(settings.refereeVersion)")
                    .write(recordDir: context.record, options: options)
                return (status(result.page.audit.verdict), "wrote \(result.written.joined(separator: ", "))")
            },
            Step(name: "sign", sealsRecord: true) { context in
                guard let keyPath = context.keyPath else { return (.skipped, "no --key given") }
                // What is signed must still be what Referee hashed during the run.
                let now = IntegrityCheck.check(context.run, record: context.record)
                guard now.changed.isEmpty else {
                    throw RunnerError.io(path: context.record.path, reason: "changed since Referee hashed them, not signed: \(now.changed.joined(separator: ", "))")
                }
                let key = try Ed25519PrivateKey(contentsOf: keyPath)
                let statement = try BundleSigner(key: key, toolVersion: settings.refereeVersion, audit: audit).sign(context.record)
                return (.ok, "\(statement.subject.count) files signed, keyid \(try key.publicKey().keyID())")
            },
        ])
    }

    /// Runs the official evaluation (and a control) for every completed seed, and the probe
    /// campaign on one of them drawn at random once every artifact is hashed. The probed seed's
    /// report is probes.json; the others' are evaluations/seed<S>.json (same schema, no cuts).
    static func evaluate(_ context: PostRunContext, _ settings: PostRunSettings) throws -> (PostRunStatus, String) {
        guard settings.runProbes else { return (.skipped, "--no-probes given") }
        guard let data = settings.probeDataPath else { return (.skipped, "no --data-path: the evaluations need the validation shards") }
        let completed = context.run.seeds.filter { $0.stop == .exited && $0.exitCode == 0 }
        guard !completed.isEmpty else { return (.skipped, "no seed completed, so there is no artifact to evaluate") }
        let probed = completed.randomElement()!.seed
        let helper = LaunchPlan.locateHome().flatMap { ProbeOptions.findPythonHelper(from: $0) }
        let codeFiles = context.run.code.files.map { context.record.appendingPathComponent($0.path) }
        var details: [String] = []
        var allFound = true
        var evaluations = 0
        for seed in completed {
            let isProbed = seed.seed == probed
            var options = ProbeOptions(record: context.record,
                                       submission: context.record.appendingPathComponent(seed.workingDirectory),
                                       dataPath: data, tokenizerPath: settings.tokenizerPath,
                                       script: context.record.appendingPathComponent(settings.entryScript).path,
                                       python: settings.python, pythonPath: helper.map { [$0] } ?? [])
            options.budget = settings.probeBudget
            options.withCuts = isProbed
            options.heldoutPath = isProbed ? settings.heldoutPath : nil
            options.artifact = seed.artifact.map { context.record.appendingPathComponent($0.path) }
            options.codeFiles = codeFiles.isEmpty ? nil : codeFiles
            options.extraEnvironment = ProbeOptions.environment(fromSettings: context.run.settings ?? [])
            let report = try Prober.probe(options)
            let out = isProbed ? context.record.appendingPathComponent("probes.json")
                : context.record.appendingPathComponent("evaluations/seed\(seed.seed).json")
            try? FileManager.default.createDirectory(at: out.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Prober.write(report, to: out)
            allFound = allFound && report.entryPoint
            evaluations += report.evaluations.count
            var line = "seed \(seed.seed): official val_bpb \(report.official?.valBPB.map { String(format: "%.6f", $0) } ?? "-")"
            if isProbed, let power = report.power {
                line += ", probed (\(power.cuts) cuts, probe seed \(report.seed ?? 0); a leak at 1%/5%/25% of positions caught with probability "
                    + [power.f001, power.f005, power.f025].map { String(format: "%.3f", $0) }.joined(separator: "/") + ")"
            }
            details.append(line)
        }
        details.append("\(evaluations) evaluations in all (\(completed.count) official)")
        return (allFound ? .ok : .incomplete, details.joined(separator: "; ") + (allFound ? "" : "; entry point missing"))
    }

    /// The step status a verdict maps to.
    package static func status(_ verdict: Verdict) -> PostRunStatus {
        switch verdict {
        case .pass: return .ok
        case .fail: return .ruleFailed
        case .incomplete: return .incomplete
        }
    }

    /// One line: the verdict, then the failed and the unverifiable rule ids.
    package static func summary(_ audit: RecordAudit) -> String {
        let failed = audit.results.filter { $0.status == .fail }.map(\.id)
        let open = audit.results.filter { $0.status == .unverifiable }.map(\.id)
        var text = "verdict \(audit.verdict.rawValue)"
        if !failed.isEmpty { text += "; failed: \(failed.joined(separator: ", "))" }
        if !open.isEmpty { text += "; unverifiable: \(open.joined(separator: ", "))" }
        return text
    }
}
