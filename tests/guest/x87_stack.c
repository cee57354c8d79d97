/* x87 register stack: overflow and underflow with masked invalid (the
 * indefinite QNaN, C1 = 1 for overflow, 0 for underflow, IE and SF), and
 * with invalid unmasked (nothing changes). FXCH, FFREE, FFREEP, FINCSTP,
 * FDECSTP, FLD ST(i), FST(P) ST(i), FCMOVcc and the reserved aliases. Each
 * case dumps the FNSAVE image: status, full tag word, registers. */
#include "x87_util.h"

struct fsave {
	uint16_t cw, r0, sw, r1, tw, r2;
	uint32_t ip, op, dp, ds;
	unsigned char st[80];
};

static void show(const char *name, const struct fsave *s)
{
	printf("%-20s sw=%04x tw=%04x", name, s->sw, s->tw);
	for (int k = 0; k < 8; k++) {
		long double v;
		memcpy(&v, s->st + 10 * k, 10);
		putchar(' ');
		print_f80(v);
	}
	putchar('\n');
}

/* Runs `code` from FNINIT with control word cw, then saves (FNCLEX first so
 * that an unmasked exception stays pending only in the image). */
#define CASE(name, cwv, code)                                                            \
	do {                                                                             \
		struct fsave s;                                                          \
		uint16_t cw_ = cwv;                                                      \
		uint16_t sw;                                                             \
		unsigned char scratch[16] = {0};                                         \
		__asm__ volatile("fninit\n\tfldcw %[cw]\n\t" code "\n\tfnstsw %[sw]\n\t" \
				 "fnclex\n\tfnsave %[s]\n\tfninit"                        \
				 : [s] "=m"(s), [sw] "=m"(sw), [m] "+m"(scratch)           \
				 : [cw] "m"(cw_), [huge] "m"(huge), [tiny] "m"(tiny),    \
				   [den] "m"(den)                                        \
				 : "cc");                                                \
		s.sw = sw;                                                               \
		show(name, &s);                                                          \
		printf("%20s m=%02x%02x%02x%02x\n", "", scratch[3], scratch[2],           \
		       scratch[1], scratch[0]);                                          \
	} while (0)

static const long double huge = 1e4000L, tiny = 1e-4000L;
static const uint32_t den = 0x00000010;

#define PUSH8 "fld1\n\tfldl2t\n\tfldl2e\n\tfldpi\n\tfldlg2\n\tfldln2\n\tfldz\n\tfld1\n\t"

static void cases(uint16_t cw)
{
	printf("cw=%04x\n", cw);
	CASE("push 8", cw, PUSH8);
	CASE("push 9", cw, PUSH8 "fldpi");
	CASE("fld st3 full", cw, PUSH8 "fld %%st(3)");
	CASE("fld st1 empty", cw, "fld1\n\tfld %%st(1)");
	CASE("fadd empty", cw, "fld1\n\tfadd %%st(1), %%st");
	CASE("faddp empty", cw, "fld1\n\tfaddp");
	CASE("fmul st1 empty", cw, "fld1\n\t.byte 0xdc, 0xc9");
	CASE("fsqrt empty", cw, "fsqrt");
	CASE("fchs empty", cw, "fchs");
	CASE("fptan full", cw, PUSH8 "fptan");
	CASE("fsincos empty", cw, "fsincos");
	CASE("fxtract full", cw, PUSH8 "fxtract");
	CASE("fpatan empty", cw, "fld1\n\tfpatan");
	CASE("fyl2x empty", cw, "fyl2x");
	CASE("fprem empty", cw, "fld1\n\tfprem");
	CASE("fscale empty", cw, "fldpi\n\tfscale");
	CASE("fcom empty", cw, "fld1\n\tfcom %%st(2)");
	CASE("fcompp empty", cw, "fld1\n\tfcompp");
	CASE("fucomip empty", cw, "fld1\n\tfucomip %%st(3), %%st");
	CASE("ftst empty", cw, "ftst");
	CASE("fxam empty", cw, "fld1\n\tfchs\n\tfstp %%st(0)\n\tfxam");
	CASE("fxch empty", cw, "fld1\n\tfxch");
	CASE("fxch both", cw, "fxch %%st(3)");
	CASE("fxch", cw, "fld1\n\tfldpi\n\tfxch");
	CASE("fst st2 empty", cw, "fst %%st(2)");
	CASE("fstp st2", cw, "fldpi\n\tfld1\n\tfstp %%st(2)");
	CASE("fstp1 alias", cw, "fldpi\n\tfld1\n\t.byte 0xd9, 0xd9");
	CASE("fstp8 alias", cw, "fldpi\n\tfld1\n\t.byte 0xdf, 0xd1");
	CASE("fstp9 alias", cw, "fldpi\n\tfld1\n\t.byte 0xdf, 0xd9");
	CASE("fxch4 alias", cw, "fldpi\n\tfld1\n\t.byte 0xdd, 0xc9");
	CASE("fxch7 alias", cw, "fldpi\n\tfld1\n\t.byte 0xdf, 0xc9");
	CASE("fcom2 alias", cw, "fldpi\n\tfld1\n\t.byte 0xdc, 0xd1");
	CASE("fcomp3 alias", cw, "fldpi\n\tfld1\n\t.byte 0xdc, 0xd9");
	CASE("fcomp5 alias", cw, "fldpi\n\tfld1\n\t.byte 0xde, 0xd1");
	CASE("feni fdisi fsetpm", cw, "fld1\n\t.byte 0xdb, 0xe0, 0xdb, 0xe1, 0xdb, 0xe4");
	CASE("ffree", cw, "fld1\n\tfldpi\n\tffree %%st(1)");
	CASE("ffreep", cw, "fld1\n\tfldpi\n\t.byte 0xdf, 0xc1");
	CASE("fincstp", cw, "fld1\n\tfldpi\n\tfincstp\n\tfincstp\n\tfincstp");
	CASE("fdecstp", cw, "fld1\n\tfdecstp\n\tfdecstp");
	CASE("fdecstp fadd", cw, "fld1\n\tfdecstp\n\tfadd %%st(1), %%st");
	CASE("fcmovb", cw, "fld1\n\tfldpi\n\tstc\n\tfcmovb %%st(1), %%st");
	CASE("fcmovnb", cw, "fld1\n\tfldpi\n\tstc\n\tfcmovnb %%st(1), %%st");
	CASE("fcmove empty", cw, "fldpi\n\tcmp %%eax, %%eax\n\tfcmove %%st(1), %%st");
	CASE("fstp m32 empty", cw, "fld1\n\tfincstp\n\tfstps %[m]");
	CASE("fistp m16 empty", cw, "fld1\n\tfincstp\n\tfistps %[m]");
}

/* Unmasked numeric exceptions: overflow and underflow still deliver a
 * register result, with the exponent bias-adjusted by 24576; invalid,
 * denormal and zero divide leave the destination alone. */
static void unmasked(void)
{
	CASE("fmul overflow OE", 0x377, "fldt %[huge]\n\tfmul %%st(0), %%st");
	CASE("fmul underflow UE", 0x36f, "fldt %[tiny]\n\tfmul %%st(0), %%st");
	CASE("fdiv underflow UE", 0x36f, "fld1\n\tfldt %[tiny]\n\tfdiv %%st(1), %%st");
	CASE("fmulp overflow OE", 0x377, "fldt %[huge]\n\tfld %%st(0)\n\tfmulp");
	CASE("fscale overflow OE", 0x377, "fld1\n\tfldt %[tiny]\n\tfscale");
	CASE("fscale big OE", 0x377, "fldt %[huge]\n\tfldt %[huge]\n\tfscale");
	CASE("fst m32 overflow OE", 0x377, "fldt %[huge]\n\tfstps %[m]");
	CASE("fst m32 underflow UE", 0x36f, "fldt %[tiny]\n\tfsts %[m]");
	CASE("fdiv zero ZE", 0x37b, "fldz\n\tfld1\n\tfdiv %%st(1), %%st");
	CASE("fdivp zero ZE", 0x37b, "fldz\n\tfld1\n\tfdivrp");
	CASE("fxtract zero ZE", 0x37b, "fldz\n\tfxtract");
	CASE("fadds den DE", 0x37d, "fldz\n\tfadds %[den]");
	CASE("flds den DE", 0x37d, "flds %[den]");
	CASE("fsqrt -1 IE", 0x37e, "fld1\n\tfchs\n\tfsqrt");
	CASE("fcomp den DE", 0x37d, "fld1\n\tfcomps %[den]");
	CASE("fprem 1/0 IE", 0x37e, "fldz\n\tfld1\n\tfprem");
	CASE("precision PE", 0x35f, "fldpi\n\tfsqrt");
}

int main(void)
{
	cases(0x037f);
	cases(0x037e);
	unmasked();
	return 0;
}
