import Foundation
import COpenSSL

/// An Ed25519 signing key held by libcrypto.
///
/// Ed25519 signs a message whole (no streaming): sign a small manifest of digests, never a
/// large file.
package struct Ed25519PrivateKey: Sendable {
    let handle: PKeyHandle

    /// A fresh key from OpenSSL's CSPRNG.
    package static func generate() throws(CryptoError) -> Ed25519PrivateKey {
        let context = try PKeyContext(ed25519: "Ed25519 key generation")
        guard EVP_PKEY_keygen_init(context.pointer) == 1 else { throw OpenSSLErrors.failure("Ed25519 key generation") }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen(context.pointer, &key) == 1, let key else { throw OpenSSLErrors.failure("Ed25519 key generation") }
        return Ed25519PrivateKey(handle: PKeyHandle(key))
    }

    init(handle: PKeyHandle) { self.handle = handle }

    /// A key from its 32-byte RFC 8032 seed (the "secret key" of the RFC's test vectors).
    package init(rawRepresentation seed: [UInt8]) throws(CryptoError) {
        guard seed.count == 32 else {
            throw CryptoError.badKey(path: "<memory>", reason: "an Ed25519 private key seed has 32 bytes, got \(seed.count)")
        }
        guard let key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, seed, seed.count) else {
            throw OpenSSLErrors.failure("Ed25519 private key import")
        }
        handle = PKeyHandle(key)
    }

    /// Parses a PEM private key (`-----BEGIN PRIVATE KEY-----`, unencrypted PKCS#8).
    /// `path` names the source in errors. Throws ``CryptoError/badKey(path:reason:)`` when the
    /// PEM does not parse or holds another kind of key.
    package init(pem: Data, path: String = "<memory>") throws(CryptoError) {
        let bio = try MemoryBIO(copying: [UInt8](pem), operation: "PEM read")
        guard let key = PEM_read_bio_PrivateKey(bio.pointer, nil, nil, nil) else {
            let detail = OpenSSLErrors.drain()
            throw CryptoError.badKey(path: path, reason: "expected an unencrypted PEM PKCS#8 Ed25519 private key (-----BEGIN PRIVATE KEY-----), OpenSSL says: \(detail)")
        }
        let handle = PKeyHandle(key)
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 else {
            throw CryptoError.badKey(path: path, reason: "expected an Ed25519 private key, found key type \(EVP_PKEY_get_base_id(key))")
        }
        self.handle = handle
    }

    /// Reads a PEM PKCS#8 private key file.
    package init(contentsOf url: URL) throws(CryptoError) {
        try self.init(pem: try KeyFiles.read(url), path: url.path)
    }

    /// The PKCS#8 PEM encoding (`-----BEGIN PRIVATE KEY-----`), unencrypted. Treat it as a
    /// secret: write it only with ``KeyFiles/writeNew(privateKey:to:)`` (mode 0600).
    package func pkcs8PEM() throws(CryptoError) -> Data {
        let bio = try MemoryBIO(operation: "PEM write")
        guard PEM_write_bio_PKCS8PrivateKey(bio.pointer, handle.pointer, nil, nil, 0, nil, nil) == 1 else {
            throw OpenSSLErrors.failure("PEM write of the private key")
        }
        return Data(bio.contents)
    }

    /// The matching public key.
    package func publicKey() throws(CryptoError) -> Ed25519PublicKey {
        var raw = [UInt8](repeating: 0, count: 32)
        var length = raw.count
        guard EVP_PKEY_get_raw_public_key(handle.pointer, &raw, &length) == 1, length == 32 else {
            throw OpenSSLErrors.failure("Ed25519 public key extraction")
        }
        return try Ed25519PublicKey(rawRepresentation: raw)
    }

    /// The 64-byte Ed25519 signature of `message` (pure Ed25519, as `openssl pkeyutl -sign -rawin`).
    package func signature(for message: Data) throws(CryptoError) -> Data {
        let context = try DigestContext(operation: "Ed25519 sign")
        guard EVP_DigestSignInit(context.pointer, nil, nil, nil, handle.pointer) == 1 else {
            throw OpenSSLErrors.failure("Ed25519 sign init")
        }
        var signature = [UInt8](repeating: 0, count: 64)
        var length = signature.count
        let ok = message.withUnsafeBytes { raw in
            EVP_DigestSign(context.pointer, &signature, &length, raw.bindMemory(to: UInt8.self).baseAddress, raw.count)
        }
        guard ok == 1, length == 64 else { throw OpenSSLErrors.failure("Ed25519 sign") }
        return Data(signature)
    }
}
