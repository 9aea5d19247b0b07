import RefereeCore

/// Errors that stop an audit (bad input or usage). Rule violations are ``RuleResult``s instead.
package enum AuditError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A rules file could not be read or parsed.
    case badRules(path: String, line: Int?, expected: String)
    /// No rules for the track; `searched` says where it looked, in order.
    case unknownTrack(String, searched: [String])
    /// An evidence path could not be read.
    case badEvidence(path: String, reason: String)

    package var description: String {
        switch self {
        case .badRules(let path, let line, let expected):
            return "\(path)\(line.map { ":\($0)" } ?? ""): \(expected)"
        case .unknownTrack(let track, let searched):
            return "no rules for track '\(track)' (looked in: \(searched.joined(separator: "; "))); "
                + "pass --rules FILE, or set REFEREE_RULES_DIR to a folder holding \(track).toml"
        case .badEvidence(let path, let reason):
            return ErrorText.located(path, reason)
        }
    }
}
