/* x87 arithmetic: FADD FMUL FSUB FSUBR FDIV FDIVR in register, popping and
 * memory forms, over operands of every class, under each precision and
 * rounding control. Prints result bits and the status word. */
#include "x87_util.h"

/* Runs escape byte ESC with ModRM 0xc1 + 8 * REG (ST(1) as the other operand)
 * on ST(0) = a, ST(1) = b; returns the status word and both registers. */
#define REG_FORM(esc, reg)                                                               \
	case reg:                                                                        \
		__asm__ volatile("fldt %[b]\n\tfldt %[a]\n\tfldcw %[cw]\n\tfnclex\n\t"   \
				 ".byte " #esc ", 0xc1 + 8 * " #reg "\n\t"               \
				 "fnstsw %[sw]\n\tfstpt %[r0]\n\tfstpt %[r1]\n\tfninit"  \
				 : [sw] "=m"(sw), [r0] "=m"(r[0]), [r1] "=m"(r[1])        \
				 : [a] "m"(a), [b] "m"(b), [cw] "m"(cw));                \
		break

#define ESCAPE_FORMS(name, esc)                                                          \
	static uint16_t name(unsigned reg, uint16_t cw, long double a, long double b,    \
			     long double r[2])                                           \
	{                                                                                \
		uint16_t sw = 0;                                                         \
		switch (reg) {                                                           \
			REG_FORM(esc, 0);                                                \
			REG_FORM(esc, 1);                                                \
			REG_FORM(esc, 4);                                                \
			REG_FORM(esc, 5);                                                \
			REG_FORM(esc, 6);                                                \
			REG_FORM(esc, 7);                                                \
		}                                                                        \
		return sw;                                                               \
	}

ESCAPE_FORMS(run_d8, 0xd8)
ESCAPE_FORMS(run_dc, 0xdc)
ESCAPE_FORMS(run_de, 0xde)

typedef uint16_t run_fn(unsigned reg, uint16_t cw, long double a, long double b,
			long double r[2]);

static const unsigned arith_regs[6] = {0, 1, 4, 5, 6, 7};

static void print_result(const char *what, unsigned reg, unsigned x, unsigned y, uint16_t sw,
			 const long double r[2])
{
	printf("%s/%u %2u %2u sw=%04x ", what, reg, x, y, sw);
	print_f80(r[0]);
	putchar(' ');
	print_f80(r[1]);
	putchar('\n');
}

static void all_pairs(const char *what, run_fn *run, unsigned nvalues)
{
	for (unsigned x = 0; x < nvalues; x++)
		for (unsigned y = 0; y < nvalues; y++)
			for (unsigned k = 0; k < 6; k++) {
				long double r[2];
				uint16_t sw = run(arith_regs[k], x87_cw(2, 0), x87_value(x),
						  x87_value(y), r);
				print_result(what, arith_regs[k], x, y, sw, r);
			}
}

/* Precision and rounding control on inexact results. */
static void control_modes(void)
{
	static const unsigned picks[] = {0, 1, 2, 3, 4, 6};
	for (unsigned pc = 0; pc < 3; pc++)
		for (unsigned rc = 0; rc < 4; rc++)
			for (unsigned x = 0; x < 6; x++)
				for (unsigned k = 0; k < 6; k++) {
					long double r[2];
					unsigned a = picks[x], b = picks[(x + 2) % 6];
					uint16_t sw = run_d8(arith_regs[k], x87_cw(pc, rc),
							     x87_value(a), x87_value(b), r);
					printf("pc%u rc%u ", pc, rc);
					print_result("d8", arith_regs[k], a, b, sw, r);
				}
}

/* Memory operands: ST(0) op m32fp / m64fp / m16int / m32int. */
#define MEM_FORM(insn, type)                                                             \
	static uint16_t run_##insn(uint16_t cw, long double a, const type *m,            \
				   long double *r)                                       \
	{                                                                                \
		uint16_t sw;                                                             \
		__asm__ volatile("fldt %[a]\n\tfldcw %[cw]\n\tfnclex\n\t" #insn " %[m]\n\t" \
				 "fnstsw %[sw]\n\tfstpt %[r]\n\tfninit"                  \
				 : [sw] "=m"(sw), [r] "=m"(*r)                            \
				 : [a] "m"(a), [m] "m"(*m), [cw] "m"(cw));               \
		return sw;                                                               \
	}

#define MEM_FORMS(p, sfx, type)                                                          \
	MEM_FORM(p##add##sfx, type)                                                      \
	MEM_FORM(p##mul##sfx, type)                                                      \
	MEM_FORM(p##sub##sfx, type)                                                      \
	MEM_FORM(p##subr##sfx, type)                                                     \
	MEM_FORM(p##div##sfx, type)                                                      \
	MEM_FORM(p##divr##sfx, type)

MEM_FORMS(f, s, float)
MEM_FORMS(f, l, double)
MEM_FORMS(fi, s, int16_t)
MEM_FORMS(fi, l, int32_t)

#define CALL_MEM_FORMS(p, sfx, m)                                                        \
	do {                                                                             \
		long double r;                                                           \
		uint16_t sw;                                                             \
		for (unsigned pc = 0; pc < 3; pc++)                                      \
			for (unsigned a = 0; a < X87_NVALUES; a += 3) {                  \
				uint16_t cw = x87_cw(pc, a & 3);                         \
				long double x = x87_value(a);                            \
				sw = run_##p##add##sfx(cw, x, m, &r);                    \
				print_mem(#p "add" #sfx, pc, a, sw, r);                  \
				sw = run_##p##mul##sfx(cw, x, m, &r);                    \
				print_mem(#p "mul" #sfx, pc, a, sw, r);                  \
				sw = run_##p##sub##sfx(cw, x, m, &r);                    \
				print_mem(#p "sub" #sfx, pc, a, sw, r);                  \
				sw = run_##p##subr##sfx(cw, x, m, &r);                   \
				print_mem(#p "subr" #sfx, pc, a, sw, r);                 \
				sw = run_##p##div##sfx(cw, x, m, &r);                    \
				print_mem(#p "div" #sfx, pc, a, sw, r);                  \
				sw = run_##p##divr##sfx(cw, x, m, &r);                   \
				print_mem(#p "divr" #sfx, pc, a, sw, r);                 \
			}                                                                \
	} while (0)

static void print_mem(const char *what, unsigned pc, unsigned a, uint16_t sw, long double r)
{
	printf("%-8s pc%u %2u sw=%04x ", what, pc, a, sw);
	print_f80(r);
	putchar('\n');
}

static void memory_forms(void)
{
	static const uint32_t singles[] = {0x3f800000, 0x00000001, 0x7f7fffff, 0x80000000,
					   0x7f800000, 0x7fc00000, 0x7f800001, 0x3eaaaaab};
	static const uint64_t doubles[] = {0x3ff0000000000000ull, 0x0000000000000001ull,
					   0x7fefffffffffffffull, 0x8000000000000000ull,
					   0xfff0000000000000ull, 0x7ff0000000000001ull,
					   0x3fd5555555555555ull};
	static const int16_t words[] = {0, 1, -1, 32767, -32768, 3};
	static const int32_t dwords[] = {0, 7, -7, 2147483647, -2147483647 - 1};
	for (unsigned k = 0; k < sizeof singles / sizeof singles[0]; k++) {
		printf("m32 %08x\n", singles[k]);
		CALL_MEM_FORMS(f, s, (const float *)&singles[k]);
	}
	for (unsigned k = 0; k < sizeof doubles / sizeof doubles[0]; k++) {
		printf("m64 %016llx\n", (unsigned long long)doubles[k]);
		CALL_MEM_FORMS(f, l, (const double *)&doubles[k]);
	}
	for (unsigned k = 0; k < sizeof words / sizeof words[0]; k++) {
		printf("m16int %d\n", words[k]);
		CALL_MEM_FORMS(fi, s, &words[k]);
	}
	for (unsigned k = 0; k < sizeof dwords / sizeof dwords[0]; k++) {
		printf("m32int %d\n", (int)dwords[k]);
		CALL_MEM_FORMS(fi, l, &dwords[k]);
	}
}

int main(void)
{
	all_pairs("d8", run_d8, X87_NVALUES);
	all_pairs("dc", run_dc, 9);
	all_pairs("de", run_de, 9);
	control_modes();
	memory_forms();
	return 0;
}
