/* string: libc memcpy/memset/strlen/strcmp/strchr over buffers of varied sizes
 * and alignments.
 *
 * usage: string [OPS]   (default 1500000 rounds of the five operations)
 *
 * The point is libc's own string code: glibc picks SSE2/AVX2 variants at start
 * (via IFUNC and cpuid), musl has its own word-at-a-time C loops; both are hot
 * paths of real programs. Sizes and offsets come from an LCG at run time so the
 * compiler cannot inline a fixed-size copy, and every result feeds the
 * checksum so a mis-emulated compare or a wrong NUL search is visible. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POOL_BYTES (1u << 20)
#define MAX_LEN 4096u

static uint32_t lcg_state = 2024u;
static uint32_t lcg_next(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state;
}

/* Mostly small strings (the common case in programs) with a tail of large
 * ones (which exercise the vector loops); odd sizes hit the tail handling. */
static const uint32_t size_table[] = {
    1, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 100, 127, 255, 256,
    511, 1000, 1024, 2047, 2500, 3000, 4095, MAX_LEN,
};
#define N_SIZES (sizeof size_table / sizeof size_table[0])

static uint32_t pick_len(void) { return size_table[(lcg_next() >> 16) % N_SIZES]; }

/* An offset in [0, POOL_BYTES - MAX_LEN - 64): any byte alignment. */
static uint32_t pick_off(void) { return (lcg_next() >> 8) % (POOL_BYTES - MAX_LEN - 64); }

int main(int argc, char **argv)
{
    unsigned ops = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 1500000;
    char *src = malloc(POOL_BYTES), *dst = malloc(POOL_BYTES);
    if (!src || !dst) {
        fputs("string: out of memory\n", stderr);
        return 1;
    }
    /* Printable, NUL-free bytes so every strlen/strcmp runs to a NUL we place. */
    for (uint32_t i = 0; i < POOL_BYTES; i++)
        src[i] = (char)('a' + (lcg_next() >> 24) % 26);
    memset(dst, 'x', POOL_BYTES);

    uint64_t sum_len = 0, sum_cmp = 0, sum_chr = 0, sum_copy = 0;
    for (unsigned k = 0; k < ops; k++) {
        uint32_t len = pick_len(), so = pick_off(), d = pick_off();

        /* memcpy then read back a byte that depends on the copy. */
        memcpy(dst + d, src + so, len);
        sum_copy += (unsigned char)dst[d + len / 2];

        /* memset a region of another size with a byte that varies. */
        uint32_t mlen = pick_len(), mo = pick_off();
        memset(dst + mo, 'A' + (int)(k % 26), mlen);
        sum_copy += (unsigned char)dst[mo + mlen - 1];

        /* strlen: terminate the source copy at len, measure, restore. */
        char saved = src[so + len];
        src[so + len] = '\0';
        sum_len += strlen(src + so);

        /* strcmp: the destination equals the source except (sometimes) for the
         * last byte, so the compare runs the full length. */
        memcpy(dst + d, src + so, len + 1);
        if (k & 1)
            dst[d + len - 1] ^= 1;
        int c = strcmp(src + so, dst + d);
        sum_cmp += (uint64_t)(c < 0 ? 1 : c > 0 ? 2 : 3) * (k & 255);

        /* strchr: search for a byte planted at a chosen position, or for one
         * that is absent (falls through to the NUL). */
        uint32_t pos = (lcg_next() >> 12) % len;
        char planted = src[so + pos];
        src[so + pos] = '#';
        const char *hit = strchr(src + so, (k % 3) ? '#' : '@');
        sum_chr += hit ? (uint64_t)(hit - (src + so)) : 7;
        src[so + pos] = planted;
        src[so + len] = saved;
    }
    /* Fold the whole destination pool in too: every store must have landed. */
    uint64_t pool = 0;
    for (uint32_t i = 0; i < POOL_BYTES; i++)
        pool = pool * 31 + (unsigned char)dst[i];

    printf("string ops=%u len=%llu cmp=%llu chr=%llu copy=%llu pool=%016llx\n", ops,
           (unsigned long long)sum_len, (unsigned long long)sum_cmp,
           (unsigned long long)sum_chr, (unsigned long long)sum_copy,
           (unsigned long long)pool);
    printf("checksum %016llx\n",
           (unsigned long long)(pool ^ sum_len * 3 ^ sum_cmp * 5 ^ sum_chr * 7 ^ sum_copy * 11));
    free(src);
    free(dst);
    return 0;
}
