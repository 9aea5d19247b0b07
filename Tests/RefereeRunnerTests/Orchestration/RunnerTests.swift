import Foundation
import Testing
import RefereeTestSupport
import RefereeSandbox
@testable import RefereeRunner

@Suite(.serialized) struct RunnerTests {
    func config(_ fixture: String, out: URL, seeds: [Int], caps: PhaseCaps) -> RunConfiguration {
        RunConfiguration(recordDir: TestPaths.fixture("runner/\(fixture)"), outDir: out, seeds: seeds,
                         launch: LaunchPlan(dataPath: TestPaths.repoRoot.appendingPathComponent("data/sp1024_synth/dataset").path), caps: caps, isolateNetwork: true,
                         refereeVersion: "test", captureEnvironment: false)
    }

    @Test func honestThreeSeedsMakeACompleteRecord() throws {
        let out = try TestPaths.tempDir("runner-rec").appendingPathComponent("rec")
        let seen = LockedBox<[String]>([])
        let pipeline = PostRunPipeline(steps: [
            .init(name: "audit") { ctx in
                seen.mutate { $0.append(ctx.record.lastPathComponent) }
                return (.ok, "\(ctx.run.seeds.count) seeds")
            },
            .init(name: "boom") { _ in throw RunnerError.io(path: "x", reason: "fails on purpose") },
        ])
        let runner = Runner(config: config("honest", out: out, seeds: [1337, 42, 2025], caps: PhaseCaps(trainSeconds: 30, evalSeconds: 30, graceSeconds: 5)),
                            pipeline: pipeline, progress: ProgressReporter(mode: .quiet), interrupt: nil)
        let run = try runner.run()
        #expect(run.allSeedsCompleted)
        #expect(run.seeds.map(\.seed) == [1337, 42, 2025])
        #expect(seen.value == ["rec"])
        #expect(run.postRun.map(\.status) == [.ok, .error])
        for seed in run.seeds {
            #expect(seed.exitCode == 0 && !seed.overBudget)
            #expect(seed.environment.contains("SEED=\(seed.seed)"))
            // Inside the sandbox the data folder sits at a fixed path, the same for every run.
            #expect(seed.environment.contains("DATA_PATH=\(run.sandbox?.namespaces == true ? SandboxLayout.data : TestPaths.repoRoot.appendingPathComponent("data/sp1024_synth/dataset").path)"))
            #expect(seed.artifacts.map(\.path) == ["artifacts/seed\(seed.seed)/final_model.int8.ptz"])
            #expect(seed.artifacts.first?.bytes == 1024)
            // Checked against coreutils' sha256sum, an implementation independent of Referee's.
            let sum = CommandCapture.run(["sha256sum", out.appendingPathComponent(seed.artifacts[0].path).path])
            #expect(sum.succeeded)
            #expect(seed.artifacts.first?.sha256 == sum.output.split(separator: " ").first.map(String.init))
            let log = try String(contentsOf: out.appendingPathComponent("train_seed\(seed.seed).log"), encoding: .utf8)
            #expect(log.contains(" seed:\(seed.seed) run_id:rec_seed\(seed.seed)\n"))
            #expect(seed.wallSeconds.training != nil && seed.wallSeconds.evaluation != nil)
            #expect(seed.timestamps.start <= seed.timestamps.trainingStopped! && seed.timestamps.finalScore! <= seed.timestamps.end)
        }
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("train_gpt.py").path))
        #expect(run.code.countedBytes == (try Data(contentsOf: TestPaths.fixture("runner/honest/train_gpt.py"))).count)
        let decoded = try RecordJSON.decode(RunRecord.self, from: Data(contentsOf: out.appendingPathComponent("run.json")))
        #expect(decoded == run)
        let raw = try String(contentsOf: out.appendingPathComponent("run.json"), encoding: .utf8)
        #expect(raw.contains("\"network_isolation\" : \"\(run.networkIsolation.description)\""))
        // A second run into the same folder would mix evidence: refused, nothing touched.
        #expect(throws: RunnerError.self) { _ = try runner.run() }
        #expect(try RecordJSON.decode(RunRecord.self, from: Data(contentsOf: out.appendingPathComponent("run.json"))) == run)
    }

    @Test func hangingSubmissionIsRecordedOverBudget() throws {
        let out = try TestPaths.tempDir("runner-rec-hang")
        let runner = Runner(config: config("hanging", out: out, seeds: [1, 2], caps: PhaseCaps(trainSeconds: 1, evalSeconds: 1, graceSeconds: 0.5, killGraceSeconds: 1)),
                            pipeline: PostRunPipeline(steps: []), progress: ProgressReporter(mode: .quiet), interrupt: nil)
        let run = try runner.run()
        #expect(!run.allSeedsCompleted)
        #expect(run.seeds.count == 2)
        for seed in run.seeds {
            #expect(seed.stop == .overBudget)
            #expect(seed.overBudget && seed.overBudgetPhases == ["training"])
            #expect(seed.signal == Int(SIGTERM))
            #expect(seed.survivors == 0)
            #expect(seed.logLines == 1, "the partial log is kept")
        }
    }

    @Test func missingEntryScriptIsBadInput() throws {
        let out = try TestPaths.tempDir("runner-rec-missing")
        let runner = Runner(config: config("does-not-exist", out: out, seeds: [1], caps: .tenMinuteTrack),
                            pipeline: PostRunPipeline(steps: []), progress: ProgressReporter(mode: .quiet), interrupt: nil)
        #expect(throws: RunnerError.self) { _ = try runner.run() }
    }
}

/// A small lock-protected box for values shared with `@Sendable` pipeline steps.
final class LockedBox<T>: @unchecked Sendable {
    // @unchecked: every access goes through `lock`.
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { stored = value }
    var value: T { lock.lock(); defer { lock.unlock() }; return stored }
    func mutate(_ body: (inout T) -> Void) { lock.lock(); defer { lock.unlock() }; body(&stored) }
}

/// The custody attacks of the threat model (class Forgery), each tried by one hostile
/// submission under `referee run`'s runner: every one must be blocked by the sandbox, and the
/// record must hold exactly what Referee measured.
@Suite(.serialized, .enabled(if: SandboxProbe.probe().applied, "the kernel refuses namespaces here"))
struct CustodyTests {
    @Test func forgeriesAreBlockedAndTheDaemonDiesWithTheRun() throws {
        let fm = FileManager.default
        let base = try TestPaths.tempDir("custody")
        // Everything attacked is a copy outside /tmp (the sandbox's /tmp is private, so a path
        // under the host's /tmp would be out of reach whatever the defences do).
        let host = URL(fileURLWithPath: "/var/tmp/referee-custody-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: host) }
        let data = host.appendingPathComponent("data")
        try fm.createDirectory(at: data, withIntermediateDirectories: true)
        let shardSource = TestPaths.repoRoot.appendingPathComponent("data/sp1024_synth/dataset/fineweb_val_000000.bin")
        try fm.copyItem(at: shardSource, to: data.appendingPathComponent("fineweb_val_000000.bin"))
        let home = host.appendingPathComponent("home")
        try fm.createDirectory(at: home.appendingPathComponent("python"), withIntermediateDirectories: true)
        try fm.createDirectory(at: home.appendingPathComponent("Rules"), withIntermediateDirectories: true)
        try fm.copyItem(at: TestPaths.repoRoot.appendingPathComponent("python/referee_probe.py"), to: home.appendingPathComponent("python/referee_probe.py"))
        let rules = home.appendingPathComponent("Rules/track_non_record_16mb.toml")
        try fm.copyItem(at: TestPaths.repoRoot.appendingPathComponent("Rules/track_non_record_16mb.toml"), to: rules)
        let binDir = host.appendingPathComponent("bin")
        try fm.createDirectory(at: binDir, withIntermediateDirectories: true)
        let out = host.appendingPathComponent("rec-\(UUID().uuidString)")
        let before = try [data.appendingPathComponent("fineweb_val_000000.bin"), rules, home.appendingPathComponent("python/referee_probe.py")]
            .map { try Data(contentsOf: $0) }

        let extra = ["FORGE_RECORD": out.path, "FORGE_RULES": rules.path, "FORGE_BINDIR": binDir.path]
        var config = RunConfiguration(recordDir: TestPaths.fixture("runner/forger"), outDir: out, seeds: [7],
                                      launch: LaunchPlan(dataPath: data.path, refereeHome: home, extraEnvironment: extra),
                                      caps: PhaseCaps(trainSeconds: 30, evalSeconds: 30, graceSeconds: 5), refereeVersion: "test",
                                      captureEnvironment: false)
        config.settingsWords = extra.map { "\($0.key)=\($0.value)" }.sorted()
        let run = try Runner(config: config, pipeline: PostRunPipeline(steps: []), progress: ProgressReporter(mode: .quiet), interrupt: nil).run()
        let seed = try #require(run.seeds.first)
        #expect(seed.exitCode == 0 && run.sandbox?.applied == true)

        let log = try String(contentsOf: out.appendingPathComponent("train_seed7.log"), encoding: .utf8)
        let attempts = log.split(separator: "\n").filter { $0.contains(" blocked ") || $0.contains(" FORGED ") }
        #expect(attempts.count == 9, "every attempt reports")
        #expect(!log.contains("FORGED"), "an attack got through:\n\(log)")
        #expect(!log.contains("val_bpb:0.10000000"))
        #expect(!fm.fileExists(atPath: out.appendingPathComponent("probes.json").path))
        // The code the record holds is the submission's, byte for byte.
        let source = try Data(contentsOf: TestPaths.fixture("runner/forger/train_gpt.py"))
        #expect(try Data(contentsOf: out.appendingPathComponent("train_gpt.py")) == source)
        #expect(try [data.appendingPathComponent("fineweb_val_000000.bin"), rules, home.appendingPathComponent("python/referee_probe.py")]
            .map { try Data(contentsOf: $0) } == before)
        #expect(try fm.contentsOfDirectory(atPath: binDir.path).isEmpty)

        // The daemon would strike 1.5 s after its start: wait past that, then nothing may have moved.
        Thread.sleep(forTimeInterval: 2.5)
        let artifact = try #require(seed.artifact)
        #expect(artifact.path == "artifacts/seed7/final_model.ptz")
        #expect(IntegrityCheck.check(run, record: out).changed.isEmpty)
        #expect(try String(contentsOf: out.appendingPathComponent("train_seed7.log"), encoding: .utf8) == log)
        let alive = ProcessTable.entries().filter { entry in
            guard entry.state != "Z", let env = fm.contents(atPath: "/proc/\(entry.pid)/environ") else { return false }
            return env.split(separator: 0).contains { String(decoding: $0, as: UTF8.self) == "RUN_ID=\(out.lastPathComponent)_seed7" }
        }
        #expect(alive.isEmpty, "a process of the run outlived it: \(alive)")
        _ = base
    }

    @Test func withoutTheSandboxTheRecordSaysSo() throws {
        let out = try TestPaths.tempDir("custody-nosandbox").appendingPathComponent("rec")
        var config = RunConfiguration(recordDir: TestPaths.fixture("runner/honest"), outDir: out, seeds: [1],
                                      caps: PhaseCaps(trainSeconds: 30, evalSeconds: 30, graceSeconds: 5), refereeVersion: "test",
                                      captureEnvironment: false)
        config.sandbox = false
        let run = try Runner(config: config, pipeline: PostRunPipeline(steps: []), progress: ProgressReporter(mode: .quiet), interrupt: nil).run()
        #expect(run.sandbox?.applied == false && run.sandbox?.mechanism == "none")
        #expect(run.sandbox?.reason == "--no-sandbox given")
        #expect(run.seeds.first?.sandboxed == false)
        #expect(run.networkIsolation == .unavailable("--no-sandbox given"))
    }
}

/// Code kept outside the record (class Size): the modules a run imports are listed by Referee's
/// start-up hook and classified, so the audit can count them.
@Suite struct ImportedModulesTests {
    @Test func aModuleImportedFromOutsideTheRecordIsListedWithItsDigest() throws {
        let fm = FileManager.default
        let host = URL(fileURLWithPath: "/var/tmp/referee-imports-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: host) }
        try fm.createDirectory(at: host, withIntermediateDirectories: true)
        let outside = host.appendingPathComponent("weights.py")
        try Data("WEIGHTS = list(range(200)) * 5\n".utf8).write(to: outside)
        let out = try TestPaths.tempDir("imports").appendingPathComponent("rec")
        let config = RunConfiguration(recordDir: TestPaths.fixture("runner/importer"), outDir: out, seeds: [3],
                                      launch: LaunchPlan(refereeHome: TestPaths.repoRoot, extraEnvironment: ["OUTSIDE_MODULE": outside.path]),
                                      caps: PhaseCaps(trainSeconds: 30, evalSeconds: 30, graceSeconds: 5), refereeVersion: "test",
                                      captureEnvironment: false)
        let run = try Runner(config: config, pipeline: PostRunPipeline(steps: []), progress: ProgressReporter(mode: .quiet), interrupt: nil).run()
        let seed = try #require(run.seeds.first)
        #expect(seed.exitCode == 0)
        let modules = try #require(seed.importedModules)
        let foreign = modules.filter { $0.origin == "outside" }
        #expect(foreign.map(\.path) == [outside.path], "\(modules) \(seed.importedModuleCounts ?? [:])")
        let sum = CommandCapture.run(["sha256sum", outside.path])
        #expect(foreign.first?.sha256 == sum.output.split(separator: " ").first.map(String.init))
        #expect(modules.contains { $0.origin == "record" && $0.path.hasSuffix("/train_gpt.py") })
        #expect((seed.importedModuleCounts?["stdlib"] ?? 0) > 10)
    }
}

/// Class Clock: a stopping line printed early does not end training in the record.
@Suite struct LoggedPhaseLinesTests {
    @Test func anEarlyStoppingLineDoesNotEndTraining() throws {
        let out = try TestPaths.tempDir("early-stop").appendingPathComponent("rec")
        let config = RunConfiguration(recordDir: TestPaths.fixture("runner/early_stop_line"), outDir: out, seeds: [1],
                                      caps: PhaseCaps(trainSeconds: 30, evalSeconds: 30, graceSeconds: 5), refereeVersion: "test",
                                      captureEnvironment: false)
        let run = try Runner(config: config, pipeline: PostRunPipeline(steps: []), progress: ProgressReporter(mode: .quiet), interrupt: nil).run()
        let seed = try #require(run.seeds.first)
        #expect(seed.loggedTimestamps?.trainingStopped != nil, "the log did say it stopped")
        #expect(seed.timestamps.trainingStopped == nil, "Referee saw no declared artifact: training never ended")
        #expect(seed.wallSeconds.training == nil)
        #expect(seed.artifact == nil)
        #expect(seed.undeclaredFiles?.contains { $0.path == "work/model_weights.bin" } == true)
    }
}
