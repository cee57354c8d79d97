/* All 16 Jcc conditions straight after CMP, SUB, TEST, AND, OR, XOR, ADD, INC
 * and DEC (these two with CF set and clear before them, which they keep) at
 * every operand size, over edge-case operands, and after the compares that
 * write EFLAGS themselves (UCOMISD, COMISD, FUCOMI, PCMPISTRI): the pairs for
 * which hexvm's interpreter gives the Jcc an instance that knows the kind and
 * size of the flags it reads (interp/branch_after.c). Each line folds one
 * operation and size over all operand pairs: 16 taken bits per pair, in hex.
 *
 * hexvm-test: cflags=-msse2
 */
#include <stdint.h>
#include <stdio.h>

#include "flag_values.h"

typedef unsigned long word;

/* One condition: t = a, then `op b, t` (BIN), or `op t` after setting CF to
 * b's low bit (UN: INC and DEC, which keep CF), then the Jcc, which sets bit
 * `bit` of r when taken. */
#define BIN(op, B, T) op " %" B "[b], %" T "[t]"
#define UN(op, B, T)  "bt $0, %k[b]\n\t" op " %" T "[t]"
#define ONE(FORM, op, cc, bit, M)                                                                  \
	"mov %" M "[a], %" M "[t]\n\t" FORM(op, M, M) "\n\tj" cc " 1f\n\tjmp 2f\n"                 \
	"1:\n\tor $" #bit ", %k[r]\n2:\n\t"
#define ALL16(FORM, op, M)                                                                         \
	ONE(FORM, op, "o", 0x1, M)                                                                 \
	ONE(FORM, op, "no", 0x2, M)                                                                \
	ONE(FORM, op, "b", 0x4, M)                                                                 \
	ONE(FORM, op, "ae", 0x8, M)                                                                \
	ONE(FORM, op, "e", 0x10, M)                                                                \
	ONE(FORM, op, "ne", 0x20, M)                                                               \
	ONE(FORM, op, "be", 0x40, M)                                                               \
	ONE(FORM, op, "a", 0x80, M)                                                                \
	ONE(FORM, op, "s", 0x100, M)                                                               \
	ONE(FORM, op, "ns", 0x200, M)                                                              \
	ONE(FORM, op, "p", 0x400, M)                                                               \
	ONE(FORM, op, "np", 0x800, M)                                                              \
	ONE(FORM, op, "l", 0x1000, M)                                                              \
	ONE(FORM, op, "ge", 0x2000, M)                                                             \
	ONE(FORM, op, "le", 0x4000, M)                                                             \
	ONE(FORM, op, "g", 0x8000, M)

/* conds_OP_SIZE(a, b): the taken bits; M, the operand modifier, gives the
 * registers of that width (b: byte, w: word, k: dword, q: qword). */
#define DEF(FORM, op, size, M)                                                                     \
	static unsigned conds_##op##_##size(word a, word b)                                        \
	{                                                                                          \
		unsigned r = 0;                                                                    \
		word t;                                                                            \
		__asm__(ALL16(FORM, #op, M) : [r] "+r"(r), [t] "=&q"(t) : [a] "q"(a), [b] "q"(b)   \
			: "cc");                                                                   \
		return r;                                                                          \
	}

#ifdef __x86_64__
#define DEF_SIZES(FORM, op)                                                                        \
	DEF(FORM, op, 8, "b") DEF(FORM, op, 16, "w") DEF(FORM, op, 32, "k") DEF(FORM, op, 64, "q")
#else
#define DEF_SIZES(FORM, op) DEF(FORM, op, 8, "b") DEF(FORM, op, 16, "w") DEF(FORM, op, 32, "k")
#endif
DEF_SIZES(BIN, cmp)
DEF_SIZES(BIN, sub)
DEF_SIZES(BIN, test)
DEF_SIZES(BIN, and)
DEF_SIZES(BIN, or)
DEF_SIZES(BIN, xor)
DEF_SIZES(BIN, add)
DEF_SIZES(UN, inc)
DEF_SIZES(UN, dec)

/* The compares that write EFLAGS: x, y in XMM registers (the x87 one loads
 * them from memory first and pops them after the Jcc). */
#define ONE_X(pre, op, post, cc, bit)                                                              \
	pre op "\n\tj" cc " 1f\n\tjmp 2f\n1:\n\tor $" #bit ", %k[r]\n2:\n\t" post
#define ALL16_X(pre, op, post)                                                                     \
	ONE_X(pre, op, post, "o", 0x1)                                                             \
	ONE_X(pre, op, post, "no", 0x2)                                                            \
	ONE_X(pre, op, post, "b", 0x4)                                                             \
	ONE_X(pre, op, post, "ae", 0x8)                                                            \
	ONE_X(pre, op, post, "e", 0x10)                                                            \
	ONE_X(pre, op, post, "ne", 0x20)                                                           \
	ONE_X(pre, op, post, "be", 0x40)                                                           \
	ONE_X(pre, op, post, "a", 0x80)                                                            \
	ONE_X(pre, op, post, "s", 0x100)                                                           \
	ONE_X(pre, op, post, "ns", 0x200)                                                          \
	ONE_X(pre, op, post, "p", 0x400)                                                           \
	ONE_X(pre, op, post, "np", 0x800)                                                          \
	ONE_X(pre, op, post, "l", 0x1000)                                                          \
	ONE_X(pre, op, post, "ge", 0x2000)                                                         \
	ONE_X(pre, op, post, "le", 0x4000)                                                         \
	ONE_X(pre, op, post, "g", 0x8000)

static unsigned conds_ucomisd(double x, double y)
{
	unsigned r = 0;
	__asm__(ALL16_X("", "ucomisd %[y], %[x]", "") : [r] "+r"(r) : [x] "x"(x), [y] "x"(y) : "cc");
	return r;
}

static unsigned conds_comisd(double x, double y)
{
	unsigned r = 0;
	__asm__(ALL16_X("", "comisd %[y], %[x]", "") : [r] "+r"(r) : [x] "x"(x), [y] "x"(y) : "cc");
	return r;
}

static unsigned conds_fucomi(double x, double y)
{
	unsigned r = 0;
	__asm__(ALL16_X("fldl %[y]\n\tfldl %[x]\n\t", "fucomi %%st(1), %%st",
			"fstp %%st(0)\n\tfstp %%st(0)\n\t")
		: [r] "+r"(r)
		: [x] "m"(x), [y] "m"(y)
		: "cc", "st", "st(1)");
	return r;
}

/* PCMPISTRI's flags: a string x of bytes against the set y (equal any) */
static unsigned conds_pcmpistri(const char *x, const char *y)
{
	unsigned r = 0;
	__asm__(ALL16_X("movdqu (%[y]), %%xmm1\n\t", "pcmpistri $0, (%[x]), %%xmm1", "")
		: [r] "+r"(r)
		: [x] "r"(x), [y] "r"(y)
		: "cc", "ecx", "xmm1", "memory");
	return r;
}

static void compares(void)
{
	static const double d[] = {0.0, -0.0, 1.0, -1.5, 1e300, -1e-300, __builtin_inf(),
				   -__builtin_inf(), __builtin_nan("")};
	static const char strings[][17] = {"", "a", "abc", "zzzzzzzzzzzzzzzz", "xyz", "cab"};
	unsigned n = sizeof d / sizeof d[0], ns = sizeof strings / sizeof strings[0];
	uint64_t fold[4] = {0, 0, 0, 0};
	for (unsigned x = 0; x < n; x++)
		for (unsigned y = 0; y < n; y++) {
			fold[0] = fold[0] * 1000003u + conds_ucomisd(d[x], d[y]);
			fold[1] = fold[1] * 1000003u + conds_comisd(d[x], d[y]);
			fold[2] = fold[2] * 1000003u + conds_fucomi(d[x], d[y]);
		}
	for (unsigned x = 0; x < ns; x++)
		for (unsigned y = 0; y < ns; y++)
			fold[3] = fold[3] * 1000003u + conds_pcmpistri(strings[x], strings[y]);
	printf("ucomisd  %016llx\ncomisd   %016llx\nfucomi   %016llx\npcmpistri %016llx\n",
	       (unsigned long long)fold[0], (unsigned long long)fold[1], (unsigned long long)fold[2],
	       (unsigned long long)fold[3]);
}

typedef unsigned conds_fn(word a, word b);

static void run(const char *name, conds_fn *f)
{
	uint64_t fold = 0;
	for (unsigned x = 0; x < NVALUES; x++)
		for (unsigned y = 0; y < NVALUES; y++)
			fold = fold * 1000003u + f((word)values[x], (word)values[y]);
	printf("%-8s %016llx\n", name, (unsigned long long)fold);
}

#ifdef __x86_64__
#define RUN_SIZES(op)                                                                              \
	run(#op "8", conds_##op##_8);                                                              \
	run(#op "16", conds_##op##_16);                                                            \
	run(#op "32", conds_##op##_32);                                                            \
	run(#op "64", conds_##op##_64)
#else
#define RUN_SIZES(op)                                                                              \
	run(#op "8", conds_##op##_8);                                                              \
	run(#op "16", conds_##op##_16);                                                            \
	run(#op "32", conds_##op##_32)
#endif

int main(void)
{
	RUN_SIZES(cmp);
	RUN_SIZES(sub);
	RUN_SIZES(test);
	RUN_SIZES(and);
	RUN_SIZES(or);
	RUN_SIZES(xor);
	RUN_SIZES(add);
	RUN_SIZES(inc);
	RUN_SIZES(dec);
	compares();
	return 0;
}
