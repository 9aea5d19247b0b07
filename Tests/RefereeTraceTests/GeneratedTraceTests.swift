import Foundation
import Testing
import RefereeTestSupport
@testable import RefereeTrace

/// Multi-rank traces written by `bench/gen-trace.py` (python3, standard library only): eight
/// ranks interleaved in time, each scoring 4-token ranges and updating a cache right after.
@Suite struct GeneratedTraceTests {
    static func generate(events: Int, ranks: Int) throws -> URL? {
        let dir = try TestPaths.tempDir("gen-trace")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", TestPaths.repoRoot.appendingPathComponent("bench/gen-trace.py").path, "\(events)", "\(ranks)", dir.path]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        p.waitUntilExit()
        return p.terminationStatus == 0 ? dir : nil
    }

    @Test func eightRanksMergeIntoOneCoveredRange() throws {
        guard let dir = try Self.generate(events: 16000, ranks: 8) else {
            print("GeneratedTraceTests skipped: python3 not available")
            return
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        let f = try TraceAnalyzer.analyse(directory: dir)
        let n = 1 + 16000 / 2 * 4
        #expect(f.ranks == Array(0..<8))
        #expect(f.valTokens == n)
        #expect(f.lineCount == 16008)
        #expect(f.scored == [PositionRange(1, n)])
        #expect(f.tokenSum == n - 1)
        for list in [f.gaps, f.overlaps, f.outOfOrder, f.unscoredReads, f.chainBreaks, f.malformed] {
            #expect(list.isEmpty, "\(list.items)")
        }
        // Without rank 3's file its slice is a gap, and the set is incomplete.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("rank3.jsonl"))
        let g = try TraceAnalyzer.analyse(directory: dir)
        let slice = 16000 / 8 / 2 * 4
        #expect(g.gaps.items.map(\.range) == [PositionRange(1 + 3 * slice, 1 + 4 * slice)])
        #expect(g.uncoveredPositions == slice)
        #expect(g.chainBreaks.items.contains { $0.message.contains("no trace file for rank(s) 3") })
    }
}
