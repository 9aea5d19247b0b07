import Foundation
import RefereeCore
import Testing
@testable import RefereeData

@Suite struct TokenizerModelTests {
    @Test func parsesPiecesAndSpecsAndSkipsUnknownFields() throws {
        let model = try TokenizerModel(bytes: encodeModel(tinyPieces), path: "tiny.model")
        #expect(model.vocabSize == 12)
        #expect(model.pieces[1] == Piece(piece: "<s>", score: 0, type: .control))
        #expect(model.pieces[3].type == .unknown)
        #expect(model.pieces[4].type == .byte)
        #expect(model.pieces[5] == Piece(piece: "\u{2581}the", score: -1, type: .normal))
        #expect(model.pieces[10].type == .unused)
        #expect(model.pieces[11].type == .userDefined)
        #expect(model.trainerSpec.modelType == .bpe)
        #expect(model.trainerSpec.vocabSize == 12)
        #expect(model.trainerSpec.byteFallback)
        #expect(model.trainerSpec.padId == 0)
        #expect(model.trainerSpec.unkId == 3)
        #expect(model.normalizerSpec.name == "nmt_nfkc")
        #expect(!model.normalizerSpec.addDummyPrefix)
        #expect(model.countsByType == [.control: 3, .unknown: 1, .byte: 1, .normal: 5, .unused: 1, .userDefined: 1])
        #expect(model.id(of: "cat") == 6)
    }

    @Test func absentTypeMeansNormal() throws {
        let model = try TokenizerModel(bytes: encodeModel([("a", 0, nil)], unknownFields: false), path: "m")
        #expect(model.pieces[0].type == .normal)
    }

    @Test func rejectsUnknownPieceType() {
        let bytes = encodeModel([("a", 0, 1), ("b", 0, 9)], unknownFields: false)
        #expect {
            _ = try TokenizerModel(bytes: bytes, path: "m")
        } throws: { error in
            guard case DataError.malformed(let path, _, let expected) = error else { return false }
            return path == "m" && expected.contains("piece 1 type 1…6") && expected.contains("found 9")
        }
    }

    @Test func rejectsEmptyVocabularyAndWrongWireType() {
        #expect(throws: DataError.malformed(path: "m", offset: 0, expected: "at least one SentencePiece (field 1) in the ModelProto")) {
            _ = try TokenizerModel(bytes: [], path: "m")
        }
        // field 1 as a varint instead of a message.
        #expect {
            _ = try TokenizerModel(bytes: [0x08, 0x01], path: "m")
        } throws: { error in
            guard case DataError.malformed(_, 0, let expected) = error else { return false }
            return expected.contains("SentencePiece message") && expected.contains("wire type 2")
        }
    }

    @Test func recognisesAShardPassedAsTokenizer() {
        let shard = ShardHeader(tokenCount: 0).encoded()
        #expect {
            _ = try TokenizerModel(bytes: shard, path: "fineweb_val_000000.bin")
        } throws: { error in
            guard case DataError.malformed("fineweb_val_000000.bin", 0, let expected) = error else { return false }
            return expected.contains("token shard, not a tokenizer")
        }
    }

    @Test func rejectsInvalidUTF8Piece() {
        var piece = ProtoEncoder()
        piece.data(1, [0x61, 0xFF])
        var model = ProtoEncoder()
        model.data(1, piece.bytes)
        #expect(throws: DataError.malformed(path: "m", offset: 4, expected: "piece 0 text as valid UTF-8")) {
            _ = try TokenizerModel(bytes: model.bytes, path: "m")
        }
    }

    /// Every prefix of a valid model either parses (a cut at a field boundary) to a prefix of the
    /// vocabulary or fails with `malformed` at an offset inside the file; never a crash.
    @Test func everyTruncationIsAnErrorOrAPrefix() throws {
        let bytes = encodeModel(tinyPieces)
        let full = try TokenizerModel(bytes: bytes, path: "m")
        var errors = 0
        for length in 0..<bytes.count {
            do {
                let model = try TokenizerModel(bytes: Array(bytes[0..<length]), path: "m")
                #expect(Array(full.pieces.prefix(model.vocabSize)) == model.pieces)
            } catch {
                guard case .malformed(_, let offset, _) = error else { Issue.record("\(error)"); continue }
                #expect(offset >= 0 && offset <= length)
                errors += 1
            }
        }
        #expect(errors > bytes.count / 2)
    }

    /// Random corruption at every byte position, and random garbage of every small length.
    @Test func randomBytesNeverCrash() {
        let bytes = encodeModel(tinyPieces)
        var rng = SplitMix64(seed: 2026)
        var outcomes = (parsed: 0, malformed: 0)
        for position in 0..<bytes.count {
            for _ in 0..<4 {
                var corrupt = bytes
                corrupt[position] = UInt8.random(in: 0...255, using: &rng)
                classify(corrupt, &outcomes)
            }
        }
        for length in 0..<200 {
            let garbage = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            classify(garbage, &outcomes)
        }
        #expect(outcomes.parsed > 0)
        #expect(outcomes.malformed > 0)
    }

    private func classify(_ bytes: [UInt8], _ outcomes: inout (parsed: Int, malformed: Int)) {
        do {
            _ = try TokenizerModel(bytes: bytes, path: "fuzz")
            outcomes.parsed += 1
        } catch {
            if case .malformed(let path, let offset, _) = error, path == "fuzz", offset >= 0, offset <= bytes.count {
                outcomes.malformed += 1
            } else {
                Issue.record("unexpected error \(error)")
            }
        }
    }

    @Test func missingFileIsUnreadable() {
        #expect {
            _ = try TokenizerModel(contentsOf: URL(fileURLWithPath: "/nonexistent/x.model"))
        } throws: { error in
            guard case DataError.unreadable(let path, _) = error else { return false }
            return path == "/nonexistent/x.model"
        }
    }
}
