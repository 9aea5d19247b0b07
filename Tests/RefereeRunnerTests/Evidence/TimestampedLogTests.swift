import Foundation
import Testing
import RefereeTestSupport
@testable import RefereeRunner

@Suite struct TimestampedLogTests {
    func append(_ log: TimestampedLog, _ text: String, at t: Double) -> [StampedLine] {
        Array(text.utf8).withUnsafeBytes { log.append($0, at: t) }
    }

    @Test func linesSplitAcrossChunksKeepOneStampAndTheirBytes() throws {
        let dir = try TestPaths.tempDir("tslog")
        let url = dir.appendingPathComponent("a.log")
        let log = try TimestampedLog(url: url)
        #expect(append(log, "hel", at: 100.25).isEmpty)
        let done = append(log, "lo\r\nwor", at: 101)
        #expect(done == [StampedLine(time: 100.25, text: "hello", truncated: false)])
        let more = append(log, "ld\n\n", at: 99)  // clock stepped back: the stamp does not go back
        #expect(more.map(\.text) == ["world", ""])
        #expect(more.map(\.time) == [101, 101])
        log.close()
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text == "100.250000 hello\r\n101.000000 world\n101.000000 \n")
    }

    @Test func keptTextIsCappedButTheFileHasEverything() throws {
        let dir = try TestPaths.tempDir("tslog")
        let url = dir.appendingPathComponent("b.log")
        let log = try TimestampedLog(url: url)
        let big = String(repeating: "y", count: TimestampedLog.keptLineBytes * 3)
        var lines: [StampedLine] = []
        for _ in 0..<4 { lines += append(log, big, at: 5) }
        lines += append(log, "\n", at: 6)
        #expect(lines.count == 1)
        #expect(lines[0].truncated)
        #expect(lines[0].text.utf8.count == TimestampedLog.keptLineBytes)
        #expect(append(log, "tail", at: 7).isEmpty)
        #expect(log.flushPartialLine()?.text == "tail")
        log.close()
        let data = try Data(contentsOf: url)
        #expect(data.count == "5.000000 ".count + big.utf8.count * 4 + 1 + "7.000000 tail".count)
        #expect(data.last == UInt8(ascii: "l"), "an unterminated last line gets no invented newline")
    }

    @Test func unwritableLogIsAnError() {
        #expect(throws: RunnerError.self) {
            _ = try TimestampedLog(url: URL(fileURLWithPath: "/nonexistent-dir/x.log"))
        }
    }
}
