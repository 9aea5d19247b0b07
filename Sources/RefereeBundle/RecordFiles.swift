import Foundation
import RefereeCore
import RefereeCrypto

/// One non-directory entry found under a record folder.
package struct RecordEntry: Hashable, Sendable {
    /// Path relative to the record folder, `/`-separated.
    package var path: String
    package var kind: Kind

    package enum Kind: Hashable, Sendable {
        /// A regular file.
        case regular
        /// A symlink whose target resolves to a regular file inside the folder.
        case symlinkInside
        /// A symlink that resolves outside the folder (to `resolved`), dangles, or reaches
        /// something that is not a regular file.
        case symlinkUnsafe(resolved: String)
        /// A FIFO, socket or device.
        case special
    }
}

/// Lists every file of a record folder, without following symlinked directories.
///
/// The top-level ``BundleLayout/excludedTopLevelFiles`` (the bundle and the public key) are
/// left out; everything else, hidden files included, is listed, sorted by path bytes.
package enum RecordFiles {
    package static func scan(_ root: URL) throws(BundleError) -> [RecordEntry] {
        try listing(root).entries
    }

    /// What one walk of a record folder finds: its entries (as ``scan(_:)``), its folders and
    /// the top-level files that are never subjects (``BundleLayout/excludedTopLevelFiles``
    /// present), each sorted by path bytes.
    struct Listing {
        var entries: [RecordEntry] = []
        var folders: [String] = []
        var excluded: [String] = []
    }

    static func listing(_ root: URL) throws(BundleError) -> Listing {
        guard let rootReal = realPath(root.path) else { throw BundleError.notARecordFolder(path: root.path) }
        var listing = Listing()
        try walk(rootPath: root.path, rootReal: rootReal, relative: "", into: &listing)
        listing.entries = sortedByPath(listing.entries)
        listing.folders.sort { bytesPrecede($0, $1) }
        listing.excluded.sort { bytesPrecede($0, $1) }
        return listing
    }

    /// `entries` sorted by path bytes (as ``bytesPrecede(_:_:)``), comparing contiguous copies of
    /// the paths' bytes (a `String` per comparison costs more than the comparison).
    static func sortedByPath(_ entries: [RecordEntry]) -> [RecordEntry] {
        let keys = entries.map { ContiguousArray($0.path.utf8) }
        var order = Array(entries.indices)
        keys.withUnsafeBufferPointer { keys in
            order.sort { i, j in
                keys[i].withUnsafeBufferPointer { x in
                    keys[j].withUnsafeBufferPointer { y in
                        let n = Swift.min(x.count, y.count)
                        if n > 0 {
                            let c = memcmp(x.baseAddress!, y.baseAddress!, n)
                            if c != 0 { return c < 0 }
                        }
                        return x.count < y.count
                    }
                }
            }
        }
        return order.map { entries[$0] }
    }

    /// `relative` split at its last `/`: the folder (empty at the top) and the file name.
    static func folderAndName(_ relative: String) -> (folder: Substring, name: Substring) {
        guard let slash = relative.utf8.lastIndex(of: UInt8(ascii: "/")) else { return ("", Substring(relative)) }
        return (relative[..<slash], relative[relative.utf8.index(after: slash)...])
    }

    /// True when the UTF-8 bytes of `a` sort before those of `b` (`memcmp` on contiguous
    /// storage; what `a.utf8.lexicographicallyPrecedes(b.utf8)` says, without a generic
    /// element-by-element walk).
    package static func bytesPrecede(_ a: String, _ b: String) -> Bool {
        RecordSnapshot.compare(a, b) < 0
    }

    /// The first two paths among `entries` that differ as bytes but are canonically equivalent
    /// Unicode (`café` NFC and NFD): nil when there are none. Such a pair cannot be signed:
    /// tools that normalise names (macOS, Swift `String`) take them for one file.
    package static func equivalentPair(_ entries: [RecordEntry]) -> (String, String)? {
        equivalentPair(entries.lazy.map(\.path))
    }

    /// ``equivalentPair(_:)`` of paths. Two all-ASCII names are never canonically equivalent,
    /// so when every name is ASCII nothing is compared (no `String` hashing, which normalises);
    /// otherwise every name is (`K` U+212A is equivalent to the ASCII `K`).
    package static func equivalentPair<S: Sequence<String>>(_ paths: S) -> (String, String)? {
        guard paths.contains(where: { !$0.utf8.allSatisfy { $0 < 0x80 } }) else { return nil }
        var seen: [String: String] = [:]
        for path in paths {
            if let other = seen.updateValue(path, forKey: path), Array(other.utf8) != Array(path.utf8) {
                return (other, path)
            }
        }
        return nil
    }

    /// `relative` under the folder at `rootPath`: `appendingPathComponent(relative).path`
    /// without a `URL` per file.
    static func join(_ rootPath: String, _ relative: String) -> String {
        rootPath.hasSuffix("/") ? rootPath + relative : rootPath + "/" + relative
    }

    /// Lists `relative` (under `rootPath`) with `readdir`, recursing into directories. An
    /// entry's type comes from the directory entry (`d_type`), so a regular file or a folder
    /// costs no `lstat` (10,000 files: 10,000 system calls fewer); an entry whose type the file
    /// system does not report (`DT_UNKNOWN`), and a name that is not valid UTF-8 (its repaired
    /// `String` names no file, so its `lstat` fails as before), go through `lstat`.
    private static func walk(rootPath: String, rootReal: String, relative: String, into listing: inout Listing) throws(BundleError) {
        let dir = relative.isEmpty ? rootPath : rootPath + "/" + relative
        guard let stream = opendir(dir) else {
            throw BundleError.io(path: dir, reason: "cannot list directory (\(String(cString: strerror(errno))))")
        }
        // Closed before recursing: one descriptor at a time, however deep the folders nest.
        var open = true
        defer { if open { closedir(stream) } }
        var subdirectories: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 {
                    throw BundleError.io(path: dir, reason: "cannot list directory (\(String(cString: strerror(errno))))")
                }
                break
            }
            let (name, type, valid) = withUnsafeBytes(of: entry.pointee.d_name) { raw -> (String, UInt8, Bool) in
                let p = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
                if let name = String(validatingCString: p) { return (name, entry.pointee.d_type, true) }
                return (String(cString: p), entry.pointee.d_type, false)
            }
            if name == "." || name == ".." { continue }
            if relative.isEmpty, BundleLayout.excludedTopLevelFiles.contains(name) {
                if Int32(type) != Int32(DT_DIR) { listing.excluded.append(name) }
                continue
            }
            let path = relative.isEmpty ? name : relative + "/" + name
            var kind = Int32(type)
            if kind == DT_UNKNOWN || !valid {
                let full = rootPath + "/" + path
                var info = stat()
                guard lstat(full, &info) == 0 else {
                    throw BundleError.io(path: full, reason: "cannot stat: \(String(cString: strerror(errno)))")
                }
                switch info.st_mode & S_IFMT {
                case S_IFDIR: kind = Int32(DT_DIR)
                case S_IFREG: kind = Int32(DT_REG)
                case S_IFLNK: kind = Int32(DT_LNK)
                default: kind = Int32(DT_FIFO)
                }
            }
            switch kind {
            case Int32(DT_DIR):
                subdirectories.append(path)
                listing.folders.append(path)
            case Int32(DT_REG):
                listing.entries.append(RecordEntry(path: path, kind: .regular))
            case Int32(DT_LNK):
                listing.entries.append(RecordEntry(path: path, kind: classifySymlink(rootPath + "/" + path, rootReal: rootReal)))
            default:
                listing.entries.append(RecordEntry(path: path, kind: .special))
            }
        }
        closedir(stream)
        open = false
        for path in subdirectories {
            try walk(rootPath: rootPath, rootReal: rootReal, relative: path, into: &listing)
        }
    }

    private static func classifySymlink(_ full: String, rootReal: String) -> RecordEntry.Kind {
        guard let resolved = realPath(full) else { return .symlinkUnsafe(resolved: "(dangling)") }
        var info = stat()
        guard isInside(resolved, rootReal), stat(resolved, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            return .symlinkUnsafe(resolved: resolved)
        }
        return .symlinkInside
    }

    /// `realpath(3)` of `path`, nil when it does not resolve.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// True when `path` (resolved) lies strictly inside the folder `rootReal` (resolved).
    static func isInside(_ path: String, _ rootReal: String) -> Bool {
        let prefix = rootReal.hasSuffix("/") ? rootReal : rootReal + "/"
        return path.hasPrefix(prefix) && path.utf8.count > prefix.utf8.count
    }
}

/// Hashes files of a record folder by relative path, keeping the folder of the last one open
/// (``FileDirectory``), so that each file's open resolves one path component: files listed in
/// byte order come folder by folder. Same result and same errors as
/// `SHA256.hex(filePath: RecordFiles.join(root, path))`, to which it falls back when a folder
/// cannot be opened.
struct RecordHasher {
    let rootPath: String
    private var parent: String?
    private var directory: FileDirectory?

    init(rootPath: String) {
        self.rootPath = rootPath
    }

    /// The SHA-256 (hex) of the file at `relative` under the folder.
    mutating func hex(_ relative: String) throws(CryptoError) -> String {
        let full = RecordFiles.join(rootPath, relative)
        let (folder, name) = RecordFiles.folderAndName(relative)
        if parent.map({ $0 != folder }) ?? true {
            parent = String(folder)
            directory = try? FileDirectory(path: folder.isEmpty ? rootPath : RecordFiles.join(rootPath, String(folder)))
        }
        guard let directory, !name.isEmpty else { return try SHA256.hex(filePath: full) }
        return try FileHash(name: String(name), in: directory, path: full).hex
    }
}

/// Checks on a subject path as written in a statement.
package enum SubjectPath {
    /// Why `name` is not an acceptable relative subject path, or nil when it is.
    /// Rejects empty paths, absolute paths, `.`/`..`/empty components, backslashes and NULs.
    package static func problem(_ name: String) -> String? {
        if name.isEmpty { return "empty path" }
        if name.hasPrefix("/") { return "absolute path" }
        if name.contains("\\") { return "contains a backslash (paths are /-separated)" }
        if name.utf8.contains(0) { return "contains a NUL byte" }
        for component in name.split(separator: "/", omittingEmptySubsequences: false) {
            if component == ".." { return "contains '..'" }
            if component == "." || component.isEmpty { return "contains an empty or '.' component (not normalised)" }
        }
        if BundleLayout.excludedTopLevelFiles.contains(name) { return "names the bundle or its public key, which are never subjects" }
        return nil
    }

    /// ``problem(_:)`` of an all-ASCII `name`, on its bytes (no `String` splitting or
    /// hashing): the same answer, the same first problem.
    package static func asciiProblem(_ name: String) -> String? {
        var name = name
        return name.withUTF8 { bytes -> String? in
            if bytes.isEmpty { return "empty path" }
            if bytes[0] == UInt8(ascii: "/") { return "absolute path" }
            if bytes.contains(UInt8(ascii: "\\")) { return "contains a backslash (paths are /-separated)" }
            if bytes.contains(0) { return "contains a NUL byte" }
            var start = 0
            while start <= bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: "/") { end += 1 }
                let length = end - start
                if length == 2, bytes[start] == UInt8(ascii: "."), bytes[start + 1] == UInt8(ascii: ".") { return "contains '..'" }
                if length == 0 || (length == 1 && bytes[start] == UInt8(ascii: ".")) {
                    return "contains an empty or '.' component (not normalised)"
                }
                start = end + 1
            }
            return nil
        } ?? (!name.utf8.contains(UInt8(ascii: "/")) && BundleLayout.excludedTopLevelFiles.contains(name) ? "names the bundle or its public key, which are never subjects" : nil)
    }

    /// `name` with every non-ASCII scalar written `\u{…}`, so two Unicode-equivalent names
    /// read differently in a message.
    package static func escaped(_ name: String) -> String {
        var out = ""
        for scalar in name.unicodeScalars {
            if scalar.isASCII { out.unicodeScalars.append(scalar) } else { out += "\\u{\(String(scalar.value, radix: 16))}" }
        }
        return out
    }

    /// Where `name` resolves under `root`: nil when nothing is there, otherwise the resolved
    /// absolute path and whether it lies inside the folder.
    static func resolve(_ name: String, root: URL, rootReal: String) -> (resolved: String, inside: Bool)? {
        resolve(name, rootPath: root.path, rootReal: rootReal)
    }

    static func resolve(_ name: String, rootPath: String, rootReal: String) -> (resolved: String, inside: Bool)? {
        guard let resolved = RecordFiles.realPath(rootPath + "/" + name) else { return nil }
        return (resolved, RecordFiles.isInside(resolved, rootReal))
    }
}
