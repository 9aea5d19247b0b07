import Testing
import RefereeAudit
@testable import RefereeReport

@Suite struct ReadmeWriterTests {
    @Test func goldenReadme() throws {
        try Golden.check(ReadmeWriter.render(HandBuiltRecord.page()), "handbuilt/README.md")
    }

    @Test func complianceTableHasEveryRule() {
        let audit = HandBuiltRecord.audit()
        let md = ReadmeWriter.render(HandBuiltRecord.page())
        for r in audit.results {
            #expect(md.contains("| `\(r.id)` |"), "rule \(r.id) missing")
        }
        // The pipe in a rule message must not split the table cell.
        #expect(md.contains("the best seed \\| not the mean"))
        #expect(md.contains("| `causal.score-before-update` | ⚠️ unverifiable |"))
    }

    @Test func readmeLinksEveryPlotItWrites() {
        let page = HandBuiltRecord.page()
        let md = ReadmeWriter.render(page)
        for plot in page.plots() {
            #expect(md.contains("(plots/\(plot.name))"), "README does not embed \(plot.name)")
        }
    }

    @Test func reproductionCommandNamesSeedsAndScript() {
        let page = HandBuiltRecord.page()
        #expect(page.reproductionCommand == "for SEED in 7 42 1337; do\n  SEED=$SEED torchrun --standalone --nproc_per_node=8 train_gpt.py\ndone")
    }
}
