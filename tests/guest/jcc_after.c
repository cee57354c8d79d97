/* All 16 Jcc conditions straight after CMP, SUB, TEST, AND, OR and XOR at
 * every operand size, over edge-case operands: the compare-and-branch pairs
 * for which hexvm's interpreter gives the Jcc an instance that knows the kind
 * and size of the flags it reads (interp/branch_after.c). Each line folds one
 * operation and size over all operand pairs: 16 taken bits per pair, in hex.
 */
#include <stdint.h>
#include <stdio.h>

static const uint64_t values[] = {
	0,
	1,
	2,
	0x7f,
	0x80,
	0xff,
	0x7fff,
	0x8000,
	0xffff,
	0x7fffffff,
	0x80000000,
	0xffffffff,
	0x7fffffffffffffffull,
	0x8000000000000000ull,
	0xffffffffffffffffull,
	0x123456789abcdef1ull,
};
#define NVALUES (sizeof values / sizeof values[0])

typedef unsigned long word;

/* One condition: t = a, then `op b, t`, then the Jcc, which sets bit `bit`
 * of r when taken. */
#define ONE(op, cc, bit, A, B, T)                                                                  \
	"mov %" A "[a], %" T "[t]\n\t" op " %" B "[b], %" T "[t]\n\tj" cc " 1f\n\tjmp 2f\n"         \
	"1:\n\tor $" #bit ", %k[r]\n2:\n\t"
#define ALL16(op, A, B, T)                                                                         \
	ONE(op, "o", 0x1, A, B, T)                                                                 \
	ONE(op, "no", 0x2, A, B, T)                                                                \
	ONE(op, "b", 0x4, A, B, T)                                                                 \
	ONE(op, "ae", 0x8, A, B, T)                                                                \
	ONE(op, "e", 0x10, A, B, T)                                                                \
	ONE(op, "ne", 0x20, A, B, T)                                                               \
	ONE(op, "be", 0x40, A, B, T)                                                               \
	ONE(op, "a", 0x80, A, B, T)                                                                \
	ONE(op, "s", 0x100, A, B, T)                                                               \
	ONE(op, "ns", 0x200, A, B, T)                                                              \
	ONE(op, "p", 0x400, A, B, T)                                                               \
	ONE(op, "np", 0x800, A, B, T)                                                              \
	ONE(op, "l", 0x1000, A, B, T)                                                              \
	ONE(op, "ge", 0x2000, A, B, T)                                                             \
	ONE(op, "le", 0x4000, A, B, T)                                                             \
	ONE(op, "g", 0x8000, A, B, T)

/* conds_OP_SIZE(a, b): the taken bits; SIZE's operand modifiers give the
 * registers of that width (b: byte, w: word, k: dword, q: qword). */
#define DEF(op, size, M)                                                                           \
	static unsigned conds_##op##_##size(word a, word b)                                        \
	{                                                                                          \
		unsigned r = 0;                                                                    \
		word t;                                                                            \
		__asm__(ALL16(#op, M, M, M) : [r] "+r"(r), [t] "=&q"(t) : [a] "q"(a), [b] "q"(b)   \
			: "cc");                                                                   \
		return r;                                                                          \
	}

#ifdef __x86_64__
#define DEF_SIZES(op) DEF(op, 8, "b") DEF(op, 16, "w") DEF(op, 32, "k") DEF(op, 64, "q")
#else
#define DEF_SIZES(op) DEF(op, 8, "b") DEF(op, 16, "w") DEF(op, 32, "k")
#endif
DEF_SIZES(cmp)
DEF_SIZES(sub)
DEF_SIZES(test)
DEF_SIZES(and)
DEF_SIZES(or)
DEF_SIZES(xor)

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
	return 0;
}
