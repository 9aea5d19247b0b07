import Foundation
import Testing
import RefereeTestSupport
@testable import RefereeAudit
@testable import RefereeRunner

/// End to end on a fresh seed (11, not among Tests/Fixtures/heldout): the cheater
/// validation_in_training trained by the built `referee run` in both --training-validation modes,
/// its artifact evaluated through its eval entry point on the validation and held-out shards
/// (scripts/heldout-calibration.py), decided by the check the audit runs. Seen validation: fail;
/// under the decoy it never could: pass. Skipped without the built binary or python3 with numpy
/// and sentencepiece.
@Suite(.serialized) struct HeldoutEndToEndTests {
    @Test func theCheaterFailsWhenItSawValidationAndNotUnderTheDecoy() throws {
        let repo = TestPaths.repoRoot
        let referee = repo.appendingPathComponent(".build/debug/referee")
        guard FileManager.default.isExecutableFile(atPath: referee.path),
              CommandCapture.run(["/usr/bin/env", "python3", "-c", "import numpy, sentencepiece"]).succeeded else {
            print("SKIP HeldoutEndToEndTests: no built referee, or python3 without numpy and sentencepiece")
            return
        }
        let out = try TestPaths.tempDir("heldout-e2e")
        let run = CommandCapture.run(["/usr/bin/env", "python3", repo.appendingPathComponent("scripts/heldout-calibration.py").path,
                                      "--seeds", "11", "--submissions", "cheaters/validation_in_training",
                                      "--out", out.path, "--referee", referee.path], timeout: 500)
        #expect(run.succeeded, "\(run.status): \(run.output.suffix(2000))")
        let rule = try #require(try RuleSet.builtin(track: "track_10min_16mb").rule("data.heldout-gap"))
        for (mode, expected) in [("real", RuleStatus.fail), ("decoy", .pass)] {
            let data = try Data(contentsOf: out.appendingPathComponent("validation_in_training-\(mode)-seed11.json"))
            var context = AuditContext(path: mode, folder: nil, logs: [], claims: nil, logDigests: [:])
            context.probeBlocks = ProbeBlocks.decode(data)
            let result = HeldoutChecks.heldoutGap(context, rule)
            #expect(result.status == expected, "\(mode): \(result.message)")
        }
    }
}
