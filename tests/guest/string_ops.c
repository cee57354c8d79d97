/* String instructions: movs, stos, lods, cmps, scas at every element size, alone and
 * with rep / repe / repne, forwards and backwards (DF=1), with zero, small and odd
 * counts, and overlapping movs (which must behave element by element, not like memmove).
 * Each case prints where rsi/rdi ended (as offsets into the buffers), the count and
 * accumulator registers, the status flags, and a digest of the buffer it may have written
 * (the range of changed bytes and a hash of all of it).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define STATUS 0x8d5u
#define DF 0x400u

#include "asm_util.h"

/* popf loads DF along with the status flags; cld afterwards restores the C convention. */
#define FLAGS_OUT FLAGS_PUSHF_OUT "\n\tcld" RZ_OUT

struct regs {
    uintptr_t si, di, cx, ax;
    word fl;
};

#define DEF_STR(name, text)                                                               \
    static void name(struct regs *r)                                                      \
    {                                                                                     \
        uintptr_t si = r->si, di = r->di, cx = r->cx, ax = r->ax;                         \
        word f = r->fl;                                                                   \
        __asm__ volatile(FLAGS_IN text FLAGS_OUT                                          \
                         : "+S"(si), "+D"(di), "+c"(cx), "+a"(ax), [fl] "+r"(f)           \
                         : : "cc", "memory");                                             \
        r->si = si, r->di = di, r->cx = cx, r->ax = ax, r->fl = f;                        \
    }

#define SIZES(X, op) X(op, b, 1) X(op, w, 2) X(op, l, 4) W64(X(op, q, 8))
#define DEF_VARIANTS(op, s, n)                                                            \
    DEF_STR(op##s##_plain, #op #s) DEF_STR(op##s##_rep, "rep " #op #s)                    \
    DEF_STR(op##s##_repne, "repne " #op #s)
SIZES(DEF_VARIANTS, movs)
SIZES(DEF_VARIANTS, stos)
SIZES(DEF_VARIANTS, lods)
SIZES(DEF_VARIANTS, cmps)
SIZES(DEF_VARIANTS, scas)
/* "rep" on cmps/scas is repe; "repne" on movs/stos/lods behaves as rep (F2 acts like F3
 * for them) -- real code does not rely on that, but it is defined and cheap to compare. */

typedef void (*strfn)(struct regs *);
struct strop {
    const char *op;
    int size;
    strfn plain, rep, repne;
};
#define ROW(op, s, n) {#op #s, n, op##s##_plain, op##s##_rep, op##s##_repne},
static const struct strop ops[] = {SIZES(ROW, movs) SIZES(ROW, stos) SIZES(ROW, lods)
                                       SIZES(ROW, cmps) SIZES(ROW, scas)};

/* Buffers: A is the source / first comparand, B the destination / second comparand. */
#define BUFSZ 2048 /* every access stays within: starts at 1024, reaches at most 800 away */
static unsigned char A[BUFSZ], B[BUFSZ], B0[BUFSZ];
static word base_flags;

static void fill(unsigned char *p, unsigned seed)
{
    for (int i = 0; i < BUFSZ; i++)
        p[i] = (unsigned char)(seed + i * 7 + (i >> 3));
}

static uint32_t fnv(const unsigned char *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static void print_state(const char *label, const struct regs *r, const unsigned char *sbase,
                        const unsigned char *dbase, const unsigned char *watch,
                        const unsigned char *orig)
{
    printf("%s -> si=%+ld di=%+ld cx=%#lx ax=%#llx f=%03x df=%d", label,
           (long)((const unsigned char *)r->si - sbase), (long)((const unsigned char *)r->di - dbase),
           (unsigned long)r->cx, (unsigned long long)r->ax, (unsigned)(r->fl & STATUS),
           !!(r->fl & DF));
    int lo = -1, hi = -1;
    for (int i = 0; i < BUFSZ; i++)
        if (watch[i] != orig[i]) {
            if (lo < 0)
                lo = i;
            hi = i;
        }
    if (lo < 0)
        printf(" unchanged\n");
    else
        printf(" changed [%d..%d] hash=%08x\n", lo, hi, fnv(watch, BUFSZ));
}

static struct regs start(const void *si, const void *di, uintptr_t cx, uint64_t ax, int df,
                         unsigned status)
{
    struct regs r;
    r.si = (uintptr_t)si, r.di = (uintptr_t)di, r.cx = cx, r.ax = (uintptr_t)ax;
    r.fl = (base_flags & ~(word)(STATUS | DF)) | status | (df ? DF : 0);
    return r;
}

/* movs/stos/lods: every variant, count, direction. */
static void test_moves(void)
{
    printf("== movs / stos / lods\n");
    static const uintptr_t counts[] = {0, 1, 2, 7, 33};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        const struct strop *o = &ops[i];
        if (o->op[0] == 'c' || (o->op[0] == 's' && o->op[1] == 'c'))
            continue; /* comparisons below */
        for (int df = 0; df < 2; df++)
            for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++)
                for (int v = 0; v < 3; v++) {
                    strfn fn = v == 0 ? o->plain : v == 1 ? o->rep : o->repne;
                    fill(A, 1);
                    fill(B, 100);
                    memcpy(B0, B, BUFSZ);
                    /* start mid-buffer so both directions stay inside */
                    struct regs r = start(A + 1024, B + 1024, counts[c], 0x8877665544332211ull,
                                          df, c & 1 ? STATUS : 0);
                    fn(&r);
                    char label[64];
                    snprintf(label, sizeof label, "%s%s df=%d cx=%lu", v == 0 ? "" : v == 1 ? "rep " : "repne ",
                             o->op, df, (unsigned long)counts[c]);
                    print_state(label, &r, A + 1024, B + 1024, B, B0);
                }
    }
}

/* Overlapping copies: forward with dst = src + k replicates the first k bytes, backward
 * with dst = src - k likewise from the end. */
static void test_overlap(void)
{
    printf("== overlapping movs\n");
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        const struct strop *o = &ops[i];
        if (strncmp(o->op, "movs", 4) != 0)
            continue;
        static const int shifts[] = {1, 3, 8, -1, -5};
        for (size_t s = 0; s < sizeof shifts / sizeof shifts[0]; s++)
            for (int df = 0; df < 2; df++) {
                fill(B, 9);
                memcpy(B0, B, BUFSZ);
                unsigned char *src = B + 1024, *dst = B + 1024 + shifts[s];
                struct regs r = start(src, dst, 40, 0, df, 0);
                o->rep(&r);
                char label[64];
                snprintf(label, sizeof label, "rep %s overlap %+d df=%d", o->op, shifts[s], df);
                print_state(label, &r, src, dst, B, B0);
            }
    }
}

/* cmps/scas: repe stops at the first difference, repne at the first match. */
static void test_compares(void)
{
    printf("== cmps / scas\n");
    static const uintptr_t counts[] = {0, 1, 5, 40};
    static const int diff_at[] = {0, 3, 39, 100};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        const struct strop *o = &ops[i];
        int is_cmps = o->op[0] == 'c';
        if (!is_cmps && !(o->op[0] == 's' && o->op[1] == 'c'))
            continue;
        for (int df = 0; df < 2; df++)
            for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++)
                for (size_t d = 0; d < sizeof diff_at / sizeof diff_at[0]; d++)
                    for (int v = 0; v < 3; v++) {
                        strfn fn = v == 0 ? o->plain : v == 1 ? o->rep : o->repne;
                        /* A and B equal except one element diff_at elements away from the
                         * start in the direction of travel */
                        fill(A, 5);
                        memcpy(B, A, BUFSZ);
                        int step = df ? -o->size : o->size;
                        B[1024 + diff_at[d] * step] ^= 0x40;
                        memcpy(B0, B, BUFSZ);
                        uint64_t acc = 0;
                        /* scas compares the accumulator with [rdi]: load it with the
                         * element that sits at the changed position */
                        memcpy(&acc, &B[1024 + diff_at[d] * step], (size_t)o->size);
                        struct regs r = start(A + 1024, B + 1024, counts[c], acc, df,
                                              d & 1 ? STATUS : 0);
                        fn(&r);
                        char label[80];
                        snprintf(label, sizeof label, "%s%s df=%d cx=%lu diff@%d",
                                 v == 0 ? "" : v == 1 ? "repe " : "repne ", o->op, df,
                                 (unsigned long)counts[c], diff_at[d]);
                        print_state(label, &r, A + 1024, B + 1024, B, B0);
                    }
    }
}

/* The address-size prefix makes string instructions use esi/edi/ecx (x86-64) and
 * ignore the upper halves; static buffers of a non-PIE static program sit below 4 GiB. */
static void test_addr32(void)
{
#ifdef __x86_64__
    printf("== addr32 rep movsb\n");
    fill(A, 3);
    fill(B, 4);
    memcpy(B0, B, BUFSZ);
    uintptr_t si = (uintptr_t)(A + 10), di = (uintptr_t)(B + 20), cx = 0x100000006ull;
    if ((si >> 32) == 0 && (di >> 32) == 0) {
        __asm__ volatile("addr32 rep movsb" : "+S"(si), "+D"(di), "+c"(cx) : : "memory");
        printf("si=%+ld di=%+ld rcx=%#lx\n", (long)(si - (uintptr_t)A), (long)(di - (uintptr_t)B),
               (unsigned long)cx);
        printf("B[18..28]:");
        for (int i = 18; i < 29; i++)
            printf(" %02x", B[i]);
        printf("\n");
    } else {
        printf("buffers above 4 GiB, not tested\n");
    }
#endif
}

int main(void)
{
    word f;
    __asm__ volatile(RZ_IN "pushf\n\tpop %[fl]" RZ_OUT : [fl] "=r"(f) : : "memory");
    base_flags = f;
    test_moves();
    test_overlap();
    test_compares();
    test_addr32();
    return 0;
}
