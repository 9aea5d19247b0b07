import Foundation
import RefereeCore
import COpenSSL

/// SHA-256 through libcrypto's EVP interface: of in-memory bytes, incrementally, or of a file
/// streamed in large buffers (a file is never read into memory whole).
package enum SHA256 {
    /// Size of the read buffer used by ``hex(fileAt:)``.
    package static let fileBufferSize = 4 << 20

    /// Digest of `data`, as 64 lowercase hex characters.
    package static func hex(_ data: Data) -> String {
        Hex.encode(digest(data))
    }

    /// Digest of `data`, 32 raw bytes.
    package static func digest(_ data: Data) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let ok = data.withUnsafeBytes { raw in
            EVP_Digest(raw.baseAddress, raw.count, &out, &length, EVP_sha256(), nil)
        }
        // EVP_Digest with the built-in SHA-256 fails only on allocation failure.
        precondition(ok == 1 && length == 32, "EVP_Digest(SHA-256) failed: \(OpenSSLErrors.drain())")
        return out
    }

    /// Digest of the file at `url` (symlinks followed), as lowercase hex. Reads in
    /// ``fileBufferSize`` chunks; throws ``CryptoError/io(path:reason:)`` when the file cannot
    /// be opened, is not a regular file, or a read fails.
    package static func hex(fileAt url: URL) throws(CryptoError) -> String {
        try FileHash(filePath: url.path).hex
    }

    /// ``hex(fileAt:)`` for a file-system path (no `URL` to build per file when hashing many).
    package static func hex(filePath path: String) throws(CryptoError) -> String {
        try FileHash(filePath: path).hex
    }
}

/// The SHA-256 digest and size of one file (a record's file entry, with its path, is
/// RefereeRunner's `FileDigest`).
package struct FileHash: Hashable, Sendable {
    /// 64 lowercase hex characters.
    package var hex: String
    /// Bytes hashed.
    package var byteCount: UInt64

    /// A digest computed elsewhere (a ``RecordSnapshot`` file's).
    package init(hex: String, byteCount: UInt64) {
        self.hex = hex
        self.byteCount = byteCount
    }

    /// Streams the file at `url` through SHA-256 (see ``SHA256/hex(fileAt:)``).
    package init(fileAt url: URL) throws(CryptoError) {
        try self.init(filePath: url.path)
    }

    /// Streams the file at `path` through SHA-256 (see ``SHA256/hex(fileAt:)``). Opened without
    /// blocking and refused unless a regular file (a FIFO subject would otherwise block `open`
    /// forever).
    package init(filePath path: String) throws(CryptoError) {
        try self.init(path: path, directory: nil, name: nil)
    }

    /// Streams the file `name` of the open folder `directory` (a descriptor, see
    /// ``FileDirectory``) through SHA-256; `path` names it in errors. Same checks as
    /// ``init(filePath:)``.
    package init(name: String, in directory: FileDirectory, path: String) throws(CryptoError) {
        try self.init(path: path, directory: directory.descriptor, name: name)
    }

    private init(path: String, directory: Int32?, name: String?) throws(CryptoError) {
        // Five system calls per small file, as `openssl dgst`: open, fstat, read, read (end
        // of file), close. (``EvidenceFile/openRegular(path:directory:name:)``: no URL, no
        // fcntl; relative to an open folder when one is given.)
        let fd: Int32
        let info: stat
        do {
            (fd, info) = try EvidenceFile.openRegular(path: path, directory: directory, name: name)
        } catch {
            if case .io(_, let reason) = error { throw CryptoError.io(path: path, reason: reason) }
            throw CryptoError.io(path: path, reason: error.description)
        }
        defer { close(fd) }
        try self.init(descriptor: fd, size: Int(info.st_size), path: path)
    }

    /// Streams the rest of the open regular file `descriptor` (`size`: its size from `fstat`,
    /// which sizes the buffer) through SHA-256; `path` names it in errors. The caller closes
    /// the descriptor.
    package init(descriptor fd: Int32, size: Int, path: String) throws(CryptoError) {
        #if os(Linux)
        // Read-ahead advice matters only for a file larger than one buffer.
        if size >= SHA256.fileBufferSize { _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL) }
        #endif
        // A small file gets a small buffer: 4 MiB per file would cost an mmap, page faults
        // and an munmap each, most of the time of hashing thousands of small files.
        let bufferSize = Int(min(Int64(SHA256.fileBufferSize), max(Int64(size) + 1, 64 << 10)))
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: bufferSize, alignment: 64)
        defer { buffer.deallocate() }
        let hasher = try SHA256Hasher()
        var total: UInt64 = 0
        while true {
            let n = read(fd, buffer, bufferSize)
            if n < 0 {
                if errno == EINTR { continue }
                throw CryptoError.io(path: path, reason: "read failed after \(total) bytes: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            try hasher.update(UnsafeRawBufferPointer(start: buffer, count: n))
            total += UInt64(n)
        }
        hex = Hex.encode(try hasher.finalize())
        byteCount = total
    }
}

/// An open folder, for hashing many files of it by name (``FileHash/init(name:in:path:)``):
/// each open then resolves one path component. Closed when the value is released.
package final class FileDirectory {
    package let descriptor: Int32
    /// The folder's path, as given.
    package let path: String

    /// Opens the folder at `path` (symlinks followed, as an `open` of a file under it would).
    package init(path: String) throws(CryptoError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw CryptoError.io(path: path, reason: "cannot open the folder: \(String(cString: strerror(errno)))")
        }
        descriptor = fd
        self.path = path
    }

    deinit { close(descriptor) }
}

/// An incremental SHA-256 computation. Feed bytes with ``update(_:)`` then call
/// ``finalize()`` once; a hasher is not reusable and not shared between threads.
package final class SHA256Hasher {
    private let context: DigestContext
    private var finished = false

    package init() throws(CryptoError) {
        context = try DigestContext(operation: "SHA-256 init")
        guard EVP_DigestInit_ex(context.pointer, EVP_sha256(), nil) == 1 else {
            throw OpenSSLErrors.failure("SHA-256 init")
        }
    }

    /// Adds `bytes` to the digest.
    package func update(_ bytes: UnsafeRawBufferPointer) throws(CryptoError) {
        precondition(!finished, "SHA256Hasher used after finalize()")
        guard bytes.count > 0 else { return }
        guard EVP_DigestUpdate(context.pointer, bytes.baseAddress, bytes.count) == 1 else {
            throw OpenSSLErrors.failure("SHA-256 update")
        }
    }

    /// Adds `data` to the digest.
    package func update(_ data: Data) throws(CryptoError) {
        let ok = data.withUnsafeBytes { raw in
            raw.count == 0 || EVP_DigestUpdate(context.pointer, raw.baseAddress, raw.count) == 1
        }
        guard ok else { throw OpenSSLErrors.failure("SHA-256 update") }
    }

    /// The 32-byte digest of everything added. Call once.
    package func finalize() throws(CryptoError) -> [UInt8] {
        precondition(!finished, "SHA256Hasher.finalize() called twice")
        finished = true
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context.pointer, &out, &length) == 1, length == 32 else {
            throw OpenSSLErrors.failure("SHA-256 final")
        }
        return out
    }
}
