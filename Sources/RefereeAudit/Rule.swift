import Foundation

/// How bad a failed rule is. `error` fails the record; `warning` is reported only.
package enum Severity: String, Codable, Sendable, Comparable {
    case warning, error
    package static func < (a: Severity, b: Severity) -> Bool { a == .warning && b == .error }
}

/// One rule of a track, as written in `Rules/<track>.toml`.
package struct Rule: Codable, Hashable, Sendable {
    /// Stable id, e.g. `size.artifact-cap`. Ids are a public contract.
    package var id: String
    /// One-line statement of the rule.
    package var statement: String
    package var severity: Severity
    /// Named numeric thresholds (e.g. `max_bytes = 16000000`).
    package var thresholds: [String: Double]
    /// Where the organisers state it (README section, issue, PR).
    package var source: String
    /// Named text parameters (e.g. `gpu_model = "H100"`), written in the rule's `parameters` table.
    package var parameters: [String: String]

    package init(id: String, statement: String, severity: Severity, thresholds: [String: Double], source: String, parameters: [String: String] = [:]) {
        self.id = id
        self.statement = statement
        self.severity = severity
        self.thresholds = thresholds
        self.source = source
        self.parameters = parameters
    }

    /// The threshold `name`, or `fallback` when the rule file does not set it.
    package func threshold(_ name: String, default fallback: Double) -> Double {
        thresholds[name] ?? fallback
    }
}

/// The rules of one track.
package struct RuleSet: Codable, Hashable, Sendable {
    package var track: String
    /// The rule file's own `version` field.
    package var version: String
    /// SHA-256 (hex) of the rule file's bytes, so a verdict names exactly what it was computed under.
    package var digest: String
    package var rules: [Rule]

    package init(track: String, version: String, digest: String, rules: [Rule]) {
        self.track = track
        self.version = version
        self.digest = digest
        self.rules = rules
    }

    package func rule(_ id: String) -> Rule? { rules.first { $0.id == id } }
}
