import Foundation
import RefereeCore
import RefereeLogs
import RefereeTrace

/// `evidence.plausible-values`: numbers no honest run can produce are bad evidence, not a score.
/// val_bpb or val_loss ≤ 0, not a number, infinite or subnormal; negative times (logged or
/// measured); two different values on final lines of the same label in one run (the log reader
/// would take the last one silently).
enum ValueChecks {
    static let all: [String: RuleCheck] = [
        "evidence.plausible-values": plausible,
    ]

    static func bad(_ value: Double) -> String? {
        if value.isNaN { return "not a number" }
        if value.isInfinite { return "infinite" }
        if value <= 0 { return "≤ 0" }
        if value.isSubnormal { return "subnormal" }
        return nil
    }

    static func plausible(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        let runs = context.distinctRuns
        guard !runs.isEmpty else { return rule.unverifiable("no run found in the logs") }
        var problems: [Evidence] = []
        for log in context.logs {
            for number in context.logScans[log.path]?.badNumbers ?? [] {
                problems.append(Evidence("\(number.key):\(number.text) is not a finite number", at: SourceLocation(file: log.path, line: number.line)))
            }
        }
        for ref in runs {
            let run = ref.run
            for eval in run.evals {
                if let why = bad(eval.valBPB) { problems.append(Evidence("\(eval.label): val_bpb \(eval.valBPB) is \(why)", at: eval.location)) }
                if let loss = eval.valLoss, let why = bad(loss) { problems.append(Evidence("\(eval.label): val_loss \(loss) is \(why)", at: eval.location)) }
                if let ms = eval.evalTimeMs, ms < 0 { problems.append(Evidence("\(eval.label): eval_time \(ms) ms is negative", at: eval.location)) }
            }
            if let ms = run.trainTimeMs, ms < 0 { problems.append(Evidence("train_time \(ms) ms is negative", at: run.trainTimeLocation ?? ref.wholeFile)) }
            if let step = run.steps.first(where: { ($0.trainTimeMs ?? 0) < 0 }) {
                problems.append(Evidence("step \(step.step): train_time \(step.trainTimeMs!) ms is negative", at: SourceLocation(file: run.file, line: step.line)))
            }
            if let ms = run.totalEvalTimeMs, ms < 0 { problems.append(Evidence("total_eval_time \(ms) ms is negative", at: ref.wholeFile)) }
            // One run, one result per final label: two different values are two answers.
            var firstByLabel: [String: EvalLine] = [:]
            for eval in run.evals where eval.kind == .final {
                if let first = firstByLabel[eval.label] {
                    if first.valBPB != eval.valBPB || first.valLoss != eval.valLoss {
                        problems.append(Evidence("\(eval.label) printed twice with different values: val_bpb \(first.valBPB) at :\(first.location.line), \(eval.valBPB) here", at: eval.location))
                    }
                } else {
                    firstByLabel[eval.label] = eval
                }
            }
        }
        var source = EvidenceSource.logged
        if let measured = context.measured {
            source = .measured
            for seed in measured.seeds {
                for (name, value) in [("training", seed.wallSeconds?.training), ("total", seed.wallSeconds?.total), ("evaluation", seed.wallSeconds?.evaluation)] {
                    if let value, value < 0 || value.isNaN { problems.append(Evidence("\(seed.label): measured \(name) time \(value) s is negative", at: context.runJSON)) }
                }
                if let bytes = seed.artifact?.bytes, bytes < 0 { problems.append(Evidence("\(seed.label): artifact bytes \(bytes) is negative", at: context.runJSON)) }
            }
            if let n = measured.data?.valTokens, n <= 1 { problems.append(Evidence("data.val_tokens \(n): nothing to score", at: context.runJSON)) }
            if let b = measured.data?.valBytes, b <= 0 { problems.append(Evidence("data.val_bytes \(b) is not positive", at: context.runJSON)) }
            for (field, starts, tokens) in [("data.val_document_starts", measured.data?.valDocumentStarts, measured.data?.valTokens),
                                            ("training_validation.document_starts", measured.trainingValidation?.documentStarts,
                                             measured.trainingValidation?.tokens)] {
                guard let starts, DocumentIndex(starts: starts, tokens: tokens) == nil else { continue }
                problems.append(Evidence("\(field) is not a strictly ascending list of positions inside the "
                                         + "\(tokens.map(String.init) ?? "?")-token stream", at: context.runJSON))
            }
        }
        if !problems.isEmpty { return rule.fail("\(problems.count) impossible value(s)", problems).resting(on: source) }
        return rule.pass("scores, losses and times are finite, positive and single-valued (\(runs.count) run(s))").resting(on: source)
    }
}
