import Foundation
import RefereeAudit
import RefereeCore
import RefereeCrypto
import RefereeLogs

/// Takes the ``RecordSnapshot`` of a record folder that `sign` and `verify` hash and audit:
/// one walk (``RecordFiles``), then each file opened and read once, its bytes hashed and, when
/// the audit reads them (``AuditInputs``), kept.
package enum RecordSnapshotReader {
    /// The snapshot of `root`. Throws only when the folder cannot be listed; a file that cannot
    /// be read is in the snapshot with its ``RecordSnapshot/File/readError`` (signing refuses
    /// it, verification reports it as that subject's failure).
    ///
    /// `keptFileLimit` and `keptTotalLimit` (defaults: ``RecordSnapshot/keptFileLimit``,
    /// ``RecordSnapshot/keptTotalLimit``) bound the bytes kept; tests lower them to exercise
    /// the re-read of inputs too large to keep.
    package static func read(_ root: URL, keptFileLimit: Int = RecordSnapshot.keptFileLimit,
                             keptTotalLimit: Int = RecordSnapshot.keptTotalLimit) throws(BundleError) -> RecordSnapshot {
        let listing = try RecordFiles.listing(root)
        var reader = FileReader(rootPath: root.path, keptFileLimit: keptFileLimit, keptTotalLimit: keptTotalLimit)
        var files: [RecordSnapshot.File] = []
        files.reserveCapacity(listing.entries.count + listing.excluded.count)
        for entry in listing.entries {
            switch entry.kind {
            case .regular, .symlinkInside:
                files.append(reader.read(entry.path, kind: entry.kind == .regular ? .regular : .symlinkInside))
            case .symlinkUnsafe(let resolved):
                files.append(.init(path: entry.path, kind: .refused(problem: "symlink resolving outside the record folder or to a non-file (\(resolved)); copy the file in instead")))
            case .special:
                files.append(.init(path: entry.path, kind: .refused(problem: "not a regular file (FIFO, socket or device)")))
            }
        }
        if !listing.excluded.isEmpty {
            // Listed as the audit's folder listing lists them; never hashed or read.
            files += listing.excluded.map { RecordSnapshot.File(path: $0, kind: .regular, excluded: true) }
            files.sort { RecordFiles.bytesPrecede($0.path, $1.path) }
        }
        return RecordSnapshot(root: root, files: files, folders: listing.folders)
    }
}

/// Reads files of a record folder by relative path, keeping the folder of the last one open
/// (``FileDirectory``) so that each open resolves one path component (files listed in byte
/// order come folder by folder); falls back to the full path when a folder cannot be opened.
private struct FileReader {
    let rootPath: String
    private var parent: Substring?
    private var directory: FileDirectory?
    private var keptTotal = 0
    /// One SHA-256 context for every whole-file digest (no context and no digest lookup per
    /// file); nil if it cannot start, then each file uses ``SHA256/hex(_:)``.
    private let hasher = try? SHA256LineHasher()
    let keptFileLimit: Int
    let keptTotalLimit: Int

    init(rootPath: String, keptFileLimit: Int, keptTotalLimit: Int) {
        self.rootPath = rootPath
        self.keptFileLimit = keptFileLimit
        self.keptTotalLimit = keptTotalLimit
    }

    mutating func read(_ relative: String, kind: RecordSnapshot.File.Kind) -> RecordSnapshot.File {
        let full = RecordFiles.join(rootPath, relative)
        let (folder, name) = RecordFiles.folderAndName(relative)
        if parent.map({ $0 != folder }) ?? true {
            parent = folder
            directory = try? FileDirectory(path: folder.isEmpty ? rootPath : RecordFiles.join(rootPath, String(folder)))
        }
        var file = RecordSnapshot.File(path: relative, kind: kind)
        let fd: Int32
        let info: stat
        do {
            if let directory, !name.isEmpty {
                (fd, info) = try EvidenceFile.openRegular(path: full, directory: directory.descriptor, name: String(name))
            } else {
                (fd, info) = try EvidenceFile.openRegular(path: full)
            }
        } catch {
            let reason = if case .io(_, let reason) = error { reason } else { error.description }
            file.readError = CryptoError.io(path: full, reason: reason).description
            return file
        }
        defer { close(fd) }
        let size = Int(info.st_size)
        let need = AuditInputs.need(relative)
        let wanted: Bool
        switch need {
        case .none: wanted = false
        case .bytes, .bytesIfLog: wanted = true
        case .bytesUpTo(let limit): wanted = size <= limit
        }
        do {
            if wanted, size <= keptFileLimit, keptTotal + size <= keptTotalLimit,
               let bytes = try readWhole(fd, size: size, path: full) {
                file.size = UInt64(bytes.count)
                file.sha256 = hasher.map { h in bytes.withUnsafeBytes { h.digest($0).hex } } ?? SHA256.hex(bytes)
                if case .bytesIfLog = need {
                    file.looksLikeLog = bytes.withUnsafeBytes { RecordFolder.looksLikeLog(start: $0) }
                    if file.looksLikeLog { file.bytes = bytes }
                } else {
                    file.bytes = bytes
                }
                if file.bytes != nil { keptTotal += bytes.count }
            } else {
                let hash = try stream(fd, size: size, path: full)
                file.size = hash.byteCount
                file.sha256 = hash.hex
                if case .bytesIfLog = need {
                    // Too large to keep: its start is read again only to classify it (the
                    // audit then re-hashes what it reads against `sha256`).
                    file.looksLikeLog = RecordFolder.looksLikeLog(URL(fileURLWithPath: full))
                }
            }
        } catch {
            file.readError = error.description
            file.sha256 = nil
            file.bytes = nil
        }
        return file
    }

    /// The whole file when it holds `size` bytes (one read, one more for the end of file); nil
    /// when it holds more (it grew: rewound, to be streamed instead).
    private func readWhole(_ fd: Int32, size: Int, path: String) throws(CryptoError) -> Data? {
        var data = Data(count: size + 1)
        var total = 0
        var failure: Int32 = 0
        data.withUnsafeMutableBytes { raw in
            while total < raw.count {
                let n = Foundation.read(fd, raw.baseAddress! + total, raw.count - total)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if n == 0 { return }
                total += n
            }
        }
        if failure != 0 {
            throw CryptoError.io(path: path, reason: "read failed after \(total) bytes: \(String(cString: strerror(failure)))")
        }
        guard total <= size else {
            _ = lseek(fd, 0, SEEK_SET)
            return nil
        }
        data.count = total
        return data
    }

    /// Streams the file through SHA-256 (``FileHash``'s buffers and checks).
    private func stream(_ fd: Int32, size: Int, path: String) throws(CryptoError) -> FileHash {
        try FileHash(descriptor: fd, size: size, path: path)
    }
}
