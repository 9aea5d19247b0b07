import Foundation
import RefereeCrypto

/// Copies what the protocol declares from a seed's working folder into the record, hashing as
/// it copies, and lists the rest. Only regular files are taken: a link, FIFO or device the
/// submission left is listed as undeclared, never followed.
package enum RecordAssembly {
    package struct Outputs: Sendable {
        /// The declared artifact (the largest match when several files match).
        package var artifact: ArtifactRecord?
        /// Every declared artifact file copied, as record paths.
        package var artifacts: [FileDigest]
        /// Trace files copied (`traces/seed<SEED>/…`).
        package var traces: [FileDigest]
        /// Files left in the working folder that the protocol does not declare.
        package var undeclared: [FileDigest]
    }

    package static func collect(work: URL, traces: URL, record: URL, seed: Int, artifactPatterns: [String],
                               codeNames: Set<String>) throws(RunnerError) -> Outputs {
        let artifactDir = record.appendingPathComponent("artifacts/seed\(seed)")
        let traceDir = record.appendingPathComponent("traces/seed\(seed)")
        var outputs = Outputs(artifact: nil, artifacts: [], traces: [], undeclared: [])
        for (relative, url, regular) in walk(work) {
            let name = url.lastPathComponent
            let topLevel = !relative.contains("/")
            // The code files were bind-mount points: empty placeholders, or copies without a sandbox.
            if topLevel && codeNames.contains(name) { continue }
            if regular && topLevel && ArtifactWatch.matches(name, artifactPatterns) {
                try makeDir(artifactDir)
                let digest = try copyHashing(url, to: artifactDir.appendingPathComponent(name), relative: "artifacts/seed\(seed)/\(name)")
                outputs.artifacts.append(digest)
            } else {
                outputs.undeclared.append(regular ? (try FileDigest.of(url, relative: "work/" + relative))
                                                  : FileDigest(path: "work/" + relative, bytes: 0, sha256: "not a regular file"))
            }
        }
        for (relative, url, regular) in walk(traces) {
            guard regular else {
                outputs.undeclared.append(FileDigest(path: "traces/" + relative, bytes: 0, sha256: "not a regular file"))
                continue
            }
            let target = traceDir.appendingPathComponent(relative)
            try makeDir(target.deletingLastPathComponent())
            outputs.traces.append(try copyHashing(url, to: target, relative: "traces/seed\(seed)/\(relative)"))
        }
        if let main = outputs.artifacts.max(by: { $0.bytes < $1.bytes }) {
            outputs.artifact = ArtifactRecord(path: main.path, bytes: main.bytes, sha256: main.sha256, firstWriteAt: nil, finalWriteAt: nil)
        }
        outputs.artifacts.sort { $0.path < $1.path }
        outputs.traces.sort { $0.path < $1.path }
        outputs.undeclared.sort { $0.path < $1.path }
        return outputs
    }

    /// Every entry under `dir` (relative path, URL, whether it is a regular file), depth-first,
    /// never following links; folders themselves are not listed, `__pycache__` is skipped.
    static func walk(_ dir: URL) -> [(String, URL, Bool)] {
        var out: [(String, URL, Bool)] = []
        func visit(_ url: URL, _ prefix: String) {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: url.path) else { return }
            for name in names.sorted() where name != "__pycache__" {
                let child = url.appendingPathComponent(name)
                let relative = prefix.isEmpty ? name : prefix + "/" + name
                var st = stat()
                guard lstat(child.path, &st) == 0 else { continue }
                switch st.st_mode & S_IFMT {
                case S_IFDIR: visit(child, relative)
                case S_IFREG: out.append((relative, child, true))
                default: out.append((relative, child, false))
                }
            }
        }
        visit(dir, "")
        return out
    }

    /// Copies `from` to `to` and hashes what was read, so the digest is of the bytes the record holds.
    static func copyHashing(_ from: URL, to: URL, relative: String) throws(RunnerError) -> FileDigest {
        guard let input = FileHandle(forReadingAtPath: from.path) else {
            throw RunnerError.io(path: from.path, reason: "cannot open to copy into the record")
        }
        defer { try? input.close() }
        guard FileManager.default.createFile(atPath: to.path, contents: nil), let output = FileHandle(forWritingAtPath: to.path) else {
            throw RunnerError.io(path: to.path, reason: "cannot create in the record")
        }
        defer { try? output.close() }
        var total = 0
        let hex: String
        do {
            let hasher = try SHA256Hasher()
            while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                try hasher.update(chunk)
                try output.write(contentsOf: chunk)
                total += chunk.count
            }
            try output.synchronize()
            hex = Hex.encode(try hasher.finalize())
        } catch {
            throw RunnerError.io(path: to.path, reason: "cannot copy \(from.path): \(error)")
        }
        return FileDigest(path: relative, bytes: total, sha256: hex)
    }

    static func makeDir(_ url: URL) throws(RunnerError) {
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw RunnerError.io(path: url.path, reason: "cannot create folder: \(error.localizedDescription)")
        }
    }
}

/// Re-hashes every file `run.json` lists (code, logs, artifacts, traces) against the record.
package enum IntegrityCheck {
    package static func check(_ run: RunRecord, record: URL) -> IntegrityRecord {
        var listed: [FileDigest] = run.code.files
        for seed in run.seeds { listed += [seed.log] + seed.artifacts + seed.traces }
        var changed: [String] = []
        for file in listed {
            let now = try? FileDigest.of(record.appendingPathComponent(file.path), relative: file.path)
            if now?.sha256 != file.sha256 || now?.bytes != file.bytes { changed.append(file.path) }
        }
        return IntegrityRecord(checkedAt: Clock.wall(), files: listed.count, changed: changed.sorted())
    }
}
