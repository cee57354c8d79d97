/* SSE/SSE2 floating-point arithmetic: ADD SUB MUL DIV MIN MAX SQRT (ps pd ss
 * sd), RCP/RSQRT (ps ss), under every rounding mode and with DAZ/FTZ, over
 * zeros, denormals, extremes, infinities, QNaNs and SNaNs. Prints each
 * result in hex with the MXCSR flags it raised. */
#pragma GCC target("sse2")
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sse_util.h"

#define FAMILY(op)                                                               \
	XOP_R(op##ps_r, #op "ps") XOP_R(op##pd_r, #op "pd") XOP_R(op##ss_r, #op "ss") \
	XOP_R(op##sd_r, #op "sd") XOP_M(op##ps_m, #op "ps") XOP_M(op##pd_m, #op "pd") \
	XOP_M(op##ss_m, #op "ss") XOP_M(op##sd_m, #op "sd")

FAMILY(add)
FAMILY(sub)
FAMILY(mul)
FAMILY(div)
FAMILY(min)
FAMILY(max)
FAMILY(sqrt)
XOP_R(rcpps_r, "rcpps")
XOP_R(rcpss_r, "rcpss")
XOP_R(rsqrtps_r, "rsqrtps")
XOP_R(rsqrtss_r, "rsqrtss")
XOP_M(rcpps_m, "rcpps")
XOP_M(rsqrtss_m, "rsqrtss")

static const uint32_t f32[] = {
	0x00000000, 0x80000000, 0x3f800000, 0xbfc00000, 0x40400000, 0x3eaaaaab, 0x00000001,
	0x807fffff, 0x00800000, 0x7f7fffff, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc12345,
	0x7f800001, 0xff812345, 0x1a000000, 0x7e000000, 0x3f800001, 0x33800000,
};
static const uint64_t f64[] = {
	0x0000000000000000, 0x8000000000000000, 0x3ff0000000000000, 0xbff8000000000000,
	0x4008000000000000, 0x3fd5555555555555, 0x0000000000000001, 0x800fffffffffffff,
	0x0010000000000000, 0x7fefffffffffffff, 0x7ff0000000000000, 0xfff0000000000000,
	0x7ff8000000000000, 0xfff8000000012345, 0x7ff0000000000001, 0xfff0000000012345,
	0x1ff0000000000000, 0x7fd0000000000000, 0x3ff0000000000001, 0x3ca0000000000000,
};
#define NV (sizeof f32 / sizeof f32[0])

static const struct {
	const char *name;
	uint32_t csr;
} modes[] = {
	{"RN", 0x1f80}, {"RD", 0x3f80}, {"RU", 0x5f80}, {"RZ", 0x7f80},
	{"DAZ", 0x1fc0}, {"FTZ", 0x9f80}, {"DAZ+FTZ", 0xdfc0}, {"RZ+FTZ", 0xff80},
};
#define NMODES (sizeof modes / sizeof modes[0])

/* Scalar forms: every pair of values, one line per first operand. The
 * upper lanes of the destination must survive. */
static void scalar(const char *name, xop *f, int dbl)
{
	for (unsigned m = 0; m < NMODES; m++)
		for (unsigned a = 0; a < NV; a++) {
			printf("%s %s %s:", name, modes[m].name, "a");
			printf("%0*llx", dbl ? 16 : 8,
			       dbl ? (unsigned long long)f64[a] : (unsigned long long)f32[a]);
			for (unsigned b = 0; b < NV; b++) {
				V d = {{0x11111111, 0x22222222, 0x33333333, 0x44444444}};
				V s = {{0x55555555, 0x66666666, 0x77777777, 0x88888888}};
				uint32_t csr = modes[m].csr;
				if (dbl) {
					d.q[0] = f64[a];
					s.q[0] = f64[b];
				} else {
					d.d[0] = f32[a];
					s.d[0] = f32[b];
				}
				f(&d, &s, &csr);
				if (dbl)
					printf(" %016llx/%02x", (unsigned long long)d.q[0], csr & 0x3f);
				else
					printf(" %08x/%02x", d.d[0], csr & 0x3f);
				if (d.d[2] != 0x33333333 || d.d[3] != 0x44444444 ||
				    (!dbl && d.d[1] != 0x22222222))
					printf("!upper");
			}
			printf("\n");
		}
}

/* Packed forms: lanes take consecutive pairs, so that flags of several lanes
 * combine. */
static void packed(const char *name, xop *f, int dbl)
{
	unsigned lanes = dbl ? 2 : 4;
	for (unsigned m = 0; m < NMODES; m++) {
		printf("%s %s:", name, modes[m].name);
		for (unsigned a = 0; a < NV; a++)
			for (unsigned b0 = 0; b0 < NV; b0 += lanes) {
				V d, s;
				uint32_t csr = modes[m].csr;
				for (unsigned k = 0; k < lanes; k++) {
					unsigned b = (b0 + k + a) % NV;
					if (dbl) {
						d.q[k] = f64[(a + k) % NV];
						s.q[k] = f64[b];
					} else {
						d.d[k] = f32[(a + k) % NV];
						s.d[k] = f32[b];
					}
				}
				f(&d, &s, &csr);
				printf(" %08x%08x%08x%08x/%02x", d.d[3], d.d[2], d.d[1], d.d[0],
				       csr & 0x3f);
			}
		printf("\n");
	}
}

/* Flags accumulate: a second operation leaves the first one's flags. */
static void sticky(void)
{
	V d = {{0x3f800000}}, s = {{0x40400000}};
	uint32_t csr = 0x1f80;
	divss_r(&d, &s, &csr); /* inexact */
	d.d[0] = 0x7f800000;
	s.d[0] = 0xff800000;
	addss_r(&d, &s, &csr); /* invalid */
	printf("sticky %08x %04x\n", d.d[0], csr);
}

int main(void)
{
	static const struct {
		const char *name;
		xop *f;
		int dbl, is_packed;
	} ops[] = {
		{"addss", addss_r, 0, 0}, {"addsd", addsd_r, 1, 0}, {"subss", subss_r, 0, 0},
		{"subsd", subsd_r, 1, 0}, {"mulss", mulss_r, 0, 0}, {"mulsd", mulsd_r, 1, 0},
		{"divss", divss_r, 0, 0}, {"divsd", divsd_r, 1, 0}, {"minss", minss_r, 0, 0},
		{"minsd", minsd_r, 1, 0}, {"maxss", maxss_r, 0, 0}, {"maxsd", maxsd_r, 1, 0},
		{"sqrtss", sqrtss_r, 0, 0}, {"sqrtsd", sqrtsd_r, 1, 0}, {"rcpss", rcpss_r, 0, 0},
		{"rsqrtss", rsqrtss_r, 0, 0}, {"addss.m", addss_m, 0, 0}, {"subsd.m", subsd_m, 1, 0},
		{"mulss.m", mulss_m, 0, 0}, {"divsd.m", divsd_m, 1, 0}, {"minss.m", minss_m, 0, 0},
		{"maxsd.m", maxsd_m, 1, 0}, {"sqrtss.m", sqrtss_m, 0, 0}, {"sqrtsd.m", sqrtsd_m, 1, 0},
		{"rsqrtss.m", rsqrtss_m, 0, 0}, {"addsd.m", addsd_m, 1, 0}, {"subss.m", subss_m, 0, 0},
		{"mulsd.m", mulsd_m, 1, 0}, {"divss.m", divss_m, 0, 0}, {"minsd.m", minsd_m, 1, 0},
		{"maxss.m", maxss_m, 0, 0},
		{"addps", addps_r, 0, 1}, {"addpd", addpd_r, 1, 1}, {"subps", subps_r, 0, 1},
		{"subpd", subpd_r, 1, 1}, {"mulps", mulps_r, 0, 1}, {"mulpd", mulpd_r, 1, 1},
		{"divps", divps_r, 0, 1}, {"divpd", divpd_r, 1, 1}, {"minps", minps_r, 0, 1},
		{"minpd", minpd_r, 1, 1}, {"maxps", maxps_r, 0, 1}, {"maxpd", maxpd_r, 1, 1},
		{"sqrtps", sqrtps_r, 0, 1}, {"sqrtpd", sqrtpd_r, 1, 1}, {"rcpps", rcpps_r, 0, 1},
		{"rsqrtps", rsqrtps_r, 0, 1}, {"addps.m", addps_m, 0, 1}, {"addpd.m", addpd_m, 1, 1},
		{"subps.m", subps_m, 0, 1}, {"subpd.m", subpd_m, 1, 1}, {"mulps.m", mulps_m, 0, 1},
		{"mulpd.m", mulpd_m, 1, 1}, {"divps.m", divps_m, 0, 1}, {"divpd.m", divpd_m, 1, 1},
		{"minps.m", minps_m, 0, 1}, {"minpd.m", minpd_m, 1, 1}, {"maxps.m", maxps_m, 0, 1},
		{"maxpd.m", maxpd_m, 1, 1}, {"sqrtps.m", sqrtps_m, 0, 1},
		{"sqrtpd.m", sqrtpd_m, 1, 1}, {"rcpps.m", rcpps_m, 0, 1},
	};
	for (unsigned k = 0; k < sizeof ops / sizeof ops[0]; k++) {
		if (ops[k].is_packed)
			packed(ops[k].name, ops[k].f, ops[k].dbl);
		else
			scalar(ops[k].name, ops[k].f, ops[k].dbl);
	}
	sticky();
	return 0;
}
