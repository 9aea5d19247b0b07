import COpenSSL

// Every OpenSSL pointer is wrapped here at once in a class that owns its free function, so no
// raw pointer outlives its owner or crosses the module boundary.

/// Owns an `EVP_PKEY *`.
///
/// `@unchecked Sendable`: the key is never mutated after construction, and OpenSSL 3 allows
/// concurrent read-only use of one `EVP_PKEY` (signing and verifying make their own contexts).
final class PKeyHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { EVP_PKEY_free(pointer) }
}

/// Owns an `EVP_MD_CTX *`. Not shared between threads.
final class DigestContext {
    let pointer: OpaquePointer
    init(operation: String) throws(CryptoError) {
        guard let ctx = EVP_MD_CTX_new() else { throw OpenSSLErrors.failure(operation) }
        pointer = ctx
    }
    deinit { EVP_MD_CTX_free(pointer) }
}

/// Owns an `EVP_PKEY_CTX *`.
final class PKeyContext {
    let pointer: OpaquePointer
    init(ed25519 operation: String) throws(CryptoError) {
        guard let ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nil) else { throw OpenSSLErrors.failure(operation) }
        pointer = ctx
    }
    deinit { EVP_PKEY_CTX_free(pointer) }
}

/// Owns a `BIO *` (memory BIOs only).
final class MemoryBIO {
    let pointer: OpaquePointer

    /// An empty, writable memory BIO.
    init(operation: String) throws(CryptoError) {
        guard let bio = BIO_new(BIO_s_mem()) else { throw OpenSSLErrors.failure(operation) }
        pointer = bio
    }

    /// A writable memory BIO holding a copy of `bytes`, to read from.
    init(copying bytes: [UInt8], operation: String) throws(CryptoError) {
        guard let bio = BIO_new(BIO_s_mem()) else { throw OpenSSLErrors.failure(operation) }
        pointer = bio
        let written = bytes.withUnsafeBytes { raw in BIO_write(bio, raw.baseAddress, Int32(raw.count)) }
        guard written == Int32(bytes.count) else { throw OpenSSLErrors.failure(operation) }
    }

    deinit { BIO_free(pointer) }

    /// Everything written to the BIO so far.
    var contents: [UInt8] {
        var base: UnsafeMutablePointer<CChar>?
        let count = referee_BIO_get_mem_data(pointer, &base)
        guard let base, count > 0 else { return [] }
        return base.withMemoryRebound(to: UInt8.self, capacity: count) { Array(UnsafeBufferPointer(start: $0, count: count)) }
    }
}

/// Reads and clears OpenSSL's thread-local error queue.
enum OpenSSLErrors {
    /// The queued errors, joined, or "no detail" when the queue is empty.
    static func drain() -> String {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages.isEmpty ? "no detail from OpenSSL" : messages.joined(separator: "; ")
    }

    static func failure(_ operation: String) -> CryptoError {
        .openssl(operation: operation, detail: drain())
    }
}
