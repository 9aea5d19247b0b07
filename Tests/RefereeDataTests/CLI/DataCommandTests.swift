import Foundation
import RefereeTestSupport
import Testing
@testable import RefereeData

/// End-to-end runs of the built `referee` binary (`swift build --build-tests` builds it).
@Suite(.enabled(if: RefereeBinary.binary != nil, "the referee binary is not built under .build/debug: skipping CLI tests"))
struct DataCommandTests {
    let dir: URL
    let modelPath: String

    init() throws {
        dir = try TestPaths.tempDir("data-cli")
        let model = dir.appendingPathComponent("tiny.model")
        try Data(encodeModel(tinyPieces)).write(to: model)
        modelPath = model.path
        try ShardWriter.write(ByteCountTests.stream[0..<5], to: dir.appendingPathComponent("fineweb_val_000000.bin"))
        try ShardWriter.write(ByteCountTests.stream[5...], to: dir.appendingPathComponent("fineweb_val_000001.bin"))
        try ShardWriter.write([1, 2, 3] as [UInt16], to: dir.appendingPathComponent("fineweb_train_000000.bin"))
    }

    @Test func bytesJSON() throws {
        let run = try RefereeBinary.run(["data", "bytes", "--tokenizer", modelPath, "--shards", dir.path + "/fineweb_val_*.bin", "--format", "json"])
        #expect(run.status == 0)
        let count = try JSONDecoder().decode(ByteCount.self, from: Data(run.stdout.utf8))
        #expect(count.bytes == 32 && count.targets == 15 && count.tokens == 16 && count.vocabSize == 12)
        #expect(count.shards.map(\.bytes) == [9, 23])
        #expect(count.shards.map { URL(fileURLWithPath: $0.path).lastPathComponent } == ["fineweb_val_000000.bin", "fineweb_val_000001.bin"])
    }

    @Test func bytesText() throws {
        let run = try RefereeBinary.run(["data", "bytes", "--tokenizer", modelPath, "--shards", dir.path + "/fineweb_val_*.bin"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("\ntotal "))
        #expect(run.stdout.hasSuffix("bytes per target: 2.133333\n"))
    }

    @Test func inspect() throws {
        let run = try RefereeBinary.run(["data", "inspect", "--tokenizer", modelPath, "--format", "json"])
        #expect(run.status == 0)
        let summary = try JSONDecoder().decode(TokenizerSummary.self, from: Data(run.stdout.utf8))
        #expect(summary.vocabSize == 12 && summary.pieceTypes["unused"] == 1)
    }

    @Test func badInputExitsTwoNamingFileAndOffset() throws {
        let bad = dir.appendingPathComponent("bad.bin")
        try Data(ShardHeader(tokenCount: 5).encoded() + [1, 0]).write(to: bad)
        let run = try RefereeBinary.run(["data", "bytes", "--tokenizer", modelPath, "--shards", bad.path])
        #expect(run.status == 2)
        #expect(run.stderr.contains("\(bad.path): at byte 1026: expected 1034 bytes"))
        let none = try RefereeBinary.run(["data", "bytes", "--tokenizer", modelPath, "--shards", dir.path + "/nothing_*.bin"])
        #expect(none.status == 2)
        #expect(none.stderr.contains("no file matches"))
        let shardAsModel = try RefereeBinary.run(["data", "inspect", "--tokenizer", bad.path])
        #expect(shardAsModel.status == 2)
        #expect(shardAsModel.stderr.contains("not a tokenizer"))
    }
}

/// Locates and runs the debug `referee` binary.
enum RefereeBinary {
    static let binary: URL? = {
        let url = TestPaths.repoRoot.appendingPathComponent(".build/debug/referee")
        return FileManager.default.isExecutableFile(atPath: url.path) ? url : nil
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String]) throws -> Result {
        guard let binary else { throw DataError.unreadable(path: ".build/debug/referee", reason: "not built") }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Outputs here are small (well under a pipe buffer), so reading one after the other is safe.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }
}
