import RefereeCore
import RefereeAudit

/// The caps a record is held to, read from the rule set (defaults: the organisers' numbers).
package struct Budgets: Codable, Hashable, Sendable {
    /// Decimal byte cap on code + compressed model (16,000,000, not 16 MiB).
    package var maxBytes: Int
    package var maxTrainSeconds: Double
    package var maxEvalSeconds: Double
    /// Tolerance the `time.train` rule allows past its cap (`grace_seconds`), e.g. for the
    /// last step that ends just after 600 s; 0 unless the rule set gives one.
    package var trainGraceSeconds: Double

    package init(maxBytes: Int = 16_000_000, maxTrainSeconds: Double = 600, maxEvalSeconds: Double = 600, trainGraceSeconds: Double = 0) {
        self.maxBytes = maxBytes
        self.maxTrainSeconds = maxTrainSeconds
        self.maxEvalSeconds = maxEvalSeconds
        self.trainGraceSeconds = trainGraceSeconds
    }

    /// Takes the caps from the rule set's thresholds where it sets them: `max_bytes` on a
    /// `size.*` rule, `max_seconds` / `max_train_seconds` (and `grace_seconds`) on a `time.train*` rule and
    /// `max_seconds` / `max_eval_seconds` on a `time.eval*` rule. Missing ones keep the defaults.
    package init(rules: RuleSet) {
        self.init()
        for rule in rules.rules {
            if rule.id.hasPrefix("size."), let v = rule.thresholds["max_bytes"] {
                maxBytes = Int(saturating: v)
            } else if rule.id.hasPrefix("time.train"), let v = rule.thresholds["max_train_seconds"] ?? rule.thresholds["max_seconds"] {
                maxTrainSeconds = v
                trainGraceSeconds = rule.thresholds["grace_seconds"] ?? 0
            } else if rule.id.hasPrefix("time.eval"), let v = rule.thresholds["max_eval_seconds"] ?? rule.thresholds["max_seconds"] {
                maxEvalSeconds = v
            }
        }
    }
}
