/* x87 comparisons: FCOM/FCOMP/FCOMPP, FUCOM/FUCOMP/FUCOMPP, FICOM, FTST,
 * FXAM (C3 C2 C1 C0 via FNSTSW AX) and FCOMI/FCOMIP/FUCOMI/FUCOMIP (ZF PF CF,
 * with OF SF AF cleared), over operands of every class. */
#include "x87_util.h"

/* ST(0) = a, ST(1) = b; returns the status word; TOP shows the pops. */
#define CMP(name, body)                                                                  \
	static uint16_t name(long double a, long double b)                               \
	{                                                                                \
		uint16_t sw;                                                             \
		__asm__ volatile("fldt %[b]\n\tfldt %[a]\n\tfnclex\n\t" body "\n\t"      \
				 "fnstsw %%ax\n\tmov %%ax, %[sw]\n\tfninit"              \
				 : [sw] "=m"(sw)                                         \
				 : [a] "m"(a), [b] "m"(b)                                \
				 : "ax", "cc");                                          \
		return sw;                                                               \
	}

CMP(do_fcom, "fcom %%st(1)")
CMP(do_fcomp, "fcomp %%st(1)")
CMP(do_fcompp, "fcompp")
CMP(do_fucom, "fucom %%st(1)")
CMP(do_fucomp, "fucomp %%st(1)")
CMP(do_fucompp, "fucompp")
CMP(do_ftst, "ftst")
CMP(do_fxam, "fxam")

typedef uint16_t cmp_fn(long double a, long double b);

/* EFLAGS (OF SF ZF AF PF CF) after FCOMI-type instruction `body`, all six
 * set beforehand; read with LAHF and SETO, which need no stack. */
#define CMPI(name, body)                                                                 \
	static unsigned long name(long double a, long double b, uint16_t *sw)            \
	{                                                                                \
		uint16_t ax;                                                             \
		uint8_t of;                                                              \
		__asm__ volatile("fldt %[b]\n\tfldt %[a]\n\tfnclex\n\t"                  \
				 "mov $0x7f, %%al\n\tadd $1, %%al\n\t"                   \
				 "mov $0xd7, %%ah\n\tsahf\n\t" body "\n\t"                \
				 "lahf\n\tseto %[of]\n\tmov %%ax, %[ax]\n\t"              \
				 "fnstsw %[sw]\n\tfninit"                                \
				 : [ax] "=m"(ax), [of] "=m"(of), [sw] "=m"(*sw)           \
				 : [a] "m"(a), [b] "m"(b)                                \
				 : "ax", "cc");                                          \
		return (unsigned long)((ax >> 8) & 0xd5) | (unsigned long)of << 11;      \
	}

CMPI(do_fcomi, "fcomi %%st(1), %%st")
CMPI(do_fcomip, "fcomip %%st(1), %%st")
CMPI(do_fucomi, "fucomi %%st(1), %%st")
CMPI(do_fucomip, "fucomip %%st(1), %%st")

typedef unsigned long cmpi_fn(long double a, long double b, uint16_t *sw);

/* ST(0) with a memory operand. */
#define CMPM(name, insn, type)                                                           \
	static uint16_t name(long double a, type m)                                      \
	{                                                                                \
		uint16_t sw;                                                             \
		__asm__ volatile("fldt %[a]\n\tfnclex\n\t" insn " %[m]\n\t"              \
				 "fnstsw %[sw]\n\tfninit"                                \
				 : [sw] "=m"(sw)                                         \
				 : [a] "m"(a), [m] "m"(m));                              \
		return sw;                                                               \
	}

CMPM(do_fcoms, "fcoms", float)
CMPM(do_fcompl, "fcompl", double)
CMPM(do_ficoms, "ficoms", int16_t)
CMPM(do_ficompl, "ficompl", int32_t)

int main(void)
{
	static const struct {
		const char *name;
		cmp_fn *fn;
	} cmps[] = {{"fcom", do_fcom},   {"fcomp", do_fcomp},   {"fcompp", do_fcompp},
		    {"fucom", do_fucom}, {"fucomp", do_fucomp}, {"fucompp", do_fucompp},
		    {"ftst", do_ftst},   {"fxam", do_fxam}};
	static const struct {
		const char *name;
		cmpi_fn *fn;
	} cmpis[] = {{"fcomi", do_fcomi},
		     {"fcomip", do_fcomip},
		     {"fucomi", do_fucomi},
		     {"fucomip", do_fucomip}};
	for (unsigned x = 0; x < X87_NVALUES; x++)
		for (unsigned y = 0; y < X87_NVALUES; y++) {
			printf("%2u %2u", x, y);
			for (unsigned k = 0; k < sizeof cmps / sizeof cmps[0]; k++)
				printf(" %s=%04x", cmps[k].name,
				       cmps[k].fn(x87_value(x), x87_value(y)));
			for (unsigned k = 0; k < sizeof cmpis / sizeof cmpis[0]; k++) {
				uint16_t sw;
				unsigned long fl = cmpis[k].fn(x87_value(x), x87_value(y), &sw);
				printf(" %s=%03lx/%04x", cmpis[k].name, fl, sw);
			}
			putchar('\n');
		}
	for (unsigned x = 0; x < X87_NVALUES; x++) {
		long double a = x87_value(x);
		printf("%2u m: %04x %04x %04x %04x %04x %04x\n", x, do_fcoms(a, 1.0f),
		       do_fcompl(a, -3.0), do_ficoms(a, 3), do_ficompl(a, -2),
		       do_fcoms(a, f32_from(0x00000001)), do_fcompl(a, f64_from(1)));
	}
	return 0;
}
