import Foundation
import Testing
import RefereeCrypto
import RefereeTestSupport
@testable import RefereeAudit

/// The rule sets compiled into the binary are `Rules/*.toml` byte for byte, and
/// `REFEREE_RULES_DIR` overrides them.
@Suite struct BuiltinRulesTests {
    static let rulesDir = TestPaths.repoRoot.appendingPathComponent("Rules")

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: rulesDir.path)) ?? []).filter { $0.hasSuffix(".toml") }.sorted()
    }

    /// Fails when a rules file was edited without `bash scripts/generate-builtin-rules.sh`.
    @Test func everyRulesFileIsBuiltInByteForByte() throws {
        #expect(Self.files.map { String($0.dropLast(5)) } == RuleSet.builtinTracks)
        for name in Self.files {
            let bytes = try Data(contentsOf: Self.rulesDir.appendingPathComponent(name))
            let track = String(name.dropLast(5))
            let builtin = try #require(RuleSet.builtinFiles[track])
            #expect(Data(builtin.utf8) == bytes, "\(name) differs from the built-in copy: run bash scripts/generate-builtin-rules.sh")
            let set = try RuleSet.builtin(track: track, environment: [:])
            #expect(set.digest == SHA256.hex(bytes))
            #expect(set == (try RuleSet.load(Self.rulesDir.appendingPathComponent(name))))
        }
    }

    @Test func rulesDirOverridesTheBuiltInCopy() throws {
        let dir = try TestPaths.tempDir("rules-dir")
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = "track = \"track_10min_16mb\"\nversion = \"override\"\n[[rule]]\nid = \"a.b\"\nstatement = \"s\"\nseverity = \"error\"\nsource = \"x\"\n"
        try text.write(to: dir.appendingPathComponent("track_10min_16mb.toml"), atomically: true, encoding: .utf8)
        let set = try RuleSet.builtin(track: "track_10min_16mb", environment: ["REFEREE_RULES_DIR": dir.path])
        #expect(set.version == "override")
        // A track the folder lacks falls back to the built-in copy.
        let other = try RuleSet.builtin(track: "track_non_record_16mb", environment: ["REFEREE_RULES_DIR": dir.path])
        #expect(other.track == "track_non_record_16mb")
    }

    @Test func unknownTrackSaysWhereItLookedAndHowToAddOne() {
        do {
            _ = try RuleSet.builtin(track: "track_x", environment: ["REFEREE_RULES_DIR": "/nowhere"])
            Issue.record("expected an error")
        } catch {
            let text = error.description
            #expect(text.contains("REFEREE_RULES_DIR=/nowhere (no track_x.toml there)"), "\(text)")
            #expect(text.contains("the rules built into referee (track_10min_16mb, track_non_record_16mb)"))
            #expect(text.contains("set REFEREE_RULES_DIR to a folder holding track_x.toml"))
        }
        do {
            _ = try RuleSet.builtin(track: "track_x", environment: [:])
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("REFEREE_RULES_DIR (not set)"))
        }
    }
}
