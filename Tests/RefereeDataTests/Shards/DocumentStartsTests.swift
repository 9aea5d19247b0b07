import Foundation
import Testing
import RefereeTestSupport
@testable import RefereeData

/// Where the validation documents begin: BOS positions across shards read in order.
@Suite struct DocumentStartsTests {
    @Test func bosPositionsAcrossShardsAndChunks() throws {
        let dir = try TestPaths.tempDir("doc-starts")
        let a = dir.appendingPathComponent("fineweb_val_000000.bin"), b = dir.appendingPathComponent("fineweb_val_000001.bin")
        try ShardWriter.write([1, 5, 6, 1, 7] as [UInt16], to: a)
        try ShardWriter.write([8, 1, 9, 9, 1] as [UInt16], to: b)
        // Chunks of 2 tokens: positions must keep counting across chunks and shards.
        #expect(try DocumentStarts.find(shards: [a, b], bos: 1, chunkTokens: 2) == [0, 3, 6, 9])
        #expect(try DocumentStarts.find(shards: [b, a], bos: 1) == [1, 4, 5, 8])
        #expect(try DocumentStarts.find(shards: [a, b], bos: 9) == [7, 8])
    }

    /// The bundled FineWeb-format validation shard: every listed position holds BOS, and the
    /// count equals the number of BOS tokens in the shard.
    @Test func theBundledValidationShard() throws {
        let shard = TestPaths.repoRoot.appendingPathComponent("data/sp1024_synth/dataset/fineweb_val_000000.bin")
        let tokens = try ShardReader(url: shard).readAll()
        let starts = try DocumentStarts.find(shards: [shard], bos: 1)
        #expect(!starts.isEmpty)
        #expect(starts.allSatisfy { tokens[$0] == 1 })
        #expect(starts.count == tokens.filter { $0 == 1 }.count)
    }

    @Test func aTruncatedShardIsAnError() throws {
        let dir = try TestPaths.tempDir("doc-starts-bad")
        let a = dir.appendingPathComponent("fineweb_val_000000.bin")
        try ShardWriter.write([1, 5, 6, 1, 7] as [UInt16], to: a)
        let data = try Data(contentsOf: a)
        try data.prefix(data.count - 3).write(to: a)
        #expect(throws: DataError.self) { _ = try DocumentStarts.find(shards: [a], bos: 1) }
    }
}
