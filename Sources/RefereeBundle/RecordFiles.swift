import Foundation

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
        guard let rootReal = realPath(root.path) else { throw BundleError.notARecordFolder(path: root.path) }
        var entries: [RecordEntry] = []
        try walk(rootPath: root.path, rootReal: rootReal, relative: "", into: &entries)
        return entries.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    /// The first two paths among `entries` that differ as bytes but are canonically equivalent
    /// Unicode (`café` NFC and NFD): nil when there are none. Such a pair cannot be signed:
    /// tools that normalise names (macOS, Swift `String`) take them for one file.
    package static func equivalentPair(_ entries: [RecordEntry]) -> (String, String)? {
        var seen: [String: String] = [:]
        for entry in entries {
            if let other = seen.updateValue(entry.path, forKey: entry.path), Array(other.utf8) != Array(entry.path.utf8) {
                return (other, entry.path)
            }
        }
        return nil
    }

    /// `relative` under the folder at `rootPath`: `appendingPathComponent(relative).path`
    /// without a `URL` per file.
    static func join(_ rootPath: String, _ relative: String) -> String {
        rootPath.hasSuffix("/") ? rootPath + relative : rootPath + "/" + relative
    }

    private static func walk(rootPath: String, rootReal: String, relative: String, into entries: inout [RecordEntry]) throws(BundleError) {
        let dir = relative.isEmpty ? rootPath : rootPath + "/" + relative
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: dir)
        } catch {
            throw BundleError.io(path: dir, reason: "cannot list directory (\(error.localizedDescription))")
        }
        for name in names {
            if relative.isEmpty, BundleLayout.excludedTopLevelFiles.contains(name) { continue }
            let path = relative.isEmpty ? name : relative + "/" + name
            let full = rootPath + "/" + path
            var info = stat()
            guard lstat(full, &info) == 0 else {
                throw BundleError.io(path: full, reason: "cannot stat: \(String(cString: strerror(errno)))")
            }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                try walk(rootPath: rootPath, rootReal: rootReal, relative: path, into: &entries)
            case S_IFREG:
                entries.append(RecordEntry(path: path, kind: .regular))
            case S_IFLNK:
                entries.append(RecordEntry(path: path, kind: classifySymlink(full, rootReal: rootReal)))
            default:
                entries.append(RecordEntry(path: path, kind: .special))
            }
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
