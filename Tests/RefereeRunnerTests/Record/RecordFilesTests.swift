import Foundation
import Testing
import RefereeTestSupport
@testable import RefereeRunner
import RefereeAudit

@Suite struct RecordFilesTests {
    @Test func codeBytesCountTheEntryScriptAndSpotCompressedWrappers() throws {
        let dir = try TestPaths.tempDir("codebytes")
        let plain = "print('hello')\n"
        try plain.write(to: dir.appendingPathComponent("train_gpt.py"), atomically: true, encoding: .utf8)
        try "x = 1\n".write(to: dir.appendingPathComponent("helper.py"), atomically: true, encoding: .utf8)
        try "notes".write(to: dir.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let code = try CodeBytes.measure(record: dir, entry: "train_gpt.py")
        #expect(code.countedBytes == plain.utf8.count)
        #expect(code.files.map(\.path) == ["helper.py", "train_gpt.py"])
        #expect(code.form == "plain")

        let wrapper = "import lzma,base64\nexec(lzma.decompress(base64.b85decode(b'...')))\n"
        try wrapper.write(to: dir.appendingPathComponent("train_gpt.py"), atomically: true, encoding: .utf8)
        let packed = try CodeBytes.measure(record: dir, entry: "train_gpt.py")
        #expect(packed.form == "lzma+base85 self-extracting")
        #expect(packed.countedBytes == wrapper.utf8.count)
        #expect(throws: RunnerError.self) { _ = try CodeBytes.measure(record: dir, entry: "missing.py") }
    }

    @Test func inventoryHashesEveryFileAndSkipsPycache() throws {
        let dir = try TestPaths.tempDir("inventory")
        let work = dir.appendingPathComponent("artifacts/seed1")
        try FileManager.default.createDirectory(at: work.appendingPathComponent("__pycache__"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: work.appendingPathComponent("logs"), withIntermediateDirectories: true)
        try Data("abc".utf8).write(to: work.appendingPathComponent("model.ptz"))
        try Data().write(to: work.appendingPathComponent("logs/empty.txt"))
        try Data("junk".utf8).write(to: work.appendingPathComponent("__pycache__/x.pyc"))
        let files = try FileDigest.inventory(of: work, relativeTo: dir)
        #expect(files.map(\.path) == ["artifacts/seed1/logs/empty.txt", "artifacts/seed1/model.ptz"])
        // FIPS 180-2 test vectors.
        #expect(files[1] == FileDigest(path: "artifacts/seed1/model.ptz", bytes: 3, sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
        #expect(files[0].sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func tracePhasesTakeTheEarliestTimeAndSkipJunk() throws {
        let dir = try TestPaths.tempDir("traces")
        let rank0 = """
        {"v":1,"seq":0,"rank":0,"t":10.5,"ev":"phase","name":"train_start","prev":"0"}
        not json at all
        {"v":1,"seq":1,"rank":0,"t":20.0,"ev":"phase","name":"train_end","prev":"x"}
        {"v":1,"seq":2,"rank":0,"t":21.0,"ev":"score","start":1,"end":5,"prev":"y"}
        """
        let rank1 = """
        {"v":1,"seq":0,"rank":1,"t":10.25,"ev":"phase","name":"train_start","prev":"0"}
        """
        try rank0.write(to: dir.appendingPathComponent("rank0.jsonl"), atomically: true, encoding: .utf8)
        try rank1.write(to: dir.appendingPathComponent("rank1.jsonl"), atomically: true, encoding: .utf8)
        try "{}".write(to: dir.appendingPathComponent("other.json"), atomically: true, encoding: .utf8)
        let phases = TracePhaseReader.phases(in: dir)
        #expect(phases == [TracePhase(name: "train_start", t: 10.25), TracePhase(name: "train_end", t: 20.0)])
    }

    @Test func phaseDurationsFromTimestamps() {
        let d = PhaseDurations(PhaseTimestamps(start: 100, trainingStopped: 700, artifactWritten: 730, finalScore: 1000, end: 1001))
        #expect(d.total == 901 && d.training == 600 && d.artifact == 30 && d.evaluation == 270 && d.afterTraining == 300)
        let killed = PhaseDurations(PhaseTimestamps(start: 0, trainingStopped: nil, artifactWritten: nil, finalScore: nil, end: 660))
        #expect(killed.training == nil && killed.afterTraining == nil && killed.total == 660)
    }
}

@Suite struct PhaseCapsRulesTests {
    @Test func capsComeFromTheTrackRulesWithFallbacks() {
        let rule = { (id: String, seconds: Double?) in
            Rule(id: id, statement: "", severity: .error, thresholds: seconds.map { ["max_seconds": $0] } ?? [:], source: "")
        }
        let fallback = PhaseCaps(trainSeconds: 1, evalSeconds: 2, graceSeconds: 3, killGraceSeconds: 4)
        let tenMin = RuleSet(track: "t", version: "1", digest: "", rules: [rule("time.train", 600), rule("time.eval", 590)])
        #expect(PhaseCaps(rules: tenMin, fallback: fallback) == PhaseCaps(trainSeconds: 600, evalSeconds: 590, graceSeconds: 3, killGraceSeconds: 4))
        let partial = RuleSet(track: "t", version: "1", digest: "", rules: [rule("time.train", nil), rule("time.eval", 30)])
        #expect(PhaseCaps(rules: partial, fallback: fallback) == PhaseCaps(trainSeconds: 1, evalSeconds: 30, graceSeconds: 3, killGraceSeconds: 4))
    }
}
