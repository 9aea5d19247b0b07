import Foundation
import Testing
@testable import RefereeLogs

/// `LogReader.read(_:eachRun:)` hands out every run as soon as it ends and keeps none.
@Suite struct LogReaderStreamingTests {
    @Test func streamedRunsEqualTheCollectedOnes() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("referee-stream-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: url) }
        var text = ""
        for seed in 0..<3000 {
            text += "seed:\(seed)\nstep:1/1 train_loss:2.5 train_time:10ms\nfinal_exact val_loss:2.0 val_bpb:1.\(seed + 10_000)\n"
        }
        try text.write(to: url, atomically: true, encoding: .utf8)
        let whole = try LogReader().read(url)
        var streamed: [RunLog] = []
        let file = try LogReader().read(url) { streamed.append($0) }
        #expect(whole.runs.count == 3000)
        #expect(streamed == whole.runs)
        #expect(file.runs.isEmpty)
        #expect(file.lineCount == whole.lineCount && file.notes == whole.notes)
        #expect(streamed.map(\.runIndex) == Array(0..<3000))
        #expect(streamed.last?.score?.eval.valBPB == 1.12999)
    }
}
