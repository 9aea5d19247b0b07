import Foundation
import COpenSSL

/// An Ed25519 verification key held by libcrypto.
package struct Ed25519PublicKey: Sendable, Equatable {
    let handle: PKeyHandle
    /// The 32 raw key bytes (RFC 8032).
    package let rawRepresentation: [UInt8]

    /// A key from its 32 raw bytes.
    package init(rawRepresentation raw: [UInt8]) throws(CryptoError) {
        guard raw.count == 32 else {
            throw CryptoError.badKey(path: "<memory>", reason: "an Ed25519 public key has 32 bytes, got \(raw.count)")
        }
        guard let key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, raw, raw.count) else {
            throw OpenSSLErrors.failure("Ed25519 public key import")
        }
        handle = PKeyHandle(key)
        rawRepresentation = raw
    }

    /// Parses a PEM SubjectPublicKeyInfo (`-----BEGIN PUBLIC KEY-----`). `path` names the
    /// source in errors.
    package init(pem: Data, path: String = "<memory>") throws(CryptoError) {
        let bio = try MemoryBIO(copying: [UInt8](pem), operation: "PEM read")
        guard let key = PEM_read_bio_PUBKEY(bio.pointer, nil, nil, nil) else {
            let detail = OpenSSLErrors.drain()
            throw CryptoError.badKey(path: path, reason: "expected a PEM Ed25519 public key (-----BEGIN PUBLIC KEY-----), OpenSSL says: \(detail)")
        }
        let owned = PKeyHandle(key)
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 else {
            throw CryptoError.badKey(path: path, reason: "expected an Ed25519 public key, found key type \(EVP_PKEY_get_base_id(key))")
        }
        var raw = [UInt8](repeating: 0, count: 32)
        var length = raw.count
        guard EVP_PKEY_get_raw_public_key(key, &raw, &length) == 1, length == 32 else {
            throw CryptoError.badKey(path: path, reason: "cannot read the raw Ed25519 key: \(OpenSSLErrors.drain())")
        }
        handle = owned
        rawRepresentation = raw
    }

    /// Reads a PEM SubjectPublicKeyInfo file.
    package init(contentsOf url: URL) throws(CryptoError) {
        try self.init(pem: try KeyFiles.read(url), path: url.path)
    }

    /// The DER SubjectPublicKeyInfo encoding (44 bytes for Ed25519).
    package func spkiDER() throws(CryptoError) -> Data {
        let length = i2d_PUBKEY(handle.pointer, nil)
        guard length > 0 else { throw OpenSSLErrors.failure("DER encoding of the public key") }
        var bytes = [UInt8](repeating: 0, count: Int(length))
        let written = bytes.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            return i2d_PUBKEY(handle.pointer, &cursor)
        }
        guard written == length else { throw OpenSSLErrors.failure("DER encoding of the public key") }
        return Data(bytes)
    }

    /// The PEM SubjectPublicKeyInfo encoding (`-----BEGIN PUBLIC KEY-----`).
    package func spkiPEM() throws(CryptoError) -> Data {
        let bio = try MemoryBIO(operation: "PEM write")
        guard PEM_write_bio_PUBKEY(bio.pointer, handle.pointer) == 1 else {
            throw OpenSSLErrors.failure("PEM write of the public key")
        }
        return Data(bio.contents)
    }

    /// The key id used in DSSE signatures: lowercase hex SHA-256 of ``spkiDER()``
    /// (equal to `openssl pkey -pubin -in KEY.pub -outform DER | sha256sum`).
    package func keyID() throws(CryptoError) -> String {
        SHA256.hex(try spkiDER())
    }

    /// True when `signature` is a valid Ed25519 signature of `message` by this key. Any
    /// malformed signature (wrong length included) is simply invalid.
    package func isValidSignature(_ signature: Data, for message: Data) -> Bool {
        guard signature.count == 64, let context = try? DigestContext(operation: "Ed25519 verify") else { return false }
        guard EVP_DigestVerifyInit(context.pointer, nil, nil, nil, handle.pointer) == 1 else {
            _ = OpenSSLErrors.drain()
            return false
        }
        let sig = [UInt8](signature)
        let result = message.withUnsafeBytes { raw in
            EVP_DigestVerify(context.pointer, sig, sig.count, raw.bindMemory(to: UInt8.self).baseAddress, raw.count)
        }
        if result != 1 { _ = OpenSSLErrors.drain() }
        return result == 1
    }

    package static func == (a: Ed25519PublicKey, b: Ed25519PublicKey) -> Bool {
        a.rawRepresentation == b.rawRepresentation
    }
}
