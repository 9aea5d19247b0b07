import RefereeCore
import RefereeLogs

/// `evidence.logs-present`, `evidence.final-score`, `evidence.seeds`.
enum EvidenceChecks {
    static let all: [String: RuleCheck] = [
        "evidence.logs-present": logsPresent,
        "evidence.final-score": finalScore,
        "evidence.seeds": seeds,
        "evidence.code-matches-log": CodeCheck.codeMatchesLog,
    ]

    static func logsPresent(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        let minimum = Int(saturating: rule.threshold("min_logs", default: 1))
        if context.logs.isEmpty {
            let files = context.folder?.allFiles.joined(separator: ", ") ?? context.path
            return rule.fail("no training log found (files: \(files.isEmpty ? "none" : files))", [Evidence("record without logs", at: SourceLocation(file: context.path, line: 0))])
        }
        let empty = context.logs.filter { $0.runs.isEmpty }
        let withRuns = context.logs.count - empty.count
        var evidence = empty.map { Evidence("no run found: \($0.notes.joined(separator: "; "))", at: SourceLocation(file: $0.path, line: 0)) }
        if withRuns < minimum {
            return rule.fail("\(withRuns) log(s) with a run, at least \(minimum) required", evidence)
        }
        // Every seed claimed in submission.json needs a log of that seed.
        let loggedSeeds = Set(context.distinctRuns.compactMap(\.run.seed).map(String.init))
        let unlogged = (context.claims?.seeds ?? []).filter { !loggedSeeds.contains($0.seed) }
        if !unlogged.isEmpty, let at = context.claimsLocation {
            evidence.append(Evidence("seeds claimed without a log: \(unlogged.map(\.seed).joined(separator: ", "))", at: at))
            return rule.fail("submission.json reports \(unlogged.count) seed(s) that no log shows", evidence)
        }
        if !empty.isEmpty {
            return rule.fail("\(empty.count) log file(s) hold no run", evidence)
        }
        let runs = context.distinctRuns.count
        return rule.pass("\(context.logs.count) log file(s), \(runs) distinct run(s)", context.logs.map { Evidence("log", at: SourceLocation(file: $0.path, line: 0)) })
    }

    static func finalScore(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        let runs = context.distinctRuns
        guard !runs.isEmpty else { return rule.unverifiable("no run found in the logs") }
        var bad: [Evidence] = []
        var good: [Evidence] = []
        for ref in runs {
            guard let score = ref.run.score else {
                bad.append(Evidence("\(ref.label): no score line evaluating the reloaded artifact", at: ref.wholeFile))
                continue
            }
            if score.eval.kind != .final {
                bad.append(Evidence("\(ref.label): score taken from a \(score.eval.kind.rawValue) line", at: score.eval.location))
            } else if let size = ref.run.sizes.artifactBytes, score.eval.location.line < size.location.line {
                bad.append(Evidence("\(ref.label): score line comes before the artifact size line :\(size.location.line)", at: score.eval.location))
            } else {
                good.append(Evidence("\(score.eval.label) val_bpb \(Fmt.fixed(score.eval.valBPB, score.eval.decimals))", at: score.eval.location))
            }
        }
        if !bad.isEmpty { return rule.fail("\(bad.count) of \(runs.count) run(s) have no post-artifact score line", bad) }
        return rule.pass("every run (\(runs.count)) has a post-artifact score line", good)
    }

    static func seeds(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        let all = context.allRuns
        guard !all.isEmpty else { return rule.unverifiable("no run found in the logs") }
        var problems: [Evidence] = []
        var notes: [Evidence] = []
        var unknown: [Evidence] = []
        var bySeed: [Int: [RunRef]] = [:]
        for ref in all {
            if let original = ref.duplicateOf {
                notes.append(Evidence("byte-identical copy of \(context.shortName(original)), counted once", at: ref.wholeFile))
            }
            guard let seed = ref.run.seed else {
                if ref.duplicateOf == nil { unknown.append(Evidence("\(ref.label): no logged seed", at: ref.wholeFile)) }
                continue
            }
            let at = ref.run.seedLocation ?? ref.wholeFile
            if let named = FileNameSeed.parse(ref.run.file), named != seed {
                problems.append(Evidence("file name says seed \(named), the log says seed \(seed)", at: at))
            }
            if ref.duplicateOf == nil { bySeed[seed, default: []].append(ref) }
        }
        for (seed, refs) in bySeed.sorted(by: { $0.key < $1.key }) where refs.count > 1 {
            let places = refs.map { $0.label }.joined(separator: ", ")
            problems.append(Evidence("seed \(seed) used by \(refs.count) distinct runs: \(places)", at: refs[1].run.seedLocation ?? refs[1].wholeFile))
        }
        if !problems.isEmpty { return rule.fail("\(problems.count) seed problem(s)", problems + notes + unknown) }
        if !unknown.isEmpty { return rule.unverifiable("\(unknown.count) run(s) log no seed", unknown + notes) }
        let seeds = bySeed.keys.sorted().map(String.init).joined(separator: ", ")
        return rule.pass("\(bySeed.count) distinct seed(s): \(seeds)", notes)
    }
}
