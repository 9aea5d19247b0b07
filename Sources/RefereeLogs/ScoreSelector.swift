import Foundation
import RefereeCore

/// Picks THE score of a run from its eval lines.
///
/// Rule: among the `.final` evals printed after the artifact size line (diagnostic,
/// pre-quantisation, in-training and progress lines never count), take the last one; when it has
/// fewer than 8 decimals and an 8-decimal twin exists (same label family, same value at the shorter
/// precision — `legal_ttt` / `legal_ttt_exact`), take the twin.
package enum ScoreSelector {
    /// Chooses the score, or nil when no eligible eval exists. `artifactLine` is where the
    /// artifact size was read; nil means the log has no size line (the reason says so).
    package static func choose(from evals: [EvalLine], artifactLine: SourceLocation?) -> ScoreChoice? {
        let after = evals.filter { e in
            e.kind == .final && (artifactLine.map { e.location.line > $0.line } ?? true)
        }
        guard let last = after.last else { return nil }
        let where_ = artifactLine.map { "after the size line at \($0)" } ?? "(the run has no artifact size line)"
        if last.decimals >= 8 {
            return ScoreChoice(eval: last, reason: "last final eval `\(last.label)` \(where_), printed with \(last.decimals) decimals")
        }
        let family = Self.family(last.label)
        let scale = pow(10.0, Double(last.decimals))
        let twin = after.reversed().first { c in
            c.decimals >= 8 && Self.family(c.label) == family
                && abs((c.valBPB * scale).rounded() / scale - last.valBPB) < 0.5 / scale
        }
        if let twin {
            return ScoreChoice(eval: twin, reason: "last final eval `\(last.label)` \(where_) has \(last.decimals) decimals; its 8-decimal twin `\(twin.label)` at \(twin.location) is used")
        }
        return ScoreChoice(eval: last, reason: "last final eval `\(last.label)` \(where_); no 8-decimal line of it exists, \(last.decimals) decimals")
    }

    /// The label's first word without an `_exact` suffix: `final_int6_sliding_window_exact stride:64`
    /// and `final_int6_sliding_window stride:64` share the family `final_int6_sliding_window`.
    static func family(_ label: String) -> String {
        var first = String(label.split(separator: " ").first ?? "")
        if first.hasSuffix("_exact") { first.removeLast(6) }
        return first
    }
}
