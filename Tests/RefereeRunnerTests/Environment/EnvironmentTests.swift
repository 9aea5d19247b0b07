import Foundation
import Testing
import RefereeTestSupport
@testable import RefereeRunner

@Suite(.serialized) struct EnvironmentTests {
    @Test func captureRecordsPythonAndMissingTools() throws {
        let env = EnvironmentCapture.capture(python: "python3", refereeVersion: "9.9.9", refereeHome: TestPaths.repoRoot,
                                             networkIsolation: .disabled)
        let direct = CommandCapture.run(["python3", "-c", "import platform; print(platform.python_version())"])
        #expect(env.pythonVersion == direct.output.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(env.refereeVersion == "9.9.9")
        #expect(env.cpuCount == ProcessInfo.processInfo.activeProcessorCount)
        #expect(env.kernel.hasPrefix("Linux "))
        let smi = try #require(env.commands.first { $0.command.first == "nvidia-smi" })
        if smi.succeeded {
            #expect(!env.gpus.isEmpty)
        } else {
            #expect(env.gpus.isEmpty, "no nvidia-smi, no GPUs claimed")
        }
        let torchImportable = CommandCapture.run(["python3", "-c", "import torch"]).succeeded
        #expect((env.torchVersion != nil) == torchImportable)
        if let commit = env.refereeCommit {
            #expect(commit.count == 40 && commit.allSatisfy(\.isHexDigit))
        }
    }

    /// torch's versions come from torch/version.py without importing torch (whose import takes
    /// seconds): a fake torch package whose import fails still reports them.
    @Test(arguments: [
        ("cuda: Optional[str] = '13.0'", "13.0"),
        ("cuda: Optional[str] = None", "None"),
        ("cuda = '12.4'", "12.4"),
    ])
    func torchVersionsAreReadWithoutImportingTorch(cudaLine: String, expectedCUDA: String) throws {
        let dir = try TestPaths.tempDir("fake-torch")
        defer { try? FileManager.default.removeItem(at: dir) }
        let package = dir.appendingPathComponent("torch")
        try FileManager.default.createDirectory(at: package, withIntermediateDirectories: true)
        try "raise SystemExit('torch was imported')\n".write(to: package.appendingPathComponent("__init__.py"), atomically: true, encoding: .utf8)
        try "from typing import Optional\n\n__version__ = '2.11.0+cu130'\ndebug = False\n\(cudaLine)\n"
            .write(to: package.appendingPathComponent("version.py"), atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = dir.path
        let run = CommandCapture.run(["python3", "-c", EnvironmentCapture.torchVersionScript], environment: environment)
        #expect(run.succeeded, "\(run.output)")
        #expect(run.output.split(separator: "\n").map(String.init) == ["2.11.0+cu130", expectedCUDA])
    }

    @Test func commandCaptureTimesOutAndKillsTheGroup() {
        let begin = Date()
        let result = CommandCapture.run(["sh", "-c", "sleep 30 & sleep 30"], timeout: 0.5)
        #expect(result.status.hasPrefix("timed out"))
        #expect(Date().timeIntervalSince(begin) < 10)
        let missing = CommandCapture.run(["/nonexistent/tool"])
        #expect(missing.status.hasPrefix("not started"))
    }

    @Test func torchrunLaunchWhenAvailable() throws {
        guard CommandCapture.run(["python3", "-c", "import torch"]).succeeded,
              CommandCapture.run(["sh", "-c", "command -v torchrun"]).succeeded else {
            print("SKIP torchrunLaunchWhenAvailable: torch is not importable here (torchrun cases run on the GPU machine)")
            return
        }
        let out = try TestPaths.tempDir("runner-torchrun")
        let config = RunConfiguration(recordDir: TestPaths.fixture("runner/honest"), outDir: out, seeds: [3],
                                      launch: LaunchPlan(nprocPerNode: 2), caps: PhaseCaps(trainSeconds: 120, evalSeconds: 60, graceSeconds: 0),
                                      isolateNetwork: true, refereeVersion: "test", captureEnvironment: false)
        let run = try Runner(config: config, pipeline: PostRunPipeline(steps: []), progress: ProgressReporter(mode: .quiet), interrupt: nil).run()
        #expect(run.launcher == "torchrun")
        #expect(run.seeds.first?.exitCode == 0)
        #expect(run.seeds.first?.command.contains("--nproc_per_node=2") == true)
    }
}

extension LaunchSpec {
    var argv: [String] { [executable] + arguments }
}
