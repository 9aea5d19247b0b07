import Foundation
import Testing
import RefereeAudit
@testable import RefereeReport

@Suite struct HTMLReportTests {
    @Test func selfContainedWithTablesAndPlots() {
        let page = HandBuiltRecord.page()
        let html = HTMLReport.render(page)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<table id=\"compliance\">"))
        #expect(html.contains("<table id=\"results\">"))
        // Inline SVG: one per distinct run plus the budget bars.
        #expect(html.components(separatedBy: "<svg ").count - 1 == page.results.seeds.count + 1)
        // No external resources: no src/href attributes, no scripts, no stylesheet links.
        for forbidden in [" src=", " href=", "<script", "<link", "url("] {
            #expect(!html.contains(forbidden), "HTML report contains \(forbidden)")
        }
    }

    @Test func everyRuleIsARowWithItsStatusClass() {
        let audit = HandBuiltRecord.audit()
        let html = HTMLReport.render(HandBuiltRecord.page())
        for r in audit.results {
            #expect(html.contains("<tr class=\"\(r.status.rawValue)\"><td><code>\(r.id)</code>"))
        }
        #expect(html.contains("class=\"verdict fail\"") == (audit.verdict == .fail))
    }

    @Test func textIsEscaped() {
        var audit = HandBuiltRecord.audit()
        audit.results[0].message = "<script>alert(1)</script> & more"
        let html = HTMLReport.render(HandBuiltRecord.page(audit: audit))
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"))
    }

    @Test func byteStable() {
        #expect(HTMLReport.render(HandBuiltRecord.page()) == HTMLReport.render(HandBuiltRecord.page()))
    }
}
