import Foundation
import RefereeCore
import RefereeLogs

/// Audits log files and record folders against a rule set.
package struct Auditor: Sendable {
    package var rules: RuleSet

    package init(rules: RuleSet) {
        self.rules = rules
    }

    /// Reads all evidence under `path` (a log file or a record folder) and runs every rule.
    /// `against` is an earlier record folder (or log) for `stats.significance`.
    /// Throws only for unreadable input; rule problems are results.
    package func audit(path: URL, against: URL? = nil, displayPath: String? = nil) throws(AuditError) -> RecordAudit {
        let loader = EvidenceLoader()
        var context = try loader.context(for: path, displayPath: displayPath)
        if let against {
            context.against = try loader.againstRecord(against)
        }
        return audit(context)
    }

    /// Audits the record folder read into `snapshot` (sign and verify): the evidence is the
    /// snapshot's bytes, the ones hashed (``EvidenceLoader/context(snapshot:displayPath:)``).
    package func audit(snapshot: RecordSnapshot, displayPath: String? = nil) throws(AuditError) -> RecordAudit {
        audit(try EvidenceLoader().context(snapshot: snapshot, displayPath: displayPath))
    }

    /// Runs every rule of the rule set on an already-built context. A rule with no registered
    /// check is `unverifiable`.
    package func audit(_ context: AuditContext) -> RecordAudit {
        let context = context.withRunCache()
        let results = rules.rules.map { rule -> RuleResult in
            guard let check = CheckRegistry.checks[rule.id] else {
                return rule.unverifiable("no check is registered for this rule in this version of referee")
            }
            var result = check(context, rule)
            result.severity = rule.severity
            return result
        }
        var audit = RecordAudit(
            path: context.path,
            track: rules.track,
            rulesVersion: rules.version,
            rulesDigest: rules.digest,
            score: context.meanScore,
            runs: context.allRuns.map(RunSummary.init),
            results: results
        )
        audit.measuredScore = context.measuredScore
        audit.officialScore = context.officialScore
        if let seeds = context.officialScoresOfCompletedSeeds {
            let keyed = seeds.compactMap { s in s.seed.map { (String($0), s) } }
            audit.officialScores = Dictionary(keyed.map { ($0.0, $0.1.valBPB) }, uniquingKeysWith: { a, _ in a })
            audit.officialValLosses = Dictionary(keyed.map { ($0.0, $0.1.valLoss) }, uniquingKeysWith: { a, _ in a })
        }
        return audit
    }
}

extension RunSummary {
    /// The summary of one run as the audit recomputed it.
    init(_ ref: RunRef) {
        let run = ref.run
        self.init(file: run.file, runIndex: run.runIndex)
        seed = run.seed
        score = run.score?.eval.valBPB
        scoreLine = run.score?.eval.location.line
        scoreLabel = run.score?.eval.label
        valLoss = run.score?.eval.valLoss
        trainTimeMs = run.trainTimeMs
        evalTimeMs = EvalTiming(run).totalMs
        codeBytes = run.sizes.codeBytes?.bytes
        artifactBytes = run.sizes.artifactBytes?.bytes
        gpu = run.gpu?.model
        gpuCount = run.gpu?.count
        duplicateOf = ref.duplicateOf
    }
}
