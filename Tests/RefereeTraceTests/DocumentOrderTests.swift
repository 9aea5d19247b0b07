import Foundation
import Testing
import RefereeTestSupport
@testable import RefereeTrace

/// `causal.single-pass`'s order per validation document (``DocumentIndex``): evaluators may
/// take documents in any order, never a document backwards.
@Suite struct DocumentOrderTests {
    /// A one-rank trace over a 31-token stream scoring `ranges` in the order given (chain links
    /// are zeros: the chain is not what these tests look at).
    static func facts(_ ranges: [(Int, Int)], documents: DocumentIndex?) throws -> TraceFacts {
        let dir = try TestPaths.tempDir("doc-order")
        let zero = String(repeating: "0", count: 64)
        var bodies = [#""ev":"phase","name":"eval_start","val_tokens":31,"world_size":1"#]
        bodies += ranges.map { #""ev":"score","start":\#($0.0),"end":\#($0.1),"nll":1.0,"bytes":2,"psum_min":1.0,"psum_max":1.0"# }
        let text = bodies.enumerated().map { i, body in
            #"{\#(body),"prev":"\#(zero)","rank":0,"seq":\#(i),"t":\#(1770000000 + i).0,"v":1}"#
        }.joined(separator: "\n") + "\n"
        try Data(text.utf8).write(to: dir.appendingPathComponent("rank0.jsonl"))
        return try TraceAnalyzer.analyse(directory: dir, seed: 1, displayRoot: dir, documents: documents)
    }

    /// BOS at 0, 10 and 20: documents' targets [1, 11), [11, 21), [21, 31).
    static let three = DocumentIndex(starts: [0, 10, 20], tokens: 31)!

    @Test func documentOfATarget() {
        let d = Self.three
        #expect(d.firsts == [1, 11, 21])
        #expect([0, 1, 10, 11, 20, 21, 30].map(d.document(of:)) == [-1, 0, 0, 1, 1, 2, 2])
        #expect(d.end(of: -1) == 1 && d.end(of: 0) == 11 && d.end(of: 2) == .max)
    }

    @Test func listsThatDescribeNoStreamAreRefused() {
        #expect(DocumentIndex(starts: [0, 10, 10]) == nil)
        #expect(DocumentIndex(starts: [10, 0]) == nil)
        #expect(DocumentIndex(starts: [-1, 5]) == nil)
        #expect(DocumentIndex(starts: [0, 31], tokens: 31) == nil)
        #expect(DocumentIndex(starts: [], tokens: 31) != nil)
        #expect(DocumentIndex(starts: [0, Int.max]) == nil)   // its first target would overflow
    }

    /// The LoRA TTT record's order: documents batched by length, each scored left to right.
    @Test func documentsInAnyOrderEachAscendingPass() throws {
        let order = [(21, 26), (26, 31), (1, 6), (11, 16), (6, 11), (16, 21)]
        let byDocument = try Self.facts(order, documents: Self.three)
        #expect(byDocument.outOfOrder.isEmpty, "\(byDocument.outOfOrder.items)")
        #expect(byDocument.overlaps.isEmpty && byDocument.orderedByDocument)
        // Without the documents, the same trace goes backwards on its rank.
        let byRank = try Self.facts(order, documents: nil)
        #expect(byRank.outOfOrder.count == 4)
        #expect(!byRank.orderedByDocument)
    }

    /// A document's second half scored (and adapted on) before its first half.
    @Test func aDocumentScoredBackwardsFails() throws {
        let f = try Self.facts([(1, 11), (16, 21), (11, 16), (21, 31)], documents: Self.three)
        #expect(f.outOfOrder.count == 1)
        let finding = try #require(f.outOfOrder.items.first)
        #expect(finding.range == PositionRange(11, 16))
        #expect(finding.message.contains("in the same document (targets [11, 21)"), "\(finding.message)")
    }

    /// One range across documents whose start goes back into a document scored past it, and
    /// one that reaches back into the prefix before the first BOS.
    @Test func aRangeAcrossDocumentsIsCheckedInEach() throws {
        let f = try Self.facts([(21, 31), (13, 21), (11, 13)], documents: Self.three)
        #expect(f.outOfOrder.items.map(\.range) == [PositionRange(11, 13)])
        let late = try Self.facts([(6, 11), (11, 31), (1, 6)], documents: Self.three)
        #expect(late.outOfOrder.items.map(\.range) == [PositionRange(1, 6)])
        // A range across documents whose LAST document goes backwards, with no overlap.
        let tail = try Self.facts([(25, 31), (1, 25)], documents: Self.three)
        #expect(tail.outOfOrder.items.map(\.range) == [PositionRange(21, 25)])
        #expect(tail.overlaps.isEmpty)
        // Documents covered whole by an earlier range are overlaps when scored again.
        let again = try Self.facts([(1, 31), (11, 21)], documents: Self.three)
        #expect(again.overlaps.items.map(\.range) == [PositionRange(11, 21)])
        let prefix = try Self.facts([(3, 6), (1, 3)], documents: DocumentIndex(starts: [4], tokens: 31)!)
        #expect(prefix.outOfOrder.items.map(\.range) == [PositionRange(1, 3)])
    }
}
