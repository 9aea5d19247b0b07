import Foundation
import RefereeCore
import RefereeTestSupport
import Testing
@testable import RefereeData

/// Byte counts with the real 8192-piece tokenizer, checked by hand and against an independent
/// Python computation with the `sentencepiece` package (Tests/Fixtures/data/bytes_reference.py).
@Suite(.enabled(if: RealModels.present, "shared samples absent: skipping real tokenizer byte tests"))
struct RealByteCountTests {
    /// Pieces read with Python sentencepiece 0.2.3 (see RealTokenizerTests): 1 <s>, 5000 ▁century,
    /// 1000 ouse, 300 ▁th, 100 <0x60> (byte), 2 </s>, 261 ▁a, 260 ▁t.
    @Test func handCountedStream() throws {
        let model = try TokenizerModel(contentsOf: try #require(RealModels.sp8192))
        let url = try TestPaths.tempDir("bytes").appendingPathComponent("fineweb_val_000000.bin")
        try ShardWriter.write([1, 5000, 1000, 300, 100, 2, 261, 260] as [UInt16], to: url)
        let count = try ValidationBytes.count(tokenizer: model, tokenizerPath: "m", shards: [url])
        // century 7 (after <s>: no space), ouse 4, ▁th 2+1, byte 1, </s> 0, ▁a after </s> 1, ▁t 1+1.
        #expect(count.bytes == 7 + 4 + 3 + 1 + 0 + 1 + 2)
        #expect(count.targets == 7)
    }

    @Test(
        .enabled(if: Python.hasSentencePiece, "python3 with the sentencepiece package not found: skipping the Python cross-check"),
        arguments: [RealModels.sp8192, RealModels.caseops]
    )
    func agreesWithPythonSentencePiece(model modelURL: URL?) throws {
        let modelURL = try #require(modelURL)
        let model = try TokenizerModel(contentsOf: modelURL)
        let dir = try TestPaths.tempDir("bytes")
        var rng = SplitMix64(seed: 8192)
        var urls: [URL] = []
        for shard in 0..<3 {
            // Documents start with BOS; control and byte pieces appear often.
            var tokens: [UInt16] = []
            for _ in 0..<(20_000 + shard * 777) {
                let roll = UInt8.random(in: 0..<100, using: &rng)
                switch roll {
                case 0..<3: tokens.append(1)
                case 3..<5: tokens.append(UInt16.random(in: 0...7, using: &rng))  // specials, case-ops sentinels
                case 5..<15: tokens.append(UInt16.random(in: 4...259, using: &rng))
                default: tokens.append(UInt16.random(in: 260..<8192, using: &rng))
                }
            }
            let url = dir.appendingPathComponent(String(format: "fineweb_val_%06d.bin", shard))
            try ShardWriter.write(tokens, to: url)
            urls.append(url)
        }
        let ours = try ValidationBytes.count(tokenizer: model, tokenizerPath: modelURL.path, shards: urls, chunkTokens: 4096)
        let script = TestPaths.fixture("data/bytes_reference.py").path
        let output = try Python.run([script, modelURL.path] + urls.map(\.path))
        struct Reference: Decodable { var shards: [[Int]]; var tokens: Int; var targets: Int; var bytes: Int }
        let reference = try JSONDecoder().decode(Reference.self, from: Data(output.utf8))
        #expect(ours.bytes == reference.bytes)
        #expect(ours.targets == reference.targets)
        #expect(ours.tokens == reference.tokens)
        #expect(ours.shards.map { [$0.tokens, $0.targets, $0.bytes] } == reference.shards)
        #expect(ours.bytes > ours.targets)  // a sanity bound on real pieces: more than 1 byte per token
    }
}

/// Runs `python3` for interop tests.
enum Python {
    static let hasSentencePiece: Bool = (try? run(["-c", "import sentencepiece"])) != nil

    /// Runs python3 with `arguments`, returning stdout; throws when it exits non-zero.
    static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw DataError.unreadable(path: "python3", reason: "exit \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
