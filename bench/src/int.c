/* int: integer mix — hashing, a sieve, bit manipulation, integer division.
 *
 * usage: int [ROUNDS]   (default 48; each round is a few tens of ms natively)
 *
 * Every round varies its inputs by the round number so that nothing is
 * loop-invariant, and every result feeds one 64-bit checksum printed at the
 * end: an emulator that gets any flag, carry or quotient wrong prints a
 * different number. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define BUF_BYTES (256u * 1024u)
#define SIEVE_LIMIT (1u << 20)

/* A fixed LCG (Numerical Recipes constants): portable and identical on every
 * libc, unlike rand(). */
static uint32_t lcg_state = 12345u;
static uint32_t lcg_next(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state;
}

/* FNV-1a over bytes, then a 64-bit avalanche finalizer. Byte loads, xor and
 * 64-bit multiplies (several instructions each on i386). */
static uint64_t hash_bytes(const uint8_t *p, size_t n, uint64_t seed)
{
    uint64_t h = 14695981039346656037ull ^ seed;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

/* Byte-array sieve of Eratosthenes: strided stores and a compare/branch per
 * element; returns the prime count plus a positional sum of the primes. */
static uint64_t sieve(uint8_t *composite, uint32_t limit)
{
    for (uint32_t i = 0; i < limit; i++)
        composite[i] = 0;
    for (uint32_t p = 2; p * p < limit; p++)
        if (!composite[p])
            for (uint32_t m = p * p; m < limit; m += p)
                composite[m] = 1;
    uint64_t count = 0, weighted = 0;
    for (uint32_t i = 2; i < limit; i++)
        if (!composite[i]) {
            count++;
            weighted += (uint64_t)i * count;
        }
    return count ^ (weighted << 1);
}

/* Shifts, rotates, masks, a SWAR popcount and a bit reversal, written out by
 * hand so the instructions come from this file rather than a builtin. */
static uint32_t rotl32(uint32_t x, unsigned r) { return (x << r) | (x >> ((32 - r) & 31)); }

static uint32_t popcount32(uint32_t x)
{
    x = x - ((x >> 1) & 0x55555555u);
    x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
    x = (x + (x >> 4)) & 0x0f0f0f0fu;
    return (x * 0x01010101u) >> 24;
}

static uint32_t reverse32(uint32_t x)
{
    x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
    x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
    x = ((x >> 4) & 0x0f0f0f0fu) | ((x & 0x0f0f0f0fu) << 4);
    x = ((x >> 8) & 0x00ff00ffu) | ((x & 0x00ff00ffu) << 8);
    return (x >> 16) | (x << 16);
}

/* Leading zeros by a loop of compares and shifts (data-dependent branches). */
static uint32_t leading_zeros32(uint32_t x)
{
    if (x == 0)
        return 32;
    uint32_t n = 0;
    if (!(x & 0xffff0000u)) { n += 16; x <<= 16; }
    if (!(x & 0xff000000u)) { n += 8; x <<= 8; }
    if (!(x & 0xf0000000u)) { n += 4; x <<= 4; }
    if (!(x & 0xc0000000u)) { n += 2; x <<= 2; }
    if (!(x & 0x80000000u)) { n += 1; }
    return n;
}

static uint64_t bit_mix(uint32_t iterations)
{
    uint64_t acc = 0;
    uint32_t x = lcg_next();
    for (uint32_t i = 0; i < iterations; i++) {
        x ^= rotl32(x, 7) ^ (x >> 3);
        x += 0x9e3779b9u;
        acc += popcount32(x);
        acc ^= (uint64_t)reverse32(x) << (i & 31);
        acc += leading_zeros32(x >> (i & 15));
        /* Signed shifts and compares: sign extension must be right. */
        int32_t s = (int32_t)x;
        acc += (uint64_t)(int64_t)(s >> 5) + (s < 0 ? 3u : 1u);
    }
    return acc;
}

/* Division by run-time divisors, 32- and 64-bit, signed and unsigned, plus a
 * remainder-driven gcd. On i386 the 64-bit ones are calls into libgcc. */
static uint32_t gcd32(uint32_t a, uint32_t b)
{
    while (b) {
        uint32_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

static uint64_t divide_mix(uint32_t iterations)
{
    uint64_t acc = 0;
    for (uint32_t i = 0; i < iterations; i++) {
        uint32_t a = lcg_next(), b = (lcg_next() >> (i & 15)) | 1u;
        uint64_t a64 = ((uint64_t)lcg_next() << 32) | a;
        uint64_t b64 = ((uint64_t)(lcg_next() >> (i & 31)) << 8) | b;
        int32_t sa = (int32_t)a, sb = (int32_t)(b | 0x80000000u) >> (i & 7);
        int64_t sa64 = (int64_t)a64;
        int64_t sb64 = -(int64_t)(b64 >> 3) - 1;
        /* INT_MIN / -1 traps (#DE); keep the divisors away from -1. */
        if (sb == -1)
            sb = -2;
        if (sb64 == -1)
            sb64 = -2;
        acc += a / b + a % b;
        acc ^= a64 / b64 + a64 % b64;
        acc += (uint64_t)(int64_t)(sa / sb) + (uint64_t)(int64_t)(sa % sb);
        acc ^= (uint64_t)(sa64 / sb64) + (uint64_t)(sa64 % sb64);
        acc += gcd32(a, b);
    }
    return acc;
}

int main(int argc, char **argv)
{
    unsigned rounds = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 48;
    uint8_t *buf = malloc(BUF_BYTES);
    uint8_t *composite = malloc(SIEVE_LIMIT);
    if (!buf || !composite) {
        fputs("int: out of memory\n", stderr);
        return 1;
    }
    uint64_t hash = 0, primes = 0, bits = 0, divs = 0;
    for (unsigned r = 0; r < rounds; r++) {
        for (uint32_t i = 0; i < BUF_BYTES; i += 4) {
            uint32_t v = lcg_next();
            buf[i] = (uint8_t)v;
            buf[i + 1] = (uint8_t)(v >> 8);
            buf[i + 2] = (uint8_t)(v >> 16);
            buf[i + 3] = (uint8_t)(v >> 24);
        }
        hash ^= hash_bytes(buf, BUF_BYTES, r);
        /* Vary the sieve limit so the prime count changes per round. */
        primes += sieve(composite, SIEVE_LIMIT - (r * 4099u) % 65536u);
        bits += bit_mix(200000);
        divs += divide_mix(50000);
    }
    printf("int rounds=%u hash=%016llx primes=%llu bits=%llu divs=%llu\n", rounds,
           (unsigned long long)hash, (unsigned long long)primes, (unsigned long long)bits,
           (unsigned long long)divs);
    printf("checksum %016llx\n", (unsigned long long)(hash ^ primes * 3 ^ bits * 5 ^ divs * 7));
    free(buf);
    free(composite);
    return 0;
}
