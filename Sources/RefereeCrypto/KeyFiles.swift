import Foundation
import RefereeCore

/// Key files on disk: a private key `KEY` (PEM PKCS#8, mode 0600) and its public key
/// `KEY.pub` (PEM SubjectPublicKeyInfo, mode 0644).
package enum KeyFiles {
    /// Largest key file read; PEM Ed25519 keys are about 120 bytes.
    static let maxKeyFileBytes = 64 * 1024

    /// The public key path written beside private key `url`: `url` + `.pub`.
    package static func publicKeyURL(for url: URL) -> URL {
        url.deletingLastPathComponent().appendingPathComponent(url.lastPathComponent + ".pub")
    }

    /// Writes `privateKey` to `url` (mode 0600) and its public key to ``publicKeyURL(for:)``.
    ///
    /// Refuses, with ``CryptoError/exists(path:)``, when either file already exists; the
    /// private key is published with `link(2)` from a 0600 temporary file, so it appears whole
    /// or not at all and never replaces an existing file, even in a race. If the public key
    /// cannot be written the new private key is removed again.
    package static func writeNew(privateKey: Ed25519PrivateKey, to url: URL) throws(CryptoError) {
        let publicURL = publicKeyURL(for: url)
        for target in [url, publicURL] where FileManager.default.fileExists(atPath: target.path) || isSymlink(target) {
            throw CryptoError.exists(path: target.path)
        }
        let pem = try privateKey.pkcs8PEM()
        let publicPEM = try privateKey.publicKey().spkiPEM()
        try publishExclusively(pem, at: url, permissions: 0o600)
        do {
            try publishExclusively(publicPEM, at: publicURL, permissions: 0o644)
        } catch {
            unlink(url.path)
            throw error
        }
    }

    /// Reads a small key file, with a clear error when it is missing or too large.
    static func read(_ url: URL) throws(CryptoError) -> Data {
        let handle: FileHandle
        do {
            // Refuses a FIFO or device (`--key /dev/stdin`, a FIFO pub.pem) without blocking.
            handle = try EvidenceFile.openHandle(url)
        } catch {
            if case .io(_, let reason) = error { throw CryptoError.io(path: url.path, reason: "cannot read key file: \(reason)") }
            throw CryptoError.io(path: url.path, reason: "cannot read key file (\(error))")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maxKeyFileBytes + 1) ?? Data()
        } catch {
            throw CryptoError.io(path: url.path, reason: "cannot read key file (\(error.localizedDescription))")
        }
        guard data.count <= maxKeyFileBytes else {
            throw CryptoError.badKey(path: url.path, reason: "larger than \(maxKeyFileBytes) bytes; expected a PEM Ed25519 key")
        }
        return data
    }

    private static func isSymlink(_ url: URL) -> Bool {
        var info = stat()
        return lstat(url.path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    /// Writes `data` to a temporary file with `permissions`, fsyncs it and hard-links it to
    /// `url`, failing when `url` exists.
    private static func publishExclusively(_ data: Data, at url: URL, permissions: mode_t) throws(CryptoError) {
        let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let fd = open(tmp.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions)
        guard fd >= 0 else {
            throw CryptoError.io(path: url.path, reason: "cannot create a temporary file beside it: \(String(cString: strerror(errno)))")
        }
        defer { unlink(tmp.path) }
        let ok = data.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress!.advanced(by: offset), raw.count - offset)
                if n <= 0 { return false }
                offset += n
            }
            return fchmod(fd, permissions) == 0 && fsync(fd) == 0
        }
        let writeErrno = errno
        close(fd)
        guard ok else { throw CryptoError.io(path: url.path, reason: "write failed: \(String(cString: strerror(writeErrno)))") }
        guard link(tmp.path, url.path) == 0 else {
            if errno == EEXIST { throw CryptoError.exists(path: url.path) }
            throw CryptoError.io(path: url.path, reason: "cannot create: \(String(cString: strerror(errno)))")
        }
    }
}
