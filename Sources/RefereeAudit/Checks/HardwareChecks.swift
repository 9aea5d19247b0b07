import RefereeCore
import RefereeLogs

/// `hardware.gpus`: every distinct run shows the track's GPU model and count.
enum HardwareChecks {
    static let all: [String: RuleCheck] = [
        "hardware.gpus": gpus,
    ]

    static func gpus(_ context: AuditContext, _ rule: Rule) -> RuleResult {
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
