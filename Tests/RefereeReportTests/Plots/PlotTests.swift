import RefereeLogs
import RefereeAudit
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import RefereeReport

/// Counts elements by name while checking the document is well-formed XML.
final class ElementCounter: NSObject, XMLParserDelegate {
    var counts: [String: Int] = [:]
    var attributes: [String: [[String: String]]] = [:]
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        counts[name, default: 0] += 1
        self.attributes[name, default: []].append(attributes)
    }

    static func parse(_ text: String) -> ElementCounter? {
        let parser = XMLParser(data: Data(text.utf8))
        let counter = ElementCounter()
        parser.delegate = counter
        return parser.parse() ? counter : nil
    }
}

@Suite struct PlotTests {
    @Test func curveIsWellFormedWithOnePointPerStep() throws {
        let page = HandBuiltRecord.page()
        let seed = try #require(page.results.seeds.first { $0.seed == 42 })
        let run = page.evidence.runLog(file: seed.file, runIndex: 0)
        let svg = CurvePlot.svg(seed: seed, run: run)
        let xml = try #require(ElementCounter.parse(svg), "curve SVG is not well-formed XML")
        let polylines = try #require(xml.attributes["polyline"])
        #expect(polylines.count == 2)
        // Every train-loss point is either on the line or counted in the off-scale note.
        let shown = try #require(polylines[0]["points"]?.split(separator: " ").count)
        let total = try #require(run?.steps.filter { $0.trainLoss != nil }.count)
        #expect(shown < total)
        #expect(svg.contains("\(total - shown) points above the scale (max 16.2000 at step 2)"))
        // Two in-training validations: step 0 (4.1 bpb) is off the scale and named; one marker.
        #expect(xml.counts["circle"] == 1)
        #expect(svg.contains("1 point above the scale (max 4.1000 at step 0)"))
        #expect(svg.contains("final 1.22436570"))
    }

    @Test func curveWithoutLogSaysSo() throws {
        let seed = try #require(HandBuiltRecord.page().results.seeds.first)
        let svg = CurvePlot.svg(seed: seed, run: nil)
        #expect(ElementCounter.parse(svg) != nil)
        #expect(svg.contains("no data points in the log"))
    }

    @Test func budgetBarsColourOverCapRed() throws {
        var runs = HandBuiltRecord.audit().runs
        runs[0].artifactBytes = 16_004_000
        let r = RecordResults(audit: HandBuiltRecord.audit(runs: runs))
        let svg = BudgetPlot.svg(r, budgets: Budgets())
        let xml = try #require(ElementCounter.parse(svg))
        let fills = (xml.attributes["rect"] ?? []).compactMap { $0["fill"] }
        // Size (16,004,000 B) and training (600.101 s of seed 7) are over their caps; eval is not.
        #expect(fills.filter { $0 == "#d62728" }.count == 2)
        #expect(fills.filter { $0 == "#2ca02c" }.count == 1)
        #expect(svg.contains("100.02%"))
        #expect(svg.contains("100.03%"))
    }

    @Test func trainingWithinTheGraceIsAmber() throws {
        // Seed 7 trained 600.101 s: over the 600 s cap, within a 1 s grace.
        let r = RecordResults(audit: HandBuiltRecord.audit())
        let svg = BudgetPlot.svg(r, budgets: Budgets(trainGraceSeconds: 1))
        let fills = (try #require(ElementCounter.parse(svg)).attributes["rect"] ?? []).compactMap { $0["fill"] }
        #expect(fills.filter { $0 == "#e8b400" }.count == 1)
        #expect(fills.filter { $0 == "#d62728" }.isEmpty)
        #expect(svg.contains("600 s (+1 s grace)"))
    }

    @Test func missingMeasurementIsNotDrawnAsZero() {
        let runs = [HandBuiltRecord.run("a.log", seed: 1, bpb: 1.2, loss: 2.0, bytes: 15_000_000, trainMs: nil, evalMs: nil, line: 1)]
        let bars = BudgetPlot.bars(RecordResults(audit: HandBuiltRecord.audit(runs: runs)), budgets: Budgets())
        #expect(bars.map(\.usedText) == ["15,000,000 bytes", "not in the logs", "not in the logs"])
    }

    @Test func ticksAreRound() {
        let t = SVG.ticks(1.08, 1.24)
        #expect(t.values.map { Fixed.format($0, t.decimals) } == ["1.10", "1.15", "1.20"])
    }
}
