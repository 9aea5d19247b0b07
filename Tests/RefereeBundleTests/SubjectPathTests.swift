import Testing
@testable import RefereeBundle

@Suite struct SubjectPathTests {
    @Test(arguments: ["train.log", "traces/seed42/rank0.jsonl", ".hidden", "a..b/c"])
    func acceptsRelativeNormalisedPaths(path: String) {
        #expect(SubjectPath.problem(path) == nil)
    }

    @Test(arguments: [
        ("", "empty"), ("/etc/passwd", "absolute"), ("../x", "'..'"), ("a/../../x", "'..'"),
        ("a//b", "empty or '.'"), ("./a", "empty or '.'"), ("a/", "empty or '.'"), ("a\\b", "backslash"),
        ("referee.bundle.json", "never subjects"), ("referee.pub.pem", "never subjects"),
    ])
    func rejectsUnsafePaths(path: String, reason: String) {
        let problem = SubjectPath.problem(path)
        #expect(problem?.contains(reason) == true, "\(path): \(problem ?? "accepted")")
    }
}
