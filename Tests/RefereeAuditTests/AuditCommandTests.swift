import Foundation
import Testing
import RefereeTestSupport

/// End-to-end runs of the built `referee audit` binary: exit codes and output formats.
enum RefereeBinary {
    static let url: URL? = {
        for config in ["debug", "release"] {
            let url = TestPaths.repoRoot.appendingPathComponent(".build/\(config)/referee")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }()

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String]) throws -> Output {
        guard let binary = RefereeBinary.url else { throw CancellationError() }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = TestPaths.repoRoot
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Outputs here are small (a few KB); read both to the end, then wait.
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }
}

@Suite(.enabled(if: RefereeBinary.url != nil, "referee binary not built (.build/debug/referee): run swift build first"))
struct AuditCommandTests {
    @Test func usageErrorsExitTwo() throws {
        let both = try RefereeBinary.run(["audit", "--track", "track_10min_16mb", "--rules", "x.toml", "."])
        #expect(both.status == 2)
        #expect(both.stderr.contains("use --track or --rules, not both"))
        let missing = try RefereeBinary.run(["audit", "/nonexistent/record"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent/record: no such file or folder"))
        let format = try RefereeBinary.run(["audit", "--format", "xml", "."])
        #expect(format.status == 2)
    }

    @Test func badRulesFileExitsTwoNamingFileAndLine() throws {
        let dir = try TestPaths.tempDir("audit-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let rules = dir.appendingPathComponent("bad.toml")
        try Data("track = \"t\"\nversion = \"1\"\n[rules]\n".utf8).write(to: rules)
        let r = try RefereeBinary.run(["audit", "--rules", rules.path, dir.path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("bad.toml:3: expected '[[name]]'"), "\(r.stderr)")
    }

    @Test(.enabled(if: SampleAvailability.ready, SampleAvailability.reason))
    func exitCodesFollowTheVerdict() throws {
        let root = try #require(SampleAvailability.samples).appendingPathComponent("track_10min_16mb")
        let failing = try RefereeBinary.run(["audit", root.appendingPathComponent("2026-03-20_11L_XSA4_EMA_Int6_MLP3x_WD04_1.1271").path, "--format", "github"])
        #expect(failing.status == 1)
        #expect(failing.stdout.contains("::error file="))
        #expect(failing.stdout.contains("title=claim.score (fail) [logged]"))
        let honest = try RefereeBinary.run(["audit", root.appendingPathComponent("2026-03-17_NaiveBaseline").path, "--format", "json"])
        #expect(honest.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(honest.stdout.utf8)) as? [String: Any]
        #expect(json?["schema"] as? String == "referee.audit/v1")
    }
}
