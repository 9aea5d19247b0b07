import RefereeAudit

/// One row of a compliance listing: a rule, or several unverifiable rules that share one cause.
///
/// Nine rules that are unverifiable because a record has no traces say so in one row ("no
/// traces: …") instead of nine identical sentences. Rules that pass or fail keep a row each.
package struct RuleRow: Sendable, Hashable {
    /// The rule ids of the row, in rule-file order (one unless unverifiable rules were merged).
    package var ids: [String]
    /// The first rule's result (all merged rules share its status, severity, message and evidence).
    package var result: RuleResult

    /// Whether the row stands for several rules.
    package var isGroup: Bool { ids.count > 1 }
}

package enum RuleRows {
    /// `results` as rows: unverifiable results with the same message, severity, evidence and evidence source are
    /// merged into one row at the position of the first; every other result is a row of its own.
    package static func rows(_ results: [RuleResult]) -> [RuleRow] {
        var rows: [RuleRow] = []
        var groupIndex: [GroupKey: Int] = [:]
        for result in results {
            guard result.status == .unverifiable else {
                rows.append(RuleRow(ids: [result.id], result: result))
                continue
            }
            let key = GroupKey(message: result.message, severity: result.severity, evidence: result.evidence, source: result.source)
            if let index = groupIndex[key] {
                rows[index].ids.append(result.id)
            } else {
                groupIndex[key] = rows.count
                rows.append(RuleRow(ids: [result.id], result: result))
            }
        }
        return rows
    }

    private struct GroupKey: Hashable {
        var message: String
        var severity: Severity
        var evidence: [Evidence]
        var source: EvidenceSource
    }
}
