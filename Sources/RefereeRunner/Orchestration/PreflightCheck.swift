import Foundation
import RefereeCore
import RefereeCrypto
import RefereeData

/// Checks every path `referee run` was given before any seed starts, so that a wrong
/// `--tokenizer-path` costs a second, not a training run whose cause hides in a seed's log.
///
/// Every problem is collected (not only the first), each naming the flag, the path and what was
/// expected. Nothing is created or changed on disk.
package struct PreflightCheck: Sendable {
    /// One unusable input: which flag (or argument), the path as given, and what is wrong.
    package struct Problem: Sendable, Equatable, CustomStringConvertible {
        package var flag: String
        package var path: String
        package var reason: String

        package var description: String { "\(flag) \(path): \(reason)" }
    }

    package var submissionDir: URL
    package var entryScript: String
    package var dataPath: URL?
    package var tokenizerPath: URL?
    package var keyPath: URL?
    package var outDir: URL
    /// The interpreter as given (`python3` is looked up on `PATH`).
    package var python: String
    /// Whether the run goes through torchrun (which must then be found on `PATH`).
    package var torchrun: Bool

    package init(submissionDir: URL, entryScript: String, dataPath: URL?, tokenizerPath: URL?, keyPath: URL?, outDir: URL,
                python: String, torchrun: Bool) {
        self.submissionDir = submissionDir
        self.entryScript = entryScript
        self.dataPath = dataPath
        self.tokenizerPath = tokenizerPath
        self.keyPath = keyPath
        self.outDir = outDir
        self.python = python
        self.torchrun = torchrun
    }

    /// Every problem found; empty when the run may start.
    package func problems(environment: [String: String] = ProcessInfo.processInfo.environment) -> [Problem] {
        var found: [Problem] = []
        let fm = FileManager.default
        var isDir: ObjCBool = false
        let submission = submissionDir.path
        if !fm.fileExists(atPath: submission, isDirectory: &isDir) {
            found.append(Problem(flag: "<submission-dir>", path: submission, reason: "does not exist (expected the submission folder holding \(entryScript))"))
        } else if !isDir.boolValue {
            found.append(Problem(flag: "<submission-dir>", path: submission, reason: "is a file, expected the submission folder holding \(entryScript)"))
        } else {
            let script = submissionDir.appendingPathComponent(entryScript).path
            if !fm.fileExists(atPath: script, isDirectory: &isDir) || isDir.boolValue {
                found.append(Problem(flag: "--entry", path: script, reason: "no entry script \(entryScript) in the submission folder"))
            } else if !fm.isReadableFile(atPath: script) {
                found.append(Problem(flag: "--entry", path: script, reason: "entry script is not readable"))
            }
        }
        if let dataPath {
            if !fm.fileExists(atPath: dataPath.path, isDirectory: &isDir) {
                found.append(Problem(flag: "--data-path", path: dataPath.path, reason: "does not exist (expected the folder of fineweb_*.bin shards)"))
            } else if !isDir.boolValue {
                found.append(Problem(flag: "--data-path", path: dataPath.path, reason: "is a file, expected the folder of fineweb_*.bin shards"))
            } else {
                let names = (try? fm.contentsOfDirectory(atPath: dataPath.path)) ?? []
                if !names.contains(where: { $0.hasPrefix("fineweb_val_") && $0.hasSuffix(".bin") }) {
                    found.append(Problem(flag: "--data-path", path: dataPath.path, reason: "holds no fineweb_val_*.bin shard (the validation data the run and the probes read)"))
                }
            }
        }
        if let tokenizerPath {
            if !fm.fileExists(atPath: tokenizerPath.path, isDirectory: &isDir) || isDir.boolValue {
                found.append(Problem(flag: "--tokenizer-path", path: tokenizerPath.path, reason: "no such file (expected a SentencePiece .model file)"))
            } else {
                do { _ = try TokenizerModel(contentsOf: tokenizerPath) } catch {
                    found.append(Problem(flag: "--tokenizer-path", path: tokenizerPath.path, reason: "not a SentencePiece .model file (\(ErrorText.droppingLocation(tokenizerPath.path, from: "\(error)")))"))
                }
            }
        }
        if let keyPath {
            if !fm.fileExists(atPath: keyPath.path, isDirectory: &isDir) || isDir.boolValue {
                found.append(Problem(flag: "--key", path: keyPath.path, reason: "no such file (expected an Ed25519 private key in PEM, from `referee keygen --out KEY`)"))
            } else {
                do { _ = try Ed25519PrivateKey(contentsOf: keyPath) } catch {
                    found.append(Problem(flag: "--key", path: keyPath.path, reason: "not an Ed25519 private key (\(ErrorText.droppingLocation(keyPath.path, from: "\(error)")))"))
                }
            }
        }
        found += outProblems()
        if Self.findExecutable(python, environment: environment) == nil {
            found.append(Problem(flag: "--python", path: python, reason: "interpreter not found (not executable, or not on PATH)"))
        }
        if torchrun && Self.findExecutable("torchrun", environment: environment) == nil {
            found.append(Problem(flag: "--nproc-per-node/--torchrun", path: "torchrun", reason: "torchrun not found on PATH"))
        }
        return found
    }

    /// `--out` must be a folder (or not exist yet) under an existing, writable folder.
    func outProblems() -> [Problem] {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        let out = outDir.standardizedFileURL
        if fm.fileExists(atPath: out.path, isDirectory: &isDir) {
            if !isDir.boolValue { return [Problem(flag: "--out", path: out.path, reason: "is a file, expected a folder for the record")] }
            if !fm.isWritableFile(atPath: out.path) { return [Problem(flag: "--out", path: out.path, reason: "folder is not writable")] }
            return []
        }
        var ancestor = out.deletingLastPathComponent()
        while !fm.fileExists(atPath: ancestor.path, isDirectory: &isDir) {
            let parent = ancestor.deletingLastPathComponent()
            if parent.path == ancestor.path { break }
            ancestor = parent
        }
        if !isDir.boolValue {
            return [Problem(flag: "--out", path: out.path, reason: "cannot be created: \(ancestor.path) is a file")]
        }
        if !fm.isWritableFile(atPath: ancestor.path) {
            return [Problem(flag: "--out", path: out.path, reason: "cannot be created: \(ancestor.path) is not writable")]
        }
        return []
    }

    /// `name` itself when it holds a slash, else the first executable `PATH` entry of that name.
    static func findExecutable(_ name: String, environment: [String: String]) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// `referee run` refused to start: every unusable input, one per line.
package struct PreflightError: Error, Sendable, CustomStringConvertible {
    package var problems: [PreflightCheck.Problem]

    package init(problems: [PreflightCheck.Problem]) {
        self.problems = problems
    }

    package var description: String {
        let lines = problems.map { "  \($0.description)" }.joined(separator: "\n")
        return "no seed was started: \(problems.count == 1 ? "1 input is" : "\(problems.count) inputs are") not usable\n\(lines)"
    }
}
