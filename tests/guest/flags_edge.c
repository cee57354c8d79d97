/* Exhaustive edge cases of the integer ALU, shifts and rotates: result and flags.
 *
 * Every case sets the six status flags to a known input pattern (all clear or all set,
 * so CF-in is 0 and 1 and "flag unchanged" is observable), runs one instruction via
 * inline asm, reads the flags with pushf and prints the result and the flags the SDM
 * defines for that instruction and count. Undefined flags are masked out (AF after
 * logic ops and shifts, OF after multi-bit shifts and rotates, CF after shl/shr by the
 * operand size or more); a count that masks to 0 leaves every flag unchanged, so then
 * all six are printed. shld/shrd results for counts above the operand size are
 * undefined and are not printed at all.
 *
 * Sections: register-register ALU over all pairs of boundary values; unary ops; shifts
 * and rotates by CL over every count; by immediate (including the D0/D1 by-1 forms);
 * shld/shrd; and the other encodings (memory operands at an unaligned address with guard
 * bytes around them, imm8 sign-extended, full immediates, accumulator short forms).
 *
 * The output is large (about 120k lines); the time limit allows a slow interpreter.
 * hexvm-test: timeout=300
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define CF 0x001u
#define PF 0x004u
#define AF 0x010u
#define ZF 0x040u
#define SF 0x080u
#define OF 0x800u
#define STATUS (CF | PF | AF | ZF | SF | OF)

typedef unsigned long word; /* what pushf/popf move in this mode */

/* x86-64 code may keep locals in the 128-byte red zone below rsp; step over it before
 * pushing. lea, unlike add/sub, leaves the flags alone. */
#ifdef __x86_64__
#define RZ_IN "lea -128(%%rsp), %%rsp\n\t"
#define RZ_OUT "\n\tlea 128(%%rsp), %%rsp"
#define W64(x) x
#else
#define RZ_IN ""
#define RZ_OUT ""
#define W64(x)
#endif
#define FLAGS_IN RZ_IN "push %[fl]\n\tpopf\n\t"
#define FLAGS_OUT "\n\tpushf\n\tpop %[fl]" RZ_OUT

typedef uint64_t (*opfn)(uint64_t a, uint64_t b, word *fl);

static word base_flags; /* the non-status flags as the program found them */

static uint64_t width_mask(int bits)
{
    return bits == 64 ? ~0ull : (1ull << bits) - 1;
}

/* The boundary operands for a width: 0, 1, small primes, nibble carry edges, alternating
 * bits, around the signed limits, around all-ones. */
#define NVALS 15
static void boundary_values(int bits, uint64_t v[NVALS])
{
    uint64_t m = width_mask(bits), smax = m >> 1, smin = smax + 1;
    const uint64_t list[NVALS] = {0, 1, 2, 7, 13, 0x0f, 0x10,
                                  0x5555555555555555ull & m, 0xaaaaaaaaaaaaaaaaull & m,
                                  smax - 1, smax, smin, smin + 1, m - 1, m};
    memcpy(v, list, sizeof list);
}

static const unsigned flag_inputs[2] = {0, STATUS};

static void print_case(const char *op, int bits, const char *form, uint64_t a, uint64_t b,
                       int show_b, unsigned fin, uint64_t r, unsigned fout, unsigned defined)
{
    int d = bits / 4;
    printf("%s%d%s %0*llx", op, bits, form, d, (unsigned long long)a);
    if (show_b)
        printf(" %0*llx", d, (unsigned long long)b);
    printf(" f=%03x -> %0*llx f=%03x/%03x\n", fin, d, (unsigned long long)r, fout & defined,
           defined);
}

static uint64_t run_op(opfn fn, uint64_t a, uint64_t b, unsigned fin, unsigned *fout)
{
    word f = (base_flags & ~(word)STATUS) | fin;
    uint64_t r = fn(a, b, &f);
    *fout = (unsigned)(f & STATUS);
    return r;
}

/* ---------------------------------------------------------------- instruction stubs */

/* op src, dst (register-register) */
#define DEF_RR(op, bits, T, C)                                                            \
    static uint64_t rr_##op##bits(uint64_t a64, uint64_t b64, word *fl)                   \
    {                                                                                     \
        T a = (T)a64, b = (T)b64;                                                         \
        word f = *fl;                                                                     \
        __asm__ volatile(FLAGS_IN #op " %[b], %[a]" FLAGS_OUT                             \
                         : [a] "+" C(a), [fl] "+r"(f)                                     \
                         : [b] C(b)                                                       \
                         : "cc", "memory");                                               \
        *fl = f;                                                                          \
        return a;                                                                         \
    }

/* op dst */
#define DEF_UN(op, bits, T, C)                                                            \
    static uint64_t un_##op##bits(uint64_t a64, uint64_t b64, word *fl)                   \
    {                                                                                     \
        T a = (T)a64;                                                                     \
        word f = *fl;                                                                     \
        (void)b64;                                                                        \
        __asm__ volatile(FLAGS_IN #op " %[a]" FLAGS_OUT                                   \
                         : [a] "+" C(a), [fl] "+r"(f)                                     \
                         :                                                                \
                         : "cc", "memory");                                               \
        *fl = f;                                                                          \
        return a;                                                                         \
    }

/* op %cl, dst (b is the count) */
#define DEF_SHCL(op, bits, T, C)                                                          \
    static uint64_t cl_##op##bits(uint64_t a64, uint64_t b64, word *fl)                   \
    {                                                                                     \
        T a = (T)a64;                                                                     \
        uint8_t n = (uint8_t)b64;                                                         \
        word f = *fl;                                                                     \
        __asm__ volatile(FLAGS_IN #op " %%cl, %[a]" FLAGS_OUT                             \
                         : [a] "+" C(a), [fl] "+r"(f)                                     \
                         : "c"(n)                                                         \
                         : "cc", "memory");                                               \
        *fl = f;                                                                          \
        return a;                                                                         \
    }

/* op $N, dst */
#define DEF_SHIMM(op, bits, T, C, N)                                                      \
    static uint64_t imm_##op##bits##_##N(uint64_t a64, uint64_t b64, word *fl)            \
    {                                                                                     \
        T a = (T)a64;                                                                     \
        word f = *fl;                                                                     \
        (void)b64;                                                                        \
        __asm__ volatile(FLAGS_IN #op " $" #N ", %[a]" FLAGS_OUT                          \
                         : [a] "+" C(a), [fl] "+r"(f)                                     \
                         :                                                                \
                         : "cc", "memory");                                               \
        *fl = f;                                                                          \
        return a;                                                                         \
    }

/* shld/shrd %cl, src, dst: the count comes in through a global set by the caller. */
static uint64_t dshift_src;
#define DEF_DSHCL(op, bits, T)                                                            \
    static uint64_t dcl_##op##bits(uint64_t a64, uint64_t b64, word *fl)                  \
    {                                                                                     \
        T a = (T)a64, s = (T)dshift_src;                                                  \
        uint8_t n = (uint8_t)b64;                                                         \
        word f = *fl;                                                                     \
        __asm__ volatile(FLAGS_IN #op " %%cl, %[s], %[a]" FLAGS_OUT                       \
                         : [a] "+r"(a), [fl] "+r"(f)                                      \
                         : [s] "r"(s), "c"(n)                                             \
                         : "cc", "memory");                                               \
        *fl = f;                                                                          \
        return a;                                                                         \
    }
#define DEF_DSHIMM(op, bits, T, N)                                                        \
    static uint64_t dimm_##op##bits##_##N(uint64_t a64, uint64_t b64, word *fl)           \
    {                                                                                     \
        T a = (T)a64, s = (T)dshift_src;                                                  \
        word f = *fl;                                                                     \
        (void)b64;                                                                        \
        __asm__ volatile(FLAGS_IN #op " $" #N ", %[s], %[a]" FLAGS_OUT                    \
                         : [a] "+r"(a), [fl] "+r"(f)                                      \
                         : [s] "r"(s)                                                     \
                         : "cc", "memory");                                               \
        *fl = f;                                                                          \
        return a;                                                                         \
    }

/* Memory operands live at an odd address inside a guard-filled buffer, so a wrong
 * access size or misaligned-access bug shows as a changed guard byte. */
#define MEM_OFF 9
static unsigned char membuf[32];
static int guard_ok;

static unsigned char *mem_put(uint64_t v, int bits)
{
    memset(membuf, 0xa5, sizeof membuf);
    memcpy(membuf + MEM_OFF, &v, (size_t)bits / 8); /* little-endian: low bytes first */
    return membuf + MEM_OFF;
}

static uint64_t mem_get(int bits)
{
    uint64_t v = 0;
    memcpy(&v, membuf + MEM_OFF, (size_t)bits / 8);
    guard_ok = 1;
    for (int i = 0; i < (int)sizeof membuf; i++)
        if ((i < MEM_OFF || i >= MEM_OFF + bits / 8) && membuf[i] != 0xa5)
            guard_ok = 0;
    return v;
}

/* op reg, mem (memory destination) */
#define DEF_MR(op, bits, T, C, S)                                                         \
    static uint64_t mr_##op##bits(uint64_t a64, uint64_t b64, word *fl)                   \
    {                                                                                     \
        T b = (T)b64;                                                                     \
        unsigned char *p = mem_put(a64, bits);                                            \
        word f = *fl;                                                                     \
        __asm__ volatile(FLAGS_IN #op S " %[b], (%[p])" FLAGS_OUT                         \
                         : [fl] "+r"(f)                                                   \
                         : [b] C(b), [p] "r"(p)                                           \
                         : "cc", "memory");                                               \
        *fl = f;                                                                          \
        return mem_get(bits);                                                             \
    }

/* op mem, reg (memory source); the memory operand holds b */
#define DEF_RM(op, bits, T, C, S)                                                         \
    static uint64_t rm_##op##bits(uint64_t a64, uint64_t b64, word *fl)                   \
    {                                                                                     \
        T a = (T)a64;                                                                     \
        unsigned char *p = mem_put(b64, bits);                                            \
        word f = *fl;                                                                     \
        __asm__ volatile(FLAGS_IN #op S " (%[p]), %[a]" FLAGS_OUT                         \
                         : [a] "+" C(a), [fl] "+r"(f)                                     \
                         : [p] "r"(p)                                                     \
                         : "cc", "memory");                                               \
        (void)mem_get(bits);                                                              \
        return a;                                                                         \
    }

/* op $imm, reg with the register pinned by constraint R: "a" gives the accumulator
 * short forms, "b" the general ModRM forms. FN names the stub. */
#define DEF_IR(op, bits, T, R, IMM, FN)                                                   \
    static uint64_t FN(uint64_t a64, uint64_t b64, word *fl)                              \
    {                                                                                     \
        T a = (T)a64;                                                                     \
        word f = *fl;                                                                     \
        (void)b64;                                                                        \
        __asm__ volatile(FLAGS_IN #op " $" #IMM ", %[a]" FLAGS_OUT                        \
                         : [a] "+" R(a), [fl] "+r"(f)                                     \
                         :                                                                \
                         : "cc", "memory");                                               \
        *fl = f;                                                                          \
        return a;                                                                         \
    }

/* op $imm, mem */
#define DEF_MI(op, bits, S, IMM, FN)                                                      \
    static uint64_t FN(uint64_t a64, uint64_t b64, word *fl)                              \
    {                                                                                     \
        unsigned char *p = mem_put(a64, bits);                                            \
        word f = *fl;                                                                     \
        (void)b64;                                                                        \
        __asm__ volatile(FLAGS_IN #op S " $" #IMM ", (%[p])" FLAGS_OUT                    \
                         : [fl] "+r"(f)                                                   \
                         : [p] "r"(p)                                                     \
                         : "cc", "memory");                                               \
        *fl = f;                                                                          \
        return mem_get(bits);                                                             \
    }

/* op mem (unary) and op %cl, mem (shifts; b is the count) */
#define DEF_UM(op, bits, S)                                                               \
    static uint64_t um_##op##bits(uint64_t a64, uint64_t b64, word *fl)                   \
    {                                                                                     \
        unsigned char *p = mem_put(a64, bits);                                            \
        word f = *fl;                                                                     \
        (void)b64;                                                                        \
        __asm__ volatile(FLAGS_IN #op S " (%[p])" FLAGS_OUT                               \
                         : [fl] "+r"(f)                                                   \
                         : [p] "r"(p)                                                     \
                         : "cc", "memory");                                               \
        *fl = f;                                                                          \
        return mem_get(bits);                                                             \
    }
#define DEF_SHM(op, bits, S)                                                              \
    static uint64_t shm_##op##bits(uint64_t a64, uint64_t b64, word *fl)                  \
    {                                                                                     \
        unsigned char *p = mem_put(a64, bits);                                            \
        uint8_t n = (uint8_t)b64;                                                         \
        word f = *fl;                                                                     \
        __asm__ volatile(FLAGS_IN #op S " %%cl, (%[p])" FLAGS_OUT                         \
                         : [fl] "+r"(f)                                                   \
                         : [p] "r"(p), "c"(n)                                             \
                         : "cc", "memory");                                               \
        *fl = f;                                                                          \
        return mem_get(bits);                                                             \
    }

/* ---------------------------------------------------------------- instantiation */

/* X(bits, type, register constraint, AT&T size suffix) for every width of this mode;
 * 8-bit operands need "q" (a register with a byte form) in 32-bit mode. */
#define FOR_WIDTHS(X, op)                                                                 \
    X(op, 8, uint8_t, "q", "b")                                                           \
    X(op, 16, uint16_t, "r", "w")                                                         \
    X(op, 32, uint32_t, "r", "l")                                                         \
    W64(X(op, 64, uint64_t, "r", "q"))

#define BINOPS(X) X(add) X(adc) X(sub) X(sbb) X(and) X(or) X(xor) X(cmp) X(test)
#define UNOPS(X) X(inc) X(dec) X(neg) X(not)
#define SHIFTOPS(X) X(shl) X(shr) X(sar) X(rol) X(ror) X(rcl) X(rcr)

#define MK_RR(op, bits, T, C, S) DEF_RR(op, bits, T, C) DEF_MR(op, bits, T, C, S) DEF_RM(op, bits, T, C, S)
#define MK_UN(op, bits, T, C, S) DEF_UN(op, bits, T, C) DEF_UM(op, bits, S)
#define MK_SH(op, bits, T, C, S) DEF_SHCL(op, bits, T, C) DEF_SHM(op, bits, S)
#define ALLW_RR(op) FOR_WIDTHS(MK_RR, op)
#define ALLW_UN(op) FOR_WIDTHS(MK_UN, op)
#define ALLW_SH(op) FOR_WIDTHS(MK_SH, op)
BINOPS(ALLW_RR)
UNOPS(ALLW_UN)
SHIFTOPS(ALLW_SH)

/* Immediate shift counts: around 1 (D0/D1 encoding), the widths, and the 5/6-bit mask. */
#define IMM_COUNTS(X, op, bits, T, C)                                                     \
    X(op, bits, T, C, 0) X(op, bits, T, C, 1) X(op, bits, T, C, 2) X(op, bits, T, C, 7)   \
    X(op, bits, T, C, 8) X(op, bits, T, C, 9) X(op, bits, T, C, 15) X(op, bits, T, C, 16) \
    X(op, bits, T, C, 17) X(op, bits, T, C, 31) X(op, bits, T, C, 32)                     \
    X(op, bits, T, C, 33) X(op, bits, T, C, 63) X(op, bits, T, C, 64)                     \
    X(op, bits, T, C, 65) X(op, bits, T, C, 255)
#define IMM_COUNT_LIST 0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255
#define MK_SHIMM(op, bits, T, C, S) IMM_COUNTS(DEF_SHIMM, op, bits, T, C)
#define ALLW_SHIMM(op) FOR_WIDTHS(MK_SHIMM, op)
SHIFTOPS(ALLW_SHIMM)

#define DSHIFTOPS(X) X(shld) X(shrd)
#define MK_DSH(op, bits, T)                                                               \
    DEF_DSHCL(op, bits, T)                                                                \
    DEF_DSHIMM(op, bits, T, 0) DEF_DSHIMM(op, bits, T, 1) DEF_DSHIMM(op, bits, T, 5)      \
    DEF_DSHIMM(op, bits, T, 15) DEF_DSHIMM(op, bits, T, 16) DEF_DSHIMM(op, bits, T, 31)   \
    DEF_DSHIMM(op, bits, T, 63)
#define DSH_IMM_LIST 0, 1, 5, 15, 16, 31, 63
#define ALLW_DSH(op) MK_DSH(op, 16, uint16_t) MK_DSH(op, 32, uint32_t) W64(MK_DSH(op, 64, uint64_t))
DSHIFTOPS(ALLW_DSH)

/* Immediate ALU forms: imm8 (sign-extended where the width allows), and an immediate
 * that needs the full width (imm32 sign-extended for 64-bit), in a general register,
 * in the accumulator, and with a memory destination. */
#define MK_IMMFORMS(op, bits, T, C, S, BIG)                                               \
    DEF_IR(op, bits, T, "b", 1, ir1_##op##bits)                                           \
    DEF_IR(op, bits, T, "b", -1, irm1_##op##bits)                                         \
    DEF_IR(op, bits, T, "b", 0x7f, ir7f_##op##bits)                                       \
    DEF_IR(op, bits, T, "b", -0x80, ir80_##op##bits)                                      \
    DEF_IR(op, bits, T, "b", BIG, irbig_##op##bits)                                       \
    DEF_IR(op, bits, T, "a", BIG, iabig_##op##bits)                                       \
    DEF_IR(op, bits, T, "a", -BIG, ianbig_##op##bits)                                     \
    DEF_MI(op, bits, S, -1, mim1_##op##bits)                                              \
    DEF_MI(op, bits, S, BIG, mibig_##op##bits)
#define ALLW_IMM(op)                                                                      \
    MK_IMMFORMS(op, 8, uint8_t, "q", "b", 0x5a)                                           \
    MK_IMMFORMS(op, 16, uint16_t, "r", "w", 0x1234)                                       \
    MK_IMMFORMS(op, 32, uint32_t, "r", "l", 0x12345678)                                   \
    W64(MK_IMMFORMS(op, 64, uint64_t, "r", "q", 0x12345678))
BINOPS(ALLW_IMM)

/* ---------------------------------------------------------------- defined flags */

enum kind { K_ARITH, K_LOGIC, K_UNARY, K_SHIFT, K_SAR, K_ROT, K_DSHIFT };

static enum kind kind_of(const char *op)
{
    if (!strcmp(op, "and") || !strcmp(op, "or") || !strcmp(op, "xor") || !strcmp(op, "test"))
        return K_LOGIC;
    if (!strcmp(op, "inc") || !strcmp(op, "dec") || !strcmp(op, "neg") || !strcmp(op, "not"))
        return K_UNARY; /* not: no flag changes; inc/dec keep CF: all six observable */
    if (!strcmp(op, "shl") || !strcmp(op, "shr"))
        return K_SHIFT;
    if (!strcmp(op, "sar"))
        return K_SAR;
    if (!strcmp(op, "rol") || !strcmp(op, "ror") || !strcmp(op, "rcl") || !strcmp(op, "rcr"))
        return K_ROT;
    if (!strcmp(op, "shld") || !strcmp(op, "shrd"))
        return K_DSHIFT;
    return K_ARITH;
}

/* Flags the SDM defines after OP at BITS with raw count COUNT; -1 when even the result
 * is undefined (shld/shrd with a masked count above the operand size). */
static int defined_flags(enum kind k, int bits, unsigned count)
{
    unsigned c = count & (bits == 64 ? 63u : 31u);
    unsigned one = c == 1 ? OF : 0;
    switch (k) {
    case K_ARITH:
    case K_UNARY:
        return STATUS;
    case K_LOGIC:
        return STATUS & ~AF;
    case K_SHIFT:
        if (c == 0)
            return STATUS;
        return SF | ZF | PF | one | (c < (unsigned)bits ? CF : 0);
    case K_SAR:
        return c == 0 ? STATUS : (SF | ZF | PF | CF | one);
    case K_ROT:
        return c == 0 ? STATUS : ((STATUS & ~OF) | one);
    case K_DSHIFT:
        if (c == 0)
            return STATUS;
        if (c > (unsigned)bits)
            return -1;
        return SF | ZF | PF | CF | one;
    }
    return STATUS;
}

/* ---------------------------------------------------------------- drivers */

struct op2 {
    const char *name;
    int bits;
    opfn fn;
};

#define ROW(prefix, op, bits) {#op, bits, prefix##op##bits},
#define ROWS_W(prefix, op)                                                                \
    ROW(prefix, op, 8) ROW(prefix, op, 16) ROW(prefix, op, 32) W64(ROW(prefix, op, 64))
#define RR_ROWS(op) ROWS_W(rr_, op)
#define MR_ROWS(op) ROWS_W(mr_, op)
#define RM_ROWS(op) ROWS_W(rm_, op)
#define UN_ROWS(op) ROWS_W(un_, op)
#define UM_ROWS(op) ROWS_W(um_, op)
#define CL_ROWS(op) ROWS_W(cl_, op)
#define SHM_ROWS(op) ROWS_W(shm_, op)

static const struct op2 rr_ops[] = {BINOPS(RR_ROWS)};
static const struct op2 mr_ops[] = {BINOPS(MR_ROWS)};
static const struct op2 rm_ops[] = {BINOPS(RM_ROWS)};
static const struct op2 un_ops[] = {UNOPS(UN_ROWS)};
static const struct op2 um_ops[] = {UNOPS(UM_ROWS)};
static const struct op2 cl_ops[] = {SHIFTOPS(CL_ROWS)};
static const struct op2 shm_ops[] = {SHIFTOPS(SHM_ROWS)};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* All boundary values as the first operand, both flag inputs; as the second operand all
 * boundary values (register forms) or a few that exercise every byte (memory forms, where
 * the arithmetic itself was already covered and the access is what is new). */
static const int all_second[NVALS] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
static const int few_second[4] = {1, 8, 11, 14};

static void section_binary(const char *title, const struct op2 *ops, size_t n, const char *form,
                           int check_guard)
{
    const int *second = check_guard ? few_second : all_second;
    int nsecond = check_guard ? (int)NELEM(few_second) : NVALS;
    printf("== %s\n", title);
    for (size_t i = 0; i < n; i++) {
        uint64_t v[NVALS];
        unsigned defined = (unsigned)defined_flags(kind_of(ops[i].name), ops[i].bits, 0);
        boundary_values(ops[i].bits, v);
        for (int x = 0; x < NVALS; x++)
            for (int y = 0; y < nsecond; y++)
                for (int fi = 0; fi < 2; fi++) {
                    unsigned fout;
                    uint64_t b = v[second[y]];
                    uint64_t r = run_op(ops[i].fn, v[x], b, flag_inputs[fi], &fout);
                    print_case(ops[i].name, ops[i].bits, form, v[x], b, 1, flag_inputs[fi],
                               r, fout, defined);
                    if (check_guard && !guard_ok)
                        printf("  guard bytes around the memory operand changed\n");
                }
    }
}

static void section_unary(const char *title, const struct op2 *ops, size_t n, const char *form,
                          int check_guard)
{
    printf("== %s\n", title);
    for (size_t i = 0; i < n; i++) {
        uint64_t v[NVALS];
        boundary_values(ops[i].bits, v);
        for (int x = 0; x < NVALS; x++)
            for (int fi = 0; fi < 2; fi++) {
                unsigned fout;
                uint64_t r = run_op(ops[i].fn, v[x], 0, flag_inputs[fi], &fout);
                print_case(ops[i].name, ops[i].bits, form, v[x], 0, 0, flag_inputs[fi], r, fout,
                           STATUS);
                if (check_guard && !guard_ok)
                    printf("  guard bytes around the memory operand changed\n");
            }
    }
}

/* One shift case: prints "op<bits><form> a c=count f=in -> result f=out/defined". */
static void shift_case(const char *op, int bits, const char *form, opfn fn, uint64_t a,
                       unsigned count, unsigned fin)
{
    int defined = defined_flags(kind_of(op), bits, count);
    unsigned fout;
    uint64_t r = run_op(fn, a, count, fin, &fout);
    if (defined < 0)
        return; /* result undefined: nothing comparable */
    int d = bits / 4;
    printf("%s%d%s %0*llx c=%u f=%03x -> %0*llx f=%03x/%03x\n", op, bits, form, d,
           (unsigned long long)a, count, fin, d, (unsigned long long)r,
           fout & (unsigned)defined, (unsigned)defined);
}

static void section_shift_cl(void)
{
    printf("== shifts and rotates by %%cl, every count\n");
    for (size_t i = 0; i < NELEM(cl_ops); i++) {
        uint64_t v[NVALS];
        int bits = cl_ops[i].bits;
        unsigned last = bits == 64 ? 65 : 33;
        boundary_values(bits, v);
        for (int x = 0; x < NVALS; x++)
            for (unsigned c = 0; c <= last + 1; c++)
                for (int fi = 0; fi < 2; fi++)
                    shift_case(cl_ops[i].name, bits, "", cl_ops[i].fn, v[x],
                               c == last + 1 ? 255 : c, flag_inputs[fi]);
    }
}

static void section_shift_mem(void)
{
    printf("== shifts and rotates of memory by %%cl\n");
    static const unsigned counts[] = {0, 1, 3, 7, 8, 9, 16, 17, 31, 32, 33, 63, 64};
    for (size_t i = 0; i < NELEM(shm_ops); i++) {
        uint64_t v[NVALS];
        boundary_values(shm_ops[i].bits, v);
        for (int x = 0; x < NVALS; x++)
            for (size_t c = 0; c < NELEM(counts); c++)
                for (int fi = 0; fi < 2; fi++) {
                    shift_case(shm_ops[i].name, shm_ops[i].bits, "m", shm_ops[i].fn, v[x],
                               counts[c], flag_inputs[fi]);
                    if (!guard_ok)
                        printf("  guard bytes around the memory operand changed\n");
                }
    }
}

struct immshift {
    const char *name;
    int bits;
    opfn fn[16];
};
#define IMMFN(op, bits, T, C, N) imm_##op##bits##_##N,
#define IMMROW(op, bits) {#op, bits, {IMM_COUNTS(IMMFN, op, bits, , )}},
#define IMMROWS(op) IMMROW(op, 8) IMMROW(op, 16) IMMROW(op, 32) W64(IMMROW(op, 64))
static const struct immshift imm_ops[] = {SHIFTOPS(IMMROWS)};
static const unsigned imm_counts[16] = {IMM_COUNT_LIST};

static void section_shift_imm(void)
{
    printf("== shifts and rotates by immediate (count 1 uses the D0/D1 encoding)\n");
    for (size_t i = 0; i < NELEM(imm_ops); i++) {
        uint64_t v[NVALS];
        boundary_values(imm_ops[i].bits, v);
        for (int x = 0; x < NVALS; x++)
            for (int c = 0; c < 16; c++)
                for (int fi = 0; fi < 2; fi++)
                    shift_case(imm_ops[i].name, imm_ops[i].bits, "i", imm_ops[i].fn[c], v[x],
                               imm_counts[c], flag_inputs[fi]);
    }
}

struct dshift {
    const char *name;
    int bits;
    opfn cl;
    opfn imm[7];
};
#define DSHROW(op, bits)                                                                  \
    {#op, bits, dcl_##op##bits,                                                           \
     {dimm_##op##bits##_0, dimm_##op##bits##_1, dimm_##op##bits##_5, dimm_##op##bits##_15, \
      dimm_##op##bits##_16, dimm_##op##bits##_31, dimm_##op##bits##_63}},
#define DSHROWS(op) DSHROW(op, 16) DSHROW(op, 32) W64(DSHROW(op, 64))
static const struct dshift dsh_ops[] = {DSHIFTOPS(DSHROWS)};
static const unsigned dsh_imm_counts[7] = {DSH_IMM_LIST};

static void section_dshift(void)
{
    printf("== shld/shrd by %%cl (every count) and by immediate\n");
    for (size_t i = 0; i < NELEM(dsh_ops); i++) {
        int bits = dsh_ops[i].bits;
        uint64_t m = width_mask(bits);
        const uint64_t srcs[3] = {0, m, 0x5555555555555555ull & m};
        unsigned last = bits == 64 ? 65 : 33;
        uint64_t v[NVALS];
        boundary_values(bits, v);
        for (int s = 0; s < 3; s++) {
            dshift_src = srcs[s];
            printf("-- source %0*llx\n", bits / 4, (unsigned long long)srcs[s]);
            for (int x = 0; x < NVALS; x++)
                for (int fi = 0; fi < 2; fi++) {
                    for (unsigned c = 0; c <= last; c++)
                        shift_case(dsh_ops[i].name, bits, "", dsh_ops[i].cl, v[x], c,
                                   flag_inputs[fi]);
                    for (int c = 0; c < 7; c++)
                        shift_case(dsh_ops[i].name, bits, "i", dsh_ops[i].imm[c], v[x],
                                   dsh_imm_counts[c], flag_inputs[fi]);
                }
        }
    }
}

struct immform {
    const char *name;
    int bits;
    opfn fn[9];
};
static const char *const immform_names[9] = {"ir+1", "ir-1", "ir+7f", "ir-80", "irbig",
                                             "iabig", "ia-big", "mi-1", "mibig"};
#define IFROW(op, bits)                                                                   \
    {#op, bits, {ir1_##op##bits, irm1_##op##bits, ir7f_##op##bits, ir80_##op##bits,       \
                 irbig_##op##bits, iabig_##op##bits, ianbig_##op##bits, mim1_##op##bits,  \
                 mibig_##op##bits}},
#define IFROWS(op) IFROW(op, 8) IFROW(op, 16) IFROW(op, 32) W64(IFROW(op, 64))
static const struct immform if_ops[] = {BINOPS(IFROWS)};

static void section_immforms(void)
{
    printf("== ALU with immediates (imm8, full width, accumulator, memory destination)\n");
    for (size_t i = 0; i < NELEM(if_ops); i++) {
        uint64_t v[NVALS];
        unsigned defined = (unsigned)defined_flags(kind_of(if_ops[i].name), if_ops[i].bits, 0);
        boundary_values(if_ops[i].bits, v);
        for (int f = 0; f < 9; f++)
            for (int x = 0; x < NVALS; x++)
                for (int fi = 0; fi < 2; fi++) {
                    unsigned fout;
                    guard_ok = 1;
                    uint64_t r = run_op(if_ops[i].fn[f], v[x], 0, flag_inputs[fi], &fout);
                    char form[16];
                    snprintf(form, sizeof form, " %s", immform_names[f]);
                    print_case(if_ops[i].name, if_ops[i].bits, form, v[x], 0, 0,
                               flag_inputs[fi], r, fout, defined);
                    if (!guard_ok)
                        printf("  guard bytes around the memory operand changed\n");
                }
    }
}

int main(void)
{
    word f;
    __asm__ volatile(RZ_IN "pushf\n\tpop %[fl]" RZ_OUT : [fl] "=r"(f) : : "memory");
    base_flags = f;

    section_binary("ALU register, register", rr_ops, NELEM(rr_ops), "", 0);
    section_binary("ALU register, memory destination", mr_ops, NELEM(mr_ops), "m", 1);
    section_binary("ALU memory source, register", rm_ops, NELEM(rm_ops), "r", 1);
    section_unary("unary register", un_ops, NELEM(un_ops), "", 0);
    section_unary("unary memory", um_ops, NELEM(um_ops), "m", 1);
    section_shift_cl();
    section_shift_mem();
    section_shift_imm();
    section_dshift();
    section_immforms();
    return 0;
}
