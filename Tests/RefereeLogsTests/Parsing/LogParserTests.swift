import Foundation
import RefereeCore
import RefereeTestSupport
import Testing
@testable import RefereeLogs

@Suite struct LogParserTests {
    func read(_ lines: [String], maxLineBytes: Int = LineReader.defaultMaxLineBytes) throws -> LogFile {
        let url = try TestPaths.tempDir("parser").appendingPathComponent("p.log")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url)
        return try LogReader(maxLineBytes: maxLineBytes).read(url, displayPath: "p.log")
    }

    @Test func heldLinesWithoutSeparatorAreReadAsLogLines() throws {
        // `import`-like output followed by run output: the held lines are replayed, nothing lost.
        let f = try read(["import torch failed, using fallback", "seed:4", "Total submission size int8+zlib: 9 bytes",
                          "final_exact val_loss:1.00000000 val_bpb:0.70000000"])
        #expect(f.runs.count == 1)
        #expect(f.runs[0].seed == 4)
        #expect(f.runs[0].embeddedSource == nil)
        #expect(f.runs[0].score?.eval.valBPB == 0.7)
    }

    @Test func heldLinesAtEndOfFileAreReplayed() throws {
        let f = try read(["step:1/2 train_loss:2.0", "    indented trailing output", "    seed: 5"])
        #expect(f.runs.count == 1)
        #expect(f.runs[0].embeddedSource == nil)
        #expect(f.runs[0].seed == 5)
    }

    @Test func overCapNotesAreCounted() throws {
        let f = try read(Array(repeating: "abcdefgh", count: 25), maxLineBytes: 4)
        #expect(f.notes.filter { $0.contains("4-byte cap;") }.count == LogParser.maxNotesPerKind)
        #expect(f.notes.contains { $0.contains("15 more line(s) of kind over-cap") })
    }
}
