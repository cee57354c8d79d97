/* Byte swaps, exchanges and the atomic read-modify-write family.
 *
 * bswap (32, 64), xchg (register pairs including the one-byte accumulator forms, and
 * register/memory at every width), xadd and cmpxchg at every width in both register and
 * memory form, success and failure (flags are those of add / cmp and all six are
 * printed), cmpxchg8b, cmpxchg16b (x86-64), and lock-prefixed memory arithmetic.
 * Memory operands sit at an odd address amid guard bytes so a wrong access width shows.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define STATUS 0x8d5u

#include "asm_util.h"

/* The asm moves the stack pointer: memory operands are passed as an address register. */
#define FLAGS_OUT FLAGS_PUSHF_OUT RZ_OUT

static word base_flags;

static word flags_in(unsigned status)
{
    return (base_flags & ~(word)STATUS) | status;
}

/* --------------------------------------------------------------- guarded memory */

#define OFF 5
static unsigned char buf[32];

static void *mem_put(uint64_t v, int bytes)
{
    memset(buf, 0xc3, sizeof buf);
    memcpy(buf + OFF, &v, (size_t)bytes);
    return buf + OFF;
}

static uint64_t mem_get(int bytes)
{
    uint64_t v = 0;
    memcpy(&v, buf + OFF, (size_t)bytes);
    return v;
}

static const char *guards(int bytes)
{
    for (int i = 0; i < (int)sizeof buf; i++)
        if ((i < OFF || i >= OFF + bytes) && buf[i] != 0xc3)
            return " GUARD-CHANGED";
    return "";
}

/* -------------------------------------------------------------------- bswap */

static void test_bswap(void)
{
    printf("== bswap\n");
    const uint64_t v[] = {0, 0x0102030405060708ull, 0xff00ff00ff00ff00ull, 0x8000000000000001ull,
                          ~0ull, 0x00000000deadbeefull};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        uint32_t x = (uint32_t)v[i];
        __asm__("bswap %0" : "+r"(x));
        printf("bswap32 %08x -> %08x\n", (uint32_t)v[i], x);
#ifdef __x86_64__
        uint64_t y = v[i];
        __asm__("bswap %0" : "+r"(y));
        /* bswap of r8..r15 needs REX.B: force one of them */
        register uint64_t r9 __asm__("r9") = v[i];
        __asm__("bswap %0" : "+r"(r9));
        printf("bswap64 %016llx -> %016llx r9:%s\n", (unsigned long long)v[i],
               (unsigned long long)y, r9 == y ? "same" : "DIFFERENT");
#endif
    }
}

/* --------------------------------------------------------------------- xchg */

static void test_xchg(void)
{
    printf("== xchg\n");
    uint32_t a = 0x11111111, b = 0x22222222;
    __asm__("xchg %0, %1" : "+r"(a), "+r"(b));
    printf("xchg32 r,r: %08x %08x\n", a, b);
    /* accumulator short form (90+r): GAS picks it for %eax with another register */
    uint32_t ax = 0xaaaa0001, bx = 0xbbbb0002;
    __asm__("xchg %%ebx, %%eax" : "+a"(ax), "+b"(bx));
    printf("xchg eax,ebx (short form): %08x %08x\n", ax, bx);
    uint16_t a16 = 0x1234, b16 = 0xabcd;
    uint32_t hi_a = 0xffff0000, hi_b = 0xeeee0000; /* upper halves must survive */
    uint32_t wa = hi_a | a16, wb = hi_b | b16;
    __asm__("xchg %w0, %w1" : "+r"(wa), "+r"(wb));
    printf("xchg16 r,r: %08x %08x\n", wa, wb);
    uint32_t wax = 0x55550001, wbx = 0x66660002;
    __asm__("xchg %%bx, %%ax" : "+a"(wax), "+b"(wbx));
    printf("xchg ax,bx (short form): %08x %08x\n", wax, wbx);
    uint32_t qa = 0x01020304, qb = 0x05060708;
    __asm__("xchg %%al, %%bh" : "+a"(qa), "+b"(qb)); /* high-byte register: no REX */
    printf("xchg8 low,high byte: %08x %08x\n", qa, qb);
    /* xchg %eax,%eax is nop (0x90) in 64-bit mode and must not clear the upper half;
     * an explicit 87 C0 encoding of xchg eax,eax does zero-extend */
#ifdef __x86_64__
    uint64_t r = 0x123456789abcdef0ull;
    __asm__(".byte 0x90" : "+a"(r));
    printf("nop (90) keeps rax: %016llx\n", (unsigned long long)r);
    r = 0x123456789abcdef0ull;
    __asm__(".byte 0x87, 0xc0" : "+a"(r));
    printf("xchg eax,eax (87 c0) zero-extends: %016llx\n", (unsigned long long)r);
    uint64_t q1 = 0x1111111122222222ull, q2 = 0x3333333344444444ull;
    __asm__("xchg %0, %1" : "+r"(q1), "+r"(q2));
    printf("xchg64 r,r: %016llx %016llx\n", (unsigned long long)q1, (unsigned long long)q2);
    uint64_t r8v = 0x8888888888888888ull;
    register uint64_t r12 __asm__("r12") = 0xcccccccccccccccull;
    __asm__("xchg %0, %1" : "+a"(r8v), "+r"(r12));
    printf("xchg rax,r12: %016llx %016llx\n", (unsigned long long)r8v, (unsigned long long)r12);
#endif
    /* register <-> memory at each width */
    for (int bytes = 1; bytes <= (int)sizeof(word); bytes *= 2) {
        unsigned char *p = mem_put(0x8877665544332211ull, bytes);
        uint64_t reg = 0;
        switch (bytes) {
        case 1: {
            uint8_t x = 0xa1;
            __asm__ volatile("xchgb %0, (%1)" : "+q"(x) : "r"(p) : "memory");
            reg = x;
            break;
        }
        case 2: {
            uint16_t x = 0xa1a2;
            __asm__ volatile("xchgw %0, (%1)" : "+r"(x) : "r"(p) : "memory");
            reg = x;
            break;
        }
        case 4: {
            uint32_t x = 0xa1a2a3a4;
            __asm__ volatile("xchgl %0, (%1)" : "+r"(x) : "r"(p) : "memory");
            reg = x;
            break;
        }
#ifdef __x86_64__
        case 8: {
            uint64_t x = 0xa1a2a3a4a5a6a7a8ull;
            __asm__ volatile("xchgq %0, (%1)" : "+r"(x) : "r"(p) : "memory");
            reg = x;
            break;
        }
#endif
        }
        printf("xchg%d r,m: reg=%llx mem=%llx%s\n", bytes * 8, (unsigned long long)reg,
               (unsigned long long)mem_get(bytes), guards(bytes));
    }
}

/* ---------------------------------------------------------------------- xadd */

#define DEF_XADD(bits, T, C, S)                                                           \
    static void xadd##bits(uint64_t dst, uint64_t src, int mem, int lock)                 \
    {                                                                                     \
        T s = (T)src, d = (T)dst;                                                         \
        word f = flags_in(STATUS);                                                        \
        unsigned char *p = mem_put(dst, bits / 8);                                        \
        if (mem && lock)                                                                  \
            __asm__ volatile(FLAGS_IN "lock xadd" S " %[s], (%[p])" FLAGS_OUT             \
                             : [s] "+" C(s), [fl] "+r"(f) : [p] "r"(p) : "cc", "memory"); \
        else if (mem)                                                                     \
            __asm__ volatile(FLAGS_IN "xadd" S " %[s], (%[p])" FLAGS_OUT                  \
                             : [s] "+" C(s), [fl] "+r"(f) : [p] "r"(p) : "cc", "memory"); \
        else                                                                              \
            __asm__ volatile(FLAGS_IN "xadd %[s], %[d]" FLAGS_OUT                         \
                             : [s] "+" C(s), [d] "+" C(d), [fl] "+r"(f) : : "cc", "memory"); \
        uint64_t res = mem ? mem_get(bits / 8) : d;                                       \
        printf("%sxadd%d%s %llx %llx -> dst=%llx src=%llx f=%03x%s\n", lock ? "lock " : "", \
               bits, mem ? "m" : "", (unsigned long long)(T)dst, (unsigned long long)(T)src, \
               (unsigned long long)res, (unsigned long long)s, (unsigned)(f & STATUS),      \
               mem ? guards(bits / 8) : "");                                              \
    }
DEF_XADD(8, uint8_t, "q", "b")
DEF_XADD(16, uint16_t, "r", "w")
DEF_XADD(32, uint32_t, "r", "l")
W64(DEF_XADD(64, uint64_t, "r", "q"))

static void test_xadd(void)
{
    printf("== xadd\n");
    const uint64_t pairs[][2] = {{0, 0}, {1, 0xffffffffffffffffull}, {0x7f, 1},
                                 {0x7fff, 1}, {0x7fffffff, 1}, {0x7fffffffffffffffull, 1},
                                 {0x80, 0x80}, {0x1234, 0x4321}};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        for (int form = 0; form < 3; form++) {
            int mem = form > 0, lock = form == 2;
            xadd8(pairs[i][0], pairs[i][1], mem, lock);
            xadd16(pairs[i][0], pairs[i][1], mem, lock);
            xadd32(pairs[i][0], pairs[i][1], mem, lock);
            W64(xadd64(pairs[i][0], pairs[i][1], mem, lock);)
        }
    /* xadd with the same register as both operands: result is 2*x, source side lost */
    uint32_t x = 21;
    __asm__("xadd %0, %0" : "+r"(x) : : "cc");
    printf("xadd r,r same register: %u\n", x);
}

/* ------------------------------------------------------------------- cmpxchg */

#define DEF_CMPXCHG(bits, T, C, S)                                                        \
    static void cmpxchg##bits(uint64_t acc, uint64_t dst, uint64_t src, int mem, int lock) \
    {                                                                                     \
        T a = (T)acc, d = (T)dst, s = (T)src;                                             \
        word f = flags_in(0);                                                             \
        unsigned char *p = mem_put(dst, bits / 8);                                        \
        if (mem && lock)                                                                  \
            __asm__ volatile(FLAGS_IN "lock cmpxchg" S " %[s], (%[p])" FLAGS_OUT          \
                             : "+a"(a), [fl] "+r"(f) : [s] C(s), [p] "r"(p) : "cc", "memory"); \
        else if (mem)                                                                     \
            __asm__ volatile(FLAGS_IN "cmpxchg" S " %[s], (%[p])" FLAGS_OUT               \
                             : "+a"(a), [fl] "+r"(f) : [s] C(s), [p] "r"(p) : "cc", "memory"); \
        else                                                                              \
            __asm__ volatile(FLAGS_IN "cmpxchg %[s], %[d]" FLAGS_OUT                      \
                             : "+a"(a), [d] "+" C(d), [fl] "+r"(f) : [s] C(s) : "cc", "memory"); \
        uint64_t res = mem ? mem_get(bits / 8) : d;                                       \
        printf("%scmpxchg%d%s acc=%llx dst=%llx src=%llx -> acc=%llx dst=%llx f=%03x%s\n",  \
               lock ? "lock " : "", bits, mem ? "m" : "", (unsigned long long)(T)acc,       \
               (unsigned long long)(T)dst, (unsigned long long)(T)src, (unsigned long long)a, \
               (unsigned long long)res, (unsigned)(f & STATUS), mem ? guards(bits / 8) : ""); \
    }
DEF_CMPXCHG(8, uint8_t, "q", "b")
DEF_CMPXCHG(16, uint16_t, "r", "w")
DEF_CMPXCHG(32, uint32_t, "r", "l")
W64(DEF_CMPXCHG(64, uint64_t, "r", "q"))

static void test_cmpxchg(void)
{
    printf("== cmpxchg\n");
    /* {acc, dst, src}: equal (store), unequal both ways (load into acc, flags of cmp) */
    const uint64_t cases[][3] = {
        {5, 5, 9},
        {5, 6, 9},
        {6, 5, 9},
        {0x80, 0x7f, 1},
        {0x8000000000000000ull, 0x8000000000000000ull, 0x1111111111111111ull},
        {0xffffffffffffffffull, 0x7fffffffffffffffull, 0},
        {0x1234567887654321ull, 0x1234567887654322ull, 0xabcdef},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (int form = 0; form < 3; form++) {
            int mem = form > 0, lock = form == 2;
            cmpxchg8(cases[i][0], cases[i][1], cases[i][2], mem, lock);
            cmpxchg16(cases[i][0], cases[i][1], cases[i][2], mem, lock);
            cmpxchg32(cases[i][0], cases[i][1], cases[i][2], mem, lock);
            W64(cmpxchg64(cases[i][0], cases[i][1], cases[i][2], mem, lock);)
        }
#ifdef __x86_64__
    /* a failing 32-bit cmpxchg writes eax, and a 32-bit register write zero-extends */
    uint64_t rax = 0xffffffff00000001ull;
    uint32_t d = 2, s = 3;
    __asm__ volatile("cmpxchg %[s], %[d]" : "+a"(rax), [d] "+r"(d) : [s] "r"(s) : "cc");
    printf("cmpxchg32 failure zero-extends rax: %016llx\n", (unsigned long long)rax);
#endif
}

static void test_cmpxchg8b(void)
{
    printf("== cmpxchg8b\n");
    for (int lock = 0; lock < 2; lock++)
        for (int equal = 0; equal < 2; equal++) {
            uint64_t *p = mem_put(0x1122334455667788ull, 8);
            uint32_t eax = equal ? 0x55667788 : 0x55667789, edx = 0x11223344;
            uint32_t ebx = 0xaabbccdd, ecx = 0xeeff0011;
            word f = flags_in(equal ? 0 : STATUS);
            /* ebx is reserved in 32-bit PIC code: shuffle through a scratch register */
            if (lock)
                __asm__ volatile(FLAGS_IN "xchg %%ebx, %[b]\n\tlock cmpxchg8b (%[p])\n\t"
                                 "xchg %%ebx, %[b]" FLAGS_OUT
                                 : "+a"(eax), "+d"(edx), [fl] "+r"(f), [b] "+S"(ebx)
                                 : "c"(ecx), [p] "D"(p) : "cc", "memory");
            else
                __asm__ volatile(FLAGS_IN "xchg %%ebx, %[b]\n\tcmpxchg8b (%[p])\n\t"
                                 "xchg %%ebx, %[b]" FLAGS_OUT
                                 : "+a"(eax), "+d"(edx), [fl] "+r"(f), [b] "+S"(ebx)
                                 : "c"(ecx), [p] "D"(p) : "cc", "memory");
            printf("%scmpxchg8b %s: edx:eax=%08x:%08x mem=%016llx zf=%d%s\n", lock ? "lock " : "",
                   equal ? "equal" : "unequal", edx, eax, (unsigned long long)mem_get(8),
                   !!(f & 0x40), guards(8));
        }
}

#ifdef __x86_64__
static void test_cmpxchg16b(void)
{
    printf("== cmpxchg16b\n");
    static __attribute__((aligned(16))) uint64_t m[4];
    for (int equal = 0; equal < 2; equal++) {
        m[0] = 0x1111111111111111ull, m[1] = 0x2222222222222222ull;
        m[2] = m[3] = 0x5a5a5a5a5a5a5a5aull;
        uint64_t rax = equal ? m[0] : 1, rdx = m[1];
        uint64_t rbx = 0x3333333333333333ull, rcx = 0x4444444444444444ull;
        word f = flags_in(equal ? 0 : STATUS);
        __asm__ volatile(FLAGS_IN "lock cmpxchg16b (%[p])" FLAGS_OUT
                         : "+a"(rax), "+d"(rdx), [fl] "+r"(f)
                         : "b"(rbx), "c"(rcx), [p] "r"(m) : "cc", "memory");
        printf("cmpxchg16b %s: rdx:rax=%016llx:%016llx mem=%016llx:%016llx zf=%d next=%s\n",
               equal ? "equal" : "unequal", (unsigned long long)rdx, (unsigned long long)rax,
               (unsigned long long)m[1], (unsigned long long)m[0], !!(f & 0x40),
               m[2] == 0x5a5a5a5a5a5a5a5aull ? "intact" : "CHANGED");
    }
}
#endif

/* ------------------------------------------------------------ lock prefixes */

static void test_lock_ops(void)
{
    printf("== lock-prefixed memory arithmetic\n");
    uint32_t *p = mem_put(0x7ffffffe, 4);
    word f = flags_in(0);
    __asm__ volatile(FLAGS_IN "lock incl (%[p])" FLAGS_OUT : [fl] "+r"(f) : [p] "r"(p) : "cc", "memory");
    printf("lock inc: %08llx f=%03x%s\n", (unsigned long long)mem_get(4), (unsigned)(f & STATUS), guards(4));
    f = flags_in(0);
    __asm__ volatile(FLAGS_IN "lock incl (%[p])" FLAGS_OUT : [fl] "+r"(f) : [p] "r"(p) : "cc", "memory");
    printf("lock inc: %08llx f=%03x\n", (unsigned long long)mem_get(4), (unsigned)(f & STATUS));
    f = flags_in(STATUS);
    __asm__ volatile(FLAGS_IN "lock addl $0x80000000, (%[p])" FLAGS_OUT : [fl] "+r"(f) : [p] "r"(p) : "cc", "memory");
    printf("lock add: %08llx f=%03x\n", (unsigned long long)mem_get(4), (unsigned)(f & STATUS));
    f = flags_in(0);
    __asm__ volatile(FLAGS_IN "lock subw $1, (%[p])" FLAGS_OUT : [fl] "+r"(f) : [p] "r"(p) : "cc", "memory");
    printf("lock sub16: %08llx f=%03x\n", (unsigned long long)mem_get(4), (unsigned)(f & STATUS));
    f = flags_in(0);
    __asm__ volatile(FLAGS_IN "lock orb $0xf0, 3(%[p])" FLAGS_OUT : [fl] "+r"(f) : [p] "r"(p) : "cc", "memory");
    printf("lock or8: %08llx f=%03x\n", (unsigned long long)mem_get(4), (unsigned)(f & 0x8c5));
    f = flags_in(0);
    __asm__ volatile(FLAGS_IN "lock andl $0x0ff00ff0, (%[p])" FLAGS_OUT : [fl] "+r"(f) : [p] "r"(p) : "cc", "memory");
    printf("lock and: %08llx f=%03x\n", (unsigned long long)mem_get(4), (unsigned)(f & 0x8c5));
    f = flags_in(0);
    __asm__ volatile(FLAGS_IN "lock xorl $-1, (%[p])" FLAGS_OUT : [fl] "+r"(f) : [p] "r"(p) : "cc", "memory");
    printf("lock xor: %08llx f=%03x\n", (unsigned long long)mem_get(4), (unsigned)(f & 0x8c5));
    f = flags_in(0);
    __asm__ volatile(FLAGS_IN "lock negl (%[p])" FLAGS_OUT : [fl] "+r"(f) : [p] "r"(p) : "cc", "memory");
    printf("lock neg: %08llx f=%03x\n", (unsigned long long)mem_get(4), (unsigned)(f & STATUS));
    f = flags_in(STATUS);
    __asm__ volatile(FLAGS_IN "lock notl (%[p])" FLAGS_OUT : [fl] "+r"(f) : [p] "r"(p) : "cc", "memory");
    printf("lock not: %08llx f=%03x\n", (unsigned long long)mem_get(4), (unsigned)(f & STATUS));
    f = flags_in(0);
    __asm__ volatile(FLAGS_IN "lock btsl $33, (%[p])" FLAGS_OUT : [fl] "+r"(f) : [p] "r"(p) : "cc", "memory");
    printf("lock bts $33 (masked to 1): %08llx cf=%d\n", (unsigned long long)mem_get(4), (int)(f & 1));
    f = flags_in(STATUS);
    __asm__ volatile(FLAGS_IN "lock adcl $0, (%[p])" FLAGS_OUT : [fl] "+r"(f) : [p] "r"(p) : "cc", "memory");
    printf("lock adc: %08llx f=%03x\n", (unsigned long long)mem_get(4), (unsigned)(f & STATUS));
    f = flags_in(STATUS);
    __asm__ volatile(FLAGS_IN "lock sbbl $0, (%[p])" FLAGS_OUT : [fl] "+r"(f) : [p] "r"(p) : "cc", "memory");
    printf("lock sbb: %08llx f=%03x%s\n", (unsigned long long)mem_get(4), (unsigned)(f & STATUS), guards(4));
#ifdef __x86_64__
    uint64_t *q = mem_put(0xfffffffffffffffeull, 8);
    f = flags_in(0);
    __asm__ volatile(FLAGS_IN "lock incq (%[q])" FLAGS_OUT : [fl] "+r"(f) : [q] "r"(q) : "cc", "memory");
    __asm__ volatile(FLAGS_IN "lock incq (%[q])" FLAGS_OUT : [fl] "+r"(f) : [q] "r"(q) : "cc", "memory");
    printf("lock inc64 twice: %016llx f=%03x%s\n", (unsigned long long)mem_get(8), (unsigned)(f & STATUS), guards(8));
#endif
}

int main(void)
{
    word f;
    __asm__ volatile(RZ_IN "pushf\n\tpop %[fl]" RZ_OUT : [fl] "=r"(f) : : "memory");
    base_flags = f;
    test_bswap();
    test_xchg();
    test_xadd();
    test_cmpxchg();
    test_cmpxchg8b();
#ifdef __x86_64__
    test_cmpxchg16b();
#endif
    test_lock_ops();
    return 0;
}
