import RefereeAudit

extension PhaseCaps {
    /// Caps from a track's rules: `time.train` and `time.eval`, threshold `max_seconds`. A rule
    /// the track does not have (e.g. unlimited compute) or that lacks the threshold keeps the
    /// value of `fallback`; `graceSeconds` and `killGraceSeconds` come from `fallback`.
    package init(rules: RuleSet, fallback: PhaseCaps) {
        self = fallback
        if let train = rules.rule("time.train")?.thresholds["max_seconds"] { trainSeconds = train }
        if let eval = rules.rule("time.eval")?.thresholds["max_seconds"] { evalSeconds = eval }
    }
}
