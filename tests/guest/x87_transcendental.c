/* x87 functions: FSIN FCOS FSINCOS FPTAN FPATAN F2XM1 FYL2X FYL2XP1, FPREM
 * FPREM1 (quotient bits in C0 C3 C1, C2 = incomplete), FXTRACT, FSCALE,
 * FRNDINT, FSQRT. The hardware's results are not the C library's (FSIN
 * reduces with a 66-bit pi): every bit is printed, with the status word. */
#include "x87_util.h"

/* ST(0) = a, ST(1) = b, run `body`, then print ST(0), ST(1) and the status. */
#define FN(name, body)                                                                   \
	static void name(uint16_t cw, long double a, long double b)                      \
	{                                                                                \
		long double r0, r1;                                                      \
		uint16_t sw;                                                             \
		__asm__ volatile("fldt %[b]\n\tfldt %[a]\n\tfldcw %[cw]\n\tfnclex\n\t"   \
				 body "\n\tfnstsw %[sw]\n\tfstpt %[r0]\n\tfstpt %[r1]\n\t" \
				 "fninit"                                                \
				 : [sw] "=m"(sw), [r0] "=m"(r0), [r1] "=m"(r1)            \
				 : [a] "m"(a), [b] "m"(b), [cw] "m"(cw));                \
		printf("%-8s sw=%04x ", #name, sw);                                      \
		print_f80(r0);                                                           \
		putchar(' ');                                                            \
		print_f80(r1);                                                           \
		putchar('\n');                                                           \
	}

FN(fsin, "fsin")
FN(fcos, "fcos")
FN(fsincos, "fsincos")
FN(fptan, "fptan")
FN(fpatan, "fpatan")
FN(f2xm1, "f2xm1")
FN(fyl2x, "fyl2x")
FN(fyl2xp1, "fyl2xp1")
FN(fprem, "fprem")
FN(fprem1, "fprem1")
FN(fxtract, "fxtract")
FN(fscale, "fscale")
FN(frndint, "frndint")
FN(fsqrt, "fsqrt")

typedef void fn_t(uint16_t cw, long double a, long double b);

int main(void)
{
	static const struct {
		const char *name;
		fn_t *fn;
	} fns[] = {{"fsin", fsin},       {"fcos", fcos},       {"fsincos", fsincos},
		   {"fptan", fptan},     {"fpatan", fpatan},   {"f2xm1", f2xm1},
		   {"fyl2x", fyl2x},     {"fyl2xp1", fyl2xp1}, {"fprem", fprem},
		   {"fprem1", fprem1},   {"fxtract", fxtract}, {"fscale", fscale},
		   {"frndint", frndint}, {"fsqrt", fsqrt}};
	static const long double args[] = {
		0.0L, 0.5L, -0.25L, 1.0L, 2.5L, -3.5L, 3.14159265358979323846L, 1e-5L, 100.0L,
		-1000.5L, 1e10L, 12345678.9L, 0x1p62L, 0x1p63L, -0x1p64L, 1e300L, 0.2928L,
		1e-4940L, 7.0L, -0.75L,
	};
	const unsigned nargs = sizeof args / sizeof args[0];
	for (unsigned f = 0; f < sizeof fns / sizeof fns[0]; f++) {
		for (unsigned k = 0; k < nargs; k++)
			for (unsigned j = 0; j < 3; j++) {
				printf("%2u %2u ", k, j);
				fns[f].fn(x87_cw(2, 0), args[k], args[(k + 3 * j + 1) % nargs]);
			}
		for (unsigned v = 0; v < X87_NVALUES; v++) {
			printf("v%-2u    ", v);
			fns[f].fn(x87_cw(2, 0), x87_value(v), x87_value((v + 5) % X87_NVALUES));
		}
		for (unsigned pc = 0; pc < 3; pc++)
			for (unsigned rc = 0; rc < 4; rc++) {
				printf("p%ur%u  ", pc, rc);
				fns[f].fn(x87_cw(pc, rc), args[rc + 3], args[pc + 6]);
			}
	}
	/* FPREM loops until C2 clears, as fmodl does. */
	for (unsigned k = 0; k < nargs; k++) {
		long double r;
		uint16_t sw;
		__asm__ volatile("fldt %[b]\n\tfldt %[a]\n1:\tfprem\n\tfnstsw %%ax\n\t"
				 "testb $4, %%ah\n\tjnz 1b\n\tmov %%ax, %[sw]\n\t"
				 "fstpt %[r]\n\tfninit"
				 : [sw] "=m"(sw), [r] "=m"(r)
				 : [a] "m"(args[k]), [b] "m"(args[(k + 7) % nargs])
				 : "ax", "cc");
		printf("fmod %2u sw=%04x ", k, sw);
		print_f80(r);
		putchar('\n');
	}
	return 0;
}
