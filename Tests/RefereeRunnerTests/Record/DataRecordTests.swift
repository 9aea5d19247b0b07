import Foundation
import Testing
import RefereeTestSupport
@testable import RefereeRunner

/// run.json's `data` over the bundled FineWeb-format shards and SentencePiece model.
@Suite struct DataRecordTests {
    static let data = TestPaths.repoRoot.appendingPathComponent("data/sp1024_synth")

    @Test func validationDocumentsAreMeasured() throws {
        let record = try DataRecord.measure(dataPath: Self.data.appendingPathComponent("dataset"),
                                            tokenizer: Self.data.appendingPathComponent("tokenizer/synth_1024_bpe.model"))
        let starts = try #require(record.valDocumentStarts)
        let tokens = try #require(record.valTokens)
        #expect(starts.first == 0)
        #expect(zip(starts, starts.dropFirst()).allSatisfy { $0 < $1 })
        #expect(starts.last.map { $0 < tokens } == true)
        // The field run.json carries, in snake case.
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let json = try #require(try JSONSerialization.jsonObject(with: encoder.encode(record)) as? [String: Any])
        #expect((json["val_document_starts"] as? [Int])?.count == starts.count)
    }

    /// Without a tokenizer the BOS id is Parameter Golf's, 1: the same documents.
    @Test func withoutATokenizerBOSIsOne() throws {
        let with = try DataRecord.measure(dataPath: Self.data.appendingPathComponent("dataset"),
                                          tokenizer: Self.data.appendingPathComponent("tokenizer/synth_1024_bpe.model"))
        let without = try DataRecord.measure(dataPath: Self.data.appendingPathComponent("dataset"), tokenizer: nil)
        #expect(without.valDocumentStarts == with.valDocumentStarts)
        #expect(without.valBytes == nil)
    }
}
