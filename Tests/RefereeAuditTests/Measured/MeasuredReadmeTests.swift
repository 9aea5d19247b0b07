import Foundation
import Testing
import RefereeReport
@testable import RefereeAudit

/// The README of a record made by `referee run` is written from what Referee measured: the
/// reproduction command from run.json, the dataset, the hardware, and each rule's evidence source.
@Suite struct MeasuredReadmeTests {
    func page(_ record: LiarRecord) throws -> RecordPage {
        let dir = try record.write()
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let context = try EvidenceLoader().context(for: dir, displayPath: "")
        let metadata = SubmissionMetadata(author: "A", githubID: "a", name: "liar", blurb: "", date: "2026-11-29")
        return try SubmissionBuilder(auditor: Auditor(rules: try LiarRecord.rules), generator: "referee test")
            .page(context: context, recordDir: dir, metadata: metadata, comparison: nil)
    }

    @Test func reproductionCommandComesFromRunJSON() throws {
        var record = LiarRecord()
        record.seeds = [1337, 42]
        record.nproc = 2
        record.gpus = ["NVIDIA H100 80GB HBM3", "NVIDIA H100 80GB HBM3"]
        let page = try page(record)
        #expect(page.reproductionCommand == "referee run . --seeds 1337,42 --nproc-per-node 2 --track track_10min_16mb "
                + "--data-path /data/datasets/fineweb10B_sp1024 --tokenizer-path /data/tokenizers/fineweb_1024_bpe.model -- MAX_WALLCLOCK_SECONDS=600")
        let readme = ReadmeWriter.render(page)
        #expect(readme.contains(page.reproductionCommand))
        #expect(readme.contains("2 processes on 2× NVIDIA H100 80GB HBM3 (seen by Referee)"), "\(readme.prefix(600))")
        #expect(readme.contains("| Rule | Status | Severity | Evidence | Detail |"))
        #expect(readme.contains("| `time.train` | ✅ pass | error | measured |"))
        #expect(readme.contains("### Measured by Referee (run.json)"))
        #expect(readme.contains("**Data:** `/data/datasets/fineweb10B_sp1024`"))
    }

    @Test func syntheticDataIsSaidPlainly() throws {
        var record = LiarRecord()
        record.dataPath = "/work/main/data/sp1024_synth/dataset"
        let readme = ReadmeWriter.render(try page(record))
        #expect(readme.contains("**Data:** Referee's bundled synthetic data"))
        #expect(readme.contains("NOT FineWeb"))
    }

    @Test func quotesSettingsTheShellWouldSplit() throws {
        var measured = MeasuredRecord()
        measured.seedsRequested = [1]
        measured.settings = ["RUN_NOTE=two words", "X=it's"]
        let record = LiarRecord()
        let base = try page(record)
        let evidence = RecordEvidence(audit: base.audit, logs: base.evidence.logs, files: base.evidence.files, folderName: "x", measured: measured)
        let page = RecordPage(evidence: evidence, metadata: SubmissionMetadata(author: "A", githubID: "a", name: "n", blurb: "", date: "2026-11-29"), generator: "t")
        #expect(page.reproductionCommand.hasSuffix(#"-- 'RUN_NOTE=two words' 'X=it'\''s'"#), "\(page.reproductionCommand)")
    }
}
