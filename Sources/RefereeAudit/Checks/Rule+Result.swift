import Foundation
import RefereeCore

extension Rule {
    /// A passing result of this rule.
    func pass(_ message: String, _ evidence: [Evidence] = []) -> RuleResult {
        RuleResult(id: id, status: .pass, severity: severity, message: message, evidence: evidence)
    }

    /// A failing result of this rule.
    func fail(_ message: String, _ evidence: [Evidence] = []) -> RuleResult {
        RuleResult(id: id, status: .fail, severity: severity, message: message, evidence: evidence)
    }

    /// An unverifiable result: the evidence is absent or incomplete.
    func unverifiable(_ message: String, _ evidence: [Evidence] = []) -> RuleResult {
        RuleResult(id: id, status: .unverifiable, severity: severity, message: message, evidence: evidence)
    }
}

/// Number formatting shared by check messages (fixed, locale-free).
enum Fmt {
    /// `value` with `decimals` places.
    static func fixed(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }

    /// Seconds from milliseconds, one decimal.
    static func seconds(ms: Double) -> String { fixed(ms / 1000, 1) + " s" }

    /// An integer with thousands separators (`15,993,853`).
    static func bytes(_ n: Int) -> String {
        let digits = String(n.magnitude)  // abs(Int.min) would trap
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// `part / whole` as a percentage with one decimal.
    static func percent(_ part: Double, of whole: Double) -> String {
        fixed(100 * part / whole, 1) + "%"
    }
}
