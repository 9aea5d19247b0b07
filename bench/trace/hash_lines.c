/* The hash chain's floor for the trace-analysis benchmark: SHA-256 of every line of the given
 * files, as Referee computes it (libcrypto's SHA256_Init/Update/Final on a stack context, as
 * referee_sha256 in Sources/COpenSSL/shim.h; the line's bytes hashed where they were read),
 * and nothing else. Prints the lines hashed and
 * the CPU seconds of the hashing loop (reading included), so BENCHMARKS.md can state how much
 * of the analysis the hash chain is.   cc -O2 hash_lines.c -lcrypto -o hash_lines */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
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
    unsigned char out[32], acc = 0;
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
                SHA256_CTX c;
                SHA256_Init(&c);
                SHA256_Update(&c, p, nl - p);
                SHA256_Final(out, &c);
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
