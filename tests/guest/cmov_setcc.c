/* Condition codes: all 16 conditions of jcc (short and near encodings), setcc (register
 * and memory) and cmovcc (16/32/64-bit, register and memory source), under all 32
 * combinations of CF ZF SF OF PF (AF set too on odd rows, as it must not matter).
 * Then the count-register branches: loop, loope, loopne, jcxz/jecxz/jrcxz, with and
 * without the address-size prefix that switches the count register's width.
 */
#include <stdint.h>
#include <stdio.h>

#define CF 0x001u
#define PF 0x004u
#define AF 0x010u
#define ZF 0x040u
#define SF 0x080u
#define OF 0x800u
#define STATUS (CF | PF | AF | ZF | SF | OF)

typedef unsigned long word;

#ifdef __x86_64__
#define RZ_IN "lea -128(%%rsp), %%rsp\n\t"
#define RZ_OUT "\n\tlea 128(%%rsp), %%rsp"
#else
#define RZ_IN ""
#define RZ_OUT ""
#endif
/* Load flags, run the body; the asm moves the stack pointer, so memory operands are
 * passed as an address register. Flags are read back after the body. */
#define FLAGS_IN RZ_IN "push %[fl]\n\tpopf\n\t"
#define FLAGS_OUT "\n\tpushf\n\tpop %[fl]" RZ_OUT

static word base_flags;

#define CONDS(X)                                                                          \
    X(o) X(no) X(b) X(ae) X(e) X(ne) X(be) X(a) X(s) X(ns) X(p) X(np) X(l) X(ge) X(le) X(g)

/* One function per condition and form, each returning 1 when the condition held. */
#define DEF_COND(cc)                                                                      \
    static int set_##cc(word f)                                                           \
    {                                                                                     \
        uint8_t r = 0x55;                                                                 \
        __asm__ volatile(FLAGS_IN "set" #cc " %[r]" FLAGS_OUT                             \
                         : [r] "+q"(r), [fl] "+r"(f) : : "cc", "memory");                 \
        return r;                                                                         \
    }                                                                                     \
    static int setm_##cc(word f)                                                          \
    {                                                                                     \
        volatile uint8_t m[3] = {0x55, 0x55, 0x55};                                       \
        __asm__ volatile(FLAGS_IN "set" #cc " 1(%[p])" FLAGS_OUT                          \
                         : [fl] "+r"(f) : [p] "r"(m) : "cc", "memory");                   \
        return m[0] == 0x55 && m[2] == 0x55 ? m[1] : 0x99;                                \
    }                                                                                     \
    static int jshort_##cc(word f)                                                        \
    {                                                                                     \
        int r = 0;                                                                        \
        __asm__ volatile(FLAGS_IN "j" #cc " 1f\n\tjmp 2f\n1:\tmov $1, %[r]\n2:" FLAGS_OUT \
                         : [r] "+r"(r), [fl] "+r"(f) : : "cc", "memory");                 \
        return r;                                                                         \
    }                                                                                     \
    static int jnear_##cc(word f)                                                         \
    {                                                                                     \
        int r = 0;                                                                        \
        __asm__ volatile(FLAGS_IN "%{disp32%} j" #cc " 1f\n\tjmp 2f\n1:\tmov $1, %[r]\n2:" FLAGS_OUT \
                         : [r] "+r"(r), [fl] "+r"(f) : : "cc", "memory");                 \
        return r;                                                                         \
    }                                                                                     \
    static int cmov16_##cc(word f)                                                        \
    {                                                                                     \
        uint32_t d = 0xdddd1111, s = 0x55552222;                                          \
        __asm__ volatile(FLAGS_IN "cmov" #cc " %w[s], %w[d]" FLAGS_OUT                    \
                         : [d] "+r"(d), [fl] "+r"(f) : [s] "r"(s) : "cc", "memory");      \
        return d == 0xdddd2222 ? 1 : d == 0xdddd1111 ? 0 : 0x99;                          \
    }                                                                                     \
    static int cmov32_##cc(word f)                                                        \
    {                                                                                     \
        uint32_t d = 0x11111111, s = 0x22222222;                                          \
        __asm__ volatile(FLAGS_IN "cmov" #cc " %[s], %[d]" FLAGS_OUT                      \
                         : [d] "+r"(d), [fl] "+r"(f) : [s] "r"(s) : "cc", "memory");      \
        return d == 0x22222222 ? 1 : d == 0x11111111 ? 0 : 0x99;                          \
    }                                                                                     \
    static int cmovm_##cc(word f)                                                         \
    {                                                                                     \
        uint32_t d = 0x11111111;                                                          \
        volatile uint32_t s = 0x33333333;                                                 \
        __asm__ volatile(FLAGS_IN "cmov" #cc "l (%[p]), %[d]" FLAGS_OUT                   \
                         : [d] "+r"(d), [fl] "+r"(f) : [p] "r"(&s) : "cc", "memory");     \
        return d == 0x33333333 ? 1 : d == 0x11111111 ? 0 : 0x99;                          \
    }                                                                                     \
    CMOV64(cc)

#ifdef __x86_64__
/* A 32-bit cmov always writes its destination, so even a false condition clears the
 * upper half; the 64-bit form keeps all of it. Returns 1/0 like the others, or 2 when a
 * 32-bit cmov left the upper half set. */
#define CMOV64(cc)                                                                        \
    static int cmov64_##cc(word f)                                                        \
    {                                                                                     \
        uint64_t d = 0x1111111111111111ull, s = 0x2222222222222222ull;                    \
        uint64_t z = 0xffffffff00000000ull;                                               \
        __asm__ volatile(FLAGS_IN "cmov" #cc " %[s], %[d]\n\tcmov" #cc " %k[s], %k[z]" FLAGS_OUT \
                         : [d] "+r"(d), [z] "+r"(z), [fl] "+r"(f) : [s] "r"(s) : "cc", "memory"); \
        int moved = d == s;                                                               \
        if (d != s && d != 0x1111111111111111ull)                                         \
            return 0x99;                                                                  \
        if (z != (moved ? 0x22222222ull : 0))                                             \
            return 2;                                                                     \
        return moved;                                                                     \
    }
#else
#define CMOV64(cc)
#endif

CONDS(DEF_COND)

typedef int (*condfn)(word);
struct cond {
    const char *name;
    condfn set, setm, jshort, jnear, cmov16, cmov32, cmovm;
#ifdef __x86_64__
    condfn cmov64;
#define CMOV64_ROW(cc) , cmov64_##cc
#else
#define CMOV64_ROW(cc)
#endif
};
#define COND_ROW(cc)                                                                      \
    {#cc, set_##cc, setm_##cc, jshort_##cc, jnear_##cc, cmov16_##cc, cmov32_##cc,         \
     cmovm_##cc CMOV64_ROW(cc)},
static const struct cond conds[] = {CONDS(COND_ROW)};
#define NCOND (int)(sizeof conds / sizeof conds[0])

/* The truth of each condition under flags F, from the SDM's definitions: the check on
 * the native run's own agreement (set == jcc == cmov) is printed, and the emulated run
 * must print the same. */
static void test_conditions(void)
{
    printf("== conditions under every CF ZF SF OF PF combination\n");
    static const unsigned bits[5] = {CF, ZF, SF, OF, PF};
    for (int combo = 0; combo < 32; combo++) {
        unsigned st = (combo & 1) ? AF : 0;
        for (int b = 0; b < 5; b++)
            if (combo & (1 << b))
                st |= bits[b];
        word f = (base_flags & ~(word)STATUS) | st;
        printf("flags %03x:", st);
        for (int c = 0; c < NCOND; c++) {
            const struct cond *k = &conds[c];
            int s = k->set(f);
            printf(" %s=%d", k->name, s);
            int others[] = {k->setm(f), k->jshort(f), k->jnear(f), k->cmov16(f), k->cmov32(f),
                            k->cmovm(f)
#ifdef __x86_64__
                                ,
                            k->cmov64(f)
#endif
            };
            static const char *const names[] = {"setm", "jshort", "jnear", "cmov16",
                                                "cmov32", "cmovm", "cmov64"};
            for (size_t o = 0; o < sizeof others / sizeof others[0]; o++)
                if (others[o] != s)
                    printf("(%s=%d)", names[o], others[o]);
        }
        printf("\n");
    }
}

/* ------------------------------------------------------------ count-register branches */

/* loop with rcx/ecx = N: returns the iteration count and the final count register, and
 * checks that the flags survived. */
static void test_loop(void)
{
    printf("== loop\n");
    static const unsigned long starts[] = {1, 2, 5, 100};
    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++) {
        unsigned long c = starts[i], n = 0;
        word f = (base_flags & ~(word)STATUS) | ZF | CF;
        __asm__ volatile(FLAGS_IN "1:\n\tlea 1(%[n]), %[n]\n\tloop 1b" FLAGS_OUT
                         : "+c"(c), [n] "+r"(n), [fl] "+r"(f) : : "cc", "memory");
        printf("loop from %lu: %lu iterations, count=%lu flags kept=%s\n", starts[i], n, c,
               (f & STATUS) == (ZF | CF) ? "yes" : "no");
    }
    /* the address-size prefix selects ecx (64-bit mode) or cx (32-bit mode) */
#ifdef __x86_64__
    unsigned long c = 0x100000003ul, n = 0;
    __asm__ volatile("1:\n\tlea 1(%[n]), %[n]\n\taddr32 loop 1b" : "+c"(c), [n] "+r"(n) : : "cc");
    printf("addr32 loop from 0x100000003: %lu iterations, rcx=%#lx\n", n, c);
#else
    unsigned long c = 0x10003ul, n = 0;
    __asm__ volatile("1:\n\tlea 1(%[n]), %[n]\n\taddr16 loop 1b" : "+c"(c), [n] "+r"(n) : : "cc");
    printf("addr16 loop from 0x10003: %lu iterations, ecx=%#lx\n", n, c);
#endif
}

/* Search with loope/loopne: stop at the first element that differs from / equals the
 * key, or when the count runs out. */
static void test_loope_loopne(void)
{
    printf("== loope / loopne\n");
    /* the asm pre-increments its pointer: it starts one element before the array */
    static const int padded[11] = {-1, 7, 7, 7, 3, 7, 9, 9, 9, 9, 9};
    const int *arr = padded + 1;
    for (int key = 0; key < 12; key += 1) {
        if (key != 3 && key != 7 && key != 9 && key != 11)
            continue;
        for (unsigned long len = 1; len <= 10; len += 3) {
            const int *p = padded;
            unsigned long c = len;
            __asm__ volatile("1:\n\tlea 4(%[p]), %[p]\n\tcmpl %[k], (%[p])\n\tloope 1b"
                             : "+c"(c), [p] "+r"(p) : [k] "r"(key) : "cc", "memory");
            long at_e = p - arr;
            unsigned long ce = c;
            p = padded;
            c = len;
            __asm__ volatile("1:\n\tlea 4(%[p]), %[p]\n\tcmpl %[k], (%[p])\n\tloopne 1b"
                             : "+c"(c), [p] "+r"(p) : [k] "r"(key) : "cc", "memory");
            printf("key %d len %lu: loope stops at %ld count %lu; loopne stops at %ld count %lu\n",
                   key, len, at_e, ce, (long)(p - arr), c);
        }
    }
}

static void test_jcxz(void)
{
    printf("== jcxz / jecxz / jrcxz\n");
#ifdef __x86_64__
    static const unsigned long vals[] = {0, 1, 0x100000000ul, 0xffffffff00000000ul, 0x10000ul};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        int r = 0, e = 0;
        __asm__ volatile("jrcxz 1f\n\tjmp 2f\n1:\tmov $1, %[r]\n2:" : [r] "+r"(r) : "c"(vals[i]));
        __asm__ volatile("jecxz 1f\n\tjmp 2f\n1:\tmov $1, %[r]\n2:" : [r] "+r"(e) : "c"(vals[i]));
        printf("rcx=%#lx: jrcxz %s, jecxz %s\n", vals[i], r ? "taken" : "not taken",
               e ? "taken" : "not taken");
    }
#else
    static const unsigned long vals[] = {0, 1, 0x10000ul, 0xffff0000ul, 0x100ul};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        int r = 0, w = 0;
        __asm__ volatile("jecxz 1f\n\tjmp 2f\n1:\tmov $1, %[r]\n2:" : [r] "+r"(r) : "c"(vals[i]));
        __asm__ volatile("jcxz 1f\n\tjmp 2f\n1:\tmov $1, %[r]\n2:" : [r] "+r"(w) : "c"(vals[i]));
        printf("ecx=%#lx: jecxz %s, jcxz %s\n", vals[i], r ? "taken" : "not taken",
               w ? "taken" : "not taken");
    }
#endif
}

/* Branches of every distance class: a computed jump table and backward/forward jumps
 * across more than 127 bytes force the rel32 forms. */
static int far_branches(int x)
{
    int r = 0;
    __asm__ volatile("test %[x], %[x]\n\t"
                     "jz 1f\n\t"
                     ".fill 200, 1, 0x90\n\t"
                     "add $10, %[r]\n"
                     "1:\n\t"
                     "add $1, %[r]\n\t"
                     "cmp $3, %[r]\n\t"
                     "jl 1b\n\t"
                     : [r] "+r"(r) : [x] "r"(x) : "cc");
    return r;
}

int main(void)
{
    word f;
    __asm__ volatile(RZ_IN "pushf\n\tpop %[fl]" RZ_OUT : [fl] "=r"(f) : : "memory");
    base_flags = f;
    test_conditions();
    test_loop();
    test_loope_loopne();
    test_jcxz();
    printf("== long branches: %d %d\n", far_branches(0), far_branches(1));
    return 0;
}
