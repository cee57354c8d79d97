/* SSE/SSE2 comparisons: CMPPS/CMPPD/CMPSS/CMPSD with all eight predicates,
 * and COMISS/UCOMISS/COMISD/UCOMISD (EFLAGS and MXCSR), over ordinary
 * values, zeros of both signs, denormals (with and without DAZ),
 * infinities, QNaNs and SNaNs. */
#pragma GCC target("sse2")
#include <stdint.h>
#include <stdio.h>

#include "sse_util.h"

/* the predicate is an immediate: one function per predicate and form */
#define PREDICATES(form, X)                                                             \
	X(form##0, "cmp" #form " $0,") X(form##1, "cmp" #form " $1,")                  \
	X(form##2, "cmp" #form " $2,") X(form##3, "cmp" #form " $3,")                   \
	X(form##4, "cmp" #form " $4,") X(form##5, "cmp" #form " $5,")                   \
	X(form##6, "cmp" #form " $6,") X(form##7, "cmp" #form " $7,")

PREDICATES(ss, XOP_R)
PREDICATES(sd, XOP_R)
PREDICATES(ps, XOP_R)
PREDICATES(pd, XOP_M)
XOP_M(cmpss_m, "cmpss $1,")
XOP_M(cmpsd_m, "cmpsd $6,")
XOP_R(cmpps_hi, "cmpps $0x0d,") /* imm8[7:3] are ignored by the legacy form */

#define TABLE(form) {form##0, form##1, form##2, form##3, form##4, form##5, form##6, form##7}
static xop *const cmp_ss[8] = TABLE(ss);
static xop *const cmp_sd[8] = TABLE(sd);
static xop *const cmp_ps[8] = TABLE(ps);
static xop *const cmp_pd[8] = TABLE(pd);

static const uint32_t f32[] = {
	0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x40000000, 0x00000001, 0x80000001,
	0x7f800000, 0xff800000, 0x7fc00000, 0xffc00001, 0x7f800001, 0x7f7fffff,
};
static const uint64_t f64[] = {
	0x0000000000000000, 0x8000000000000000, 0x3ff0000000000000, 0xbff0000000000000,
	0x4000000000000000, 0x0000000000000001, 0x8000000000000001, 0x7ff0000000000000,
	0xfff0000000000000, 0x7ff8000000000000, 0xfff8000000000001, 0x7ff0000000000001,
	0x7fefffffffffffff,
};
#define NV (sizeof f32 / sizeof f32[0])

static const uint32_t csrs[] = {0x1f80, 0x1fc0};

static void cmp_scalar(const char *name, xop *const *fns, int dbl)
{
	for (unsigned m = 0; m < 2; m++)
		for (unsigned p = 0; p < 8; p++)
			for (unsigned a = 0; a < NV; a++) {
				printf("%s%u %04x a%u:", name, p, csrs[m], a);
				for (unsigned b = 0; b < NV; b++) {
					V d = {{0x11111111, 0x22222222, 0x33333333, 0x44444444}};
					V s = {{0x55555555, 0x66666666, 0x77777777, 0x88888888}};
					uint32_t csr = csrs[m];
					if (dbl) {
						d.q[0] = f64[a];
						s.q[0] = f64[b];
					} else {
						d.d[0] = f32[a];
						s.d[0] = f32[b];
					}
					fns[p](&d, &s, &csr);
					printf(" %08x%08x%08x%08x/%02x", d.d[3], d.d[2], d.d[1], d.d[0],
					       csr & 0x3f);
				}
				printf("\n");
			}
}

static void cmp_packed(const char *name, xop *const *fns, int dbl)
{
	unsigned lanes = dbl ? 2 : 4;
	for (unsigned p = 0; p < 8; p++) {
		printf("%s%u:", name, p);
		for (unsigned a = 0; a < NV; a++)
			for (unsigned b = 0; b < NV; b += lanes) {
				V d, s;
				uint32_t csr = 0x1f80;
				for (unsigned k = 0; k < lanes; k++) {
					if (dbl) {
						d.q[k] = f64[(a + k) % NV];
						s.q[k] = f64[(b + k) % NV];
					} else {
						d.d[k] = f32[(a + k) % NV];
						s.d[k] = f32[(b + k) % NV];
					}
				}
				fns[p](&d, &s, &csr);
				printf(" %08x%08x%08x%08x/%02x", d.d[3], d.d[2], d.d[1], d.d[0],
				       csr & 0x3f);
			}
		printf("\n");
	}
}

/* Pushes inside asm must stay clear of the x86-64 red zone. */
#ifdef __x86_64__
#define RZ_ENTER "lea -128(%%rsp), %%rsp\n\t"
#define RZ_LEAVE "\n\tlea 128(%%rsp), %%rsp"
#else
#define RZ_ENTER ""
#define RZ_LEAVE ""
#endif

/* COMIS/UCOMIS: all six arithmetic flags start set, so that the cleared
 * ones (OF SF AF) show. Returns EFLAGS & 0x8d5. */
#define COMI(name, insn)                                                                \
	static uint32_t name(const V *a, const V *b, uint32_t *csr)                     \
	{                                                                               \
		unsigned long fl = 0x8d5;                                               \
		__asm__ volatile("ldmxcsr %1\n\tmovups %2, %%xmm0\n\t" RZ_ENTER "push %0\n\tpopf\n\t" \
				 insn " (%3), %%xmm0\n\tpushf\n\tpop %0" RZ_LEAVE "\n\tstmxcsr %1" \
				 : "+r"(fl), "+m"(*csr)                                 \
				 : "m"(*a), "r"(b), "m"(*b)                             \
				 : "xmm0", "cc");                                       \
		return (uint32_t)fl & 0x8d5;                                            \
	}
COMI(comiss_m, "comiss")
COMI(ucomiss_m, "ucomiss")
COMI(comisd_m, "comisd")
COMI(ucomisd_m, "ucomisd")

static uint32_t comiss_r(const V *a, const V *b, uint32_t *csr)
{
	unsigned long fl = 0;
	__asm__ volatile("ldmxcsr %1\n\tmovups %2, %%xmm0\n\tmovups %3, %%xmm5\n\t" RZ_ENTER
			 "push %0\n\tpopf\n\tucomiss %%xmm5, %%xmm0\n\tpushf\n\tpop %0" RZ_LEAVE
			 "\n\tstmxcsr %1"
			 : "+r"(fl), "+m"(*csr)
			 : "m"(*a), "m"(*b)
			 : "xmm0", "xmm5", "cc");
	return (uint32_t)fl & 0x8d5;
}

static void comi(const char *name, uint32_t (*f)(const V *, const V *, uint32_t *), int dbl)
{
	for (unsigned m = 0; m < 2; m++)
		for (unsigned a = 0; a < NV; a++) {
			printf("%s %04x a%u:", name, csrs[m], a);
			for (unsigned b = 0; b < NV; b++) {
				V x = {{0}}, y = {{0}};
				uint32_t csr = csrs[m];
				if (dbl) {
					x.q[0] = f64[a];
					y.q[0] = f64[b];
				} else {
					x.d[0] = f32[a];
					y.d[0] = f32[b];
				}
				uint32_t fl = f(&x, &y, &csr);
				printf(" %03x/%02x", fl, csr & 0x3f);
			}
			printf("\n");
		}
}

int main(void)
{
	cmp_scalar("cmpss", cmp_ss, 0);
	cmp_scalar("cmpsd", cmp_sd, 1);
	cmp_packed("cmpps", cmp_ps, 0);
	cmp_packed("cmppd.m", cmp_pd, 1);
	xop *const mem_forms[8] = {cmpss_m, cmpss_m, cmpss_m, cmpss_m,
				   cmpss_m, cmpss_m, cmpss_m, cmpss_m};
	cmp_scalar("cmpss.m", mem_forms, 0);
	xop *const mem_forms_d[8] = {cmpsd_m, cmpsd_m, cmpsd_m, cmpsd_m,
				     cmpsd_m, cmpsd_m, cmpsd_m, cmpsd_m};
	cmp_scalar("cmpsd.m", mem_forms_d, 1);
	xop *const hi[8] = {cmpps_hi, cmpps_hi, cmpps_hi, cmpps_hi,
			    cmpps_hi, cmpps_hi, cmpps_hi, cmpps_hi};
	cmp_packed("cmpps.hi", hi, 0);
	comi("comiss", comiss_m, 0);
	comi("ucomiss", ucomiss_m, 0);
	comi("comisd", comisd_m, 1);
	comi("ucomisd", ucomisd_m, 1);
	comi("ucomiss.r", comiss_r, 0);
	return 0;
}
