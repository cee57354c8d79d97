/* SSE/SSE2 conversions, under every rounding mode and with DAZ/FTZ:
 * CVTSI2SS/SD (32- and 64-bit sources), CVT(T)SS2SI/CVT(T)SD2SI (32 and 64),
 * CVTPS2PD CVTPD2PS CVTSS2SD CVTSD2SS CVTDQ2PS CVT(T)PS2DQ CVTDQ2PD
 * CVT(T)PD2DQ and the MMX forms CVTPI2PS CVT(T)PS2PI CVTPI2PD CVT(T)PD2PI.
 * Out-of-range and NaN inputs must give the integer indefinite. */
#pragma GCC target("sse2")
#include <stdint.h>
#include <stdio.h>

#include "sse_util.h"

XOP_R(cvtps2pd_r, "cvtps2pd")
XOP_M(cvtps2pd_m, "cvtps2pd")
XOP_R(cvtpd2ps_r, "cvtpd2ps")
XOP_M(cvtpd2ps_m, "cvtpd2ps")
XOP_R(cvtss2sd_r, "cvtss2sd")
XOP_M(cvtss2sd_m, "cvtss2sd")
XOP_R(cvtsd2ss_r, "cvtsd2ss")
XOP_M(cvtsd2ss_m, "cvtsd2ss")
XOP_R(cvtdq2ps_r, "cvtdq2ps")
XOP_M(cvtdq2ps_m, "cvtdq2ps")
XOP_R(cvtps2dq_r, "cvtps2dq")
XOP_M(cvtps2dq_m, "cvtps2dq")
XOP_R(cvttps2dq_r, "cvttps2dq")
XOP_M(cvttps2dq_m, "cvttps2dq")
XOP_R(cvtdq2pd_r, "cvtdq2pd")
XOP_M(cvtdq2pd_m, "cvtdq2pd")
XOP_R(cvtpd2dq_r, "cvtpd2dq")
XOP_M(cvtpd2dq_m, "cvtpd2dq")
XOP_R(cvttpd2dq_r, "cvttpd2dq")
XOP_M(cvttpd2dq_m, "cvttpd2dq")

/* MMX forms: the MMX operand goes through mm3 (EMMS afterwards, so that
 * the C code around may use the x87). */
#define TO_MMX(name, insn, src)                                                         \
	static void name(V *d, const V *s, uint32_t *csr)                               \
	{                                                                               \
		__asm__ volatile("ldmxcsr %1\n\tmovups %2, %%xmm1\n\tmovq %0, %%mm3\n\t" insn \
				 " " src ", %%mm3\n\tmovq %%mm3, %0\n\temms\n\tstmxcsr %1" \
				 : "+m"(d->q[0]), "+m"(*csr)                            \
				 : "m"(*s)                                              \
				 : "xmm1", "mm3");                                      \
	}
#define FROM_MMX_R(name, insn)                                                          \
	static void name(V *d, const V *s, uint32_t *csr)                               \
	{                                                                               \
		__asm__ volatile("ldmxcsr %1\n\tmovups %0, %%xmm0\n\tmovq %2, %%mm5\n\t" insn \
				 " %%mm5, %%xmm0\n\tmovups %%xmm0, %0\n\temms\n\tstmxcsr %1" \
				 : "+m"(*d), "+m"(*csr)                                 \
				 : "m"(s->q[0])                                         \
				 : "xmm0", "mm5");                                      \
	}
TO_MMX(cvtps2pi_r, "cvtps2pi", "%%xmm1")
TO_MMX(cvtps2pi_m, "cvtps2pi", "%2")
TO_MMX(cvttps2pi_r, "cvttps2pi", "%%xmm1")
TO_MMX(cvttps2pi_m, "cvttps2pi", "%2")
TO_MMX(cvtpd2pi_r, "cvtpd2pi", "%%xmm1")
TO_MMX(cvtpd2pi_m, "cvtpd2pi", "%2")
TO_MMX(cvttpd2pi_r, "cvttpd2pi", "%%xmm1")
TO_MMX(cvttpd2pi_m, "cvttpd2pi", "%2")
FROM_MMX_R(cvtpi2ps_r, "cvtpi2ps")
XOP_M(cvtpi2ps_m, "cvtpi2ps")
FROM_MMX_R(cvtpi2pd_r, "cvtpi2pd")
XOP_M(cvtpi2pd_m, "cvtpi2pd")

static const struct {
	const char *name;
	uint32_t csr;
} modes[] = {
	{"RN", 0x1f80}, {"RD", 0x3f80}, {"RU", 0x5f80}, {"RZ", 0x7f80}, {"DAZ+FTZ", 0xdfc0},
};
#define NMODES (sizeof modes / sizeof modes[0])

static const uint32_t f32[] = {
	0x00000000, 0x80000000, 0x3f000000, 0xbf000000, 0x3fc00000, 0xbfc00000, 0x40200000,
	0x3effffff, 0x4f000000, 0xcf000000, 0xcf000001, 0x4effffff, 0x5f000000, 0xdf000000,
	0x5effffff, 0x00000001, 0x80400000, 0x7f7fffff, 0x7f800000, 0xff800000, 0x7fc00000,
	0x7f800001, 0xffc01234, 0x3f800000, 0x4b000001, 0x00800000, 0x7e7fffff, 0x33000001,
};
static const uint64_t f64[] = {
	0x0000000000000000, 0x8000000000000000, 0x3fe0000000000000, 0xbfe0000000000000,
	0x3ff8000000000000, 0xbff8000000000000, 0x4004000000000000, 0x3fdfffffffffffff,
	0x41dfffffffc00000, 0x41dfffffffe00000, 0x41e0000000000000, 0xc1e0000000000000,
	0xc1e0000000100000, 0xc1e0000000200000, 0x43e0000000000000, 0xc3e0000000000000,
	0x43dfffffffffffff, 0xc3e0000000000001, 0x0000000000000001, 0x8008000000000000,
	0x7fefffffffffffff, 0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000,
	0x7ff0000000000001, 0xfff8000012345678, 0x3810000000000000, 0x36a0000000000000,
	0x47efffffe0000000, 0x47efffffefffffff, 0x47efffff00000000, 0x380fffffffffffff,
	0x3690000000000000, 0x36a0000000000001, 0x3ff0000010000001, 0x3ff0000010000000,
};
static const uint32_t i32[] = {
	0,          1,          0xffffffff, 16777217,   0x7fffffff, 0x80000000,
	123456789,  0xc521974f, 0x01000003, 0x7fffff80, 0xff000001, 33554435,
};
#define N32 (sizeof f32 / sizeof f32[0])
#define N64 (sizeof f64 / sizeof f64[0])
#define NI (sizeof i32 / sizeof i32[0])

/* Runs f on every value: lane 0 (and, for packed forms, the next lanes)
 * of the source, a fixed pattern in the destination. */
static void run(const char *name, xop *f, int src_dbl, int src_int)
{
	unsigned n = src_int ? NI : src_dbl ? N64 : N32;
	for (unsigned m = 0; m < NMODES; m++) {
		printf("%s %s:", name, modes[m].name);
		for (unsigned a = 0; a < n; a++) {
			V d = {{0x11111111, 0x22222222, 0x33333333, 0x44444444}}, s;
			uint32_t csr = modes[m].csr;
			for (unsigned k = 0; k < 4; k++) {
				if (src_int)
					s.d[k] = i32[(a + 3 * k) % NI];
				else if (src_dbl)
					s.q[k / 2] = f64[(a + k / 2) % N64];
				else
					s.d[k] = f32[(a + k) % N32];
			}
			f(&d, &s, &csr);
			printf(" %08x%08x%08x%08x/%02x", d.d[3], d.d[2], d.d[1], d.d[0], csr & 0x3f);
		}
		printf("\n");
	}
}

/* ---- scalar <-> general register ---- */

#define TO_GPR(name, insn, T, src)                                                     \
	static uint64_t name(const V *s, uint32_t *csr)                                \
	{                                                                              \
		T r;                                                                   \
		__asm__ volatile("ldmxcsr %1\n\tmovups %2, %%xmm2\n\t" insn " " src ", %0\n\t" \
				 "stmxcsr %1"                                          \
				 : "=r"(r), "+m"(*csr)                                 \
				 : "m"(*s)                                             \
				 : "xmm2");                                            \
		return (uint64_t)r;                                                    \
	}
TO_GPR(cvtss2si_r, "cvtss2si", uint32_t, "%%xmm2")
TO_GPR(cvtss2si_m, "cvtss2si", uint32_t, "%2")
TO_GPR(cvttss2si_r, "cvttss2si", uint32_t, "%%xmm2")
TO_GPR(cvttss2si_m, "cvttss2si", uint32_t, "%2")
TO_GPR(cvtsd2si_r, "cvtsd2si", uint32_t, "%%xmm2")
TO_GPR(cvtsd2si_m, "cvtsd2si", uint32_t, "%2")
TO_GPR(cvttsd2si_r, "cvttsd2si", uint32_t, "%%xmm2")
TO_GPR(cvttsd2si_m, "cvttsd2si", uint32_t, "%2")
#ifdef __x86_64__
TO_GPR(cvtss2si64_r, "cvtss2si", uint64_t, "%%xmm2")
TO_GPR(cvttss2si64_m, "cvttss2si", uint64_t, "%2")
TO_GPR(cvtsd2si64_m, "cvtsd2si", uint64_t, "%2")
TO_GPR(cvttsd2si64_r, "cvttsd2si", uint64_t, "%%xmm2")
#endif

static void to_gpr(const char *name, uint64_t (*f)(const V *, uint32_t *), int dbl)
{
	unsigned n = dbl ? N64 : N32;
	for (unsigned m = 0; m < NMODES; m++) {
		printf("%s %s:", name, modes[m].name);
		for (unsigned a = 0; a < n; a++) {
			V s = {{0x11111111, 0x22222222, 0x33333333, 0x44444444}};
			uint32_t csr = modes[m].csr;
			if (dbl)
				s.q[0] = f64[a];
			else
				s.d[0] = f32[a];
			uint64_t r = f(&s, &csr);
			printf(" %llx/%02x", (unsigned long long)r, csr & 0x3f);
		}
		printf("\n");
	}
}

#define FROM_GPR(name, insn, T, src)                                                   \
	static void name(V *d, T v, uint32_t *csr)                                     \
	{                                                                              \
		__asm__ volatile("ldmxcsr %1\n\tmovups %0, %%xmm3\n\t" insn " " src ", %%xmm3\n\t" \
				 "movups %%xmm3, %0\n\tstmxcsr %1"                     \
				 : "+m"(*d), "+m"(*csr)                                \
				 : "r"(v), "m"(v)                                      \
				 : "xmm3");                                            \
	}
FROM_GPR(cvtsi2ss_r, "cvtsi2ssl", uint32_t, "%2")
FROM_GPR(cvtsi2ss_m, "cvtsi2ssl", uint32_t, "%3")
FROM_GPR(cvtsi2sd_r, "cvtsi2sdl", uint32_t, "%2")
FROM_GPR(cvtsi2sd_m, "cvtsi2sdl", uint32_t, "%3")
#ifdef __x86_64__
FROM_GPR(cvtsi2ss64_r, "cvtsi2ssq", uint64_t, "%2")
FROM_GPR(cvtsi2ss64_m, "cvtsi2ssq", uint64_t, "%3")
FROM_GPR(cvtsi2sd64_r, "cvtsi2sdq", uint64_t, "%2")
FROM_GPR(cvtsi2sd64_m, "cvtsi2sdq", uint64_t, "%3")

static const uint64_t i64[] = {
	0, 1, 0xffffffffffffffff, 0x7fffffffffffffff, 0x8000000000000000, 0x0020000000000001,
	0x0020000000000003, 0x0000000001000001, 0xfffffffffeffffff, 0x123456789abcdef1,
	0x8000000000000401, 0x7ffffffffffffdff,
};

static void from_gpr64(const char *name, void (*f)(V *, uint64_t, uint32_t *))
{
	for (unsigned m = 0; m < NMODES; m++) {
		printf("%s %s:", name, modes[m].name);
		for (unsigned a = 0; a < sizeof i64 / sizeof i64[0]; a++) {
			V d = {{0x11111111, 0x22222222, 0x33333333, 0x44444444}};
			uint32_t csr = modes[m].csr;
			f(&d, i64[a], &csr);
			printf(" %08x%08x%08x%08x/%02x", d.d[3], d.d[2], d.d[1], d.d[0], csr & 0x3f);
		}
		printf("\n");
	}
}
#endif

static void from_gpr(const char *name, void (*f)(V *, uint32_t, uint32_t *))
{
	for (unsigned m = 0; m < NMODES; m++) {
		printf("%s %s:", name, modes[m].name);
		for (unsigned a = 0; a < NI; a++) {
			V d = {{0x11111111, 0x22222222, 0x33333333, 0x44444444}};
			uint32_t csr = modes[m].csr;
			f(&d, i32[a], &csr);
			printf(" %08x%08x%08x%08x/%02x", d.d[3], d.d[2], d.d[1], d.d[0], csr & 0x3f);
		}
		printf("\n");
	}
}

int main(void)
{
	run("cvtps2pd", cvtps2pd_r, 0, 0);
	run("cvtps2pd.m", cvtps2pd_m, 0, 0);
	run("cvtpd2ps", cvtpd2ps_r, 1, 0);
	run("cvtpd2ps.m", cvtpd2ps_m, 1, 0);
	run("cvtss2sd", cvtss2sd_r, 0, 0);
	run("cvtss2sd.m", cvtss2sd_m, 0, 0);
	run("cvtsd2ss", cvtsd2ss_r, 1, 0);
	run("cvtsd2ss.m", cvtsd2ss_m, 1, 0);
	run("cvtdq2ps", cvtdq2ps_r, 0, 1);
	run("cvtdq2ps.m", cvtdq2ps_m, 0, 1);
	run("cvtps2dq", cvtps2dq_r, 0, 0);
	run("cvtps2dq.m", cvtps2dq_m, 0, 0);
	run("cvttps2dq", cvttps2dq_r, 0, 0);
	run("cvttps2dq.m", cvttps2dq_m, 0, 0);
	run("cvtdq2pd", cvtdq2pd_r, 0, 1);
	run("cvtdq2pd.m", cvtdq2pd_m, 0, 1);
	run("cvtpd2dq", cvtpd2dq_r, 1, 0);
	run("cvtpd2dq.m", cvtpd2dq_m, 1, 0);
	run("cvttpd2dq", cvttpd2dq_r, 1, 0);
	run("cvttpd2dq.m", cvttpd2dq_m, 1, 0);
	run("cvtps2pi", cvtps2pi_r, 0, 0);
	run("cvtps2pi.m", cvtps2pi_m, 0, 0);
	run("cvttps2pi", cvttps2pi_r, 0, 0);
	run("cvttps2pi.m", cvttps2pi_m, 0, 0);
	run("cvtpd2pi", cvtpd2pi_r, 1, 0);
	run("cvtpd2pi.m", cvtpd2pi_m, 1, 0);
	run("cvttpd2pi", cvttpd2pi_r, 1, 0);
	run("cvttpd2pi.m", cvttpd2pi_m, 1, 0);
	run("cvtpi2ps", cvtpi2ps_r, 0, 1);
	run("cvtpi2ps.m", cvtpi2ps_m, 0, 1);
	run("cvtpi2pd", cvtpi2pd_r, 0, 1);
	run("cvtpi2pd.m", cvtpi2pd_m, 0, 1);
	to_gpr("cvtss2si", cvtss2si_r, 0);
	to_gpr("cvtss2si.m", cvtss2si_m, 0);
	to_gpr("cvttss2si", cvttss2si_r, 0);
	to_gpr("cvttss2si.m", cvttss2si_m, 0);
	to_gpr("cvtsd2si", cvtsd2si_r, 1);
	to_gpr("cvtsd2si.m", cvtsd2si_m, 1);
	to_gpr("cvttsd2si", cvttsd2si_r, 1);
	to_gpr("cvttsd2si.m", cvttsd2si_m, 1);
	from_gpr("cvtsi2ss", cvtsi2ss_r);
	from_gpr("cvtsi2ss.m", cvtsi2ss_m);
	from_gpr("cvtsi2sd", cvtsi2sd_r);
	from_gpr("cvtsi2sd.m", cvtsi2sd_m);
#ifdef __x86_64__
	to_gpr("cvtss2si64", cvtss2si64_r, 0);
	to_gpr("cvttss2si64.m", cvttss2si64_m, 0);
	to_gpr("cvtsd2si64.m", cvtsd2si64_m, 1);
	to_gpr("cvttsd2si64", cvttsd2si64_r, 1);
	from_gpr64("cvtsi2ss64", cvtsi2ss64_r);
	from_gpr64("cvtsi2ss64.m", cvtsi2ss64_m);
	from_gpr64("cvtsi2sd64", cvtsi2sd64_r);
	from_gpr64("cvtsi2sd64.m", cvtsi2sd64_m);
#endif
	return 0;
}
