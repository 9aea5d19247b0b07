import Foundation
import Testing
import RefereeTestSupport

/// Compares generated text with a committed golden file under `Tests/Fixtures/report/`, and
/// reports the first differing line. Set `REFEREE_UPDATE_GOLDENS=1` to rewrite the goldens.
enum Golden {
    static func check(_ actual: String, _ relative: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = TestPaths.fixture("report/\(relative)")
        if ProcessInfo.processInfo.environment["REFEREE_UPDATE_GOLDENS"] == "1" {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: url)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        if expected == actual { return }
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var line = 0
        while line < min(e.count, a.count) && e[line] == a[line] { line += 1 }
        let want = line < e.count ? String(e[line]) : "<end of file>"
        let got = line < a.count ? String(a[line]) : "<end of file>"
        Issue.record("golden \(relative) differs at line \(line + 1):\n  expected: \(want)\n  actual:   \(got)", sourceLocation: sourceLocation)
    }
}
