import Testing
import RefereeLogs
@testable import RefereeReport

@Suite struct RecordDateTests {
    @Test func flagWins() throws {
        let d = try RecordDate.resolve(flag: "2026-04-01", logs: [], folderName: "2026-03-17_X")
        #expect(d.date == "2026-04-01" && d.source == .flag)
    }

    @Test func badFlagIsRejected() {
        #expect(throws: ReportError.badDate("04/01/2026")) {
            try RecordDate.resolve(flag: "04/01/2026", logs: [], folderName: "x")
        }
    }

    @Test func latestLogTimestampInUTC() throws {
        var a = RunLog(file: "a.log", runIndex: 0, firstLine: 1, lastLine: 2)
        a.lastTimestamp = 1_773_792_000 // 2026-03-18T00:00:00Z
        var b = RunLog(file: "b.log", runIndex: 0, firstLine: 1, lastLine: 2)
        b.lastTimestamp = 1_773_791_999 // one second earlier: 2026-03-17
        let logs = [LogFile(path: "a.log", byteCount: 1, lineCount: 2, runs: [a, b], notes: [])]
        let d = try RecordDate.resolve(flag: nil, logs: logs, folderName: "2020-01-01_X")
        #expect(d.date == "2026-03-18" && d.source == .logTimestamp)
        #expect(RecordDate.utcDay(1_773_791_999) == "2026-03-17")
        #expect(RecordDate.utcDay(951_782_400) == "2000-02-29")
    }

    @Test func folderNameThenError() throws {
        #expect(try RecordDate.resolve(flag: nil, logs: [], folderName: "2026-03-19_SlidingWindowEval").date == "2026-03-19")
        #expect(throws: ReportError.noDate(folder: "my_record")) {
            try RecordDate.resolve(flag: nil, logs: [], folderName: "my_record")
        }
    }
}
