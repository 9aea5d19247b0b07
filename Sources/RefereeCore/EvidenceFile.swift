import Foundation

/// Opens files that Referee reads as evidence, and only regular files.
///
/// Every evidence read goes through here so that one rule holds everywhere: a FIFO, socket or
/// device (also one reached through a symlink, e.g. `rank0.jsonl -> /dev/zero`) is refused with
/// a message naming the file, and nothing ever blocks on it. The file is opened with
/// `O_NONBLOCK` (so opening a FIFO with no writer returns at once) and checked with `fstat` on
/// the descriptor that is then read (no race between the check and the read); sockets fail to
/// open at all (`ENXIO`). Regular files ignore `O_NONBLOCK`.
package enum EvidenceFile {
    /// The default cap of ``readAll(_:limit:)``: JSON and text evidence larger than this is
    /// refused rather than loaded (no honest submission.json, bundle or probes.json comes close).
    package static let defaultReadLimit = 64 << 20

    /// What a path is (after following symlinks when `follow` is true), in words for messages.
    package static func kindDescription(mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFREG: return "a regular file"
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFSOCK: return "a socket"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFLNK: return "a symbolic link"
        default: return "not a regular file"
        }
    }

    /// Opens `url` read-only and returns the descriptor (the caller closes it) once `fstat`
    /// says it is a regular file. Throws ``CoreError/io(path:reason:)`` naming the file
    /// otherwise; never blocks.
    package static func openDescriptor(_ url: URL) throws(CoreError) -> Int32 {
        let path = url.path
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else {
            let code = errno
            if code == ENXIO {
                throw CoreError.io(path: path, reason: "is a socket or device, not a regular file (Referee reads only regular files as evidence)")
            }
            throw CoreError.io(path: path, reason: "cannot open for reading: \(String(cString: strerror(code)))")
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw CoreError.io(path: path, reason: "cannot stat: \(String(cString: strerror(code)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw CoreError.io(path: path, reason: "is \(kindDescription(mode: info.st_mode)), not a regular file (Referee reads only regular files as evidence)")
        }
        // Back to blocking reads: O_NONBLOCK only guarded the open of a special file.
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        return fd
    }

    /// ``openDescriptor(_:)`` for a path, for code that opens thousands of small files (a
    /// record's subjects): no `URL` (whose creation may `stat` the path), the `fstat` result
    /// returned with the descriptor, and no `fcntl` pair to clear `O_NONBLOCK`, which a regular
    /// file ignores (reads of a regular file never return `EAGAIN`). Same checks, same
    /// messages: only a regular file is returned, and nothing blocks.
    ///
    /// With `directory` (a descriptor of an open folder), `name` is opened relative to it
    /// (`openat`): the kernel then walks one path component instead of the whole path, which
    /// is most of the cost of opening thousands of small files of one folder. `path` is the
    /// name used in messages.
    package static func openRegular(path: String, directory: Int32? = nil, name: String? = nil) throws(CoreError) -> (descriptor: Int32, info: stat) {
        let flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY
        let fd = if let directory, let name { openat(directory, name, flags) } else { open(path, flags) }
        guard fd >= 0 else {
            let code = errno
            if code == ENXIO {
                throw CoreError.io(path: path, reason: "is a socket or device, not a regular file (Referee reads only regular files as evidence)")
            }
            throw CoreError.io(path: path, reason: "cannot open for reading: \(String(cString: strerror(code)))")
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw CoreError.io(path: path, reason: "cannot stat: \(String(cString: strerror(code)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw CoreError.io(path: path, reason: "is \(kindDescription(mode: info.st_mode)), not a regular file (Referee reads only regular files as evidence)")
        }
        return (fd, info)
    }

    /// A `FileHandle` on `url` once it is known to be a regular file (see ``openDescriptor(_:)``).
    package static func openHandle(_ url: URL) throws(CoreError) -> FileHandle {
        FileHandle(fileDescriptor: try openDescriptor(url), closeOnDealloc: true)
    }

    /// Throws unless `url` is (or links to) a regular file. Opens and closes it, never blocks.
    package static func requireRegular(_ url: URL) throws(CoreError) {
        close(try openDescriptor(url))
    }

    /// The whole content of the regular file at `url`, refused when it holds more than `limit`
    /// bytes (the size is checked before reading, and the read stops at `limit + 1` bytes in
    /// case the file grows meanwhile).
    package static func readAll(_ url: URL, limit: Int = defaultReadLimit) throws(CoreError) -> Data {
        let fd = try openDescriptor(url)
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0, info.st_size > off_t(limit) {
            throw CoreError.io(path: url.path, reason: "is \(info.st_size) bytes, over the \(limit)-byte limit for this kind of evidence")
        }
        var out = Data()
        let chunk = 1 << 16
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, chunk) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CoreError.io(path: url.path, reason: "read failed after \(out.count) bytes: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            out.append(contentsOf: buffer[0..<n])
            if out.count > limit {
                throw CoreError.io(path: url.path, reason: "holds more than the \(limit)-byte limit for this kind of evidence")
            }
        }
        return out
    }

    /// Why the entry at `path` (inside the folder whose resolved path is `rootReal`) may not be
    /// read as evidence, nil when it may: a regular file, or a symlink that resolves to a
    /// regular file inside the folder. Directories are not judged here (nil).
    package static func problem(atPath path: String, insideRealRoot rootReal: String) -> String? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return "cannot stat: \(String(cString: strerror(errno)))" }
        switch info.st_mode & S_IFMT {
        case S_IFREG, S_IFDIR: return nil
        case S_IFLNK: break
        default: return "is \(kindDescription(mode: info.st_mode)), not a regular file (Referee reads only regular files as evidence)"
        }
        guard let resolved = realPath(path) else { return "is a symbolic link that does not resolve" }
        let prefix = rootReal.hasSuffix("/") ? rootReal : rootReal + "/"
        guard resolved.hasPrefix(prefix) else {
            return "is a symbolic link to \(resolved), outside the record (links may only point to regular files inside it)"
        }
        var target = stat()
        guard stat(resolved, &target) == 0 else { return "is a symbolic link that does not resolve" }
        switch target.st_mode & S_IFMT {
        case S_IFREG, S_IFDIR: return nil
        default: return "is a symbolic link to \(kindDescription(mode: target.st_mode)) (\(resolved)), not a regular file"
        }
    }

    /// `realpath(3)` of `path`, nil when it does not resolve.
    package static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
