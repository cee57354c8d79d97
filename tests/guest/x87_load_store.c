/* x87 loads and stores of every memory format: FLD/FST(P) m32fp m64fp m80fp,
 * FILD/FIST(P)/FISTTP m16int m32int m64int, FBLD/FBSTP m80bcd, and the
 * constants, under each precision and rounding control. Overflowing integer
 * stores give the integer indefinite; every line shows the status word. */
#include "x87_util.h"

/* Loads: push memory operand *m with INSN under cw; result and status. */
#define LOAD(insn)                                                                       \
	static uint16_t load_##insn(uint16_t cw, const void *m, long double *r)          \
	{                                                                                \
		uint16_t sw;                                                             \
		__asm__ volatile("fldcw %[cw]\n\tfnclex\n\t" #insn " %[m]\n\t"           \
				 "fnstsw %[sw]\n\tfstpt %[r]\n\tfninit"                  \
				 : [sw] "=m"(sw), [r] "=m"(*r)                            \
				 : [m] "m"(*(const char(*)[10])m), [cw] "m"(cw));        \
		return sw;                                                               \
	}

/* Stores: ST(0) = a stored by INSN under cw into *m (n bytes, prefilled). */
#define STORE(insn)                                                                      \
	static uint16_t store_##insn(uint16_t cw, long double a, void *m)                \
	{                                                                                \
		uint16_t sw;                                                             \
		__asm__ volatile("fldt %[a]\n\tfldcw %[cw]\n\tfnclex\n\t" #insn " %[m]\n\t" \
				 "fnstsw %[sw]\n\tfninit"                                \
				 : [sw] "=m"(sw), [m] "+m"(*(char(*)[10])m)               \
				 : [a] "m"(a), [cw] "m"(cw));                            \
		return sw;                                                               \
	}

LOAD(flds)
LOAD(fldl)
LOAD(fldt)
LOAD(filds)
LOAD(fildl)
LOAD(fildll)
LOAD(fbld)
STORE(fsts)
STORE(fstps)
STORE(fstl)
STORE(fstpl)
STORE(fstpt)
STORE(fists)
STORE(fistps)
STORE(fistl)
STORE(fistpl)
STORE(fistpll)
STORE(fisttps)
STORE(fisttpl)
STORE(fisttpll)
STORE(fbstp)

typedef uint16_t load_fn(uint16_t cw, const void *m, long double *r);
typedef uint16_t store_fn(uint16_t cw, long double a, void *m);

static void print_bytes(const unsigned char *p, unsigned n)
{
	while (n--)
		printf("%02x", p[n]);
}

static void try_load(const char *name, load_fn *load, const void *m, unsigned n)
{
	long double r;
	unsigned char buf[10] = {0};
	memcpy(buf, m, n);
	uint16_t sw = load(x87_cw(2, 0), buf, &r);
	printf("%-7s ", name);
	print_bytes(buf, n);
	printf(" sw=%04x ", sw);
	print_f80(r);
	putchar('\n');
}

static void loads(void)
{
	static const uint32_t singles[] = {0x3f800000, 0x00000001, 0x807fffff, 0x7f800001,
					   0xffc00000, 0x7f800000, 0x80000000, 0x00800000,
					   0xff7fffff, 0xff800000, 0x00000000};
	static const uint64_t doubles[] = {0x3ff0000000000001ull, 0x000fffffffffffffull,
					   0x7ff0000000000001ull, 0xfff8000000000000ull,
					   0x7fefffffffffffffull, 0x0010000000000000ull,
					   0x8000000000000000ull, 0x0000000000000000ull,
					   0x7ff0000000000000ull, 0xfff0000000000000ull,
					   0xc00921fb54442d18ull, 0x8000000000000001ull};
	static const int16_t words[] = {0, -1, 32767, -32768};
	static const int32_t dwords[] = {123456789, -2147483647 - 1};
	static const int64_t qwords[] = {0x7fffffffffffffffll, -0x7fffffffffffffffll - 1,
					 0x123456789abcdefll};
	static const unsigned char bcds[][10] = {
		{0x21, 0x43, 0x65, 0x87, 0x09, 0x21, 0x43, 0x65, 0x87, 0x00},
		{0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x80},
		{0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80},
		{0x1a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
	};
	static const struct f80 raw[] = {
		{0x8000000000000001ull, 0x0000}, {0x4000000000000000ull, 0x4000},
		{0x0000000000000000ull, 0x7fff}, {0x4000000000000000ull, 0xffff},
	};
	for (unsigned k = 0; k < sizeof singles / sizeof singles[0]; k++)
		try_load("flds", load_flds, &singles[k], 4);
	for (unsigned k = 0; k < sizeof doubles / sizeof doubles[0]; k++)
		try_load("fldl", load_fldl, &doubles[k], 8);
	for (unsigned k = 0; k < sizeof words / sizeof words[0]; k++)
		try_load("filds", load_filds, &words[k], 2);
	for (unsigned k = 0; k < sizeof dwords / sizeof dwords[0]; k++)
		try_load("fildl", load_fildl, &dwords[k], 4);
	for (unsigned k = 0; k < sizeof qwords / sizeof qwords[0]; k++)
		try_load("fildll", load_fildll, &qwords[k], 8);
	for (unsigned k = 0; k < sizeof bcds / sizeof bcds[0]; k++)
		try_load("fbld", load_fbld, bcds[k], 10);
	for (unsigned k = 0; k < sizeof raw / sizeof raw[0]; k++) {
		long double v = f80(raw[k].sexp, raw[k].mant);
		try_load("fldt", load_fldt, &v, 10);
	}
}

static const struct {
	const char *name;
	store_fn *store;
	unsigned size;
} stores[] = {
	{"fsts", store_fsts, 4},       {"fstps", store_fstps, 4},
	{"fstl", store_fstl, 8},       {"fstpl", store_fstpl, 8},
	{"fstpt", store_fstpt, 10},    {"fists", store_fists, 2},
	{"fistps", store_fistps, 2},   {"fistl", store_fistl, 4},
	{"fistpl", store_fistpl, 4},   {"fistpll", store_fistpll, 8},
	{"fisttps", store_fisttps, 2}, {"fisttpl", store_fisttpl, 4},
	{"fisttpll", store_fisttpll, 8}, {"fbstp", store_fbstp, 10},
};

static void try_store(unsigned s, uint16_t cw, long double a, const char *tag)
{
	unsigned char m[10];
	memset(m, 0x5a, sizeof m);
	uint16_t sw = stores[s].store(cw, a, m);
	printf("%-8s %s sw=%04x ", stores[s].name, tag, sw);
	print_bytes(m, stores[s].size);
	putchar('\n');
}

/* Values around the rounding and range boundaries of each format. */
static void store_all(void)
{
	static const long double extra[] = {
		0.5L, 1.5L, 2.5L, -0.5L, -1.5L, -2.5L, 32767.5L, -32768.5L, 32768.0L,
		2147483647.5L, -2147483648.0L, 2147483648.0L, 9223372036854775807.0L,
		-9223372036854775808.0L, 9223372036854775808.0L, 1e18L - 1, 1e18L, -1e18L + 0.5L,
		3.4028235677973366e38L, 1.0e-40L, 1.0e-46L, 1e308L * 10, 4.9e-324L, 1e-330L,
		0.1L, -123456.789L,
	};
	char tag[32];
	for (unsigned s = 0; s < sizeof stores / sizeof stores[0]; s++) {
		for (unsigned v = 0; v < X87_NVALUES; v++) {
			snprintf(tag, sizeof tag, "v%-2u", v);
			try_store(s, x87_cw(2, 0), x87_value(v), tag);
		}
		for (unsigned v = 0; v < sizeof extra / sizeof extra[0]; v++)
			for (unsigned rc = 0; rc < 4; rc++) {
				snprintf(tag, sizeof tag, "e%-2u rc%u", v, rc);
				try_store(s, x87_cw(2, rc), extra[v], tag);
			}
	}
}

/* FLD1 FLDL2T FLDL2E FLDPI FLDLG2 FLDLN2 FLDZ round by RC (not PC). */
#define CONST(insn)                                                                      \
	do {                                                                             \
		long double r;                                                           \
		uint16_t sw;                                                             \
		__asm__ volatile("fldcw %[cw]\n\tfnclex\n\t" #insn "\n\tfnstsw %[sw]\n\t" \
				 "fstpt %[r]\n\tfninit"                                  \
				 : [sw] "=m"(sw), [r] "=m"(r)                             \
				 : [cw] "m"(cw));                                        \
		printf("%-7s pc%u rc%u sw=%04x ", #insn, pc, rc, sw);                    \
		print_f80(r);                                                            \
		putchar('\n');                                                           \
	} while (0)

static void constants(void)
{
	for (unsigned pc = 0; pc < 3; pc++)
		for (unsigned rc = 0; rc < 4; rc++) {
			uint16_t cw = x87_cw(pc, rc);
			CONST(fld1);
			CONST(fldl2t);
			CONST(fldl2e);
			CONST(fldpi);
			CONST(fldlg2);
			CONST(fldln2);
			CONST(fldz);
		}
}

int main(void)
{
	loads();
	store_all();
	constants();
	return 0;
}
