import Foundation

/// A record folder read once: every file's path, size and SHA-256, and the bytes of the files
/// the audit reads (logs, JSON evidence, scripts, traces).
///
/// `referee sign` and `referee verify` take one snapshot (one walk, each file opened and read
/// once: RefereeBundle's `RecordSnapshotReader`) and both hash and audit it: the audit reads
/// the snapshot's bytes, never the folder again, so what is audited is exactly what was
/// hashed (a file changed between the hash and the audit cannot change the verdicts). An audit
/// input too large to keep (``keptFileLimit``, ``keptTotalLimit``) is read again from disk by
/// the audit, which hashes what it reads and refuses the file when that digest differs from
/// the snapshot's.
package struct RecordSnapshot: Sendable {
    /// Audit inputs larger than this are not kept in memory (read again, digest-checked).
    package static let keptFileLimit = 64 << 20
    /// Bytes kept in memory at most, all files together; past it, as over ``keptFileLimit``.
    package static let keptTotalLimit = 256 << 20

    /// One file of the folder.
    package struct File: Sendable {
        /// Path relative to the folder, `/`-separated.
        package var path: String
        package var kind: Kind
        /// Bytes read (hashed); 0 when unreadable.
        package var size: UInt64
        /// SHA-256, 64 lowercase hex characters; nil when the file could not be read
        /// (``readError`` says why) or is not a file the record may hold.
        package var sha256: String?
        /// Why the file could not be read, nil when it was.
        package var readError: String?
        /// The file's bytes, when it is an audit input small enough to keep.
        package var bytes: Data?
        /// True for a top-level file that is never a subject (the bundle and its public key):
        /// listed, as the audit's folder listing lists it, but neither hashed nor kept.
        package var excluded: Bool
        /// For a `.txt` file: its first MiB carries a training-log key (see
        /// `RecordFolder.looksLikeLog`); decided on the bytes hashed.
        package var looksLikeLog: Bool

        package init(path: String, kind: Kind, size: UInt64 = 0, sha256: String? = nil, readError: String? = nil,
                     bytes: Data? = nil, excluded: Bool = false, looksLikeLog: Bool = false) {
            self.path = path
            self.kind = kind
            self.size = size
            self.sha256 = sha256
            self.readError = readError
            self.bytes = bytes
            self.excluded = excluded
            self.looksLikeLog = looksLikeLog
        }

        package enum Kind: Hashable, Sendable {
            /// A regular file.
            case regular
            /// A symlink resolving to a regular file inside the folder (read through the link).
            case symlinkInside
            /// Anything a record may not hold (FIFO, socket, device, a symlink leaving the
            /// folder, dangling or reaching a folder): `problem` says what.
            case refused(problem: String)
        }

        /// True for a regular file or a symlink to one inside the folder.
        package var isFile: Bool {
            switch kind {
            case .regular, .symlinkInside: true
            case .refused: false
            }
        }
    }

    /// The folder as given.
    package var root: URL
    /// Every non-folder entry, sorted by path bytes.
    package var files: [File]
    /// Every folder under the root (not symlinked ones), relative, sorted by path bytes.
    package var folders: [String]

    package init(root: URL, files: [File], folders: [String]) {
        self.root = root
        self.files = files
        self.folders = folders
    }

    /// The file at `path` (compared as bytes: `café` NFC and NFD are different files), nil
    /// when the snapshot has none.
    package func file(_ path: String) -> File? {
        index(of: path).map { files[$0] }
    }

    /// The index in ``files`` of `path`, by binary search on the path bytes.
    package func index(of path: String) -> Int? {
        var low = 0
        var high = files.count
        while low < high {
            let mid = (low + high) / 2
            let order = Self.compare(files[mid].path, path)
            if order == 0 { return mid }
            if order < 0 { low = mid + 1 } else { high = mid }
        }
        return nil
    }

    /// True when there is a folder at `path`.
    package func isFolder(_ path: String) -> Bool {
        var low = 0
        var high = folders.count
        while low < high {
            let mid = (low + high) / 2
            let order = Self.compare(folders[mid], path)
            if order == 0 { return true }
            if order < 0 { low = mid + 1 } else { high = mid }
        }
        return false
    }

    /// The files directly inside the folder `folder` ("" for the top), in path order.
    package func children(of folder: String) -> [File] {
        let prefix = folder.isEmpty ? "" : folder + "/"
        return files.filter { file in
            file.path.hasPrefix(prefix) && !file.path.utf8.dropFirst(prefix.utf8.count).contains(UInt8(ascii: "/"))
        }
    }

    /// The names of the folders directly inside `folder` ("" for the top).
    package func subfolders(of folder: String) -> [String] {
        let prefix = folder.isEmpty ? "" : folder + "/"
        return folders.compactMap { path in
            guard path.hasPrefix(prefix) else { return nil }
            let rest = path.utf8.dropFirst(prefix.utf8.count)
            guard !rest.isEmpty, !rest.contains(UInt8(ascii: "/")) else { return nil }
            return String(decoding: rest, as: UTF8.self)
        }
    }

    /// memcmp order of the UTF-8 bytes of `a` and `b`: negative, 0 or positive.
    package static func compare(_ a: String, _ b: String) -> Int {
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let n = Swift.min(x.count, y.count)
                if n > 0 {
                    let c = memcmp(x.baseAddress!, y.baseAddress!, n)
                    if c != 0 { return Int(c) }
                }
                return x.count - y.count
            }
        }
    }
}
