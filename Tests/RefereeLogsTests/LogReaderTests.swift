import RefereeCore
import Foundation
import Testing
@testable import RefereeLogs
import RefereeTestSupport

/// The reader on committed fixtures (written for these tests in the real dialects) and on hostile
/// input written to temporary files.
@Suite struct LogReaderTests {
    func fixture(_ name: String) throws -> LogFile {
        try LogReader().read(TestPaths.fixture("logs/\(name)"), displayPath: name)
    }

    func temp(_ bytes: [UInt8], name: String = "hostile.log") throws -> URL {
        let url = try TestPaths.tempDir("logs").appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    @Test func appendedRunsAreSplitAtEachSourceBlock() throws {
        let file = try fixture("appended_runs.log")
        #expect(file.lineCount == 174)
        #expect(file.runs.map { $0.firstLine...$0.lastLine } == [1...93, 94...174])
        #expect(file.runs.map(\.seed) == [7, 8])
        #expect(file.runs.map { $0.seedLocation?.line } == [56, 137])
        #expect(file.runs.map(\.worldSize) == [8, 2])
        #expect(file.runs.map { $0.gpu?.model } == ["NVIDIA H100 80GB HBM3", "NVIDIA H200"])
        #expect(file.runs.map { $0.gpu?.count } == [8, 2])
        #expect(file.runs.map { $0.score?.eval.valBPB } == [1.22436570, 1.23012345])
        #expect(file.runs.map { $0.score?.eval.location.line } == [93, 174])
        #expect(file.runs.map { $0.sizes.artifactBytes?.bytes } == [15863489, 15900000])
        #expect(file.runs.map(\.trainTimeMs) == [600038, 600038])
        #expect(file.runs.map(\.embeddedSourceLines) == [1...23, 94...116])
    }

    @Test func metricLookingCodeInsideTheSourceBlockIsNotAnEval() throws {
        let file = try fixture("appended_runs.log")
        let run = try #require(file.runs.first)
        let source = try #require(run.embeddedSource)
        #expect(source.contains("print(\"final_int8_zlib_roundtrip_exact val_loss:0.10000000 val_bpb:0.05000000\")"))
        #expect(source.hasPrefix("\"\"\"\nTiny training script (seed 7)"))
        #expect(source.hasSuffix("    main()"))
        #expect(!run.evals.contains { $0.valBPB == 0.05 })
        #expect(run.evals.allSatisfy { $0.location.line > 52 })
        // The literal `stopping_early: … train_time:1ms` in the code is not the run's stop.
        #expect(run.trainTimeLocation?.line == 85)
    }

    @Test func timestampedHyperparameterDialect() throws {
        let file = try fixture("timestamped_hyperparams.txt")
        let run = try #require(file.runs.first)
        #expect(file.runs.count == 1)
        #expect(run.seed == 3)
        #expect(run.worldSize == 8)
        #expect(run.firstTimestamp == 1776142349.635)
        #expect(run.lastTimestamp == 1776142381.135)
        #expect(run.steps.map(\.step) == [0, 1, 500, 4832])
        #expect(run.steps[2].trainTimeMs == 48000)
        #expect(run.trainTimeMs == 587091)
        #expect(run.trainTimeLocation?.line == 11)
        #expect(run.totalEvalTimeMs == 500100)
        #expect(run.evals.map(\.kind) == [.inTraining, .inTraining, .diagnostic, .diagnostic, .final])
        #expect(run.score?.eval.location.line == 21)
        #expect(run.score?.eval.label == "quantized_ttt_phased")
        #expect(run.sizes.codeBytesCompressed?.bytes == 28599)
        #expect(run.embeddedSource == nil)
    }

    @Test func eightDecimalTwinPrintedBeforeTheLastLineIsPreferred() throws {
        let file = try fixture("ternary_twin.txt")
        let run = try #require(file.runs.first)
        #expect(run.seed == 11)
        #expect(run.seedLocation?.line == 28)
        #expect(run.worldSize == 8)
        #expect(run.sizes.artifactBytes?.bytes == 15993853)
        #expect(run.sizes.artifactMB == 15.92)
        #expect(run.score?.eval.valBPB == 1.15654321)
        #expect(run.score?.eval.location.line == 36)
        #expect(run.score?.reason.contains("twin") == true)
    }

    @Test func truncatedLogGivesARunWithoutScore() throws {
        let full = try Data(contentsOf: TestPaths.fixture("logs/appended_runs.log"))
        // Cut in the middle of line 70 (inside the first run's training loop).
        let text = String(decoding: full, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let cut = lines[0..<69].joined(separator: "\n") + "\n" + lines[69].prefix(10)
        let file = try LogReader().read(try temp(Array(cut.utf8)))
        #expect(file.runs.count == 1)
        #expect(file.runs[0].seed == 7)
        #expect(file.runs[0].score == nil)
        #expect(file.runs[0].sizes.artifactBytes == nil)
        #expect(file.runs[0].embeddedSourceLines == 1...23)
    }

    @Test func binaryGarbageGivesNoRunAndANote() throws {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let file = try LogReader().read(try temp(bytes))
        #expect(file.runs.isEmpty)
        #expect(file.notes.contains { $0.contains("no training run found") })
        #expect(file.byteCount == 200_000)
    }

    @Test func nulBytesAndInvalidUTF8AreNotedNotFatal() throws {
        var bytes = Array("seed:5\nstep:1/10 train_loss:2.0 train_time:10ms\n".utf8)
        bytes += [0x66, 0x00, 0x6F, 0x0A]  // "f\0o"
        bytes += [0xFF, 0xFE, 0x80, 0x0A]  // invalid UTF-8
        bytes += Array("Total submission size int8+zlib: 123 bytes\nfinal_x_exact val_loss:1.00000000 val_bpb:0.90000000\n".utf8)
        let file = try LogReader().read(try temp(bytes), displayPath: "bad.log")
        #expect(file.notes.contains { $0.hasPrefix("bad.log:3:") && $0.contains("NUL") })
        #expect(file.notes.contains { $0.hasPrefix("bad.log:4:") && $0.contains("UTF-8") })
        #expect(file.runs.first?.score?.eval.valBPB == 0.9)
        #expect(file.runs.first?.score?.eval.location.line == 6)
    }

    @Test func hundredMegabyteSingleLineIsCutAndNoted() throws {
        let url = try TestPaths.tempDir("logs").appendingPathComponent("long.log")
        #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
        let h = try FileHandle(forWritingTo: url)
        try h.write(contentsOf: Data("seed:9\n".utf8))
        let chunk = Data(repeating: 0x41, count: 1 << 20)
        for _ in 0..<100 { try h.write(contentsOf: chunk) }
        try h.write(contentsOf: Data("\nTotal submission size int8+zlib: 99 bytes\nfinal_y_exact val_loss:1.00000000 val_bpb:0.80000000\n".utf8))
        try h.close()
        let file = try LogReader().read(url, displayPath: "long.log")
        #expect(file.lineCount == 4)
        #expect(file.notes.contains { $0.hasPrefix("long.log:2:") && $0.contains("cap") })
        #expect(file.runs.first?.score?.eval.valBPB == 0.8)
        #expect(file.runs.first?.seed == 9)
    }

    @Test func emptyFileHasNoRun() throws {
        let file = try LogReader().read(try temp([]))
        #expect(file.lineCount == 0)
        #expect(file.runs.isEmpty)
        #expect(!file.notes.isEmpty)
    }

    @Test func missingFileAndDirectoryThrow() throws {
        let dir = try TestPaths.tempDir("logs")
        #expect(throws: LogError.unreadable(path: "nope.log", reason: "no such file")) {
            try LogReader().read(dir.appendingPathComponent("nope.log"), displayPath: "nope.log")
        }
        #expect(throws: LogError.self) { try LogReader().read(dir) }
    }

    @Test func noSizeLineStillScoresAndSaysSo() throws {
        let text = "seed:1\nstep:10/10 val_loss:2.0 val_bpb:1.5 train_time:100ms\nfinal_z_exact val_loss:2.00000000 val_bpb:1.40000000\n"
        let file = try LogReader().read(try temp(Array(text.utf8)))
        let score = try #require(file.runs.first?.score)
        #expect(score.eval.valBPB == 1.4)
        #expect(score.reason.contains("no artifact size line"))
    }

    @Test func secondSeedAfterAFinishedRunStartsANewRun() throws {
        func run(_ seed: Int, _ bpb: String) -> String {
            "world_size:8\nseed:\(seed)\nstep:10/10 val_loss:2.0 val_bpb:1.5 train_time:100ms\nTotal submission size int8+zlib: 10 bytes\nfinal_q_exact val_loss:2.00000000 val_bpb:\(bpb)\n"
        }
        let text = run(1, "1.10000000") + run(2, "1.20000000")
        let file = try LogReader().read(try temp(Array(text.utf8)))
        #expect(file.runs.map(\.seed) == [1, 2])
        #expect(file.runs.map { $0.firstLine...$0.lastLine } == [1...5, 6...10])
        #expect(file.runs.map { $0.worldSizeLocation?.line } == [1, 6])
        #expect(file.runs.map { $0.score?.eval.valBPB } == [1.1, 1.2])
    }
}

@Suite struct LogReaderLongLogTests {
    @Test func longTrainingCurveIsBoundedButKeepsItsEnd() throws {
        var text = "seed:1\n"
        for i in 1...60_000 { text += "step:\(i)/60000 train_loss:2.0 train_time:\(i)ms\n" }
        for i in 1...6_000 { text += "step:\(i * 10)/60000 val_loss:2.0 val_bpb:1.5 train_time:\(i)ms\n" }
        text += "Total submission size int8+zlib: 10 bytes\nfinal_q_exact val_loss:2.00000000 val_bpb:1.30000000\n"
        let url = try TestPaths.tempDir("logs").appendingPathComponent("long.log")
        try Data(text.utf8).write(to: url)
        let run = try #require(try LogReader().read(url).runs.first)
        #expect(run.steps.count <= RunBuilder.maxSteps + 1)
        #expect(run.steps.last?.step == 60_000)
        #expect(run.evals.filter { $0.kind == .inTraining }.count <= RunBuilder.maxTrainingEvals + 1)
        #expect(run.notes.contains { $0.contains("thinned") })
        #expect(run.score?.eval.valBPB == 1.3)
    }
}

@Suite struct LogReaderTracebackTests {
    @Test func tracebackBeforeTheNextSourceIsNotSource() throws {
        let sep = String(repeating: "=", count: 100)
        let text = [
            "seed:1", "step:10/10 val_loss:2.0 val_bpb:1.5 train_time:100ms",
            "Traceback (most recent call last):", "  File \"train_gpt.py\", line 9, in <module>", "    main()",
            "RuntimeError: CUDA out of memory",
            "\"\"\"", "Script.", "\"\"\"", "import os", "", "def main():", "    pass", sep,
            "world_size:8", "seed:2", "Total submission size int8+zlib: 10 bytes",
            "final_q_exact val_loss:2.00000000 val_bpb:1.20000000",
        ].joined(separator: "\n") + "\n"
        let url = try TestPaths.tempDir("logs").appendingPathComponent("tb.log")
        try Data(text.utf8).write(to: url)
        let file = try LogReader().read(url)
        #expect(file.runs.map(\.seed) == [1, 2])
        #expect(file.runs.map { $0.firstLine...$0.lastLine } == [1...6, 7...18])
        #expect(file.runs[1].embeddedSourceLines == 7...13)
        #expect(file.runs[1].embeddedSource == "\"\"\"\nScript.\n\"\"\"\nimport os\n\ndef main():\n    pass")
        #expect(file.runs[0].score == nil)
        #expect(file.runs[1].score?.eval.valBPB == 1.2)
    }
}

@Suite struct LogReaderSeedTests {
    @Test func aSeedMentionedAfterTrainingDoesNotSplitTheRun() throws {
        let text = [
            "seed:1", "step:10/10 val_loss:2.0 val_bpb:1.5 train_time:100ms",
            "gptq:calibration batches=4 seed:99", "Total submission size int8+zlib: 10 bytes",
            "final_q_exact val_loss:2.00000000 val_bpb:1.20000000",
        ].joined(separator: "\n") + "\n"
        let url = try TestPaths.tempDir("logs").appendingPathComponent("s.log")
        try Data(text.utf8).write(to: url)
        let file = try LogReader().read(url)
        #expect(file.runs.count == 1)
        #expect(file.runs.first?.seed == 1)
        #expect(file.runs.first?.score?.eval.valBPB == 1.2)
    }
}
