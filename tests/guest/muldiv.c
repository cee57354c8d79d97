/* Multiplication and division, every form and width.
 *
 * mul/imul one-operand (register and memory), imul two- and three-operand (imm8 and full
 * immediates): the product and CF/OF (SF ZF AF PF are undefined after multiplies and are
 * masked out). div/idiv (register and memory) over boundary dividends and divisors: the
 * quotient and remainder; all their flags are undefined and not printed. Cases the
 * hardware rejects with #DE are predicted in C and skipped in that sweep.
 *
 * Then the trapping cases: with a SIGFPE handler (SA_SIGINFO) for divide by zero and
 * quotient overflow at each width, printing si_code, whether the reported instruction
 * address is the divide itself, and whether the dividend registers were left untouched.
 * Last, an unhandled INT_MIN / -1: the program dies of SIGFPE (exit status 136 in both
 * runs). stdout is flushed first.
 */
#define _GNU_SOURCE /* REG_RIP and friends in <ucontext.h> */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

#define CF 0x001u
#define OF 0x800u

#include "asm_util.h"

/* Flags in: all status flags set, so a multiply that forgets to clear CF/OF shows. */
/* The asm moves the stack pointer, so memory operands inside it are always given as an
 * address in a register, never as "m" (which may be rsp-relative). */
#define FLAGS_OUT FLAGS_PUSHF_OUT RZ_OUT

static word flags_all_set(void)
{
    word f;
    __asm__ volatile(RZ_IN "pushf\n\tpop %[fl]" RZ_OUT : [fl] "=r"(f) : : "memory");
    return f | 0x8d5;
}

static uint64_t width_mask(int bits)
{
    return bits == 64 ? ~0ull : (1ull << bits) - 1;
}

#define NVALS 14
static void boundary_values(int bits, uint64_t v[NVALS])
{
    uint64_t m = width_mask(bits), smax = m >> 1, smin = smax + 1;
    const uint64_t list[NVALS] = {0, 1, 2, 3, 7, 10, 0x5555555555555555ull & m, smax - 1, smax,
                                  smin, smin + 1, m - 2, m - 1, m};
    memcpy(v, list, sizeof list);
}

/* ------------------------------------------------------------- one-operand mul/imul */

/* Result: lo (and hi for 16 bits and up; for 8 bits the product is all in AX). */
struct wide {
    uint64_t lo, hi;
    unsigned flags;
};

#define DEF_MUL1(op, bits, T, C, S)                                                       \
    static struct wide op##bits##_r(uint64_t a64, uint64_t b64)                           \
    {                                                                                     \
        T a = (T)a64, b = (T)b64, d = 0x5a;                                               \
        word f = flags_all_set();                                                         \
        __asm__ volatile(FLAGS_IN #op S " %[b]" FLAGS_OUT                                 \
                         : "+a"(a), "+d"(d), [fl] "+r"(f)                                 \
                         : [b] C(b)                                                       \
                         : "cc", "memory");                                               \
        return (struct wide){a, d, (unsigned)f};                                          \
    }                                                                                     \
    static struct wide op##bits##_m(uint64_t a64, uint64_t b64)                           \
    {                                                                                     \
        T a = (T)a64, d = 0x5a;                                                           \
        volatile T b = (T)b64;                                                            \
        word f = flags_all_set();                                                         \
        __asm__ volatile(FLAGS_IN #op S " (%[b])" FLAGS_OUT                               \
                         : "+a"(a), "+d"(d), [fl] "+r"(f)                                 \
                         : [b] "r"(&b)                                                    \
                         : "cc", "memory");                                               \
        return (struct wide){a, d, (unsigned)f};                                          \
    }

/* 8 bits: AX = AL * r/m8; DX must be untouched (it is "d" = 0x5a going in). */
static struct wide mul8(int sign, int mem, uint64_t a64, uint64_t b64)
{
    uint16_t ax = (uint8_t)a64, dx = 0x5a5a;
    uint8_t b = (uint8_t)b64;
    volatile uint8_t bm = (uint8_t)b64;
    word f = flags_all_set();
    if (!sign && !mem)
        __asm__ volatile(FLAGS_IN "mulb %[b]" FLAGS_OUT
                         : "+a"(ax), "+d"(dx), [fl] "+r"(f) : [b] "q"(b) : "cc", "memory");
    else if (!sign)
        __asm__ volatile(FLAGS_IN "mulb (%[b])" FLAGS_OUT
                         : "+a"(ax), "+d"(dx), [fl] "+r"(f) : [b] "r"(&bm) : "cc", "memory");
    else if (!mem)
        __asm__ volatile(FLAGS_IN "imulb %[b]" FLAGS_OUT
                         : "+a"(ax), "+d"(dx), [fl] "+r"(f) : [b] "q"(b) : "cc", "memory");
    else
        __asm__ volatile(FLAGS_IN "imulb (%[b])" FLAGS_OUT
                         : "+a"(ax), "+d"(dx), [fl] "+r"(f) : [b] "r"(&bm) : "cc", "memory");
    return (struct wide){ax, dx, (unsigned)f};
}

#define MUL_WIDTHS(X)                                                                     \
    X(mul, 16, uint16_t, "r", "w") X(mul, 32, uint32_t, "r", "l")                         \
    X(imul, 16, uint16_t, "r", "w") X(imul, 32, uint32_t, "r", "l")                       \
    W64(X(mul, 64, uint64_t, "r", "q") X(imul, 64, uint64_t, "r", "q"))
MUL_WIDTHS(DEF_MUL1)

typedef struct wide (*mulfn)(uint64_t, uint64_t);
struct mulop {
    const char *name;
    int bits;
    mulfn reg, mem;
};
#define MULROW(op, bits, T, C, S) {#op, bits, op##bits##_r, op##bits##_m},
static const struct mulop mul_ops[] = {MUL_WIDTHS(MULROW)};

static void section_mul1(void)
{
    printf("== one-operand mul/imul (register and memory source)\n");
    uint64_t v[NVALS];
    boundary_values(8, v);
    for (int sign = 0; sign < 2; sign++)
        for (int x = 0; x < NVALS; x++)
            for (int y = 0; y < NVALS; y++) {
                struct wide r = mul8(sign, 0, v[x], v[y]);
                struct wide m = mul8(sign, 1, v[x], v[y]);
                printf("%s8 %02llx %02llx -> ax=%04llx dx=%04llx cf/of=%03x mem:%s\n",
                       sign ? "imul" : "mul", (unsigned long long)v[x], (unsigned long long)v[y],
                       (unsigned long long)r.lo, (unsigned long long)r.hi, r.flags & (CF | OF),
                       (m.lo == r.lo && m.hi == r.hi && ((m.flags ^ r.flags) & (CF | OF)) == 0) ? "same" : "DIFFERENT");
            }
    for (size_t i = 0; i < sizeof mul_ops / sizeof mul_ops[0]; i++) {
        int bits = mul_ops[i].bits, d = bits / 4;
        boundary_values(bits, v);
        for (int x = 0; x < NVALS; x++)
            for (int y = 0; y < NVALS; y++) {
                struct wide r = mul_ops[i].reg(v[x], v[y]);
                struct wide m = mul_ops[i].mem(v[x], v[y]);
                printf("%s%d %0*llx %0*llx -> hi=%0*llx lo=%0*llx cf/of=%03x mem:%s\n",
                       mul_ops[i].name, bits, d, (unsigned long long)v[x], d,
                       (unsigned long long)v[y], d, (unsigned long long)r.hi, d,
                       (unsigned long long)r.lo, r.flags & (CF | OF),
                       (m.lo == r.lo && m.hi == r.hi && ((m.flags ^ r.flags) & (CF | OF)) == 0) ? "same" : "DIFFERENT");
            }
    }
}

/* ------------------------------------------------------- two- and three-operand imul */

#define DEF_IMUL2(bits, T, S)                                                             \
    static struct wide imul2_##bits(uint64_t a64, uint64_t b64, int mem)                  \
    {                                                                                     \
        T a = (T)a64, b = (T)b64;                                                         \
        volatile T bm = (T)b64;                                                           \
        word f = flags_all_set();                                                         \
        if (mem)                                                                          \
            __asm__ volatile(FLAGS_IN "imul" S " (%[b]), %[a]" FLAGS_OUT                  \
                             : [a] "+r"(a), [fl] "+r"(f) : [b] "r"(&bm) : "cc", "memory"); \
        else                                                                              \
            __asm__ volatile(FLAGS_IN "imul" S " %[b], %[a]" FLAGS_OUT                    \
                             : [a] "+r"(a), [fl] "+r"(f) : [b] "r"(b) : "cc", "memory");  \
        return (struct wide){a, 0, (unsigned)f};                                          \
    }
/* imul $IMM, src, dst with src != dst (register) and src in memory */
#define DEF_IMUL3(bits, T, S, IMM, NAME)                                                  \
    static struct wide NAME(uint64_t a64, uint64_t b64, int mem)                          \
    {                                                                                     \
        T a = (T)a64, r = 0x77;                                                           \
        volatile T am = (T)a64;                                                           \
        word f = flags_all_set();                                                         \
        (void)b64;                                                                        \
        if (mem)                                                                          \
            __asm__ volatile(FLAGS_IN "imul" S " $" #IMM ", (%[a]), %[r]" FLAGS_OUT       \
                             : [r] "=&r"(r), [fl] "+r"(f) : [a] "r"(&am) : "cc", "memory"); \
        else                                                                              \
            __asm__ volatile(FLAGS_IN "imul" S " $" #IMM ", %[a], %[r]" FLAGS_OUT         \
                             : [r] "=&r"(r), [fl] "+r"(f) : [a] "r"(a) : "cc", "memory"); \
        return (struct wide){r, 0, (unsigned)f};                                          \
    }
#define IMUL_FORMS(bits, T, S, BIG)                                                       \
    DEF_IMUL2(bits, T, S)                                                                 \
    DEF_IMUL3(bits, T, S, 3, imul3_3_##bits)                                              \
    DEF_IMUL3(bits, T, S, -1, imul3_m1_##bits)                                            \
    DEF_IMUL3(bits, T, S, 0x7f, imul3_7f_##bits)                                          \
    DEF_IMUL3(bits, T, S, -0x80, imul3_m80_##bits)                                        \
    DEF_IMUL3(bits, T, S, BIG, imul3_big_##bits)                                          \
    DEF_IMUL3(bits, T, S, -BIG, imul3_mbig_##bits)
IMUL_FORMS(16, uint16_t, "w", 0x1234)
IMUL_FORMS(32, uint32_t, "l", 0x12345678)
W64(IMUL_FORMS(64, uint64_t, "q", 0x12345678))

typedef struct wide (*imulfn)(uint64_t, uint64_t, int);
struct imulop {
    const char *name;
    int bits;
    imulfn fn;
    int binary; /* uses the second operand */
};
#define IMROWS(bits)                                                                      \
    {"imul2", bits, imul2_##bits, 1}, {"imul3 $3", bits, imul3_3_##bits, 0},              \
        {"imul3 $-1", bits, imul3_m1_##bits, 0}, {"imul3 $0x7f", bits, imul3_7f_##bits, 0}, \
        {"imul3 $-0x80", bits, imul3_m80_##bits, 0},                                      \
        {"imul3 $big", bits, imul3_big_##bits, 0},                                        \
        {"imul3 $-big", bits, imul3_mbig_##bits, 0},
static const struct imulop imul_ops[] = {IMROWS(16) IMROWS(32) W64(IMROWS(64))};

static void section_imul23(void)
{
    printf("== imul r, r/m and imul r, r/m, imm\n");
    for (size_t i = 0; i < sizeof imul_ops / sizeof imul_ops[0]; i++) {
        const struct imulop *op = &imul_ops[i];
        int d = op->bits / 4;
        uint64_t v[NVALS];
        boundary_values(op->bits, v);
        for (int x = 0; x < NVALS; x++)
            for (int y = 0; y < (op->binary ? NVALS : 1); y++) {
                struct wide r = op->fn(v[x], v[y], 0), m = op->fn(v[x], v[y], 1);
                printf("%s.%d %0*llx", op->name, op->bits, d, (unsigned long long)v[x]);
                if (op->binary)
                    printf(" %0*llx", d, (unsigned long long)v[y]);
                printf(" -> %0*llx cf/of=%03x mem:%s\n", d, (unsigned long long)r.lo,
                       r.flags & (CF | OF),
                       (m.lo == r.lo && ((m.flags ^ r.flags) & (CF | OF)) == 0) ? "same" : "DIFFERENT");
            }
    }
}

/* ------------------------------------------------------------------- div / idiv */

#ifdef __x86_64__
typedef __int128 sbig;
typedef unsigned __int128 ubig;
#else
typedef int64_t sbig; /* widths up to 32 only: a dividend fits in 64 bits */
typedef uint64_t ubig;
#endif

/* V (BITS wide) sign-extended to sbig. */
static sbig sext(ubig v, int bits)
{
    if (bits >= (int)(8 * sizeof(ubig)))
        return (sbig)v;
    ubig sign = (ubig)1 << (bits - 1);
    v &= ((ubig)1 << bits) - 1;
    return (sbig)((v ^ sign) - sign);
}

/* Does (hi:lo) / d raise #DE at this width? Decided in C so the sweep runs legal cases
 * only; the trapping ones are exercised separately below. */
static int div_traps(int sign, int bits, uint64_t hi, uint64_t lo, uint64_t d)
{
    uint64_t m = width_mask(bits);
    hi &= m, lo &= m, d &= m;
    if (d == 0)
        return 1;
    if (!sign)
        return hi >= d; /* the quotient would need more than BITS bits */
    sbig n = sext(((ubig)hi << bits) | lo, 2 * bits), dv = sext(d, bits);
    sbig smax = ((sbig)1 << (bits - 1)) - 1;
    if (dv == -1) /* q = -n: stay clear of C's own overflow */
        return !(n >= -smax && n <= smax + 1);
    sbig q = n / dv;
    return q < -smax - 1 || q > smax;
}

struct divres {
    uint64_t q, r;
};

/* 8 bits: AX / r/m8 -> AL quotient, AH remainder. */
static struct divres div8(int sign, int mem, uint64_t hi, uint64_t lo, uint64_t d64)
{
    uint16_t ax = (uint16_t)(((hi & 0xff) << 8) | (lo & 0xff));
    uint8_t d = (uint8_t)d64;
    volatile uint8_t dm = d;
    if (!sign && !mem)
        __asm__ volatile("divb %[d]" : "+a"(ax) : [d] "q"(d) : "cc");
    else if (!sign)
        __asm__ volatile("divb %[d]" : "+a"(ax) : [d] "m"(dm) : "cc");
    else if (!mem)
        __asm__ volatile("idivb %[d]" : "+a"(ax) : [d] "q"(d) : "cc");
    else
        __asm__ volatile("idivb %[d]" : "+a"(ax) : [d] "m"(dm) : "cc");
    return (struct divres){ax & 0xff, ax >> 8};
}

#define DEF_DIV(bits, T, S)                                                               \
    static struct divres div##bits(int sign, int mem, uint64_t hi64, uint64_t lo64,       \
                                   uint64_t d64)                                          \
    {                                                                                     \
        T lo = (T)lo64, hi = (T)hi64, d = (T)d64;                                         \
        volatile T dm = d;                                                                \
        if (!sign && !mem)                                                                \
            __asm__ volatile("div" S " %[d]" : "+a"(lo), "+d"(hi) : [d] "r"(d) : "cc");   \
        else if (!sign)                                                                   \
            __asm__ volatile("div" S " %[d]" : "+a"(lo), "+d"(hi) : [d] "m"(dm) : "cc");  \
        else if (!mem)                                                                    \
            __asm__ volatile("idiv" S " %[d]" : "+a"(lo), "+d"(hi) : [d] "r"(d) : "cc");  \
        else                                                                              \
            __asm__ volatile("idiv" S " %[d]" : "+a"(lo), "+d"(hi) : [d] "m"(dm) : "cc"); \
        return (struct divres){lo, hi};                                                   \
    }
DEF_DIV(16, uint16_t, "w")
DEF_DIV(32, uint32_t, "l")
W64(DEF_DIV(64, uint64_t, "q"))

typedef struct divres (*divfn)(int, int, uint64_t, uint64_t, uint64_t);
static const struct {
    int bits;
    divfn fn;
} div_ops[] = {{8, div8}, {16, div16}, {32, div32}, W64({64, div64})};

static void section_div(void)
{
    printf("== div/idiv (register and memory divisor), non-trapping cases\n");
    for (size_t i = 0; i < sizeof div_ops / sizeof div_ops[0]; i++) {
        int bits = div_ops[i].bits, dg = bits / 4;
        uint64_t m = width_mask(bits), v[NVALS];
        boundary_values(bits, v);
        for (int sign = 0; sign < 2; sign++)
            for (int x = 0; x < NVALS; x++) {
                uint64_t lo = v[x];
                /* high halves: zero, one, the sign extension of lo, all ones, sign bit */
                const uint64_t his[5] = {0, 1, (lo >> (bits - 1)) ? m : 0, m, (m >> 1) + 1};
                for (int h = 0; h < 5; h++)
                    for (int y = 0; y < NVALS; y++) {
                        if ((h == 2 && his[2] == 0) || (h == 3 && his[2] == m))
                            continue; /* same high half as an earlier one */
                        if (div_traps(sign, bits, his[h], lo, v[y]))
                            continue;
                        struct divres r = div_ops[i].fn(sign, 0, his[h], lo, v[y]);
                        struct divres mr = div_ops[i].fn(sign, 1, his[h], lo, v[y]);
                        printf("%s%d %0*llx:%0*llx / %0*llx -> q=%0*llx r=%0*llx mem:%s\n",
                               sign ? "idiv" : "div", bits, dg, (unsigned long long)his[h], dg,
                               (unsigned long long)lo, dg, (unsigned long long)v[y], dg,
                               (unsigned long long)r.q, dg, (unsigned long long)r.r,
                               (mr.q == r.q && mr.r == r.r) ? "same" : "DIFFERENT");
                    }
            }
    }
}

/* ------------------------------------------------------------ trapping divides */

static sigjmp_buf trap_env;
static volatile uintptr_t expected_ip; /* address of the divide, stored by the asm */
static volatile int trap_code;
static volatile uintptr_t trap_addr, trap_ctx_ip;
static volatile uint64_t trap_ctx_a, trap_ctx_d;

#ifdef __x86_64__
#define REG_IP REG_RIP
#define REG_A REG_RAX
#define REG_D REG_RDX
/* Store the address of local label 1 (the divide) in expected_ip before executing it. */
#define NOTE_IP "lea 1f(%%rip), %%rcx\n\tmov %%rcx, %[eip]\n\t"
#define NOTE_CLOBBER , "rcx"
#else
#define REG_IP REG_EIP
#define REG_A REG_EAX
#define REG_D REG_EDX
#define NOTE_IP "movl $1f, %[eip]\n\t"
#define NOTE_CLOBBER
#endif

static void on_sigfpe(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    (void)sig;
    trap_code = si->si_code;
    trap_addr = (uintptr_t)si->si_addr;
    trap_ctx_ip = (uintptr_t)uc->uc_mcontext.gregs[REG_IP];
    trap_ctx_a = (uint64_t)uc->uc_mcontext.gregs[REG_A];
    trap_ctx_d = (uint64_t)uc->uc_mcontext.gregs[REG_D];
    siglongjmp(trap_env, 1);
}

/* Each stub loads the dividend, notes the divide's address and divides; it only returns
 * if the divide did not trap. */
#define DEF_TRAP(name, insn, T, DC)                                                       \
    static void name(uint64_t hi64, uint64_t lo64, uint64_t d64)                          \
    {                                                                                     \
        T lo = (T)lo64, hi = (T)hi64, d = (T)d64;                                         \
        __asm__ volatile(NOTE_IP "1: " insn " %[d]"                                       \
                         : "+a"(lo), "+d"(hi), [eip] "=m"(expected_ip)                    \
                         : [d] DC(d)                                                      \
                         : "cc" NOTE_CLOBBER);                                            \
    }
/* 8 bits: the dividend is AX alone; DX is set to check it is not touched either. */
#define DEF_TRAP8(name, insn)                                                             \
    static void name(uint64_t hi64, uint64_t lo64, uint64_t d64)                          \
    {                                                                                     \
        uint16_t ax = (uint16_t)(((hi64 & 0xff) << 8) | (lo64 & 0xff)), dx = 0x5a5a;      \
        uint8_t d = (uint8_t)d64;                                                         \
        __asm__ volatile(NOTE_IP "1: " insn " %[d]"                                       \
                         : "+a"(ax), "+d"(dx), [eip] "=m"(expected_ip)                    \
                         : [d] "q"(d)                                                     \
                         : "cc" NOTE_CLOBBER);                                            \
    }
DEF_TRAP8(trap_div8, "divb")
DEF_TRAP8(trap_idiv8, "idivb")
DEF_TRAP(trap_div16, "divw", uint16_t, "r")
DEF_TRAP(trap_idiv16, "idivw", uint16_t, "r")
DEF_TRAP(trap_div32, "divl", uint32_t, "r")
DEF_TRAP(trap_idiv32, "idivl", uint32_t, "r")
DEF_TRAP(trap_idiv32m, "idivl", uint32_t, "m")
#ifdef __x86_64__
DEF_TRAP(trap_div64, "divq", uint64_t, "r")
DEF_TRAP(trap_idiv64, "idivq", uint64_t, "r")
DEF_TRAP(trap_idiv64m, "idivq", uint64_t, "m")
#endif

struct trapcase {
    const char *what;
    void (*fn)(uint64_t, uint64_t, uint64_t);
    int bits;
    uint64_t hi, lo, d;
};
static const struct trapcase trap_cases[] = {
    {"div8 by zero", trap_div8, 8, 0x12, 0x34, 0},
    {"div8 quotient overflow", trap_div8, 8, 0x12, 0x34, 0x12},
    {"idiv8 by zero", trap_idiv8, 8, 0, 5, 0},
    {"idiv8 -128/-1", trap_idiv8, 8, 0xff, 0x80, 0xff},
    {"idiv8 positive overflow", trap_idiv8, 8, 0x10, 0, 2},
    {"div16 by zero", trap_div16, 16, 0, 1, 0},
    {"div16 quotient overflow", trap_div16, 16, 1, 0, 1},
    {"idiv16 by zero", trap_idiv16, 16, 0xffff, 0xffff, 0},
    {"idiv16 -32768/-1", trap_idiv16, 16, 0xffff, 0x8000, 0xffff},
    {"div32 by zero", trap_div32, 32, 0, 0, 0},
    {"div32 quotient overflow", trap_div32, 32, 0xffffffff, 0, 0xffffffff},
    {"idiv32 by zero", trap_idiv32, 32, 0, 7, 0},
    {"idiv32 INT_MIN/-1", trap_idiv32, 32, 0xffffffff, 0x80000000, 0xffffffff},
    {"idiv32 negative overflow", trap_idiv32, 32, 0xc0000000, 0, 2},
    {"idiv32 INT_MIN/-1 memory divisor", trap_idiv32m, 32, 0xffffffff, 0x80000000, 0xffffffff},
#ifdef __x86_64__
    {"div64 by zero", trap_div64, 64, 0, 1, 0},
    {"div64 quotient overflow", trap_div64, 64, 2, 0, 2},
    {"idiv64 INT64_MIN/-1", trap_idiv64, 64, ~0ull, 1ull << 63, ~0ull},
    {"idiv64 by zero memory divisor", trap_idiv64m, 64, 0, 0, 0},
#endif
};

static void section_traps(void)
{
    printf("== trapping divides, caught by a SIGFPE handler\n");
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigfpe;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGFPE, &sa, NULL) != 0) {
        printf("sigaction failed\n");
        return;
    }
    for (size_t i = 0; i < sizeof trap_cases / sizeof trap_cases[0]; i++) {
        const struct trapcase *t = &trap_cases[i];
        uint64_t m = width_mask(t->bits);
        /* what AX/EAX/RAX and DX/.. held going in, as the handler should see them */
        uint64_t want_a = t->bits == 8 ? ((t->hi & 0xff) << 8) | t->lo : t->lo;
        uint64_t want_d = t->bits == 8 ? 0x5a5a : t->hi;
        uint64_t cmp_mask = t->bits == 8 ? 0xffff : m;
        expected_ip = 0;
        trap_code = -1;
        if (sigsetjmp(trap_env, 1) == 0) {
            t->fn(t->hi, t->lo, t->d);
            printf("%s: no trap\n", t->what);
            continue;
        }
        printf("%s: SIGFPE si_code=%d%s si_addr=divide:%s context ip=divide:%s "
               "dividend registers unchanged:%s\n",
               t->what, trap_code, trap_code == FPE_INTDIV ? " (FPE_INTDIV)" : "",
               trap_addr == expected_ip ? "yes" : "no",
               trap_ctx_ip == expected_ip ? "yes" : "no",
               ((trap_ctx_a & cmp_mask) == (want_a & cmp_mask) &&
                (trap_ctx_d & cmp_mask) == (want_d & cmp_mask))
                   ? "yes"
                   : "no");
    }
}

/* The last act: an unhandled quotient overflow kills the process with SIGFPE. */
static void die_of_sigfpe(void)
{
    printf("== unhandled idiv INT_MIN/-1: the process dies of SIGFPE now\n");
    fflush(stdout);
    signal(SIGFPE, SIG_DFL);
    trap_idiv32(0xffffffff, 0x80000000, 0xffffffff);
    printf("still alive after INT_MIN/-1\n");
}

int main(void)
{
    section_mul1();
    section_imul23();
    section_div();
    section_traps();
    die_of_sigfpe();
    return 0;
}
