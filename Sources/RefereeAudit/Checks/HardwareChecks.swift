import RefereeCore
import RefereeLogs

/// `hardware.gpus`: every distinct run shows the track's GPU model and count.
enum HardwareChecks {
    static let all: [String: RuleCheck] = [
        "hardware.gpus": gpus,
    ]

    static func gpus(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        if let measured = context.measured, let models = measured.gpuModels {
            return measuredGPUs(context, rule, measured, models: models).resting(on: .measured)
        }
        return loggedGPUs(context, rule)
    }

    /// The GPUs Referee saw (environment.json) and the world size of the launcher it started
    /// (run.json `launcher`, `nproc_per_node`).
    static func measuredGPUs(_ context: AuditContext, _ rule: Rule, _ measured: MeasuredRecord, models: [String]) -> RuleResult {
        let count = Int(saturating: rule.threshold("gpu_count", default: 8))
        let model = rule.parameters["gpu_model"] ?? "H100"
        let at = measured.environmentPath.map { SourceLocation(file: $0, line: 0) }
        let world = measured.nprocPerNode ?? 1
        let matching = models.filter { $0.uppercased().contains(model.uppercased()) }
        let seen = models.isEmpty ? "no GPU" : Dictionary(grouping: models, by: { $0 }).sorted { $0.key < $1.key }.map { "\($0.value.count)× \($0.key)" }.joined(separator: ", ")
        let launched = "\(measured.launcher ?? "python3") with \(world) process(es) per node"
        var problems: [Evidence] = []
        if world != count {
            problems.append(Evidence("Referee started \(launched): world size \(world), expected \(count)", at: context.runJSON))
        }
        if matching.count < world || matching.isEmpty {
            problems.append(Evidence("Referee saw \(seen); expected \(count)× \(model)", at: at))
        }
        if !problems.isEmpty { return rule.fail("the run was not on \(count)× \(model)", problems) }
        return rule.pass("\(world) process(es) on \(seen) (Referee's launcher and nvidia-smi)", [Evidence(seen, at: at)])
    }

    static func loggedGPUs(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        let count = Int(saturating: rule.threshold("gpu_count", default: 8))
        let model = rule.parameters["gpu_model"] ?? "H100"
        let runs = context.distinctRuns
        guard !runs.isEmpty else { return rule.unverifiable("no run found in the logs") }
        var wrong: [Evidence] = []
        var unknown: [Evidence] = []
        var good: [Evidence] = []
        for ref in runs {
            if let gpu = ref.run.gpu {
                let modelOK = gpu.model.uppercased().contains(model.uppercased())
                if modelOK && gpu.count == count {
                    good.append(Evidence("\(gpu.count)× \(gpu.model)", at: gpu.location))
                } else {
                    wrong.append(Evidence("\(ref.label): \(gpu.count)× \(gpu.model), expected \(count)× \(model)", at: gpu.location))
                }
            } else if let world = ref.run.worldSize, world != count {
                wrong.append(Evidence("\(ref.label): world_size \(world), expected \(count) GPUs", at: ref.wholeFile))
            } else {
                let world = ref.run.worldSize.map { " (world_size \($0), GPU model not logged)" } ?? ""
                unknown.append(Evidence("\(ref.label): no nvidia-smi table\(world)", at: ref.wholeFile))
            }
        }
        if !wrong.isEmpty { return rule.fail("\(wrong.count) run(s) not on \(count)× \(model)", wrong + unknown) }
        if !unknown.isEmpty { return rule.unverifiable("\(unknown.count) of \(runs.count) run(s) do not log their GPUs", unknown) }
        return rule.pass("all \(runs.count) run(s) on \(count)× \(model)", good)
    }
}
