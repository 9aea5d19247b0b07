#ifndef REFEREE_COPENSSL_SHIM_H
#define REFEREE_COPENSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/err.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

/// BIO_get_mem_data is a macro; Swift cannot import it.
static inline long referee_BIO_get_mem_data(BIO *bio, char **out) {
    return BIO_get_mem_data(bio, out);
}

/// SHA-256 of one small input (a trace line) into `out` (32 bytes); 1 on success. Through
/// libcrypto's own SHA256_Init/Update/Final on a context on the stack: the same implementation
/// (SHA-NI where the CPU has it) as EVP's, without EVP's per-call work (a context copy that
/// allocates and frees the provider's state, the provider dispatch, cleansing): 145 against
/// 185 ns per 190-byte line measured here (issue 15). These calls are deprecated in OpenSSL 3,
/// not removed; a libcrypto built without the deprecated API gets one-shot EVP_Digest.
static inline int referee_sha256(const void *data, size_t count, unsigned char *out) {
#if defined(OPENSSL_NO_DEPRECATED_3_0)
    unsigned int length = 0;
    return EVP_Digest(data, count, out, &length, EVP_sha256(), NULL) == 1 && length == 32;
#else
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wdeprecated-declarations"
    SHA256_CTX context;
    return SHA256_Init(&context) == 1 && SHA256_Update(&context, data, count) == 1 && SHA256_Final(out, &context) == 1;
#pragma clang diagnostic pop
#endif
}
#endif
