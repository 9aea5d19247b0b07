import Foundation
import RefereeCore

/// A read-only POSIX file descriptor with positioned reads that report `DataError`s.
struct ShardFile {
    let path: String
    let fd: Int32

    init(path: String) throws(DataError) {
        self.path = path
        // Regular files only, checked without blocking (a FIFO shard must not hang `data bytes`).
        do {
            fd = try EvidenceFile.openDescriptor(URL(fileURLWithPath: path))
        } catch {
            guard case .io(_, let reason) = error else { throw DataError.unreadable(path: path, reason: error.description) }
            throw DataError.unreadable(path: path, reason: reason)
        }
    }

    func close() { _ = Foundation.close(fd) }

    func size() throws(DataError) -> Int {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw DataError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw DataError.unreadable(path: path, reason: "not a regular file") }
        return Int(st.st_size)
    }

    /// Reads up to `count` bytes at `offset`; fewer only at end of file.
    func read(upTo count: Int, at offset: Int) throws(DataError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = bytes.withUnsafeMutableBytes { raw in
                pread(fd, raw.baseAddress! + got, count - got, off_t(offset + got))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw DataError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            got += n
        }
        return Array(bytes[0..<got])
    }

    /// Fills `buffer` from `offset`; a short file is malformed (it changed since it was checked).
    func readExactly(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(DataError) {
        var got = 0
        while got < buffer.count {
            let n = pread(fd, buffer.baseAddress! + got, buffer.count - got, off_t(offset + got))
            if n < 0 {
                if errno == EINTR { continue }
                throw DataError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 {
                throw DataError.malformed(path: path, offset: offset + got, expected: "\(buffer.count - got) more token bytes (file shrank while being read)")
            }
            got += n
        }
    }
}
