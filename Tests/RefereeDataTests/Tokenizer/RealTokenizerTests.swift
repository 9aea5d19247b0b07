import Foundation
import Testing
@testable import RefereeData

/// The real tokenizers of two records. Expected values were read on 2026-11-24 with the Python
/// `sentencepiece` 0.2.3 package (`SentencePieceProcessor.id_to_piece`, `vocab_size`, and
/// `sentencepiece_model_pb2.ModelProto` for types, scores and specs).
@Suite(.enabled(if: RealModels.present, "shared samples absent: skipping real tokenizer tests"))
struct RealTokenizerTests {
    @Test(arguments: [
        (0, "<pad>", PieceType.control, Float(0)),
        (1, "<s>", .control, 0),
        (2, "</s>", .control, 0),
        (3, "<unk>", .unknown, 0),
        (4, "<0x00>", .byte, 0),
        (100, "<0x60>", .byte, 0),
        (259, "<0xFF>", .byte, 0),
        (260, "\u{2581}t", .normal, 0),
        (261, "\u{2581}a", .normal, -1),
        (300, "\u{2581}th", .normal, -40),
        (1000, "ouse", .normal, -740),
        (5000, "\u{2581}century", .normal, -4740),
        (8191, "Z", .normal, -7931),
    ])
    func sp8192Pieces(id: Int, text: String, type: PieceType, score: Float) throws {
        let model = try TokenizerModel(contentsOf: try #require(RealModels.sp8192))
        #expect(model.pieces[id] == Piece(piece: text, score: score, type: type))
    }

    @Test func sp8192Specs() throws {
        let model = try TokenizerModel(contentsOf: try #require(RealModels.sp8192))
        #expect(model.vocabSize == 8192)
        #expect(model.countsByType == [.normal: 7932, .unknown: 1, .control: 3, .byte: 256])
        #expect(model.trainerSpec.modelType == .bpe)
        #expect(model.trainerSpec.vocabSize == 8192)
        #expect(model.trainerSpec.byteFallback)
        #expect([model.trainerSpec.padId, model.trainerSpec.bosId, model.trainerSpec.eosId, model.trainerSpec.unkId] == [0, 1, 2, 3])
        #expect(model.normalizerSpec.name == "nmt_nfkc")
        #expect(!model.normalizerSpec.addDummyPrefix)
    }

    @Test func caseopsModelHasUserDefinedSentinels() throws {
        let model = try TokenizerModel(contentsOf: try #require(RealModels.caseops))
        #expect(model.vocabSize == 8192)
        #expect(model.countsByType == [.normal: 7928, .unknown: 1, .control: 3, .userDefined: 4, .byte: 256])
        #expect(model.pieces[4] == Piece(piece: "\u{E001}", score: 0, type: .userDefined))
        #expect(model.pieces[7].piece == "\u{E004}")
        #expect(model.pieces[260] == Piece(piece: "<0xFC>", score: 0, type: .byte))
        #expect(model.pieces[1000] == Piece(piece: "\u{2581}sim", score: -736, type: .normal))
        #expect(model.pieces[8191] == Piece(piece: "*", score: -7927, type: .normal))
    }

    /// Every prefix of a real model file parses or fails cleanly (a cheap fuzz on real bytes,
    /// stepping through the first 4 KiB byte by byte and the rest in strides of 9973 bytes).
    @Test func realModelTruncations() throws {
        let url = try #require(RealModels.sp8192)
        let bytes = [UInt8](try Data(contentsOf: url))
        var lengths = Array(0..<min(4096, bytes.count))
        lengths += stride(from: 4096, to: bytes.count, by: 9973)
        for length in lengths {
            do {
                let model = try TokenizerModel(bytes: Array(bytes[0..<length]), path: "cut")
                #expect(model.vocabSize < 8192)
            } catch {
                guard case .malformed(let path, let offset, _) = error else { Issue.record("\(error)"); continue }
                #expect(path == "cut" && offset <= length)
            }
        }
    }
}
