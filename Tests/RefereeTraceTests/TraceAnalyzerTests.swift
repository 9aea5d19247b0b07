import RefereeCore
import Foundation
import Testing
import RefereeTestSupport
@testable import RefereeTrace

/// The hand-written fixtures of Tests/Fixtures/traces (see make_fixtures.py there): targets
/// [1, 21) over two ranks, 2 nats and 3 bytes per token.
@Suite struct TraceAnalyzerTests {
    func facts(_ name: String) throws -> TraceFacts {
        try TraceAnalyzer.analyse(directory: TestPaths.fixture("traces/\(name)"), seed: 7, displayRoot: TestPaths.fixture("traces"))
    }

    @Test func honestTraceIsClean() throws {
        let f = try facts("honest")
        #expect(f.ranks == [0, 1])
        #expect(f.worldSize == 2)
        #expect(f.valTokens == 21)
        #expect(f.scoreEvents == 4)
        #expect(f.updateEvents == 3)
        #expect(f.scored == [PositionRange(1, 21)])
        #expect(f.tokenSum == 20)
        #expect(f.nllSum == 40)
        #expect(f.bytesSum == 60)
        #expect(f.valLoss == 2)
        #expect(abs(f.valBPB! - 2 / log(2) / 3) < 1e-12)
        #expect(abs(f.reportedValBPB! - f.valBPB!) < 1e-12)
        for list in [f.gaps, f.overlaps, f.outOfOrder, f.outOfRange, f.unscoredReads, f.chainBreaks, f.malformed] {
            #expect(list.isEmpty, "\(list.items)")
        }
        #expect(f.psumMin == 0.99999)
        #expect(f.psumMax == 1.00001)
        #expect(f.phases == ["eval_start", "eval_end"])
    }

    @Test func twoPassRescoringIsAnOverlap() throws {
        let f = try facts("two-pass")
        #expect(f.overlaps.count == 1)
        #expect(f.overlaps.items.first?.range == PositionRange(1, 6))
        #expect(f.overlaps.items.first?.location.description == "two-pass/rank0.jsonl:6")
        #expect(f.outOfOrder.count == 1)
        #expect(f.chainBreaks.isEmpty)
    }

    @Test func missingScoresAreGaps() throws {
        let f = try facts("gap")
        #expect(f.gaps.items.map(\.range) == [PositionRange(16, 21)])
        #expect(f.uncoveredPositions == 5)
        #expect(f.overlaps.isEmpty)
    }

    @Test func updateBeforeScoreNamesTheLine() throws {
        let f = try facts("pre-eval-ttt")
        #expect(f.unscoredReads.count == 1)
        let finding = try #require(f.unscoredReads.items.first)
        #expect(finding.location.description == "pre-eval-ttt/rank0.jsonl:2")
        #expect(finding.range == PositionRange(1, 11))
        #expect(f.gaps.isEmpty)
    }

    @Test func descendingRangesAreOutOfOrder() throws {
        let f = try facts("out-of-order")
        #expect(f.outOfOrder.count == 1)
        #expect(f.overlaps.isEmpty)
        #expect(f.gaps.isEmpty)
    }

    @Test func psumExtremesAndWhere() throws {
        let f = try facts("bad-psum")
        #expect(f.psumMin == 0.5)
        #expect(f.psumMax == 277)
        #expect(f.psumMaxLocation?.description == "bad-psum/rank0.jsonl:2")
    }

    @Test func missingRankFileBreaksTheSet() throws {
        let f = try facts("missing-rank")
        #expect(f.ranks == [0])
        #expect(f.chainBreaks.items.contains { $0.message.contains("no trace file for rank(s) 1") })
        #expect(f.uncoveredPositions == 10)
    }

    @Test func editedLineBreaksTheChainOnTheNextLine() throws {
        let f = try facts("edited")
        #expect(f.chainBreaks.count == 1)
        #expect(f.chainBreaks.items.first?.location.description == "edited/rank0.jsonl:3")
        #expect(f.nllSum == 31) // the edit is visible in the sums too
    }

    @Test func deletedLineBreaksSeqAndPrev() throws {
        let f = try facts("deleted-line")
        #expect(f.chainBreaks.count == 1)
        let message = try #require(f.chainBreaks.items.first?.message)
        #expect(message.contains("seq 3 where 2 was expected"))
        #expect(message.contains("prev does not match"))
        #expect(f.updateEvents == 2)
    }

    @Test func malformedLinesAreFindingsWithLines() throws {
        let f = try facts("malformed")
        #expect(f.malformed.items.map(\.location.line) == [3, 5])
        #expect(f.malformed.items[0].message.contains("expected one JSON object"))
        #expect(f.malformed.items[1].message.contains("\"t\""))
        #expect(!f.chainBreaks.isEmpty)
        // the well-formed events around them still count
        #expect(f.scored == [PositionRange(1, 21)])
    }

    @Test func discoveryReadsSeedFolders() throws {
        let root = try TestPaths.tempDir("trace-discovery")
        defer { try? FileManager.default.removeItem(at: root) }
        let traces = root.appendingPathComponent("traces")
        try FileManager.default.createDirectory(at: traces, withIntermediateDirectories: true)
        for (seed, source) in [(1337, "honest"), (42, "gap")] {
            try FileManager.default.copyItem(at: TestPaths.fixture("traces/\(source)"),
                                             to: traces.appendingPathComponent("seed\(seed)"))
        }
        try FileManager.default.createDirectory(at: traces.appendingPathComponent("notes"), withIntermediateDirectories: true)
        let found = TraceDiscovery.traces(in: root)
        #expect(found.map(\.seed) == [42, 1337])
        #expect(found.map(\.directory) == ["traces/seed42", "traces/seed1337"])
        #expect(found[0].uncoveredPositions == 5)
        #expect(found[1].chainBreaks.isEmpty)
        #expect(TraceDiscovery.traces(in: root.appendingPathComponent("nothing")).isEmpty)
        #expect(TraceDiscovery.probes(in: root) == nil)
        try Data("{\"oops\": 1}".utf8).write(to: root.appendingPathComponent("probes.json"))
        let broken = try #require(TraceDiscovery.probes(in: root))
        #expect(broken.problems.first?.contains("probes.json: not a probe report") == true)
    }
}
