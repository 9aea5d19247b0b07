import RefereeCore
import Foundation
import RefereeAudit

/// GitHub Actions workflow commands: `::error file=…,line=…,title=…::message` for each failed
/// error rule, `::warning …` for each failed warning, `::notice …` for each cause of
/// unverifiable rules (rules with the same message share one notice, titled with their ids).
/// Passing rules print nothing.
package enum GitHubAnnotations {
    package static func render(_ audits: [RecordAudit]) -> String {
        var out = ""
        for audit in audits {
            for row in RuleRows.rows(audit.results) where row.result.status != .pass {
                let result = row.result
                let command: String
                switch (result.status, result.severity) {
                case (.fail, .error): command = "error"
                case (.fail, .warning): command = "warning"
                default: command = "notice"
                }
                let located = result.evidence.first { $0.location != nil }?.location
                var props = ["file=\(property(located?.file ?? audit.path))"]
                if let line = located?.line, line > 0 { props.append("line=\(line)") }
                let title = row.isGroup ? "\(row.ids.count) rules (\(result.status.rawValue)) [\(result.source.rawValue)]: \(row.ids.joined(separator: ", "))"
                    : "\(result.id) (\(result.status.rawValue)) [\(result.source.rawValue)]"
                props.append("title=\(property(title))")
                var message = result.message
                for e in result.evidence {
                    message += "\n" + (e.location.map { "\($0): " } ?? "") + e.detail
                }
                out += "::\(command) \(props.joined(separator: ","))::\(data(message))\n"
            }
        }
        return out
    }

    /// Escapes a command's message (`%`, CR, LF).
    package static func data(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "%25")
            .replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    /// Escapes a property value (also `:` and `,`).
    package static func property(_ s: String) -> String {
        data(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
