/* SSE3 and SSSE3: ADDSUB/HADD/HSUB (ps pd) over zeros, denormals, extremes,
 * infinities, QNaNs and SNaNs (two NaNs in one pair show which operand wins)
 * under three MXCSR settings with the flags raised; MOVDDUP/MOVSLDUP/MOVSHDUP
 * and LDDQU at every misalignment; every SSSE3 instruction in its XMM and MMX
 * forms, register and memory operands, over edge vectors (saturation,
 * -32768 * -32768, PSHUFB indices with the top bit set); PALIGNR by 0 to 255;
 * FISTTP m16/m32/m64 under each rounding control; the CPUID bits; #UD for
 * the prefixes these opcodes have no form for.
 * hexvm-test: flavors=x64,m32,musl cflags=-mssse3 */
#include <cpuid.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "sse_util.h"

/* ---- SSE3 floating point ---- */

#define FP_FORMS(op) XOP_R(op##_r, #op) XOP_M(op##_m, #op)
FP_FORMS(addsubps)
FP_FORMS(addsubpd)
FP_FORMS(haddps)
FP_FORMS(haddpd)
FP_FORMS(hsubps)
FP_FORMS(hsubpd)

static const uint32_t f32[] = {
	0x00000000, 0x80000000, 0x3f800000, 0xc0200000, 0x3eaaaaab, 0x00000001,
	0x807fffff, 0x00800000, 0x7f7fffff, 0xff7fffff, 0x7f800000, 0xff800000,
	0x7fc00001, 0xffc12345, 0x7f800003, 0xff812345, 0x33800000, 0x3f800001,
};
static const uint64_t f64[] = {
	0x0000000000000000, 0x8000000000000000, 0x3ff0000000000000, 0xc004000000000000,
	0x3fd5555555555555, 0x0000000000000001, 0x800fffffffffffff, 0x0010000000000000,
	0x7fefffffffffffff, 0xffefffffffffffff, 0x7ff0000000000000, 0xfff0000000000000,
	0x7ff8000000000001, 0xfff8000000012345, 0x7ff0000000000003, 0xfff0000000012345,
	0x3ca0000000000000, 0x3ff0000000000001,
};
#define NF (sizeof f32 / sizeof f32[0])

static const struct {
	const char *name;
	uint32_t csr;
} modes[] = {{"RN", 0x1f80}, {"RU", 0x5f80}, {"DAZ+FTZ", 0x9fc0}};

/* Every lane of d and s walks the value table at its own stride, so that
 * each value meets each other one in some pair. */
static void fp_op(const char *name, xop *f, int dbl)
{
	unsigned lanes = dbl ? 2 : 4;
	for (unsigned m = 0; m < sizeof modes / sizeof modes[0]; m++) {
		printf("%s %s:", name, modes[m].name);
		for (unsigned a = 0; a < NF; a++)
			for (unsigned b = 0; b < NF; b += 2) {
				V d, s;
				uint32_t csr = modes[m].csr;
				for (unsigned k = 0; k < lanes; k++) {
					unsigned x = (a + k * (b + 1)) % NF,
						 y = (b + k * (a + 3)) % NF;
					if (dbl) {
						d.q[k] = f64[x];
						s.q[k] = f64[y];
					} else {
						d.d[k] = f32[x];
						s.d[k] = f32[y];
					}
				}
				f(&d, &s, &csr);
				printf(" %08x%08x%08x%08x/%02x", d.d[3], d.d[2], d.d[1], d.d[0],
				       csr & 0x3f);
			}
		printf("\n");
	}
}

/* ---- SSE3 moves ---- */

#define MOVE_R(name, insn)                                                                         \
	static void name(V *d, const V *s)                                                         \
	{                                                                                          \
		__asm__ volatile("movdqu %1, %%xmm3\n\tpcmpeqd %%xmm2, %%xmm2\n\t" insn            \
				 " %%xmm3, %%xmm2\n\tmovdqu %%xmm2, %0"                            \
				 : "=m"(*d)                                                        \
				 : "m"(*s)                                                         \
				 : "xmm2", "xmm3");                                                \
	}
#define MOVE_M(name, insn, type)                                                                   \
	static void name(V *d, const void *p)                                                      \
	{                                                                                          \
		__asm__ volatile("pcmpeqd %%xmm2, %%xmm2\n\t" insn " %1, %%xmm2\n\t"               \
				 "movdqu %%xmm2, %0"                                               \
				 : "=m"(*d)                                                        \
				 : "m"(*(const type *)p)                                           \
				 : "xmm2");                                                        \
	}
MOVE_R(movddup_r, "movddup")
MOVE_R(movsldup_r, "movsldup")
MOVE_R(movshdup_r, "movshdup")
MOVE_M(movddup_m, "movddup", uint64_t)
MOVE_M(movsldup_m, "movsldup", V)
MOVE_M(movshdup_m, "movshdup", V)
MOVE_M(lddqu_m, "lddqu", V)

static void print_v(const V *v)
{
	printf(" %016llx%016llx", (unsigned long long)v->q[1], (unsigned long long)v->q[0]);
}

static void moves(void)
{
	static unsigned char buf[48] __attribute__((aligned(16)));
	V s = {{0x11223344, 0x55667788, 0x99aabbcc, 0xddeeff00}}, d;
	for (unsigned k = 0; k < sizeof buf; k++)
		buf[k] = (unsigned char)(k * 37 + 5);
	printf("moves:");
	movddup_r(&d, &s);
	print_v(&d);
	movsldup_r(&d, &s);
	print_v(&d);
	movshdup_r(&d, &s);
	print_v(&d);
	movsldup_m(&d, buf + 16);
	print_v(&d);
	movshdup_m(&d, buf + 32);
	print_v(&d);
	printf("\n");
	/* MOVDDUP's m64 and LDDQU's m128 need no alignment */
	printf("unaligned:");
	for (unsigned off = 0; off < 16; off++) {
		movddup_m(&d, buf + off);
		print_v(&d);
		lddqu_m(&d, buf + off);
		print_v(&d);
	}
	printf("\n");
}

/* ---- SSSE3 integer: XMM and MMX forms, register and memory ---- */

#define ENTRY(op) {#op, {op##_xr, op##_xm, op##_mr, op##_mm}},

#define SSSE3_OPS(X)                                                                               \
	X(pshufb)                                                                                  \
	X(phaddw)                                                                                  \
	X(phaddd)                                                                                  \
	X(phaddsw) X(pmaddubsw) X(phsubw) X(phsubd) X(phsubsw) X(psignb) X(psignw) X(psignd)       \
		X(pmulhrsw) X(pabsb) X(pabsw) X(pabsd)
SSSE3_OPS(IOP_FORMS)

static const struct {
	const char *name;
	iop *forms[4];
} iops[] = {SSSE3_OPS(ENTRY)};

#define NVEC 12
static V vec[NVEC];

static void make_vectors(void)
{
	static const uint8_t edge[] = {0x00, 0x01, 0x7f, 0x80, 0x81, 0xfe, 0xff, 0x40};
	uint32_t x = 2024;
	for (unsigned v = 0; v < NVEC; v++)
		for (unsigned k = 0; k < 16; k++) {
			x = x * 1103515245u + 12345u;
			((uint8_t *)&vec[v])[k] =
				v < 4 ? edge[(k * (v + 1) + v) % 8] : (uint8_t)(x >> 16);
		}
	/* word and dword edges: saturation of PHADDSW/PHSUBSW, PMULHRSW's
	 * -32768 * -32768, PMADDUBSW's 255 * -128 twice */
	vec[8].d[0] = 0x7fff8000, vec[8].d[1] = 0xffff0001;
	vec[8].d[2] = 0x80000000, vec[8].d[3] = 0x7fffffff;
	vec[9].d[0] = 0x80008000, vec[9].d[1] = 0x7fff7fff;
	vec[9].d[2] = 0x00010000, vec[9].d[3] = 0xffffffff;
	vec[10].d[0] = 0xffffffff, vec[10].d[1] = 0x80808080;
	vec[10].d[2] = 0x7f7f7f7f, vec[10].d[3] = 0x4000c000;
	/* PSHUFB indices: in range, past 7 and 15, and with the top bit set */
	vec[11].d[0] = 0x0f000307, vec[11].d[1] = 0x8f80ff08;
	vec[11].d[2] = 0x7f10090e, vec[11].d[3] = 0x01c28a05;
}

static void ssse3_ops(void)
{
	static const char *const form_names[] = {"xr", "xm", "mr", "mm"};
	for (unsigned o = 0; o < sizeof iops / sizeof iops[0]; o++)
		for (unsigned f = 0; f < 4; f++) {
			printf("%s.%s:", iops[o].name, form_names[f]);
			for (unsigned a = 0; a < NVEC; a++)
				for (unsigned b = 0; b < NVEC; b++) {
					V d = vec[a], s = vec[b];
					iops[o].forms[f](&d, &s);
					print_v(&d);
				}
			printf("\n");
		}
}

/* ---- PALIGNR: one function per immediate ---- */

/* d[0] gets the XMM register form, d[1] the XMM memory form, the low
 * quadwords of d[2] and d[3] the MMX register and memory forms. */
#define ALIGN_FN(n)                                                                                \
	static void palignr_##n(V *d, const V *s)                                                  \
	{                                                                                          \
		__asm__ volatile("movdqu %0, %%xmm0\n\tmovdqu %4, %%xmm1\n\t"                      \
				 "movdqu %0, %%xmm2\n\tmovq %0, %%mm0\n\tmovq %4, %%mm1\n\t"       \
				 "movq %0, %%mm2\n\t"                                              \
				 "palignr $" #n ", %%xmm1, %%xmm0\n\t"                             \
				 "palignr $" #n ", %4, %%xmm2\n\t"                                 \
				 "palignr $" #n ", %%mm1, %%mm0\n\t"                               \
				 "palignr $" #n ", %4, %%mm2\n\t"                                  \
				 "movdqu %%xmm0, %0\n\tmovdqu %%xmm2, %1\n\t"                      \
				 "movq %%mm0, %2\n\tmovq %%mm2, %3\n\temms"                        \
				 : "+m"(d[0]), "=m"(d[1]), "=m"(d[2].q[0]), "=m"(d[3].q[0])        \
				 : "m"(*s)                                                         \
				 : "xmm0", "xmm1", "xmm2", "mm0", "mm1", "mm2");                   \
	}
#define ALIGNS(X) X(0) X(1) X(7) X(8) X(9) X(15) X(16) X(17) X(24) X(31) X(32) X(255)
ALIGNS(ALIGN_FN)
#define ALIGN_ENTRY(n) {n, palignr_##n},

static void palignr(void)
{
	static const struct {
		unsigned imm;
		iop *f;
	} fns[] = {ALIGNS(ALIGN_ENTRY)};
	for (unsigned k = 0; k < sizeof fns / sizeof fns[0]; k++) {
		printf("palignr %u:", fns[k].imm);
		for (unsigned a = 4; a < 8; a++) {
			V out[4] = {vec[a], {{0}}, {{0}}, {{0}}};
			fns[k].f(out, &vec[a + 1]);
			for (unsigned f = 0; f < 4; f++)
				print_v(&out[f]);
		}
		printf("\n");
	}
}

/* ---- FISTTP: truncation whatever the rounding control ---- */

#define FISTTP(insn, T)                                                                            \
	static uint16_t insn##_fn(uint16_t cw, long double a, T *m)                                \
	{                                                                                          \
		uint16_t sw;                                                                       \
		__asm__ volatile("fldt %[a]\n\tfldcw %[cw]\n\tfnclex\n\t" #insn " %[m]\n\t"        \
				 "fnstsw %[sw]\n\tfninit"                                          \
				 : [sw] "=m"(sw), [m] "=m"(*m)                                     \
				 : [a] "m"(a), [cw] "m"(cw));                                      \
		return sw;                                                                         \
	}
FISTTP(fisttps, int16_t)
FISTTP(fisttpl, int32_t)
FISTTP(fisttpll, int64_t)

static void fisttp(void)
{
	static const long double vals[] = {
		2.5L,
		-2.5L,
		0.5L,
		-0.5L,
		1.5L,
		-1.5L,
		0.0L,
		-0.0L,
		32767.9L,
		32768.0L,
		-32768.9L,
		-32769.0L,
		2147483647.5L,
		2147483648.0L,
		-2147483648.9L,
		-2147483649.0L,
		9223372036854775807.0L,
		9.3e18L,
		-9.3e18L,
		1e30L,
		__builtin_infl(),
		-__builtin_infl(),
		__builtin_nanl(""),
	};
	static const uint16_t cws[] = {0x037f, 0x077f, 0x0b7f, 0x0f7f};
	for (unsigned c = 0; c < sizeof cws / sizeof cws[0]; c++)
		for (unsigned v = 0; v < sizeof vals / sizeof vals[0]; v++) {
			int16_t w = 0x5a5a;
			int32_t l = 0x5a5a5a5a;
			int64_t q = 0x5a5a5a5a5a5a5a5all;
			uint16_t sw16 = fisttps_fn(cws[c], vals[v], &w);
			uint16_t sw32 = fisttpl_fn(cws[c], vals[v], &l);
			uint16_t sw64 = fisttpll_fn(cws[c], vals[v], &q);
			printf("fisttp cw=%04x v%u: %04x/%04x %08x/%04x %016llx/%04x\n", cws[c], v,
			       (uint16_t)w, sw16 & 0x3fff, (uint32_t)l, sw32 & 0x3fff,
			       (unsigned long long)q, sw64 & 0x3fff);
		}
}

/* ---- undefined encodings: each runs from an executable page, ending in RET ---- */

static sigjmp_buf probe_jmp;

static void on_sigill(int sig) { siglongjmp(probe_jmp, sig); }

static void undefined(void)
{
	static const struct {
		const char *what;
		unsigned char code[8];
	} codes[] = {
		{"f3 pshufb", {0xf3, 0x0f, 0x38, 0x00, 0xc1, 0xc3}},
		{"f2 pshufb", {0xf2, 0x0f, 0x38, 0x00, 0xc1, 0xc3}},
		{"66 f3 phaddw", {0x66, 0xf3, 0x0f, 0x38, 0x01, 0xc1, 0xc3}},
		{"66 f2 pabsd", {0x66, 0xf2, 0x0f, 0x38, 0x1e, 0xc1, 0xc3}},
		{"f3 palignr", {0xf3, 0x0f, 0x3a, 0x0f, 0xc1, 0x03, 0xc3}},
		{"66 f3 haddpd", {0x66, 0xf3, 0x0f, 0x7c, 0xc1, 0xc3}},
		{"haddpd no prefix", {0x0f, 0x7c, 0xc1, 0xc3}},
		{"f3 addsubpd", {0xf3, 0x0f, 0xd0, 0xc1, 0xc3}},
		{"addsubps no prefix", {0x0f, 0xd0, 0xc1, 0xc3}},
		{"lddqu register", {0xf2, 0x0f, 0xf0, 0xc1, 0xc3}},
		{"66 lddqu", {0x66, 0x0f, 0xf0, 0x00, 0xc3}},
		{"movsldup (ok)", {0x66, 0xf3, 0x0f, 0x12, 0xc1, 0xc3}},
		{"pabsb (ok)", {0x0f, 0x38, 0x1c, 0xc1, 0x0f, 0x77, 0xc3}},
	};
	unsigned char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		return;
	signal(SIGILL, on_sigill);
	for (unsigned k = 0; k < sizeof codes / sizeof codes[0]; k++) {
		memcpy(page + 64 * k, codes[k].code, sizeof codes[k].code);
		int sig = sigsetjmp(probe_jmp, 1);
		if (!sig)
			((void (*)(void))(page + 64 * k))();
		printf("%s: %s\n", codes[k].what, sig ? "SIGILL" : "ran");
	}
	signal(SIGILL, SIG_DFL);
}

int main(void)
{
	static const struct {
		const char *name;
		xop *f;
		int dbl;
	} fps[] = {
		{"addsubps", addsubps_r, 0}, {"addsubps.m", addsubps_m, 0},
		{"addsubpd", addsubpd_r, 1}, {"addsubpd.m", addsubpd_m, 1},
		{"haddps", haddps_r, 0},     {"haddps.m", haddps_m, 0},
		{"haddpd", haddpd_r, 1},     {"haddpd.m", haddpd_m, 1},
		{"hsubps", hsubps_r, 0},     {"hsubps.m", hsubps_m, 0},
		{"hsubpd", hsubpd_r, 1},     {"hsubpd.m", hsubpd_m, 1},
	};
	unsigned eax, ebx, ecx, edx;
	__cpuid(1, eax, ebx, ecx, edx);
	printf("cpuid sse3=%u ssse3=%u\n", ecx & 1, ecx >> 9 & 1);
	for (unsigned k = 0; k < sizeof fps / sizeof fps[0]; k++)
		fp_op(fps[k].name, fps[k].f, fps[k].dbl);
	moves();
	make_vectors();
	ssse3_ops();
	palignr();
	fisttp();
	undefined();
	return 0;
}
