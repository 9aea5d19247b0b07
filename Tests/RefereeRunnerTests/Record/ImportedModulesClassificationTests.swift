import Foundation
import Testing
@testable import RefereeRunner

/// How the paths the start-up hook lists are classified: only what is neither the record's code,
/// Referee's helper, the data, the launcher, the standard library, an installed package, a system
/// file nor written during the run counts as `outside`.
struct ImportedModulesClassificationTests {
    @Test func everyOriginIsToldApart() throws {
        // Under /var/tmp: paths under /tmp count as the sandbox's private, generated files.
        let folder = URL(fileURLWithPath: "/var/tmp").appendingPathComponent("imports-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let foreign = folder.appendingPathComponent("weights.py")
        try Data("W = 1\n".utf8).write(to: foreign)
        let list = """
            #stdlib /usr/lib/python3.11
            #site /usr/lib/python3/dist-packages
            /usr/lib/python3.11/json/__init__.py
            /usr/lib/python3/dist-packages/numpy/__init__.py
            /tmp/referee/work/train_gpt.py
            /tmp/referee/work/helper_written_at_run_time.py
            /tmp/referee/python/referee_probe.py
            /tmp/referee/data/fineweb_val_000000.bin
            /tmp/torchinductor_root/kernel.py
            /etc/localtime
            /opt/venv/bin/torchrun
            \(foreign.path)
            """
        try Data(list.utf8).write(to: folder.appendingPathComponent("imports-7.txt"))
        let mapping = ImportedModules.Mapping(work: ("/tmp/referee/work", folder), python: "/tmp/referee/python", record: folder,
                                              codeNames: ["train_gpt.py"], privatePrefixes: ["/tmp", "/dev/shm"],
                                              data: ["/tmp/referee/data"], launchers: ["/opt/venv/bin/torchrun"])
        let result = ImportedModules.collect(from: folder, mapping: mapping)
        #expect(result.recorded)
        #expect(result.counts == ["stdlib": 1, "site": 1, "record": 1, "generated": 2, "referee": 1, "data": 1, "system": 1,
                                  "launcher": 1, "outside": 1])
        let outside = result.modules.filter { $0.origin == "outside" }
        #expect(outside.map(\.path) == [foreign.path])
        #expect(outside.first?.bytes == 6)
        #expect(!result.modules.contains { $0.origin == "launcher" || $0.origin == "stdlib" })
    }

    @Test func noListMeansNothingRecorded() {
        let result = ImportedModules.collect(from: URL(fileURLWithPath: "/nonexistent"), mapping: ImportedModules.Mapping(
            work: ("/w", URL(fileURLWithPath: "/w")), python: "/p", record: URL(fileURLWithPath: "/r"), codeNames: [], privatePrefixes: []))
        #expect(!result.recorded)
    }
}

/// The artifact's write time: the submission can set the file's modification time, but Referee
/// clamps it to the polling window in which it saw the change.
struct ArtifactWatchTests {
    @Test func aBackdatedModificationTimeCannotMoveTheWriteBeforeThePreviousPoll() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("watch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var watch = ArtifactWatch(folder: folder, patterns: ["*.ptz"])
        watch.poll(now: 1000)
        #expect(watch.firstSeenAt == nil)
        let file = folder.appendingPathComponent("final_model.ptz")
        try Data("x".utf8).write(to: file)
        // Backdated to 1970: a training that pretends to have ended long ago.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 10)], ofItemAtPath: file.path)
        watch.poll(now: 1000.2)
        #expect(watch.firstSeenAt == 1000)
        #expect(watch.lastChangedAt == 1000)
        // Set in the future: clamped to the poll that saw it.
        try Data("xy".utf8).write(to: file)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 5_000_000_000)], ofItemAtPath: file.path)
        watch.poll(now: 1000.4)
        #expect(watch.lastChangedAt == 1000.4)
        #expect(watch.firstSeenAt == 1000)
    }
}
