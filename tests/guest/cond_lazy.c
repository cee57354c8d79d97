/* Conditions straight after each kind of flag-setting instruction: ADD ADC
 * SUB SBB CMP NEG INC DEC AND OR XOR TEST SHL SHR SAR IMUL at every operand size,
 * over edge-case operands, then all 16 SETcc at once (and a JG/JBE/JP pair).
 * hexvm derives conditions from the last operation's operands without
 * building EFLAGS wherever it can (cpu/cond.h); every such shortcut must
 * agree with the CPU. Each line folds one operation and size over all
 * operand pairs: 16 condition bits per pair, in hex.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "flag_values.h"

/* The 16 conditions after `insn`, as bits 0..15; then bit 16 = JG taken,
 * bit 17 = JBE taken, bit 18 = JP taken. a is the destination (and stays
 * in a register), b the source (and the count, in CL, of the shifts by
 * CL); CF starts set so that ADC and SBB use it (adc0 and sbb0 clear it). */
#define SETCC16                                                                                    \
	"seto 0(%[out])\n\tsetno 1(%[out])\n\tsetb 2(%[out])\n\tsetae 3(%[out])\n\t"               \
	"sete 4(%[out])\n\tsetne 5(%[out])\n\tsetbe 6(%[out])\n\tseta 7(%[out])\n\t"               \
	"sets 8(%[out])\n\tsetns 9(%[out])\n\tsetp 10(%[out])\n\tsetnp 11(%[out])\n\t"             \
	"setl 12(%[out])\n\tsetge 13(%[out])\n\tsetle 14(%[out])\n\tsetg 15(%[out])\n\t"           \
	"jg 1f\n\tmovb $0, 16(%[out])\n\tjmp 2f\n1:\tmovb $1, 16(%[out])\n2:\t"                    \
	"jbe 1f\n\tmovb $0, 17(%[out])\n\tjmp 2f\n1:\tmovb $1, 17(%[out])\n2:\t"                   \
	"jp 1f\n\tmovb $0, 18(%[out])\n\tjmp 2f\n1:\tmovb $1, 18(%[out])\n2:\t"

#define RUN(insn, A, B)                                                                            \
	__asm__ volatile("stc\n\t" insn "\n\t" SETCC16                                             \
			 : [a] "+q"(A)                                                             \
			 : [b] "q"(B), [c] "c"(B), [out] "r"(out)                                  \
			 : "memory", "cc")

typedef void op_fn(uint64_t a, uint64_t b, uint8_t *out);

#define OPS(sfx, T, reg_a, reg_b)                                                              \
	static void add##sfx(uint64_t a, uint64_t b, uint8_t *out)                                 \
	{                                                                                          \
		T x = (T)a, y = (T)b;                                                              \
		RUN("add" #sfx " %" reg_b "[b], %" reg_a "[a]", x, y);                             \
	}                                                                                          \
	static void adc##sfx(uint64_t a, uint64_t b, uint8_t *out)                                 \
	{                                                                                          \
		T x = (T)a, y = (T)b;                                                              \
		RUN("adc" #sfx " %" reg_b "[b], %" reg_a "[a]", x, y);                             \
	}                                                                                          \
	static void adc0##sfx(uint64_t a, uint64_t b, uint8_t *out)                                \
	{                                                                                          \
		T x = (T)a, y = (T)b;                                                              \
		RUN("clc\n\tadc" #sfx " %" reg_b "[b], %" reg_a "[a]", x, y);                      \
	}                                                                                          \
	static void sbb0##sfx(uint64_t a, uint64_t b, uint8_t *out)                                \
	{                                                                                          \
		T x = (T)a, y = (T)b;                                                              \
		RUN("clc\n\tsbb" #sfx " %" reg_b "[b], %" reg_a "[a]", x, y);                      \
	}                                                                                          \
	static void sub##sfx(uint64_t a, uint64_t b, uint8_t *out)                                 \
	{                                                                                          \
		T x = (T)a, y = (T)b;                                                              \
		RUN("sub" #sfx " %" reg_b "[b], %" reg_a "[a]", x, y);                             \
	}                                                                                          \
	static void sbb##sfx(uint64_t a, uint64_t b, uint8_t *out)                                 \
	{                                                                                          \
		T x = (T)a, y = (T)b;                                                              \
		RUN("sbb" #sfx " %" reg_b "[b], %" reg_a "[a]", x, y);                             \
	}                                                                                          \
	static void cmp##sfx(uint64_t a, uint64_t b, uint8_t *out)                                 \
	{                                                                                          \
		T x = (T)a, y = (T)b;                                                              \
		RUN("cmp" #sfx " %" reg_b "[b], %" reg_a "[a]", x, y);                             \
	}                                                                                          \
	static void and##sfx(uint64_t a, uint64_t b, uint8_t *out)                                 \
	{                                                                                          \
		T x = (T)a, y = (T)b;                                                              \
		RUN("and" #sfx " %" reg_b "[b], %" reg_a "[a]", x, y);                             \
	}                                                                                          \
	static void or##sfx(uint64_t a, uint64_t b, uint8_t *out)                                  \
	{                                                                                          \
		T x = (T)a, y = (T)b;                                                              \
		RUN("or" #sfx " %" reg_b "[b], %" reg_a "[a]", x, y);                              \
	}                                                                                          \
	static void xor##sfx(uint64_t a, uint64_t b, uint8_t *out)                                 \
	{                                                                                          \
		T x = (T)a, y = (T)b;                                                              \
		RUN("xor" #sfx " %" reg_b "[b], %" reg_a "[a]", x, y);                             \
	}                                                                                          \
	static void test##sfx(uint64_t a, uint64_t b, uint8_t *out)                                \
	{                                                                                          \
		T x = (T)a, y = (T)b;                                                              \
		RUN("test" #sfx " %" reg_b "[b], %" reg_a "[a]", x, y);                            \
	}                                                                                          \
	static void neg##sfx(uint64_t a, uint64_t b, uint8_t *out)                                 \
	{                                                                                          \
		T x = (T)a, y = (T)b;                                                              \
		RUN("neg" #sfx " %" reg_a "[a]", x, y);                                            \
	}                                                                                          \
	static void inc##sfx(uint64_t a, uint64_t b, uint8_t *out)                                 \
	{                                                                                          \
		T x = (T)a, y = (T)b;                                                              \
		RUN("inc" #sfx " %" reg_a "[a]", x, y);                                            \
	}                                                                                          \
	static void dec##sfx(uint64_t a, uint64_t b, uint8_t *out)                                 \
	{                                                                                          \
		T x = (T)a, y = (T)b;                                                              \
		RUN("dec" #sfx " %" reg_a "[a]", x, y);                                            \
	}                                                                                          \
	static void shl##sfx(uint64_t a, uint64_t b, uint8_t *out)                                 \
	{                                                                                          \
		T x = (T)a, y = (T)(b % (8 * sizeof(T) - 1) + 1);                                  \
		RUN("shl" #sfx " %%cl, %" reg_a "[a]", x, y);                                      \
	}                                                                                          \
	static void shr##sfx(uint64_t a, uint64_t b, uint8_t *out)                                 \
	{                                                                                          \
		T x = (T)a, y = (T)(b % (8 * sizeof(T) - 1) + 1);                                  \
		RUN("shr" #sfx " %%cl, %" reg_a "[a]", x, y);                                      \
	}                                                                                          \
	static void sar##sfx(uint64_t a, uint64_t b, uint8_t *out)                                 \
	{                                                                                          \
		T x = (T)a, y = (T)(b % (8 * sizeof(T) - 1) + 1);                                  \
		RUN("sar" #sfx " %%cl, %" reg_a "[a]", x, y);                                      \
	}                                                                                          \
	static void shl1##sfx(uint64_t a, uint64_t b, uint8_t *out)                                \
	{                                                                                          \
		T x = (T)a, y = (T)b;                                                              \
		RUN("shl" #sfx " $1, %" reg_a "[a]", x, y);                                        \
	}                                                                                          \
	static void sar5##sfx(uint64_t a, uint64_t b, uint8_t *out)                                \
	{                                                                                          \
		T x = (T)a, y = (T)b;                                                              \
		RUN("sar" #sfx " $5, %" reg_a "[a]", x, y);                                        \
	}

/* IMUL has no two-operand byte form, and leaves only CF and OF defined: it
 * runs the four conditions made of them alone (O, NO, B, AE), the other
 * bits stay clear. */
#define RUN4(insn, A, B)                                                                           \
	__asm__ volatile("stc\n\t" insn "\n\t"                                                     \
			 "seto 0(%[out])\n\tsetno 1(%[out])\n\tsetb 2(%[out])\n\tsetae 3(%[out])"     \
			 : [a] "+q"(A)                                                             \
			 : [b] "q"(B), [out] "r"(out)                                              \
			 : "memory", "cc")
#define IMUL(sfx, T, reg)                                                                          \
	static void imul##sfx(uint64_t a, uint64_t b, uint8_t *out)                                \
	{                                                                                          \
		T x = (T)a, y = (T)b;                                                              \
		RUN4("imul" #sfx " %" reg "[b], %" reg "[a]", x, y);                               \
	}
IMUL(w, uint16_t, "w")
IMUL(l, uint32_t, "k")
#ifdef __x86_64__
IMUL(q, uint64_t, "q")
#endif

/* operand modifiers: b, w, k and q name a register's 8, 16, 32 and 64-bit part */
OPS(b, uint8_t, "b", "b")
OPS(w, uint16_t, "w", "w")
OPS(l, uint32_t, "k", "k")
#ifdef __x86_64__
OPS(q, uint64_t, "q", "q")
#endif

struct op {
	const char *name;
	op_fn *fn[4];
};

#ifdef __x86_64__
#define ROW(name)     {#name, {name##b, name##w, name##l, name##q}}
#define ROW_NO8(name) {#name, {0, name##w, name##l, name##q}}
#define SIZES	      4
#else
#define ROW(name)     {#name, {name##b, name##w, name##l, 0}}
#define ROW_NO8(name) {#name, {0, name##w, name##l, 0}}
#define SIZES	      3
#endif

static const struct op ops[] = {
	ROW(add), ROW(adc), ROW(adc0), ROW(sub), ROW(sbb), ROW(sbb0), ROW(cmp), ROW(and), ROW(or),   ROW(xor),
	ROW(test), ROW(neg), ROW(inc), ROW(dec), ROW(shl), ROW(shr), ROW(sar), ROW(shl1),
	ROW(sar5), ROW_NO8(imul),
};

int main(void)
{
	static const char *const size_names[4] = {"8", "16", "32", "64"};
	for (unsigned o = 0; o < sizeof ops / sizeof ops[0]; o++) {
		for (unsigned s = 0; s < SIZES; s++) {
			if (!ops[o].fn[s])
				continue;
			printf("%s%s:", ops[o].name, size_names[s]);
			for (unsigned ka = 0; ka < NVALUES; ka++) {
				uint32_t fold = 0;
				for (unsigned kb = 0; kb < NVALUES; kb++) {
					uint8_t out[19];
					uint32_t bits = 0;
					memset(out, 0xee, sizeof out);
					ops[o].fn[s](values[ka], values[kb], out);
					for (unsigned k = 0; k < sizeof out; k++)
						bits |= (uint32_t)(out[k] & 1) << k;
					fold = fold * 0x9e3779b1u + bits;
				}
				printf(" %08x", fold);
			}
			printf("\n");
		}
	}
	return 0;
}
