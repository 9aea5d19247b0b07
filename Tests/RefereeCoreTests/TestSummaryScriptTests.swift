import Foundation
import Testing
import RefereeTestSupport

/// `scripts/test-summary.py` (the end of `bash scripts/test.sh`) on committed pytest and
/// Swift Testing outputs: the counts, the skip reasons, and a last line CI can count.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "python3 not installed"))
struct TestSummaryScriptTests {
    @Test func countsPassedFailedSkippedAndWhy() throws {
        let script = TestPaths.repoRoot.appendingPathComponent("scripts/test-summary.py").path
        let run = try ToolRun.run(["python3", script, TestPaths.fixture("scripts/pytest.log").path, TestPaths.fixture("scripts/swift-test.log").path])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.suffix(4) == [
            "python: passed 5, failed 1, skipped 2 (2 without a Python package)",
            "swift: passed 8, failed 1, skipped 1 (1 without ../shared/samples)",
            "tests: 13 passed, 2 failed, 3 skipped (2 without a Python package, 1 without ../shared/samples)",
            "13 passed, 2 failed",
        ])
    }
}
