import Foundation

/// Writes files so that a reader sees the old content or the new one, never half of either.
///
/// The data goes to a temporary file in the destination's folder, is fsync'd, then renamed over
/// the destination. A failure removes the temporary file and leaves the destination untouched.
package enum AtomicFile {
    package static func write(_ data: Data, to url: URL, permissions: Int? = nil) throws(CoreError) {
        let dir = url.deletingLastPathComponent()
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let fd = open(tmp.path, O_WRONLY | O_CREAT | O_EXCL, mode_t(permissions ?? 0o644))
        guard fd >= 0 else {
            throw CoreError.io(path: url.path, reason: "cannot create temporary file in \(dir.path): \(String(cString: strerror(errno)))")
        }
        var ok = false
        defer {
            close(fd)
            if !ok { unlink(tmp.path) }
        }
        let written = data.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress!.advanced(by: offset), raw.count - offset)
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
        guard written, fsync(fd) == 0 else {
            throw CoreError.io(path: url.path, reason: "write failed: \(String(cString: strerror(errno)))")
        }
        if let permissions { fchmod(fd, mode_t(permissions)) }
        guard rename(tmp.path, url.path) == 0 else {
            throw CoreError.io(path: url.path, reason: "rename failed: \(String(cString: strerror(errno)))")
        }
        ok = true
    }

    package static func write(_ string: String, to url: URL, permissions: Int? = nil) throws(CoreError) {
        try write(Data(string.utf8), to: url, permissions: permissions)
    }
}
