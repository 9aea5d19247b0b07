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
}
