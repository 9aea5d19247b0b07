import Foundation
import Testing
import RefereeAudit
@testable import RefereeReport

@Suite struct SubmissionDocumentTests {
    @Test func goldenSubmissionJSON() throws {
        let json = try HandBuiltRecord.page().document.encoded()
        try Golden.check(String(decoding: json, as: UTF8.self), "handbuilt/submission.json")
    }

    @Test func numbersComeFromRunsNotClaims() throws {
        let doc = HandBuiltRecord.page().document
        #expect(doc.valBPB == 1.22449261)
        #expect(doc.bytesTotal == 15_864_120)
        #expect(doc.seedCount == 3)
        #expect(Set(doc.seeds.keys) == ["7", "42", "1337"])
        #expect(doc.seeds["42"]?.log == "train_seed42.log:120")
        #expect(doc.pValue == nil && doc.against == nil)
        #expect(doc.blurb == "3-seed mean val_bpb 1.22449261 (std 0.00066509) on 8×NVIDIA H100 80GB HBM3.")
    }

    /// With Referee's official scores, the score, its spread and the default blurb are all the
    /// official ones (the spread of the logged scores, in decoy mode those of the decoy, went
    /// beside the official mean before); each seed keeps its logged score and gains its official one.
    @Test func officialScoresDriveTheScoreItsSpreadAndTheBlurb() throws {
        var audit = HandBuiltRecord.audit()
        audit.officialScore = (1.10 + 1.12 + 1.17) / 3
        audit.officialScores = ["7": 1.10, "42": 1.12, "1337": 1.17]
        audit.officialValLosses = ["7": 3.0, "42": 3.1, "1337": 3.2]
        let logged = HandBuiltRecord.page().document
        let doc = HandBuiltRecord.page(audit: audit).document
        #expect(doc.valLoss == 3.1 && doc.valLossOfficial == 3.1 && logged.valLossOfficial == nil)
        #expect(abs(try #require(doc.valLossStd) - 0.1) < 1e-8)
        #expect(doc.seeds["7"]?.valLossOfficial == 3.0 && doc.seeds["7"]?.valLoss == logged.seeds["7"]?.valLoss)
        #expect(doc.valBPB == 1.13 && doc.valBPBOfficial == 1.13)
        #expect(abs(try #require(doc.valBPBStd) - 0.0013.squareRoot()) < 1e-8)
        #expect(doc.valBPBStd != logged.valBPBStd)
        #expect(doc.seeds["42"]?.valBPBOfficial == 1.12 && doc.seeds["1337"]?.valBPBOfficial == 1.17)
        #expect(doc.seeds["42"]?.valBPB == logged.seeds["42"]?.valBPB)
        #expect(doc.blurb == "3-seed mean official val_bpb 1.13000000 (std 0.03605551) on 8×NVIDIA H100 80GB HBM3.")
        let json = String(decoding: try doc.encoded(), as: UTF8.self)
        #expect(json.contains("\"val_bpb_official\" : 1.12"))
        #expect(!String(decoding: try logged.encoded(), as: UTF8.self).contains("val_bpb_official"))
    }

    @Test func againstAddsPValueAndDelta() throws {
        let cmp = Comparison(record: "records/old", valLosses: [2.0900, 2.0920, 2.0910])
        let doc = HandBuiltRecord.page(comparison: cmp).document
        let against = try #require(doc.against)
        let delta = try #require(against.deltaNats)
        #expect(abs(delta - (2.091 - (2.07269931 + 2.07413207 + 2.07191104) / 3)) < 1e-8)
        let p = try #require(doc.pValue)
        #expect(p > 0 && p < 0.01)
        let json = String(decoding: try doc.encoded(), as: UTF8.self)
        #expect(json.contains("\"p_value\" : "))
    }

    @Test func encodingIsByteStable() throws {
        let a = try HandBuiltRecord.page().document.encoded()
        let b = try HandBuiltRecord.page().document.encoded()
        #expect(a == b)
    }

    /// The file round-trips as JSON and keeps the schema's field names.
    @Test func schemaFieldNames() throws {
        let json = try HandBuiltRecord.page().document.encoded()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        for key in ["author", "github_id", "name", "blurb", "date", "val_loss", "val_bpb", "bytes_total", "bytes_code", "seeds", "val_bpb_std", "hardware"] {
            #expect(object[key] != nil, "missing \(key)")
        }
    }

    @Test func codeBytesFallBackToTheCommittedScript() {
        var runs = HandBuiltRecord.audit().runs
        for i in runs.indices { runs[i].codeBytes = nil }
        let audit = HandBuiltRecord.audit(runs: runs)
        #expect(HandBuiltRecord.page(audit: audit).document.bytesCode == 47_642)
        var evidence = HandBuiltRecord.evidence(audit: audit)
        evidence.files.removeAll { $0.path == "train_gpt.py" }
        let page = RecordPage(evidence: evidence, metadata: HandBuiltRecord.metadata, generator: "t")
        #expect(page.document.bytesCode == nil)
    }
}
