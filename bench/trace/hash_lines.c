/* The hash chain's floor for the trace-analysis benchmark: SHA-256 of every line of the given
 * files, as Referee computes it (libcrypto EVP, one reused context started from a copy of a
 * context initialised once with the fetched digest, the line's bytes hashed where they were read), and nothing else. Prints the lines hashed and
 * the CPU seconds of the hashing loop (reading included), so BENCHMARKS.md can state how much
 * of the analysis the hash chain is.   cc -O2 hash_lines.c -lcrypto -o hash_lines */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double cpu(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    EVP_MD *md = EVP_MD_fetch(NULL, "SHA256", NULL);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new(), *initialised = EVP_MD_CTX_new();
    EVP_DigestInit_ex(initialised, md, NULL);
    unsigned char out[32], acc = 0;
    unsigned int len;
    long lines = 0;
    size_t cap = 1 << 20;
    char *buf = malloc(cap);
    double t0 = cpu();
    for (int a = 1; a < argc; a++) {
        FILE *f = fopen(argv[a], "rb");
        if (!f) { perror(argv[a]); return 2; }
        size_t have = 0, n;
        while ((n = fread(buf + have, 1, cap - have, f)) > 0 || have > 0) {
            have += n;
            char *p = buf, *end = buf + have, *nl;
            while ((nl = memchr(p, '\n', end - p)) != NULL) {
                EVP_MD_CTX_copy_ex(ctx, initialised);
                EVP_DigestUpdate(ctx, p, nl - p);
                EVP_DigestFinal_ex(ctx, out, &len);
                acc ^= out[0];
                lines++;
                p = nl + 1;
            }
            have = end - p;
            memmove(buf, p, have);
            if (n == 0) break;  /* a last line without a newline is not counted */
        }
        fclose(f);
    }
    printf("%ld lines hashed in %.3f s CPU (%u)\n", lines, cpu() - t0, acc);
    return 0;
}
