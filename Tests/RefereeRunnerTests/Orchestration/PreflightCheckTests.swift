import Foundation
import Testing
import RefereeTestSupport
@testable import RefereeRunner

/// `referee run` checks every path before any seed starts, and a failed seed points at its log.
@Suite struct PreflightCheckTests {
    static let repo = TestPaths.repoRoot
    static let reference = repo.appendingPathComponent("submissions/reference_cpu")
    static let data = repo.appendingPathComponent("data/sp1024_synth")

    func check(data: URL? = Self.data.appendingPathComponent("dataset"),
               tokenizer: URL? = Self.data.appendingPathComponent("tokenizer/synth_1024_bpe.model"),
               key: URL? = nil, out: URL? = nil, submission: URL = Self.reference, python: String = "python3") -> [PreflightCheck.Problem] {
        PreflightCheck(submissionDir: submission, entryScript: "train_gpt.py", dataPath: data, tokenizerPath: tokenizer, keyPath: key,
                       outDir: out ?? URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("never-created/rec"),
                       python: python, torchrun: false).problems()
    }

    @Test func goodInputsHaveNoProblem() {
        #expect(check().isEmpty)
    }

    @Test func everyBadPathIsNamedWithItsFlag() {
        let problems = check(data: URL(fileURLWithPath: "/nonexistent/data"),
                             tokenizer: Self.repo.appendingPathComponent("README.md"),
                             key: URL(fileURLWithPath: "/nonexistent/key.pem"),
                             out: Self.repo.appendingPathComponent("README.md"),
                             submission: Self.repo.appendingPathComponent("python"),
                             python: "/nonexistent/python3")
        let flags = problems.map(\.flag)
        #expect(flags == ["--entry", "--data-path", "--tokenizer-path", "--key", "--out", "--python"], "\(problems)")
        let tokenizer = problems.first { $0.flag == "--tokenizer-path" }?.description ?? ""
        #expect(tokenizer.contains("not a SentencePiece .model file"))
        // The path is named once, not repeated by the parser's own message.
        #expect(tokenizer.components(separatedBy: "README.md").count == 2, "\(tokenizer)")
    }

    @Test func dataFolderWithoutValidationShardsIsAProblem() throws {
        let empty = try TestPaths.tempDir("preflight-data")
        defer { try? FileManager.default.removeItem(at: empty) }
        let problems = check(data: empty)
        #expect(problems.map(\.flag) == ["--data-path"])
        #expect(problems.first?.reason.contains("fineweb_val_*.bin") == true)
    }

    @Test func tailKeepsTheLastLines() throws {
        let dir = try TestPaths.tempDir("preflight-tail")
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("x.log")
        try (1...40).map { "line \($0)" }.joined(separator: "\n").appending("\n").write(to: log, atomically: true, encoding: .utf8)
        #expect(SeedFailureReport.tail(of: log, lines: 3) == ["line 38", "line 39", "line 40"])
        #expect(SeedFailureReport.tail(of: dir.appendingPathComponent("absent.log"), lines: 3).isEmpty)
    }
}

private let preflightBinary = TestPaths.repoRoot.appendingPathComponent(".build/debug/referee")

/// The user's commands, through the built binary.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: preflightBinary.path),
                             "needs .build/debug/referee (run `swift build --build-tests` first)"))
struct PreflightCommandTests {
    static let binary = preflightBinary

    struct Output { var status: Int32; var stdout: String; var stderr: String }

    func referee(_ arguments: [String]) throws -> Output {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        let dir = try TestPaths.tempDir("preflight-io")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out"), err = dir.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8),
                      stderr: try String(contentsOf: err, encoding: .utf8))
    }

    /// `referee run submissions/reference_cpu --seeds 1 --tokenizer-path README.md --data-path /nonexistent`
    /// exits 2 naming both flags, and starts no seed (the output folder is never created).
    @Test func wrongPathsStopBeforeAnySeed() throws {
        let out = try TestPaths.tempDir("preflight-run").appendingPathComponent("rec")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        let r = try referee(["run", PreflightCheckTests.reference.path, "--seeds", "1", "--out", out.path,
                             "--tokenizer-path", TestPaths.repoRoot.appendingPathComponent("README.md").path,
                             "--data-path", "/nonexistent/data"])
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("referee: error: no seed was started: 2 inputs are not usable\n"), "\(r.stderr)")
        #expect(r.stderr.contains("  --data-path /nonexistent/data: does not exist"))
        #expect(r.stderr.contains("  --tokenizer-path "))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    /// A crashing seed prints its log's path and last lines; the summary names the seed.
    @Test func failingSeedShowsItsLogTail() throws {
        let out = try TestPaths.tempDir("preflight-crash").appendingPathComponent("rec")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        let r = try referee(["run", TestPaths.fixture("runner/crash").path, "--seeds", "7", "--out", out.path,
                             "--no-probes", "--no-network-isolation"])
        #expect(r.status == 1)
        let log = out.appendingPathComponent("train_seed7.log").path
        #expect(r.stdout.contains("seed 7 failed (exit 1); log: \(log); its last"), "\(r.stdout)")
        #expect(r.stdout.contains("RuntimeError: boom"))
        #expect(r.stdout.contains("failed seeds: 1 of 1: 7 (exit 1, log \(log))"))
    }
}
