import Foundation
import RefereeCore
import RefereeTestSupport
import Testing
@testable import RefereeData

@Suite struct ShardTests {
    @Test func writerProducesTheDocumentedLayout() throws {
        let dir = try TestPaths.tempDir("shard")
        let url = dir.appendingPathComponent("s.bin")
        try ShardWriter.write([1, 0x0203, 65535] as [UInt16], to: url)
        let bytes = [UInt8](try Data(contentsOf: url))
        #expect(bytes.count == 1024 + 6)
        #expect(Array(bytes[0..<12]) == [0x88, 0xD8, 0x34, 0x01, 1, 0, 0, 0, 3, 0, 0, 0])  // 20240520 = 0x0134D888 (Python struct.pack("<i"))
        #expect(bytes[12..<1024].allSatisfy { $0 == 0 })
        #expect(Array(bytes[1024...]) == [1, 0, 0x03, 0x02, 0xFF, 0xFF])
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(names == ["s.bin"])  // no temporary file left behind
    }

    @Test(arguments: [1, 3, 7, 1000, 1 << 20])
    func readerStreamsInAnyChunkSize(chunk: Int) throws {
        let url = try TestPaths.tempDir("shard").appendingPathComponent("s.bin")
        var rng = SplitMix64(seed: 5)
        let tokens = (0..<2500).map { _ in UInt16.random(in: 0...UInt16.max, using: &rng) }
        var writer = try ShardWriter(url: url)
        try writer.append(tokens[0..<1000])
        try writer.append(tokens[1000...])
        #expect(writer.tokenCount == 2500)
        try writer.finish()
        let reader = try ShardReader(url: url)
        #expect(reader.tokenCount == 2500)
        var seen: [UInt16] = []
        var chunks = 0
        try reader.forEachChunk(chunkTokens: chunk) { (c: UnsafeBufferPointer<UInt16>) throws(DataError) in
            #expect(c.count <= chunk)
            seen.append(contentsOf: c)
            chunks += 1
        }
        #expect(seen == tokens)
        #expect(chunks == (2500 + chunk - 1) / chunk)
        #expect(try reader.readAll() == tokens)
    }

    @Test func chunksCanBeReadWithAnUnannotatedClosure() throws {
        let url = try TestPaths.tempDir("shard").appendingPathComponent("s.bin")
        try ShardWriter.write([4, 5, 6] as [UInt16], to: url)
        var sum = 0
        try ShardReader(url: url).forEachChunk(chunkTokens: 2) { chunk in
            sum += chunk.reduce(0) { $0 + Int($1) }
        }
        #expect(sum == 15)
    }

    @Test func emptyShardIsValid() throws {
        let url = try TestPaths.tempDir("shard").appendingPathComponent("e.bin")
        try ShardWriter.write([UInt16](), to: url)
        #expect(try ShardReader(url: url).readAll() == [])
    }

    @Test func droppedWriterLeavesNothing() throws {
        let dir = try TestPaths.tempDir("shard")
        do {
            var writer = try ShardWriter(url: dir.appendingPathComponent("x.bin"))
            try writer.append([1, 2, 3] as [UInt16])
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    private func file(_ bytes: [UInt8]) throws -> URL {
        let url = try TestPaths.tempDir("shard").appendingPathComponent("bad.bin")
        try Data(bytes).write(to: url)
        return url
    }

    private func header(magic: Int32 = 20_240_520, version: Int32 = 1, count: Int32) -> [UInt8] {
        var h = [UInt8](repeating: 0, count: 1024)
        for (slot, v) in [magic, version, count].enumerated() {
            for k in 0..<4 { h[slot * 4 + k] = UInt8(truncatingIfNeeded: UInt32(bitPattern: v) >> (8 * UInt32(k))) }
        }
        return h
    }

    @Test func rejectsBadHeadersAndLengths() throws {
        func check(_ bytes: [UInt8], offset: Int, _ fragment: String) throws {
            let url = try file(bytes)
            #expect {
                _ = try ShardReader(url: url)
            } throws: { error in
                guard case DataError.malformed(let path, let at, let expected) = error else { return false }
                return path == url.path && at == offset && expected.contains(fragment)
            }
        }
        try check(header(magic: 7, count: 0), offset: 0, "shard magic 20240520, found 7")
        try check(header(version: 2, count: 0), offset: 4, "shard version 1, found 2")
        try check(header(count: -5), offset: 8, "a token count ≥ 0, found -5")
        try check(Array(header(count: 0)[0..<100]), offset: 100, "1024-byte shard header")
        try check(header(count: 3) + [1, 0, 2, 0], offset: 1028, "1030 bytes (1024-byte header + 2 × 3 tokens), found 1028 bytes")
        try check(header(count: 1) + [1, 0, 2], offset: 1026, "1026 bytes (1024-byte header + 2 × 1 tokens), found 1027 bytes")
    }

    @Test func missingShardIsUnreadable() {
        #expect {
            _ = try ShardReader(url: URL(fileURLWithPath: "/nonexistent/s.bin"))
        } throws: { error in
            guard case DataError.unreadable(let path, _) = error else { return false }
            return path == "/nonexistent/s.bin"
        }
    }
}
