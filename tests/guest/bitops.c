/* Bit test and bit scan instructions.
 *
 * bt/bts/btr/btc in every form: register base (offset taken modulo the width),
 * immediate offset (masked by the processor, even for a memory base), and memory base
 * with a register offset, which addresses the whole bit string: large positive and
 * negative offsets reach far outside the addressed word. Each case prints CF, ZF (which
 * the bt family must leave unchanged; both input values are tried), the result for a
 * register base, and for a memory base every byte of the surrounding array that changed.
 * OF SF AF PF are undefined and not printed.
 *
 * bsf/bsr (register and memory source): ZF, and the index only when the source is
 * non-zero (the destination is undefined for a zero source). A portable population count
 * (plain C) rounds it off; lzcnt/tzcnt/popcnt are not used since the emulated CPU need
 * not advertise them.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define CF 0x001u
#define ZF 0x040u

#include "asm_util.h"

/* The asm moves the stack pointer: memory operands are passed as an address register. */
#define FLAGS_OUT FLAGS_PUSHF_OUT RZ_OUT

static word base_flags;

static word flags_with(unsigned status)
{
    return (base_flags & ~(word)0x8d5) | status;
}

/* ------------------------------------------------------------ register base */

#define DEF_BTRR(op, bits, T)                                                             \
    static T rr_##op##bits(T a, T off, word *fl)                                          \
    {                                                                                     \
        word f = *fl;                                                                     \
        __asm__ volatile(FLAGS_IN #op " %[o], %[a]" FLAGS_OUT                             \
                         : [a] "+r"(a), [fl] "+r"(f) : [o] "r"(off) : "cc", "memory");    \
        *fl = f;                                                                          \
        return a;                                                                         \
    }
#define DEF_BTRI(op, bits, T, N)                                                          \
    static T ri_##op##bits##_##N(T a, word *fl)                                           \
    {                                                                                     \
        word f = *fl;                                                                     \
        __asm__ volatile(FLAGS_IN #op " $" #N ", %[a]" FLAGS_OUT                          \
                         : [a] "+r"(a), [fl] "+r"(f) : : "cc", "memory");                 \
        *fl = f;                                                                          \
        return a;                                                                         \
    }
/* memory base, register offset / immediate offset */
#define DEF_BTMR(op, bits, T, S)                                                          \
    static void mr_##op##bits(void *p, T off, word *fl)                                   \
    {                                                                                     \
        word f = *fl;                                                                     \
        __asm__ volatile(FLAGS_IN #op S " %[o], (%[p])" FLAGS_OUT                         \
                         : [fl] "+r"(f) : [o] "r"(off), [p] "r"(p) : "cc", "memory");     \
        *fl = f;                                                                          \
    }
#define DEF_BTMI(op, bits, S, N)                                                          \
    static void mi_##op##bits##_##N(void *p, word *fl)                                    \
    {                                                                                     \
        word f = *fl;                                                                     \
        __asm__ volatile(FLAGS_IN #op S " $" #N ", (%[p])" FLAGS_OUT                      \
                         : [fl] "+r"(f) : [p] "r"(p) : "cc", "memory");                   \
        *fl = f;                                                                          \
    }

#define IMMS(X, ...) X(__VA_ARGS__, 0) X(__VA_ARGS__, 5) X(__VA_ARGS__, 15) X(__VA_ARGS__, 16) \
    X(__VA_ARGS__, 31) X(__VA_ARGS__, 37) X(__VA_ARGS__, 63) X(__VA_ARGS__, 100) X(__VA_ARGS__, 255)
#define IMM_LIST 0, 5, 15, 16, 31, 37, 63, 100, 255
#define NIMM 9

#define MK_W(op, bits, T, S)                                                              \
    DEF_BTRR(op, bits, T) DEF_BTMR(op, bits, T, S) IMMS(DEF_BTRI, op, bits, T)            \
    IMMS(DEF_BTMI, op, bits, S)
#define MK_OP(op)                                                                         \
    MK_W(op, 16, uint16_t, "w") MK_W(op, 32, uint32_t, "l") W64(MK_W(op, 64, uint64_t, "q"))
#define BTOPS(X) X(bt) X(bts) X(btr) X(btc)
BTOPS(MK_OP)

/* One table row per op and width, with the register and memory forms generic over the
 * operand type by going through 64-bit values. */
struct btop {
    const char *name;
    int bits;
    uint64_t (*rr)(uint64_t a, uint64_t off, word *fl);
    void (*mr)(void *p, uint64_t off, word *fl);
    uint64_t (*ri[NIMM])(uint64_t a, word *fl);
    void (*mi[NIMM])(void *p, word *fl);
};

#define WRAP(op, bits, T)                                                                 \
    static uint64_t wrr_##op##bits(uint64_t a, uint64_t off, word *fl)                    \
    {                                                                                     \
        return rr_##op##bits((T)a, (T)off, fl);                                           \
    }                                                                                     \
    static void wmr_##op##bits(void *p, uint64_t off, word *fl)                           \
    {                                                                                     \
        mr_##op##bits(p, (T)off, fl);                                                     \
    }
#define WRAP_RI(op, bits, T, N)                                                           \
    static uint64_t wri_##op##bits##_##N(uint64_t a, word *fl)                            \
    {                                                                                     \
        return ri_##op##bits##_##N((T)a, fl);                                             \
    }
#define WRAP_W(op, bits, T) WRAP(op, bits, T) IMMS(WRAP_RI, op, bits, T)
#define WRAP_OP(op) WRAP_W(op, 16, uint16_t) WRAP_W(op, 32, uint32_t) W64(WRAP_W(op, 64, uint64_t))
BTOPS(WRAP_OP)

#define RI_FN(op, bits, N) wri_##op##bits##_##N,
#define MI_FN(op, bits, N) mi_##op##bits##_##N,
#define ROW(op, bits)                                                                     \
    {#op, bits, wrr_##op##bits, wmr_##op##bits, {IMMS(RI_FN, op, bits)},                 \
     {IMMS(MI_FN, op, bits)}},
#define ROWS(op) ROW(op, 16) ROW(op, 32) W64(ROW(op, 64))
static const struct btop bt_ops[] = {BTOPS(ROWS)};
static const int imm_offsets[NIMM] = {IMM_LIST};

/* A 4 KiB bit string with a recognisable pattern; the memory base is its middle. */
static unsigned char bitstring[4096], before[4096];
#define MID 2048

static void fill_bitstring(void)
{
    for (int i = 0; i < (int)sizeof bitstring; i++)
        bitstring[i] = (unsigned char)(i * 37 + (i >> 5));
    memcpy(before, bitstring, sizeof before);
}

/* Print (and accept as the new baseline) every byte that changed. */
static void print_changes(void)
{
    int any = 0;
    for (int i = 0; i < (int)sizeof bitstring; i++)
        if (bitstring[i] != before[i]) {
            printf(" [%d]%02x->%02x", i - MID, before[i], bitstring[i]);
            any = 1;
        }
    if (!any)
        printf(" unchanged");
    memcpy(before, bitstring, sizeof before);
}

static void print_flags(word f)
{
    printf(" cf=%d zf=%d", (int)(f & CF), (int)!!(f & ZF));
}

static void section_register_base(void)
{
    printf("== register base\n");
    const uint64_t values[3] = {0, 0x8000000000000001ull, 0x5aa5f00f12345678ull};
    const int64_t offsets[] = {0, 1, 7, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, -1, -16, -33};
    for (size_t i = 0; i < sizeof bt_ops / sizeof bt_ops[0]; i++) {
        const struct btop *op = &bt_ops[i];
        int d = op->bits / 4;
        uint64_t m = op->bits == 64 ? ~0ull : (1ull << op->bits) - 1;
        for (int v = 0; v < 3; v++)
            for (int zf = 0; zf < 2; zf++) {
                for (size_t o = 0; o < sizeof offsets / sizeof offsets[0]; o++) {
                    word f = flags_with(zf ? ZF | CF : 0);
                    uint64_t r = op->rr(values[v], (uint64_t)offsets[o], &f);
                    printf("%s%d %0*llx off=%lld ->", op->name, op->bits, d,
                           (unsigned long long)(values[v] & m), (long long)offsets[o]);
                    print_flags(f);
                    printf(" %0*llx\n", d, (unsigned long long)(r & m));
                }
                for (int k = 0; k < NIMM; k++) {
                    word f = flags_with(zf ? ZF | CF : 0);
                    uint64_t r = op->ri[k](values[v], &f);
                    printf("%s%d %0*llx $%d ->", op->name, op->bits, d,
                           (unsigned long long)(values[v] & m), imm_offsets[k]);
                    print_flags(f);
                    printf(" %0*llx\n", d, (unsigned long long)(r & m));
                }
            }
    }
}

static void section_memory_base(void)
{
    printf("== memory base (the bit string around offset 0)\n");
    const int64_t offsets[] = {0,    1,     7,     8,      15,     16,    31,    32,   63,
                               64,   100,   255,   1000,   8191,   16000, -1,    -2,   -8,
                               -9,   -16,   -17,   -32,    -33,    -64,   -65,   -1000, -16000,
                               -16384};
    fill_bitstring();
    for (size_t i = 0; i < sizeof bt_ops / sizeof bt_ops[0]; i++) {
        const struct btop *op = &bt_ops[i];
        for (int zf = 0; zf < 2; zf++) {
            for (size_t o = 0; o < sizeof offsets / sizeof offsets[0]; o++) {
                /* 16-bit offsets are signed 16-bit: all of these fit */
                word f = flags_with(zf ? ZF | CF : 0);
                op->mr(bitstring + MID, (uint64_t)offsets[o], &f);
                printf("%s%d mem off=%lld ->", op->name, op->bits, (long long)offsets[o]);
                print_flags(f);
                print_changes();
                printf("\n");
            }
            for (int k = 0; k < NIMM; k++) {
                word f = flags_with(zf ? ZF | CF : 0);
                op->mi[k](bitstring + MID, &f);
                printf("%s%d mem $%d ->", op->name, op->bits, imm_offsets[k]);
                print_flags(f);
                print_changes();
                printf("\n");
            }
        }
    }
}

/* ------------------------------------------------------------------ bsf / bsr */

#define DEF_SCAN(op, bits, T, S)                                                          \
    static uint64_t scan_##op##bits(uint64_t src64, int mem, word *fl)                    \
    {                                                                                     \
        T src = (T)src64, dst = (T)0x7777777777777777ull;                                 \
        volatile T msrc = src;                                                            \
        word f = *fl;                                                                     \
        if (mem)                                                                          \
            __asm__ volatile(FLAGS_IN #op S " (%[p]), %[d]" FLAGS_OUT                     \
                             : [d] "+r"(dst), [fl] "+r"(f) : [p] "r"(&msrc) : "cc", "memory"); \
        else                                                                              \
            __asm__ volatile(FLAGS_IN #op S " %[s], %[d]" FLAGS_OUT                       \
                             : [d] "+r"(dst), [fl] "+r"(f) : [s] "r"(src) : "cc", "memory"); \
        *fl = f;                                                                          \
        return dst;                                                                       \
    }
#define MK_SCAN(op) DEF_SCAN(op, 16, uint16_t, "w") DEF_SCAN(op, 32, uint32_t, "l") \
    W64(DEF_SCAN(op, 64, uint64_t, "q"))
MK_SCAN(bsf)
MK_SCAN(bsr)

static const struct {
    const char *name;
    int bits;
    uint64_t (*fn)(uint64_t, int, word *);
} scan_ops[] = {
    {"bsf", 16, scan_bsf16}, {"bsf", 32, scan_bsf32}, W64({"bsf", 64, scan_bsf64},)
    {"bsr", 16, scan_bsr16}, {"bsr", 32, scan_bsr32}, W64({"bsr", 64, scan_bsr64},)
};

static void section_scan(void)
{
    printf("== bsf/bsr\n");
    uint64_t srcs[80];
    int n = 0;
    srcs[n++] = 0;
    for (int b = 0; b < 64; b += 3)
        srcs[n++] = 1ull << b;
    srcs[n++] = ~0ull;
    srcs[n++] = 0x8000000000000000ull;
    srcs[n++] = 0x0000000100000000ull;
    srcs[n++] = 0x0000000000010000ull;
    srcs[n++] = 0x00f0000000000f00ull;
    srcs[n++] = 0x8000000000000001ull;
    srcs[n++] = 0x0000000080008000ull;
    for (size_t i = 0; i < sizeof scan_ops / sizeof scan_ops[0]; i++) {
        int bits = scan_ops[i].bits;
        uint64_t m = bits == 64 ? ~0ull : (1ull << bits) - 1;
        for (int k = 0; k < n; k++)
            for (int mem = 0; mem < 2; mem++) {
                word f = flags_with(mem ? 0 : 0x8d5); /* ZF must be computed, not kept */
                uint64_t r = scan_ops[i].fn(srcs[k], mem, &f);
                printf("%s%d%s %0*llx -> zf=%d", scan_ops[i].name, bits, mem ? "m" : "",
                       bits / 4, (unsigned long long)(srcs[k] & m), !!(f & ZF));
                if (srcs[k] & m)
                    printf(" index=%llu", (unsigned long long)(r & m));
                printf("\n");
            }
    }
}

/* Population count and friends in plain C: exercises ordinary shifts/masks/adds. */
static int popcount64(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
    return (int)((x * 0x0101010101010101ull) >> 56);
}

static void section_popcount(void)
{
    printf("== portable popcount\n");
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < 64; i++) {
        printf("popcount %016llx = %d\n", (unsigned long long)x, popcount64(x));
        x = x * 6364136223846793005ull + 1442695040888963407ull;
    }
}

int main(void)
{
    word f;
    __asm__ volatile(RZ_IN "pushf\n\tpop %[fl]" RZ_OUT : [fl] "=r"(f) : : "memory");
    base_flags = f;
    section_register_base();
    section_memory_base();
    section_scan();
    section_popcount();
    return 0;
}
