import Foundation
import RefereeAudit

/// JUnit XML for CI: one `<testsuite>` per record, one `<testcase>` per rule. A failed
/// error-severity rule is a `<failure>`; an unverifiable rule is `<skipped>`; a failed warning
/// passes with its message in `<system-out>`.
package enum JUnitReport {
    package static func render(_ audits: [RecordAudit]) -> String {
        var total = 0, failures = 0, skipped = 0
        var suites = ""
        for audit in audits {
            let f = audit.results.filter(isFailure).count
            let s = audit.results.filter { $0.status == .unverifiable }.count
            total += audit.results.count
            failures += f
            skipped += s
            suites += "  <testsuite name=\"\(xml(audit.path))\" tests=\"\(audit.results.count)\" failures=\"\(f)\" errors=\"0\" skipped=\"\(s)\">\n"
            suites += "    <properties>\n"
            suites += "      <property name=\"track\" value=\"\(xml(audit.track))\"/>\n"
            suites += "      <property name=\"rules_version\" value=\"\(xml(audit.rulesVersion))\"/>\n"
            suites += "      <property name=\"rules_digest\" value=\"\(xml(audit.rulesDigest))\"/>\n"
            suites += "      <property name=\"verdict\" value=\"\(audit.verdict.rawValue)\"/>\n"
            if let score = audit.score {
                suites += "      <property name=\"score\" value=\"\(String(format: "%.8f", score))\"/>\n"
            }
            suites += "    </properties>\n"
            for result in audit.results {
                let open = "    <testcase classname=\"\(xml(audit.path))\" name=\"\(xml(result.id))\""
                let body = evidenceText(result)
                // What the finding rested on, after the outcome element (which stays first).
                let close = "      <properties><property name=\"evidence\" value=\"\(result.source.rawValue)\"/></properties>\n    </testcase>\n"
                if isFailure(result) {
                    suites += open + ">\n      <failure type=\"\(result.severity.rawValue)\" message=\"\(xml(result.message))\">\(xml(body))</failure>\n" + close
                } else if result.status == .unverifiable {
                    suites += open + ">\n      <skipped message=\"\(xml("unverifiable: " + result.message))\"/>\n" + close
                } else if result.status == .fail {
                    suites += open + ">\n      <system-out>\(xml("warning: " + result.message + "\n" + body))</system-out>\n" + close
                } else {
                    suites += open + ">\n" + close
                }
            }
            suites += "  </testsuite>\n"
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuites name=\"referee audit\" tests=\"\(total)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\">\n"
            + suites + "</testsuites>\n"
    }

    static func isFailure(_ r: RuleResult) -> Bool { r.status == .fail && r.severity == .error }

    static func evidenceText(_ r: RuleResult) -> String {
        r.evidence.map { e in e.location.map { "\($0): \(e.detail)" } ?? e.detail }.joined(separator: "\n")
    }

    /// Escapes text for XML attributes and content (``XMLEscape``).
    package static func xml(_ s: String) -> String { XMLEscape.escape(s) }
}
