import Foundation
import RefereeCore

extension RecordSnapshot {
    /// The URL of the snapshot's file at `path`.
    package func url(of path: String) -> URL {
        root.appendingPathComponent(path)
    }

    /// The bytes of the file at `path` as hashed into the snapshot: the kept bytes, else (a
    /// file too large to keep) the file read again, at most `limit` bytes, and refused unless
    /// its SHA-256 is the snapshot's. Nil when the snapshot has no such file. Throws
    /// ``CoreError/io(path:reason:)`` (absolute path) when it cannot be read, is over `limit`,
    /// or changed after it was hashed.
    package func contents(of path: String, limit: Int = EvidenceFile.defaultReadLimit) throws(CoreError) -> Data? {
        guard let file = file(path), file.isFile, !file.excluded else { return nil }
        let full = url(of: path)
        if let bytes = file.bytes {
            guard bytes.count <= limit else {
                throw CoreError.io(path: full.path, reason: "is \(bytes.count) bytes, over the \(limit)-byte limit for this kind of evidence")
            }
            return bytes
        }
        if let problem = file.readError { throw CoreError.io(path: full.path, reason: problem) }
        let data = try EvidenceFile.readAll(full, limit: limit)
        try Self.requireSame(SHA256.hex(data), file, path: full.path)
        return data
    }

    /// A line reader over the file at `path` as hashed into the snapshot, and the check to
    /// call once every line was read: nil when the bytes read are the bytes hashed, else why
    /// not. Kept bytes are read from memory (the check always passes); a file too large to keep
    /// is read from disk and hashed as it is read.
    package func lineReader(of path: String, maxLineBytes: Int = LineReader.defaultMaxLineBytes) throws(CoreError) -> (LineReader, () -> String?) {
        let full = url(of: path)
        guard let file = file(path), file.isFile, !file.excluded else {
            throw CoreError.io(path: full.path, reason: "not in the record's snapshot")
        }
        if let bytes = file.bytes { return (LineReader(bytes: bytes, maxLineBytes: maxLineBytes), { nil }) }
        if let problem = file.readError { throw CoreError.io(path: full.path, reason: problem) }
        var reader = try LineReader(url: full, maxLineBytes: maxLineBytes)
        let hasher: SHA256Hasher
        do {
            hasher = try SHA256Hasher()
        } catch {
            throw CoreError.io(path: full.path, reason: "cannot start SHA-256 (\(error))")
        }
        reader.observer = { bytes in try? hasher.update(bytes) }
        let signed = file.sha256 ?? ""
        return (reader, {
            guard let digest = try? hasher.finalize() else { return "cannot hash what was read" }
            let found = Hex.encode(digest)
            return found == signed ? nil : Self.changedMessage(hashed: signed, read: found)
        })
    }

    /// Throws unless `digest` (of what was read) is the snapshot's digest of `file`.
    package static func requireSame(_ digest: String, _ file: File, path: String) throws(CoreError) {
        let hashed = file.sha256 ?? ""
        if digest != hashed { throw CoreError.io(path: path, reason: changedMessage(hashed: hashed, read: digest)) }
    }

    static func changedMessage(hashed: String, read: String) -> String {
        "changed after it was hashed (SHA-256 \(hashed) when the record was hashed, \(read) when read for the audit): the record must not change while it is signed or verified"
    }
}
