import Testing
@testable import RefereeReport

@Suite struct XMLEscapeTests {
    @Test func escapesMarkupAndReplacesForbiddenControls() {
        #expect(XMLEscape.escape("a<b>&\"c\"'d'") == "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;")
        #expect(XMLEscape.escape("x\ny\tz\u{01}\u{FFFE}") == "x&#10;y\tz\u{FFFD}\u{FFFD}")
    }

    /// SVG plots, the HTML page and JUnit share the one escaper.
    @Test func everyReportUsesTheSameEscaper() {
        let text = "seed 'a' <1> & \"b\"\n\u{07}"
        #expect(SVG.escape(text) == XMLEscape.escape(text))
        #expect(JUnitReport.xml(text) == XMLEscape.escape(text))
        #expect(HTMLReport.esc(text) == XMLEscape.escape(text))
    }
}
