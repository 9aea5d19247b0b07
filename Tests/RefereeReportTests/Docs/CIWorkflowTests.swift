import Foundation
import Testing
import RefereeTestSupport

/// Runs the folder check of `docs/ci-workflow.yml` (the shell of the step with `id: folder`) in
/// scratch git repositories shaped like Parameter Golf pull requests.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/git"), "git not installed: skipping"))
struct CIWorkflowTests {
    /// The `run: |` block of the step with `id: folder`, de-indented.
    static func folderCheckScript() throws -> String {
        let yaml = try String(contentsOf: TestPaths.repoRoot.appendingPathComponent("docs/ci-workflow.yml"), encoding: .utf8)
        let lines = yaml.components(separatedBy: "\n")
        let id = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == "id: folder" })
        let run = try #require(lines[id...].firstIndex { $0.trimmingCharacters(in: .whitespaces) == "run: |" })
        let indent = lines[run].prefix { $0 == " " }.count
        var body: [String] = []
        for line in lines[(run + 1)...] {
            if !line.trimmingCharacters(in: .whitespaces).isEmpty && line.prefix(while: { $0 == " " }).count <= indent { break }
            body.append(String(line.dropFirst(min(line.count, indent + 2))))
        }
        return body.joined(separator: "\n")
    }

    struct Check {
        var status: Int32
        var output: String
        var githubOutput: String
    }

    /// A repository with one merged record on `main`, then a PR commit adding `files`.
    func check(adding files: [String]) throws -> Check {
        let dir = try TestPaths.tempDir("ci")
        defer { try? FileManager.default.removeItem(at: dir) }
        let repo = dir.appendingPathComponent("repo")
        try FileManager.default.createDirectory(at: repo, withIntermediateDirectories: true)
        func write(_ path: String) throws {
            let url = repo.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("x\n".utf8).write(to: url)
        }
        try write("records/track_10min_16mb/2026-03-17_Old/README.md")
        try write("README.md")
        let script = try Self.folderCheckScript()
        let setup = """
        set -e
        git init -q -b main . && git -c user.email=t@t -c user.name=t add -A && git -c user.email=t@t -c user.name=t commit -qm base
        git update-ref refs/remotes/origin/main HEAD
        git checkout -q -b pr
        """
        var env = ["HOME": dir.path, "PATH": "/usr/bin:/bin", "GITHUB_BASE_REF": "main",
                   "GITHUB_OUTPUT": dir.appendingPathComponent("github-output").path]
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        let r0 = try RefereeBinary.run(executable: URL(fileURLWithPath: "/bin/bash"), ["-c", setup], in: repo, environment: env)
        try #require(r0.status == 0, "git setup failed: \(r0.stderr)")
        for f in files { try write(f) }
        let commit = "git -c user.email=t@t -c user.name=t add -A && git -c user.email=t@t -c user.name=t commit -qm pr"
        let r1 = try RefereeBinary.run(executable: URL(fileURLWithPath: "/bin/bash"), ["-c", commit], in: repo, environment: env)
        try #require(r1.status == 0, "git commit failed: \(r1.stderr)")
        let r = try RefereeBinary.run(executable: URL(fileURLWithPath: "/bin/bash"), ["-c", script], in: repo, environment: env)
        let out = (try? String(contentsOf: dir.appendingPathComponent("github-output"), encoding: .utf8)) ?? ""
        return Check(status: r.status, output: r.stdout + r.stderr, githubOutput: out)
    }

    static let complete = ["README.md", "submission.json", "train_gpt.py", "train_seed42.log"]

    @Test func oneCompleteFolderPasses() throws {
        let c = try check(adding: Self.complete.map { "records/track_10min_16mb/2026-05-01_New/\($0)" })
        #expect(c.status == 0, "\(c.output)")
        #expect(c.githubOutput == "record=records/track_10min_16mb/2026-05-01_New\n")
    }

    @Test func twoFoldersFail() throws {
        let files = Self.complete.map { "records/track_10min_16mb/2026-05-01_A/\($0)" } + Self.complete.map { "records/track_10min_16mb/2026-05-01_B/\($0)" }
        let c = try check(adding: files)
        #expect(c.status == 1)
        #expect(c.output.contains("must add exactly one folder"))
    }

    @Test func missingRequiredFileFails() throws {
        let c = try check(adding: ["README.md", "submission.json", "train_seed42.log"].map { "records/track_10min_16mb/2026-05-01_New/\($0)" })
        #expect(c.status == 1)
        #expect(c.output.contains("missing required file records/track_10min_16mb/2026-05-01_New/train_gpt.py"))
    }

    @Test func noLogFails() throws {
        let c = try check(adding: ["README.md", "submission.json", "train_gpt.py"].map { "records/track_10min_16mb/2026-05-01_New/\($0)" })
        #expect(c.status == 1)
        #expect(c.output.contains("no train log"))
    }

    @Test func changesOutsideTheFolderFail() throws {
        let c = try check(adding: Self.complete.map { "records/track_10min_16mb/2026-05-01_New/\($0)" } + ["train_gpt.py"])
        #expect(c.status == 1)
        #expect(c.output.contains("changes files outside"))
    }
}
