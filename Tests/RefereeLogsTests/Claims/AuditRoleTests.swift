import Foundation
import Testing
@testable import RefereeLogs

/// `RecordFolder.auditRole` and `isRunnerOutput` decide on bytes what Foundation's path
/// functions and `String` prefixes decided before: both must agree on every name, the odd
/// ones (hidden, trailing dot, case, combining marks, non-ASCII) included.
@Suite struct AuditRoleTests {
    static let names: [String] = {
        let stems = ["train_seed42", "README", "readme_notes", "ReadMe", "readm", "Readme\u{301}x", "r\u{e9}adme", "submission", "Submission_v2",
                     "", ".", "..", "a.b", "x y", "caf\u{e9}", "cafe\u{301}", "\u{212A}", "notes", "train_gpt", "spm", "logs/train"]
        let exts = ["log", "LOG", "txt", "TxT", "py", "PY", "model", "json", "JSON", "", "tx", "txt.", "t\u{301}xt", "jsonl", "logs", "p y", "\u{212A}"]
        var out: [String] = []
        for stem in stems {
            for ext in exts {
                out.append(ext.isEmpty ? stem : stem + "." + ext)
                out.append("sub/" + (ext.isEmpty ? stem : stem + "." + ext))
                out.append(".hidden/" + stem + "." + ext)
            }
        }
        out += [".txt", ".log", "a/.txt", "a.", "..txt", "a..txt", "...", "d/a.", " .txt", "readme", "README", "readme.TXT", "Readme.txt",
                "READMEtxt.txt", "readme\u{301}.txt", "readm\u{e9}.txt", "\u{130}readme.txt"]
        return out
    }()

    @Test func byteRolesAgreeWithFoundation() {
        for name in Self.names {
            #expect(RecordFolder.auditRole(name) == RecordFolder.auditRoleThroughFoundation(name), "\(name.debugDescription)")
        }
    }

    @Test func runnerOutputAgreesWithStringPrefixes() {
        let paths = ["artifacts/x", "artifacts", "artifacts/", "artifactsx/y", "traces/seed1/rank0.jsonl", "plots/a.png", "plot/a",
                     "artifacts/\u{301}x", "artifacts\u{301}/x", "Artifacts/x", "a/artifacts/x", "traces", "tracesx", "plots/"]
        for path in paths {
            let expected = RecordFolder.runnerOutputFolders.contains(where: { path.hasPrefix($0 + "/") })
            #expect(RecordFolder.isRunnerOutput(path) == expected, "\(path.debugDescription)")
        }
    }
}
