import Foundation
import Testing
import RefereeCore
@testable import RefereeAudit

/// `causal.single-pass` with the validation documents Referee read (run.json's
/// `data.val_document_starts`): documents in any order pass, a document backwards fails, and a
/// list that describes no stream loosens nothing.
@Suite struct DocumentOrderAuditTests {
    /// Two documents (BOS at 0 and 10: targets [1, 11) and [11, 21)), the second scored first.
    static func interleaved(starts: [Int]?) -> LiarRecord {
        var record = LiarRecord()
        record.events = [(11, 21, 10, 30, 0.99999, 1.00001), (1, 11, 10, 30, 0.99999, 1.00001)]
        record.documentStarts = starts
        return record
    }

    @Test func documentsInAnyOrderPassWithTheMeasuredDocuments() throws {
        let (_, results) = try Self.interleaved(starts: [0, 10]).audit()
        let result = try #require(results["causal.single-pass"])
        #expect(result.status == .pass, "\(result.message) \(result.evidence.map(\.detail))")
        #expect(result.message.contains("within every validation document"), "\(result.message)")
        #expect(results["evidence.plausible-values"]?.status == .pass)
        // Without the documents (run.json of an older Referee), the rank goes backwards.
        let (_, strict) = try Self.interleaved(starts: nil).audit()
        #expect(strict["causal.single-pass"]?.status == .fail)
    }

    /// One document (BOS at 0 only): its second half scored before its first.
    @Test func aDocumentBackwardsFails() throws {
        let (_, results) = try Self.interleaved(starts: [0]).audit()
        let result = try #require(results["causal.single-pass"])
        #expect(result.status == .fail)
        #expect(result.evidence.first?.detail.contains("in the same document") == true, "\(result.evidence.map(\.detail))")
    }

    /// A run.json whose list is not ascending, or points outside the stream, orders nothing by
    /// documents (the rank order applies) and is reported as an impossible value.
    @Test func aListThatDescribesNoStreamLoosensNothing() throws {
        for forged in [[10, 0], [0, 10, 10], [0, 10, 21]] {
            let (_, results) = try Self.interleaved(starts: forged).audit()
            #expect(results["causal.single-pass"]?.status == .fail, "\(forged)")
            #expect(results["evidence.plausible-values"]?.status == .fail, "\(forged)")
        }
    }

    /// In decoy mode the trace counts the decoy's positions: the decoy's documents order it, and
    /// the validation shards' list does not apply.
    @Test func aDecoyRunIsOrderedByTheDecoysDocuments() throws {
        var decoy = Self.interleaved(starts: [0])        // the validation list would fail it
        decoy.decoyDocumentStarts = [0, 10]
        let (_, results) = try decoy.audit()
        #expect(results["causal.single-pass"]?.status == .pass, "\(results["causal.single-pass"]?.message ?? "")")
        #expect(results["causal.single-pass"]?.message.contains("every document of the decoy") == true)
        var wrong = Self.interleaved(starts: [0, 10])    // the validation list would pass it
        wrong.decoyDocumentStarts = [0]
        let (_, strict) = try wrong.audit()
        #expect(strict["causal.single-pass"]?.status == .fail)
        var forged = Self.interleaved(starts: nil)
        forged.decoyDocumentStarts = [10, 0]
        let (_, bad) = try forged.audit()
        #expect(bad["causal.single-pass"]?.status == .fail)
        #expect(bad["evidence.plausible-values"]?.evidence.first?.detail.contains("training_validation.document_starts") == true)
    }
}
