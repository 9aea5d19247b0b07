import Foundation
import RefereeCrypto

/// A file of a record: its path relative to the record folder, size in bytes and SHA-256 (hex),
/// hashed through RefereeCrypto's ``FileHash``.
package struct FileDigest: Sendable, Codable, Hashable {
    package var path: String
    package var bytes: Int
    package var sha256: String

    package init(path: String, bytes: Int, sha256: String) {
        self.path = path
        self.bytes = bytes
        self.sha256 = sha256
    }

    /// Hashes `url`, naming it `relative` in the record.
    package static func of(_ url: URL, relative: String) throws(RunnerError) -> FileDigest {
        do {
            let digest = try FileHash(fileAt: url)
            return FileDigest(path: relative, bytes: Int(digest.byteCount), sha256: digest.hex)
        } catch {
            throw RunnerError.io(path: url.path, reason: "cannot read to hash: \(error)")
        }
    }

    /// Every regular file under `dir` (recursively, `__pycache__` skipped), sorted by path, named
    /// relative to `base`.
    package static func inventory(of dir: URL, relativeTo base: URL) throws(RunnerError) -> [FileDigest] {
        let fm = FileManager.default
        guard let walker = fm.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey], options: []) else { return [] }
        var out: [FileDigest] = []
        let basePath = base.standardizedFileURL.path
        for case let url as URL in walker {
            if url.lastPathComponent == "__pycache__" { walker.skipDescendants(); continue }
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let full = url.standardizedFileURL.path
            let relative = full.hasPrefix(basePath + "/") ? String(full.dropFirst(basePath.count + 1)) : full
            out.append(try of(url, relative: relative))
        }
        return out.sorted { $0.path < $1.path }
    }
}

/// The code bytes of a submission: the files that run, and how the track counts them.
package struct CodeBytes: Sendable, Codable, Hashable {
    /// The entry script and the other top-level `.py` files copied into the record.
    package var files: [FileDigest]
    /// Bytes of the entry script as it is on disk: what the artifact cap counts as code.
    package var countedBytes: Int
    /// `plain`, or `lzma+base85 self-extracting` when the entry script is a compressed wrapper
    /// (later records count that wrapper instead of the readable source).
    package var form: String

    /// Reads the entry script `entry` and the other `.py` files of `record`.
    package static func measure(record: URL, entry: String) throws(RunnerError) -> CodeBytes {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: record.path)) ?? []).filter { $0.hasSuffix(".py") }.sorted()
        var files: [FileDigest] = []
        for name in names { files.append(try FileDigest.of(record.appendingPathComponent(name), relative: name)) }
        guard let main = files.first(where: { $0.path == entry }) else {
            throw RunnerError.badInput(path: record.appendingPathComponent(entry).path, reason: "entry script not found in the record")
        }
        let text = (try? String(contentsOf: record.appendingPathComponent(entry), encoding: .utf8)) ?? ""
        let compressed = text.contains("lzma") && (text.contains("b85decode") || text.contains("base85"))
        return CodeBytes(files: files, countedBytes: main.bytes, form: compressed ? "lzma+base85 self-extracting" : "plain")
    }
}
