import Foundation
import Testing
import RefereeLogs
import RefereeTestSupport

@Suite struct RecordFolderTests {
    @Test("sample folders: logs found by name and content, track from the parent folder", arguments: [
        ("track_10min_16mb/2026-04-13_VarLenAttn_PhasingTTT2000", ["logs/train0.txt", "logs/train1.txt", "logs/train2.txt"], "submission.json", 0),
        ("track_10min_16mb/2026-03-24_74M_Ternary_UNet_FP8_10L_8192BPE_YaRN_NeoMuon", ["ternary_log_1337.txt", "ternary_log_42.txt", "ternary_log_7.txt"], "submission_ternary.json", 1),
        ("track_10min_16mb/2026-03-20_11L_XSA4_EMA_Int6_MLP3x_WD04_1.1271", ["train.log", "train_seed1337.log", "train_seed2025.log", "train_seed42.log"], "submission.json", 0),
        ("track_non_record_16mb/2026-03-29_HNet_ByteVsSubword_Study", ["train_byte260_4h.log", "train_byte260_best_10_min.log", "train_sp1024_best_10_min.log"], "submission.json", 0),
        ("track_10min_16mb/2026-04-27_SP8192_LQER_SparseGate_BOSSmearFix_9HpStack_1.0611", ["train_seed0.log", "train_seed1234.log", "train_seed42.log"], "submission.json", 1),
    ])
    func sampleFolder(_ rel: String, _ logs: [String], _ submission: String, _ tokenizers: Int) throws {
        guard let root = TestPaths.samples else {
            print("SKIP: shared samples not found beside the repository")
            return
        }
        let folder = try RecordFolder.load(root.appendingPathComponent(rel))
        #expect(folder.logFiles == logs)
        #expect(folder.submissionFile == submission)
        #expect(folder.tokenizers.count == tokenizers)
        #expect(folder.track == String(rel.split(separator: "/")[0]))
        #expect(folder.allFiles == folder.allFiles.sorted())
        #expect(folder.allFiles.count == logs.count + 1 + tokenizers)
    }

    @Test func classifiesByContentAndTakesTrackFromSubmission() throws {
        let dir = try TestPaths.tempDir("record").appendingPathComponent("2026-01-01_Test")
        let fm = FileManager.default
        try fm.createDirectory(at: dir.appendingPathComponent("logs"), withIntermediateDirectories: true)
        try fm.createDirectory(at: dir.appendingPathComponent("tok"), withIntermediateDirectories: true)
        func write(_ rel: String, _ text: String) throws {
            try Data(text.utf8).write(to: dir.appendingPathComponent(rel))
        }
        try write("README.md", "val_bpb 1.0 step:1 train_loss")
        try write("readme.txt", "val_bpb mentioned in prose")
        try write("requirements.txt", "torch==2.9\n")
        try write("notes.txt", "nothing here\n")
        try write("logs/run_a.txt", "step:1/10 train_loss:2.0\n")
        try write("b.log", "anything\n")
        try write("train_gpt.py", "print(1)\n")
        try write("tok/sp.model", "x")
        try write("submission.json", "{\"track\": \"non-record-unlimited-compute-16mb\"}")
        let folder = try RecordFolder.load(dir)
        #expect(folder.logFiles == ["b.log", "logs/run_a.txt"])
        #expect(folder.scripts == ["train_gpt.py"])
        #expect(folder.tokenizers == ["tok/sp.model"])
        #expect(folder.submissionFile == "submission.json")
        #expect(folder.track == "track_non_record_16mb")
        #expect(folder.allFiles == ["README.md", "b.log", "logs/run_a.txt", "notes.txt", "readme.txt", "requirements.txt", "submission.json", "tok/sp.model", "train_gpt.py"])
    }

    @Test func nonASCIITextFilesAreClassifiedByTheirBytes() throws {
        let dir = try TestPaths.tempDir("record-utf8").appendingPathComponent("2026-01-01_Utf8")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data("héllo wörld — step:1/10 train_loss:2.0\n".utf8).write(to: dir.appendingPathComponent("accents.txt"))
        try Data([0xFF, 0xFE, 0xC3] + Array("val_bpb:1.0\n".utf8)).write(to: dir.appendingPathComponent("invalid.txt"))
        try Data("naïve prose, no metric at all: stép, val bpb\n".utf8).write(to: dir.appendingPathComponent("prose.txt"))
        try Data("val_bp\u{301}b step\u{200B}: train-loss\n".utf8).write(to: dir.appendingPathComponent("near.txt"))
        let folder = try RecordFolder.load(dir)
        #expect(folder.logFiles == ["accents.txt", "invalid.txt"])
    }

    @Test func emptyFolderLoadsWithNoLogs() throws {
        let dir = try TestPaths.tempDir("record-empty")
        let folder = try RecordFolder.load(dir)
        #expect(folder.logFiles.isEmpty)
        #expect(folder.allFiles.isEmpty)
        #expect(folder.submissionFile == nil)
        #expect(folder.track == nil)
    }

    @Test func missingFolderAndFileThrow() throws {
        let dir = try TestPaths.tempDir("record-missing")
        #expect(throws: LogError.self) { try RecordFolder.load(dir.appendingPathComponent("nope")) }
        let file = dir.appendingPathComponent("f.log")
        try Data("x".utf8).write(to: file)
        #expect(throws: LogError.notEvidence(path: file.path, reason: "is a file, expected a record folder")) {
            try RecordFolder.load(file)
        }
    }

    @Test("track spellings", arguments: [
        ("10min_16mb", "track_10min_16mb"), ("non-record-unlimited-compute-16mb", "track_non_record_16mb"),
        ("track_10min_16mb", "track_10min_16mb"), ("weird", "weird"),
    ])
    func trackSpelling(_ raw: String, _ expected: String) {
        #expect(RecordFolder.normalizedTrack(raw) == expected)
    }
}
