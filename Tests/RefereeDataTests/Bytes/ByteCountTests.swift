import Foundation
import RefereeCore
import RefereeTestSupport
import Testing
@testable import RefereeData

@Suite struct ByteCountTests {
    let model: TokenizerModel

    init() throws {
        model = try TokenizerModel(bytes: encodeModel(tinyPieces), path: "tiny.model")
    }

    /// Hand-computed bytes per target of a stream over `tinyPieces` (see its id list):
    /// ▁the after <s> 3 (no space after a boundary), cat 3, ▁ 1 (space only), é 2, ▁日本 6+1,
    /// </s> 0, ▁the after </s> 3, byte 1, unk 0, ▁日本 after unk 6, U+E001 3, unused 0,
    /// ▁ after unused 0, pad 0, cat 3.
    static let stream: [UInt16] = [1, 5, 6, 7, 8, 9, 2, 5, 4, 3, 9, 11, 10, 7, 0, 6]
    static let perTarget = [3, 3, 1, 2, 7, 0, 3, 1, 0, 6, 3, 0, 0, 0, 3]

    @Test func perTokenRule() {
        let table = ByteTable(model: model)
        let stream = Self.stream
        for i in 1..<stream.count {
            #expect(table.bytes(of: stream[i], after: stream[i - 1]) == Self.perTarget[i - 1], "position \(i)")
        }
        #expect(table.bytes(of: 5, after: 5) == 4)
    }

    @Test func perPositionBytes() {
        let table = ByteTable(model: model)
        #expect(table.targetBytes(of: Self.stream).map(Int.init) == Self.perTarget)
        #expect(table.targetBytes(of: [5]).isEmpty)
        #expect(table.targetBytes(of: []).isEmpty)
    }

    @Test func totalsAcrossShardsWithACarriedPreviousToken() throws {
        let dir = try TestPaths.tempDir("bytes")
        let parts: [ArraySlice<UInt16>] = [Self.stream[0..<5], [], Self.stream[5...]]
        var urls: [URL] = []
        for (i, part) in parts.enumerated() {
            let url = dir.appendingPathComponent("fineweb_val_00000\(i).bin")
            try ShardWriter.write(part, to: url)
            urls.append(url)
        }
        for chunk in [1, 2, 5, 1 << 20] {
            let count = try ValidationBytes.count(tokenizer: model, tokenizerPath: "tiny.model", shards: urls, chunkTokens: chunk)
            #expect(count.tokens == 16)
            #expect(count.targets == 15)
            #expect(count.bytes == Self.perTarget.reduce(0, +))
            #expect(count.shards.map(\.tokens) == [5, 0, 11])
            #expect(count.shards.map(\.targets) == [4, 0, 11])
            #expect(count.shards.map(\.bytes) == [9, 0, 23])
        }
    }

    @Test func firstTokenIsNeverATarget() {
        var counter = ByteCounter(table: ByteTable(model: model))
        #expect(counter.add([5]) == nil)
        #expect(counter.targets == 0 && counter.bytes == 0)
        #expect(counter.add([5]) == nil)
        #expect(counter.targets == 1 && counter.bytes == 4)
    }

    @Test func rejectsTokenIdsOutsideTheVocabulary() throws {
        let url = try TestPaths.tempDir("bytes").appendingPathComponent("v.bin")
        try ShardWriter.write([1, 5, 6, 7, 12, 3] as [UInt16], to: url)
        for chunk in [2, 100] {
            #expect(throws: DataError.malformed(path: url.path, offset: 1024 + 8, expected: "a token id < 12 (the tokenizer's vocabulary size), found 12 at token 4")) {
                _ = try ValidationBytes.count(tokenizer: model, tokenizerPath: "t", shards: [url], chunkTokens: chunk)
            }
        }
    }

    @Test func randomStreamsAgreeWithTheScalarRule() {
        var rng = SplitMix64(seed: 99)
        let table = ByteTable(model: model)
        for _ in 0..<20 {
            let tokens = (0..<Int.random(in: 0...300, using: &rng)).map { _ in UInt16.random(in: 0..<12, using: &rng) }
            var expected = 0
            for i in tokens.indices.dropFirst() { expected += table.bytes(of: tokens[i], after: tokens[i - 1]) }
            var counter = ByteCounter(table: table)
            var start = 0
            while start < tokens.count {
                let end = min(tokens.count, start + Int.random(in: 1...17, using: &rng))
                #expect(counter.add(Array(tokens[start..<end])) == nil)
                start = end
            }
            #expect(counter.bytes == expected)
            #expect(counter.targets == max(0, tokens.count - 1))
        }
    }

    @Test func jsonAndTextReports() throws {
        let count = ByteCount(tokenizer: "m.model", vocabSize: 12, shards: [
            ShardByteCount(path: "a.bin", tokens: 5, targets: 4, bytes: 9),
            ShardByteCount(path: "b.bin", tokens: 11, targets: 11, bytes: 23),
        ])
        let json = String(decoding: try JSONEncoder.sorted.encode(count), as: UTF8.self)
        #expect(json == #"{"bytes":32,"shards":[{"bytes":9,"path":"a.bin","targets":4,"tokens":5},{"bytes":23,"path":"b.bin","targets":11,"tokens":11}],"targets":15,"tokenizer":"m.model","tokens":16,"vocab_size":12}"#)
        #expect(count.text() == """
            tokenizer: m.model (vocab 12)
            shard  tokens  targets  bytes
            a.bin       5        4      9
            b.bin      11       11     23
            total      16       15     32
            bytes per target: 2.133333

            """)
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
}
