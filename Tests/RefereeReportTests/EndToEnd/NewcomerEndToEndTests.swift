import Foundation
import Testing
import RefereeTestSupport

/// What a new user meets first, through the built binary: commands that write leave the
/// participant's folder alone unless asked, errors carry one prefix and name a path once, and a
/// mistyped command gets a suggestion. Runs on committed fixtures (no ../shared needed).
@Suite(.enabled(if: RefereeBinary.available, "needs .build/debug/referee (run `swift build --build-tests` first)"))
struct NewcomerEndToEndTests {
    static let flags = ["--author", "Ada", "--github-id", "ada", "--date", "2026-04-01"]

    /// A writable copy of the `clean` fixture record, with its files' bytes.
    func copyOfCleanRecord() throws -> (record: URL, files: [String: Data]) {
        let root = try TestPaths.tempDir("newcomer")
        let record = root.appendingPathComponent("2026-04-01_clean")
        try FileManager.default.copyItem(at: RefereeBinary.cheater("clean"), to: record)
        return (record, try currentFiles(record))
    }

    func currentFiles(_ record: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: record.path) {
            var isDir: ObjCBool = false
            let url = record.appendingPathComponent(name)
            _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir)
            files[name] = isDir.boolValue ? Data("<dir>".utf8) : try Data(contentsOf: url)
        }
        return files
    }

    /// `referee submission <record>` (no --output) writes into ./referee-out/<name>/ and leaves
    /// every byte of the record folder as it was; it prints each path it wrote.
    @Test func submissionWithoutOutputLeavesTheRecordAlone() throws {
        let (record, before) = try copyOfCleanRecord()
        defer { try? FileManager.default.removeItem(at: record.deletingLastPathComponent()) }
        let cwd = record.deletingLastPathComponent()
        let r = try RefereeBinary.run(["submission", record.path] + Self.flags, in: cwd)
        #expect(r.status == 0 || r.status == 1, "\(r.stderr)")
        #expect(try currentFiles(record) == before)
        let out = cwd.appendingPathComponent("referee-out/2026-04-01_clean")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("submission.json").path))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("README.md").path))
        #expect(r.stdout.contains("referee-out/2026-04-01_clean/submission.json"))
        #expect(r.stderr.contains("referee: wrote 6 files into "), "\(r.stderr)")
        #expect(r.stderr.contains("(the record folder was not changed)"))
    }

    /// `--in-place` is the one way to rewrite the record's own files.
    @Test func inPlaceRewritesTheRecord() throws {
        let (record, before) = try copyOfCleanRecord()
        defer { try? FileManager.default.removeItem(at: record.deletingLastPathComponent()) }
        let r = try RefereeBinary.run(["submission", record.path, "--in-place"] + Self.flags)
        #expect(r.status == 0 || r.status == 1, "\(r.stderr)")
        let after = try currentFiles(record)
        #expect(after["submission.json"] != before["submission.json"])
        #expect(after["README.md"] != nil)
        #expect(r.stderr.contains("into the record folder (--in-place)"))
        let both = try RefereeBinary.run(["submission", record.path, "--in-place", "--output", "/tmp/x"] + Self.flags)
        #expect(both.status == 2)
        #expect(both.stderr.hasPrefix("referee: error: use --in-place or --output, not both"), "\(both.stderr)")
    }

    /// One prefix, lower-case, never `Error:` after it, and the file named once.
    @Test func errorsHaveOnePrefixAndNameThePathOnce() throws {
        let (record, _) = try copyOfCleanRecord()
        defer { try? FileManager.default.removeItem(at: record.deletingLastPathComponent()) }
        try Data("{bad".utf8).write(to: record.appendingPathComponent("submission.json"))
        let r = try RefereeBinary.run(["audit", record.path])
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("referee: error: "), "\(r.stderr)")
        #expect(!r.stderr.contains("Error:"))
        #expect(r.stderr.components(separatedBy: "submission.json").count == 2, "path repeated: \(r.stderr)")
        let usage = try RefereeBinary.run(["audit", "--format", "yaml", record.path])
        #expect(usage.status == 2)
        #expect(usage.stderr.hasPrefix("referee: error: "), "\(usage.stderr)")
    }

    /// `referee subimssion` suggests `submission`; a word far from every command lists them.
    @Test func typoGetsASuggestion() throws {
        let r = try RefereeBinary.run(["subimssion", "x"])
        #expect(r.status == 2)
        #expect(r.stderr == "referee: error: unknown command 'subimssion'; did you mean 'submission'? (see 'referee --help')\n")
        let far = try RefereeBinary.run(["frobnicate"])
        #expect(far.status == 2)
        #expect(far.stderr.contains("the commands are: audit, data, keygen"))
    }

    /// `referee run --help` names its argument for what it is.
    @Test func runArgumentIsTheSubmissionFolder() throws {
        let r = try RefereeBinary.run(["run", "--help"])
        #expect(r.stdout.contains("<submission-dir>"))
        #expect(!r.stdout.contains("<record-dir>"))
    }

    /// The binary copied to a folder with no Rules/ nearby, run from another folder, audits with
    /// its built-in rules; an unknown track says where it looked and names REFEREE_RULES_DIR.
    @Test func copiedBinaryFindsItsRules() throws {
        let dir = try TestPaths.tempDir("copied-binary")
        defer { try? FileManager.default.removeItem(at: dir) }
        let copy = dir.appendingPathComponent("bin/referee")
        try FileManager.default.createDirectory(at: copy.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: RefereeBinary.url, to: copy)
        var env = ProcessInfo.processInfo.environment
        env["REFEREE_RULES_DIR"] = nil
        let r = try RefereeBinary.run(executable: copy, ["audit", RefereeBinary.cheater("clean").path, "--track", "track_10min_16mb"],
                                      in: dir, environment: env)
        #expect(r.status == 0 || r.status == 1, "\(r.stderr)")
        #expect(r.stdout.contains("size.artifact-cap"))
        let unknown = try RefereeBinary.run(executable: copy, ["audit", RefereeBinary.cheater("clean").path, "--track", "track_x"],
                                            in: dir, environment: env)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no rules for track 'track_x' (looked in: REFEREE_RULES_DIR (not set); the rules built into referee (track_10min_16mb, track_non_record_16mb))"), "\(unknown.stderr)")
    }

    /// A record without traces or probes: the "no traces" and "no probes.json" causes are each
    /// said once in the text audit, the HTML report and README.md, and are one annotation each
    /// in `gate` (five notices in all instead of twelve).
    @Test func unverifiableRulesAreGroupedByCause() throws {
        let (record, _) = try copyOfCleanRecord()
        let root = record.deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: root) }
        func count(_ needle: String, _ text: String) -> Int { text.components(separatedBy: needle).count - 1 }
        let text = try RefereeBinary.run(["audit", record.path]).stdout
        #expect(count("no traces:", text) == 1, "\(text)")
        #expect(count("no probes.json:", text) == 1)
        #expect(text.contains("causal.score-before-update, causal.single-pass, trace.coverage, trace.chain, norm.sums-to-one, trace.matches-log (6 rules)"))
        let html = root.appendingPathComponent("r.html")
        _ = try RefereeBinary.run(["report", record.path, "--html", html.path])
        let page = try String(contentsOf: html, encoding: .utf8)
        #expect(count("no traces:", page) == 1)
        _ = try RefereeBinary.run(["submission", record.path, "--output", root.appendingPathComponent("out").path] + Self.flags)
        let readme = try String(contentsOf: root.appendingPathComponent("out/README.md"), encoding: .utf8)
        #expect(count("no traces:", readme) == 1)
        #expect(readme.contains("| `score.official`, `causal.prefix-invariance`, `causal.target-flip`, `norm.full-vocab` | ⚠️ unverifiable |"))
        let gate = try RefereeBinary.run(["gate", record.path])
        let notices = gate.stdout.split(separator: "\n").filter { $0.hasPrefix("::notice ") }
        // One notice per cause: as many as the unverifiable rows of the grouped audit, fewer than the rules.
        let audit = try RefereeBinary.run(["audit", record.path, "--format", "json"])
        let unverifiable = audit.stdout.components(separatedBy: "\"status\" : \"unverifiable\"").count - 1
        #expect(notices.count < unverifiable, "\(gate.stdout)")
        #expect(notices.filter { $0.contains("no traces:") }.count == 1)
        #expect(notices.contains { $0.contains("title=6 rules (unverifiable) [logged]") })
    }

    /// `referee <command> --help`: the abstract and discussion are wrapped by the argument
    /// parser only, so within a paragraph every line but the last is long (no hard line break
    /// in mid-sentence leaving a stub).
    @Test(arguments: ["audit", "submission", "gate", "report", "run", "verify", "sign", "probe", "keygen"])
    func helpTextWrapsCleanly(command: String) throws {
        let help = try RefereeBinary.run([command, "--help"]).stdout
        let head = help.components(separatedBy: "\nUSAGE:").first ?? ""
        let paragraphs = head.components(separatedBy: "\n\n").map { $0.split(separator: "\n").map(String.init) }
        for lines in paragraphs where lines.count > 1 {
            for line in lines.dropLast() {
                #expect(line.count >= 60, "\(command) --help breaks a line early: '\(line)'")
            }
        }
    }

    /// `referee probe <record>` never replaces a probes.json the record already has unless asked.
    @Test func probeKeepsAnExistingProbesFile() throws {
        let (record, _) = try copyOfCleanRecord()
        defer { try? FileManager.default.removeItem(at: record.deletingLastPathComponent()) }
        let mine = Data("{\"participant\": true}".utf8)
        try mine.write(to: record.appendingPathComponent("probes.json"))
        let r = try RefereeBinary.run(["probe", record.path, "--data-path", "/nonexistent"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("probes.json already exists and is never replaced unless asked: pass --out FILE, or --overwrite"), "\(r.stderr)")
        #expect(try Data(contentsOf: record.appendingPathComponent("probes.json")) == mine)
    }
}
