import Foundation
import Testing
import RefereeTestSupport
@testable import RefereeRunner

/// torch 1.13's torchrun on Python ≥ 3.11 cannot parse its own `--redirects 0` default: Referee
/// asks the torchrun's interpreter once and adds `--redirects 9:0 --tee 9:0` only then.
@Suite struct TorchrunCompatibilityTests {
    /// A folder with an executable `torchrun` whose `#!` names a fake interpreter that prints
    /// `probeOutput` (whatever it is asked), and PATH pointing there.
    func fakeTorchrun(probeOutput: String, shebang: ((String) -> String)? = nil) throws -> [String: String] {
        let dir = try TestPaths.tempDir("fake-torchrun")
        let python = dir.appendingPathComponent("fakepython")
        try "#!/bin/sh\necho '\(probeOutput)'\n".write(to: python, atomically: true, encoding: .utf8)
        let torchrun = dir.appendingPathComponent("torchrun")
        try "\((shebang ?? { "#!\($0)" })(python.path))\nimport sys\n".write(to: torchrun, atomically: true, encoding: .utf8)
        for file in [python, torchrun] {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path)
        }
        return ["PATH": dir.path + ":/usr/bin:/bin"]
    }

    @Test func brokenParserGetsTheExplicitNoRedirectMapping() throws {
        let env = try fakeTorchrun(probeOutput: TorchrunCompatibility.brokenMarker)
        #expect(TorchrunCompatibility.arguments(torchrun: "torchrun", nproc: 2, environment: env) == ["--redirects", "9:0", "--tee", "9:0"])
        // the mapping can name only one-digit local ranks: 10 ranks would include rank 9
        #expect(TorchrunCompatibility.arguments(torchrun: "torchrun", nproc: 10, environment: env).isEmpty)
    }

    @Test func workingParserGetsNothing() throws {
        let env = try fakeTorchrun(probeOutput: "ok")
        #expect(TorchrunCompatibility.arguments(torchrun: "torchrun", nproc: 2, environment: env).isEmpty)
        #expect(TorchrunCompatibility.arguments(torchrun: "no-such-torchrun", nproc: 2, environment: env).isEmpty)
    }

    @Test func interpreterComesFromTheShebangLine() throws {
        let env = try fakeTorchrun(probeOutput: TorchrunCompatibility.brokenMarker, shebang: { "#!/usr/bin/env  \($0) -u" })
        let path = try #require(PreflightCheck.findExecutable("torchrun", environment: env))
        let words = try #require(TorchrunCompatibility.interpreter(ofScript: path))
        #expect(words.count == 3 && words[0] == "/usr/bin/env" && words[2] == "-u")
        #expect(TorchrunCompatibility.interpreter(ofScript: "/nonexistent/torchrun") == nil)
    }

    @Test func argumentsGoBetweenNprocAndTheEntry() {
        var plan = LaunchPlan(nprocPerNode: 2, baseEnvironment: [:])
        plan.autotrace = true
        plan.torchrunArguments = TorchrunCompatibility.stdArguments
        let spec = plan.spec(script: URL(fileURLWithPath: "/r/train_gpt.py"), seed: 1, runId: "x",
                             traceDir: URL(fileURLWithPath: "/r/t"), workingDirectory: URL(fileURLWithPath: "/r"))
        #expect(spec.arguments == ["--standalone", "--nproc_per_node=2", "--redirects", "9:0", "--tee", "9:0",
                                   "-m", "referee_autotrace", "/r/train_gpt.py"])
    }

    /// The real thing, where Debian's torch 1.13 is installed for /usr/bin/python3 (CI): the probe
    /// reports the bug exactly when that interpreter is Python ≥ 3.11 with torch < 2.
    @Test func realTorchrunWhenPresent() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/torchrun") else { return }
        let version = CommandCapture.run(["/usr/bin/python3", "-c",
                                          "import sys, torch; print(int(sys.version_info >= (3, 11) and torch.__version__.startswith('1.')))"])
        guard version.succeeded else { return }
        let args = TorchrunCompatibility.arguments(torchrun: "/usr/bin/torchrun", nproc: 2, environment: ProcessInfo.processInfo.environment)
        #expect(args.isEmpty == version.output.hasPrefix("0"), "probe \(args), interpreter says \(version.output)")
    }
}
