import Foundation
import Testing
@testable import RefereeData

@Suite struct TokenizerSummaryTests {
    @Test func summarisesTheTinyModel() throws {
        let model = try TokenizerModel(bytes: encodeModel(tinyPieces), path: "tiny.model")
        let summary = TokenizerSummary(model: model, path: "tiny.model")
        #expect(summary.vocabSize == 12)
        #expect(summary.modelType == "bpe")
        #expect(summary.pieceTypes == ["control": 3, "unknown": 1, "byte": 1, "normal": 5, "unused": 1, "user_defined": 1])
        let text = summary.text()
        #expect(text.contains("vocab_size: 12\n"))
        #expect(text.contains("special ids: pad 0, bos 1, eos 2, unk 3\n"))
        #expect(text.hasSuffix("  normal: 5\n  unknown: 1\n  control: 3\n  user_defined: 1\n  unused: 1\n  byte: 1\n"))
        let json = String(decoding: try JSONEncoder.sorted.encode(summary), as: UTF8.self)
        #expect(json.contains(#""piece_types":{"byte":1,"control":3,"normal":5,"unknown":1,"unused":1,"user_defined":1}"#))
        #expect(json.contains(#""byte_fallback":true"#))
    }
}
