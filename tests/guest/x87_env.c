/* x87 environment images: FNSTENV/FLDENV and FNSAVE/FRSTOR in the 32-bit
 * and 16-bit (operand-size prefix) formats, FXSAVE/FXRSTOR (and FXSAVE64),
 * the instruction and data pointers (printed relative to the instruction and
 * the operand, so the output does not depend on load addresses), FOP, the
 * tag word derived from register contents, and FNSTENV's masking. */
#include "x87_util.h"

struct env32 {
	uint32_t cw, sw, tw, ip, cs_op, dp, ds;
};

/* Puts the address of local label 1 into `reg`. */
#ifdef __x86_64__
#define ADDR_OF_1(reg) "lea 1b(%%rip), %" reg "\n\t"
#else
#define ADDR_OF_1(reg) "call 9f\n9:\tpop %" reg "\n\tsub $(9b - 1b), %" reg "\n\t"
#endif

static long double var = 3.0L;

static void print_env32(const char *name, const struct env32 *e, uintptr_t insn, uintptr_t data)
{
	printf("%-12s cw=%08x sw=%08x tw=%08x ip%+ld cs=%04x op=%03x dp%+ld ds=%08x\n", name,
	       e->cw, e->sw, e->tw, (long)(e->ip - (uint32_t)insn), e->cs_op & 0xffff,
	       e->cs_op >> 16, (long)(e->dp - (uint32_t)data), e->ds);
}

/* The last non-control instruction (label 1) sets the pointers; control
 * instructions after it do not. */
static void pointers(void)
{
	struct env32 e;
	uintptr_t at;
	long double local = 5.0L;
	uint16_t cw = 0x37f;
	__asm__ volatile("fninit\n\tfldt %[v]\n1:\tfldt %[v]\n\tfldcw %[cw]\n\tfnstenv %[e]\n\t"
			 ADDR_OF_1("[at]") "fninit"
			 : [e] "=m"(e), [at] "=r"(at)
			 : [v] "m"(var), [cw] "m"(cw));
	print_env32("fldt static", &e, at, (uintptr_t)&var);
	__asm__ volatile("fninit\n1:\tfldt %[v]\n\tfnstenv %[e]\n\t" ADDR_OF_1("[at]") "fninit"
			 : [e] "=m"(e), [at] "=r"(at)
			 : [v] "m"(local));
	print_env32("fldt stack", &e, at, (uintptr_t)&local);
	__asm__ volatile("fninit\n\tfldt %[v]\n1:\tfsqrt\n\tfnclex\n\tfwait\n\tfnstenv %[e]\n\t"
			 ADDR_OF_1("[at]") "fninit"
			 : [e] "=m"(e), [at] "=r"(at)
			 : [v] "m"(var));
	print_env32("fsqrt", &e, at, (uintptr_t)&var);
	__asm__ volatile("fninit\n\tfldt %[v]\n\tfld1\n1:\tfaddp\n\tfnstenv %[e]\n\t"
			 ADDR_OF_1("[at]") "fninit"
			 : [e] "=m"(e), [at] "=r"(at)
			 : [v] "m"(var));
	print_env32("faddp", &e, at, (uintptr_t)&var);
	__asm__ volatile("fninit\n\tfldt %[v]\n1:\tfstps %[f]\n\tfnstenv %[e]\n\t"
			 ADDR_OF_1("[at]") "fninit"
			 : [e] "=m"(e), [at] "=r"(at), [f] "=m"(local)
			 : [v] "m"(var));
	print_env32("fstps", &e, at, (uintptr_t)&local);
	__asm__ volatile("fninit\n\tfldt %[v]\n1:\tfincstp\n\tfnstenv %[e]\n\t"
			 ADDR_OF_1("[at]") "fninit"
			 : [e] "=m"(e), [at] "=r"(at)
			 : [v] "m"(var));
	print_env32("fincstp", &e, at, (uintptr_t)&var);
	__asm__ volatile("fninit\n\tfnstenv %[e]" : [e] "=m"(e));
	print_env32("fninit", &e, 0, 0);
}

/* Tags come from the contents: valid, zero, special (NaN, infinity,
 * denormal, unnormal), empty. */
static void tags(void)
{
	struct env32 e;
	long double vals[4] = {f80(0x0000, 1), f80(0x3fff, 0x4000000000000000ull),
			       f80(0xffff, 0x8000000000000000ull), 0.0L};
	__asm__ volatile("fninit\n\tfld1\n\tfldt %[a]\n\tfldt %[b]\n\tfldt %[c]\n\tfldt %[d]\n\t"
			 "fldz\n\tfnstenv %[e]\n\tfninit"
			 : [e] "=m"(e)
			 : [a] "m"(vals[0]), [b] "m"(vals[1]), [c] "m"(vals[2]), [d] "m"(vals[3]));
	printf("tags sw=%04x tw=%04x\n", e.sw & 0xffff, e.tw & 0xffff);
}

/* FLDENV takes a modified image back; FNSTENV then masks all exceptions. */
static void round_trip(void)
{
	struct env32 e, f;
	uint16_t cw;
	__asm__ volatile("fninit\n\tfld1\n\tfldpi\n\tfnstenv %[e]\n\tfninit" : [e] "=m"(e));
	e.cw = 0xffff0f40; /* all exceptions unmasked, chop, single */
	e.sw = (e.sw & 0x3800) | 0x4700; /* C3 C2 C1 C0, no flag */
	e.tw = 0xfff0;                   /* ST(0) ST(1) in use whatever the image said */
	__asm__ volatile("fldenv %[e]\n\tfnstenv %[f]\n\tfnstcw %[cw]\n\tfninit"
			 : [f] "=m"(f), [cw] "=m"(cw)
			 : [e] "m"(e));
	print_env32("fldenv", &f, f.ip, f.dp);
	printf("cw after fnstenv %04x\n", cw);
}

/* The 16-bit format (operand-size prefix): 14 bytes. */
static void format16(void)
{
	unsigned char e[16];
	uint16_t cw = 0x0e7f;
	memset(e, 0xaa, sizeof e);
	__asm__ volatile("fninit\n\tfldcw %[cw]\n\tfld1\n\tfldz\n\tdata16 fnstenv %[e]\n\tfninit"
			 : [e] "+m"(e)
			 : [cw] "m"(cw));
	printf("fnstenv16 cw=%02x%02x sw=%02x%02x tw=%02x%02x cs=%02x%02x after=%02x%02x\n", e[1],
	       e[0], e[3], e[2], e[5], e[4], e[9], e[8], e[14], e[15]);
	e[0] = 0x7f;
	e[1] = 0x0b; /* round up */
	__asm__ volatile("data16 fldenv %[e]\n\tfnstcw %[cw]\n\tfninit" : [cw] "=m"(cw) : [e] "m"(e));
	printf("fldenv16 cw=%04x\n", cw);
}

struct fsave {
	struct env32 env;
	unsigned char st[80];
};

static void print_fsave(const char *name, const struct fsave *s)
{
	printf("%s cw=%04x sw=%04x tw=%04x", name, s->env.cw & 0xffff, s->env.sw & 0xffff,
	       s->env.tw & 0xffff);
	for (int k = 0; k < 8; k++) {
		long double v;
		memcpy(&v, s->st + 10 * k, 10);
		putchar(' ');
		print_f80(v);
	}
	putchar('\n');
}

/* FOP keeps ModRM whatever the addressing form (base, SIB, displacement). */
static void opcodes(void)
{
	static long double arr[4] = {1, 2, 3, 4};
	struct env32 e;
	long double *p = arr;
	long index = 1;
	__asm__ volatile("fninit\n\tfldt (%[p])\n\tfnstenv %[e]\n\tfninit"
			 : [e] "=m"(e)
			 : [p] "r"(p), "m"(arr));
	printf("fop base %03x\n", e.cs_op >> 16);
	__asm__ volatile("fninit\n\tfldt 16(%[p],%[i],8)\n\tfnstenv %[e]\n\tfninit"
			 : [e] "=m"(e)
			 : [p] "r"(p), [i] "r"(index), "m"(arr));
	printf("fop sib %03x dp%+ld\n", e.cs_op >> 16, (long)(e.dp - (uint32_t)(uintptr_t)arr));
	__asm__ volatile("fninit\n\tsub $1024, %[p]\n\tfldt 1024(%[p])\n\tfnstenv %[e]\n\t"
			 "fninit"
			 : [e] "=m"(e), [p] "+r"(p)
			 : "m"(arr));
	printf("fop disp32 %03x\n", e.cs_op >> 16);
	__asm__ volatile("fninit\n\tfld1\n\tfiaddl %[v]\n\tfisttps %[v2]\n\tfnstenv %[e]\n\tfninit"
			 : [e] "=m"(e), [v2] "=m"(index)
			 : [v] "m"(index));
	printf("fop fisttp %03x\n", e.cs_op >> 16);
}

/* The 16-bit FNSAVE image: 14-byte environment, then the registers. */
static void save16(void)
{
	unsigned char img[94 + 2];
	uint16_t sw;
	memset(img, 0xee, sizeof img);
	__asm__ volatile("fninit\n\tfld1\n\tfldpi\n\tdata16 fnsave %[s]\n\t"
			 "data16 frstor %[s]\n\tfaddp\n\tfnstsw %[sw]\n\tfninit"
			 : [s] "+m"(img), [sw] "=m"(sw));
	printf("fnsave16 cw=%02x%02x sw=%02x%02x tw=%02x%02x st0=", img[1], img[0], img[3], img[2],
	       img[5], img[4]);
	for (int k = 23; k >= 14; k--)
		printf("%02x", img[k]);
	printf(" end=%02x%02x after frstor+faddp sw=%04x\n", img[94], img[95], sw);
}

static void save_restore(void)
{
	struct fsave s, t;
	uint16_t cw, sw;
	__asm__ volatile("fninit\n\tfld1\n\tfldpi\n\tfldl2e\n\tfsqrt\n\tfnsave %[s]\n\t"
			 "fnstcw %[cw]\n\tfnstsw %[sw]"
			 : [s] "=m"(s), [cw] "=m"(cw), [sw] "=m"(sw));
	print_fsave("fnsave", &s);
	printf("after fnsave cw=%04x sw=%04x\n", cw, sw);
	memcpy(s.st + 10, s.st, 10); /* ST(1) = ST(0) */
	s.env.cw = 0x077f;
	__asm__ volatile("frstor %[s]\n\tfmul %%st(1), %%st\n\tfnsave %[t]\n\tfninit"
			 : [t] "=m"(t)
			 : [s] "m"(s));
	print_fsave("frstor", &t);
}

/* FXSAVE: pointers only while an exception is pending (ES), as on the
 * reference AMD machine; so they are printed only then. */
static void print_fx(const char *name, const unsigned char *fx, int pointers)
{
	uint16_t cw, sw, op;
	uint32_t mxcsr, mask;
	memcpy(&cw, fx, 2);
	memcpy(&sw, fx + 2, 2);
	memcpy(&op, fx + 6, 2);
	memcpy(&mxcsr, fx + 24, 4);
	memcpy(&mask, fx + 28, 4);
	printf("%s cw=%04x sw=%04x ftw=%02x mxcsr=%08x mask=%04x", name, cw, sw, fx[4], mxcsr,
	       mask & 0xffff);
	if (pointers)
		printf(" op=%03x", op);
	for (int k = 0; k < 8; k++) {
		long double v;
		memcpy(&v, fx + 32 + 16 * k, 10);
		printf(" ");
		print_f80(v);
		printf("/%02x%02x%02x", fx[32 + 16 * k + 10], fx[32 + 16 * k + 11], fx[32 + 16 * k + 15]);
	}
	printf("\n xmm:");
	for (int k = 160; k < 160 + 16 * 8; k++)
		printf("%02x", fx[k]);
	printf("\n");
}

/* gcc knows XMM registers only where SSE is enabled; an i386 build does not
 * use them at all. */
#ifdef __x86_64__
#define XMM_CLOBBERS "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7"
#else
#define XMM_CLOBBERS "memory"
#endif
#define SET_XMM                                                                          \
	"pxor %%xmm0, %%xmm0\n\tpcmpeqb %%xmm1, %%xmm1\n\tpxor %%xmm2, %%xmm2\n\t"          \
	"pxor %%xmm3, %%xmm3\n\tpxor %%xmm4, %%xmm4\n\tpxor %%xmm5, %%xmm5\n\t"             \
	"pxor %%xmm6, %%xmm6\n\tpxor %%xmm7, %%xmm7\n\t"

static void fxsave_restore(void)
{
	static unsigned char fx[512] __attribute__((aligned(16)));
	static unsigned char fy[512] __attribute__((aligned(16)));
	uint16_t unmask_pe = 0x035f;
	uint32_t mxcsr = 0x3f80;
	memset(fx, 0xcc, sizeof fx);
	__asm__ volatile("fninit\n\tldmxcsr %[mx]\n\t" SET_XMM
			 "fld1\n\tfldz\n\tfldpi\n\tfsqrt\n\tfxsave %[fx]\n\tfninit"
			 : [fx] "+m"(fx)
			 : [mx] "m"(mxcsr)
			 : XMM_CLOBBERS);
	print_fx("fxsave", fx, 0);
	for (int k = 416; k < 512; k += 31)
		printf("%02x", fx[k]);
	printf(" untouched\n");
	/* with a pending exception the pointers are stored */
	__asm__ volatile("fninit\n\t" SET_XMM "fld1\n\tfldpi\n\tfsqrt\n\tfldcw %[cw]\n\t"
			 "fxsave %[fx]\n\tfnclex\n\tfninit"
			 : [fx] "+m"(fx)
			 : [cw] "m"(unmask_pe)
			 : XMM_CLOBBERS);
	print_fx("fxsave ES", fx, 1);
	fx[4] = 0x81;                 /* tags: ST(0) (physical 7) and physical 0 in use */
	memcpy(fx + 2, "\x00\x38", 2); /* TOP = 7, no flags */
	memset(fx + 32 + 16, 0, 10);  /* ST(1): +0 */
	fx[160] = 0x42;
	__asm__ volatile("fxrstor %[fx]\n\tfld %%st(1)\n\tfxsave %[fy]\n\tfninit"
			 : [fy] "=m"(fy)
			 : [fx] "m"(fx)
			 : XMM_CLOBBERS);
	print_fx("fxrstor", fy, 0);
#ifdef __x86_64__
	__asm__ volatile("fninit\n\t" SET_XMM "fld1\n\tfldpi\n\tfsqrt\n\tfldcw %[cw]\n\t"
			 "fxsave64 %[fx]\n\tfnclex\n\tfninit"
			 : [fx] "+m"(fx)
			 : [cw] "m"(unmask_pe)
			 : XMM_CLOBBERS);
	print_fx("fxsave64 ES", fx, 1);
#endif
	mxcsr = 0x1f80;
	__asm__ volatile("ldmxcsr %[mx]" : : [mx] "m"(mxcsr));
}

int main(void)
{
	pointers();
	tags();
	round_trip();
	format16();
	opcodes();
	save16();
	save_restore();
	fxsave_restore();
	return 0;
}
