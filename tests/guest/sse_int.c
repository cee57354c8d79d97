/* MMX and SSE2 packed integer instructions, XMM and MMX forms, register and
 * memory operands: add/sub (wrapping and saturating), multiplies, PMADDWD,
 * PSADBW, averages, min/max, compares, logic, packs, unpacks, shifts by
 * register and by immediate (counts past the lane width included), byte
 * shifts, shuffles, PINSRW/PEXTRW, PMOVMSKB/MOVMSKPS/MOVMSKPD. */
#pragma GCC target("sse2")
#include <stdint.h>
#include <stdio.h>

#include "sse_util.h"

#define ENTRY(op) {#op, op##_xr, op##_xm, op##_mr, op##_mm},

#define OPS(X)                                                                          \
	X(paddb) X(paddw) X(paddd) X(paddq) X(psubb) X(psubw) X(psubd) X(psubq) X(paddsb)      \
	X(paddsw) X(paddusb) X(paddusw) X(psubsb) X(psubsw) X(psubusb) X(psubusw) X(pmullw)    \
	X(pmulhw) X(pmulhuw) X(pmuludq) X(pmaddwd) X(psadbw) X(pavgb) X(pavgw) X(pminub)       \
	X(pmaxub) X(pminsw) X(pmaxsw) X(pcmpeqb) X(pcmpeqw) X(pcmpeqd) X(pcmpgtb) X(pcmpgtw)   \
	X(pcmpgtd) X(pand) X(pandn) X(por) X(pxor) X(packsswb) X(packssdw) X(packuswb)         \
	X(punpcklbw) X(punpcklwd) X(punpckldq) X(punpckhbw) X(punpckhwd) X(punpckhdq)          \
	X(psllw) X(pslld) X(psllq) X(psrlw) X(psrld) X(psrlq) X(psraw) X(psrad)

OPS(IOP_FORMS)

/* XMM only */
#define XMM_ONLY(X)                                                                  \
	X(punpcklqdq) X(punpckhqdq) X(andps) X(andpd) X(andnps) X(andnpd) X(orps) X(orpd) \
	X(xorps) X(xorpd) X(unpcklps) X(unpckhps) X(unpcklpd) X(unpckhpd)
#define XONLY(op) XI_R(op##_xr, #op) XI_M(op##_xm, #op)
#define XENTRY(op) {#op, op##_xr, op##_xm, 0, 0},
XMM_ONLY(XONLY)

static const struct {
	const char *name;
	iop *xr, *xm, *mr, *mm;
} ops[] = {OPS(ENTRY) XMM_ONLY(XENTRY)};

static V vec[10];

static void make_vectors(void)
{
	static const uint8_t edge[] = {0x00, 0x01, 0x7f, 0x80, 0x81, 0xfe, 0xff, 0x40};
	uint32_t x = 12345;
	for (unsigned v = 0; v < 10; v++)
		for (unsigned k = 0; k < 16; k++) {
			x = x * 1103515245u + 12345u;
			vec[v].b[k] = v < 4 ? edge[(k * (v + 1) + v) % 8] : (uint8_t)(x >> 16);
		}
	/* word and dword edges */
	vec[8].d[0] = 0x7fff8000;
	vec[8].d[1] = 0xffff0001;
	vec[8].d[2] = 0x80000000;
	vec[8].d[3] = 0x7fffffff;
	vec[9].d[0] = 0x80008000;
	vec[9].d[1] = 0x7fff7fff;
	vec[9].d[2] = 0x00010000;
	vec[9].d[3] = 0xffffffff;
}

static void print_v(const V *v)
{
	printf(" %016llx%016llx", (unsigned long long)v->q[1], (unsigned long long)v->q[0]);
}

static void binary_ops(void)
{
	for (unsigned o = 0; o < sizeof ops / sizeof ops[0]; o++) {
		iop *const forms[4] = {ops[o].xr, ops[o].xm, ops[o].mr, ops[o].mm};
		for (unsigned f = 0; f < 4; f++) {
			if (!forms[f])
				continue;
			printf("%s.%s:", ops[o].name, (const char *[]){"xr", "xm", "mr", "mm"}[f]);
			for (unsigned a = 0; a < 10; a++)
				for (unsigned b = 0; b < 10; b++) {
					V d = vec[a], s = vec[b];
					forms[f](&d, &s);
					print_v(&d);
				}
			printf("\n");
		}
	}
}

/* ---- shifts by count ---- */

static void shift_counts(void)
{
	static const uint64_t counts[] = {0, 1, 4, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255,
					  0x100000001ull, 0x8000000000000000ull};
	static const char *const names[] = {"psllw", "pslld", "psllq", "psrlw",
					    "psrld", "psrlq", "psraw", "psrad"};
	iop *const fns[][4] = {
		{psllw_xr, psllw_xm, psllw_mr, psllw_mm}, {pslld_xr, pslld_xm, pslld_mr, pslld_mm},
		{psllq_xr, psllq_xm, psllq_mr, psllq_mm}, {psrlw_xr, psrlw_xm, psrlw_mr, psrlw_mm},
		{psrld_xr, psrld_xm, psrld_mr, psrld_mm}, {psrlq_xr, psrlq_xm, psrlq_mr, psrlq_mm},
		{psraw_xr, psraw_xm, psraw_mr, psraw_mm}, {psrad_xr, psrad_xm, psrad_mr, psrad_mm},
	};
	for (unsigned o = 0; o < 8; o++)
		for (unsigned f = 0; f < 4; f++) {
			printf("%s.count%u:", names[o], f);
			for (unsigned c = 0; c < sizeof counts / sizeof counts[0]; c++) {
				V d = vec[9], s = {{0}};
				s.q[0] = counts[c];
				s.q[1] = 3; /* the high quadword plays no part */
				fns[o][f](&d, &s);
				print_v(&d);
			}
			printf("\n");
		}
}

/* ---- shifts by immediate (one function per count) ---- */

#define SHIFT_IMM(op, n)                                                                \
	static void op##_i##n(V *d)                                                     \
	{                                                                               \
		__asm__ volatile("movdqu %0, %%xmm4\n\tmovq %0, %%mm4\n\t" #op " $" #n      \
				 ", %%xmm4\n\t" #op " $" #n ", %%mm4\n\tmovdqu %%xmm4, %0\n\t" \
				 "movq %%mm4, 16+%0\n\temms"                            \
				 : "+m"(*d)                                             \
				 :                                                      \
				 : "xmm4", "mm4");                                      \
	}
#define SHIFT_IMMS(op)                                                                  \
	SHIFT_IMM(op, 0) SHIFT_IMM(op, 1) SHIFT_IMM(op, 7) SHIFT_IMM(op, 15) SHIFT_IMM(op, 16) \
	SHIFT_IMM(op, 31) SHIFT_IMM(op, 32) SHIFT_IMM(op, 63) SHIFT_IMM(op, 64) SHIFT_IMM(op, 255)
#define SHIFT_LIST(op) {#op, {op##_i0, op##_i1, op##_i7, op##_i15, op##_i16, op##_i31, op##_i32, op##_i63, op##_i64, op##_i255}}

SHIFT_IMMS(psllw)
SHIFT_IMMS(pslld)
SHIFT_IMMS(psllq)
SHIFT_IMMS(psrlw)
SHIFT_IMMS(psrld)
SHIFT_IMMS(psrlq)
SHIFT_IMMS(psraw)
SHIFT_IMMS(psrad)

#define BYTE_SHIFT(op, n)                                                               \
	static void op##_i##n(V *d)                                                     \
	{                                                                               \
		__asm__ volatile("movdqu %0, %%xmm4\n\t" #op " $" #n ", %%xmm4\n\t"         \
				 "movdqu %%xmm4, %0"                                    \
				 : "+m"(*d)                                             \
				 :                                                      \
				 : "xmm4");                                             \
	}
#define BYTE_SHIFTS(op)                                                                 \
	BYTE_SHIFT(op, 0) BYTE_SHIFT(op, 1) BYTE_SHIFT(op, 7) BYTE_SHIFT(op, 15)             \
	BYTE_SHIFT(op, 16) BYTE_SHIFT(op, 31) BYTE_SHIFT(op, 32) BYTE_SHIFT(op, 63)          \
	BYTE_SHIFT(op, 64) BYTE_SHIFT(op, 255)
BYTE_SHIFTS(pslldq)
BYTE_SHIFTS(psrldq)

static void shift_imms(void)
{
	static const struct {
		const char *name;
		void (*f[10])(V *);
	} list[] = {SHIFT_LIST(psllw), SHIFT_LIST(pslld), SHIFT_LIST(psllq),
		    SHIFT_LIST(psrlw), SHIFT_LIST(psrld), SHIFT_LIST(psrlq),
		    SHIFT_LIST(psraw), SHIFT_LIST(psrad), SHIFT_LIST(pslldq),
		    SHIFT_LIST(psrldq)};
	for (unsigned o = 0; o < sizeof list / sizeof list[0]; o++) {
		printf("%s.imm:", list[o].name);
		for (unsigned c = 0; c < 10; c++) {
			V d[2] = {vec[9], vec[5]};
			list[o].f[c](d);
			print_v(&d[0]);
			printf("/%016llx", (unsigned long long)d[1].q[0]);
		}
		printf("\n");
	}
}

/* ---- shuffles and inserts/extracts ---- */

#define SHUF(op, n)                                                                     \
	static void op##_##n(V *d, const V *s)                                          \
	{                                                                               \
		__asm__ volatile("movdqu %0, %%xmm0\n\t" #op " $" #n ", %1, %%xmm0\n\t"     \
				 "movdqu %%xmm0, %0"                                    \
				 : "+m"(*d)                                             \
				 : "m"(*s)                                              \
				 : "xmm0");                                             \
	}
#define SHUFS(op) SHUF(op, 0) SHUF(op, 0x1b) SHUF(op, 0xe4) SHUF(op, 0x4e) SHUF(op, 0x39) SHUF(op, 0xff)
#define SHUF_LIST(op) {#op, {op##_0, op##_0x1b, op##_0xe4, op##_0x4e, op##_0x39, op##_0xff}}
SHUFS(pshufd)
SHUFS(pshufhw)
SHUFS(pshuflw)
SHUFS(shufps)
SHUFS(shufpd)

#define PSHUFW(n)                                                                       \
	static void pshufw_##n(V *d, const V *s)                                        \
	{                                                                               \
		__asm__ volatile("movq %0, %%mm1\n\tpshufw $" #n ", %1, %%mm1\n\t"          \
				 "movq %%mm1, %0\n\temms"                               \
				 : "+m"(d->q[0])                                        \
				 : "m"(s->q[0])                                         \
				 : "mm1");                                              \
	}
PSHUFW(0)
PSHUFW(0x1b)
PSHUFW(0xe4)
PSHUFW(0x4e)
PSHUFW(0x39)
PSHUFW(0xff)

static void shuffles(void)
{
	static const struct {
		const char *name;
		iop *f[6];
	} list[] = {SHUF_LIST(pshufd), SHUF_LIST(pshufhw), SHUF_LIST(pshuflw),
		    SHUF_LIST(shufps), SHUF_LIST(shufpd), SHUF_LIST(pshufw)};
	for (unsigned o = 0; o < sizeof list / sizeof list[0]; o++) {
		printf("%s:", list[o].name);
		for (unsigned k = 0; k < 6; k++) {
			V d = vec[4], s = vec[5];
			list[o].f[k](&d, &s);
			print_v(&d);
		}
		printf("\n");
	}
}

#define PINSRW(n)                                                                       \
	static void pinsrw_##n(V *d, uint32_t v)                                        \
	{                                                                               \
		__asm__ volatile("movdqu %0, %%xmm7\n\tmovq %0, %%mm7\n\t"                  \
				 "pinsrw $" #n ", %1, %%xmm7\n\tpinsrw $" #n ", %1, %%mm7\n\t" \
				 "pinsrw $" #n "+1, %2, %%xmm7\n\t"                     \
				 "movdqu %%xmm7, %0\n\tmovq %%mm7, 16+%0\n\temms"       \
				 : "+m"(*d)                                             \
				 : "r"(v), "m"(v)                                       \
				 : "xmm7", "mm7");                                      \
	}
PINSRW(0)
PINSRW(3)
PINSRW(6)
PINSRW(9)
PINSRW(0xfe)

#define PEXTRW(n)                                                                       \
	static uint32_t pextrw_##n(const V *s)                                          \
	{                                                                               \
		uint32_t x, m;                                                          \
		__asm__ volatile("movdqu %2, %%xmm7\n\tmovq %2, %%mm7\n\t"                  \
				 "mov $-1, %0\n\tmov $-1, %1\n\t"                       \
				 "pextrw $" #n ", %%xmm7, %0\n\tpextrw $" #n ", %%mm7, %1\n\temms" \
				 : "=&r"(x), "=&r"(m)                                   \
				 : "m"(*s)                                              \
				 : "xmm7", "mm7");                                      \
		return x ^ m << 16;                                                     \
	}
PEXTRW(0)
PEXTRW(3)
PEXTRW(5)
PEXTRW(7)
PEXTRW(10)

static void masks(const V *v)
{
	uint32_t b, bm, ps, pd;
	__asm__ volatile("movdqu %4, %%xmm6\n\tmovq %4, %%mm6\n\tpmovmskb %%xmm6, %0\n\t"
			 "pmovmskb %%mm6, %1\n\tmovmskps %%xmm6, %2\n\tmovmskpd %%xmm6, %3\n\temms"
			 : "=r"(b), "=r"(bm), "=r"(ps), "=r"(pd)
			 : "m"(*v)
			 : "xmm6", "mm6");
	printf(" %x/%x/%x/%x", b, bm, ps, pd);
}

static void inserts_extracts(void)
{
	printf("pinsrw:");
	void (*const ins[])(V *, uint32_t) = {pinsrw_0, pinsrw_3, pinsrw_6, pinsrw_9, pinsrw_0xfe};
	for (unsigned k = 0; k < 5; k++) {
		V d[2] = {vec[6], vec[7]};
		ins[k](d, 0xabcd1234u + k);
		print_v(&d[0]);
		printf("/%016llx", (unsigned long long)d[1].q[0]);
	}
	printf("\npextrw:");
	uint32_t (*const ext[])(const V *) = {pextrw_0, pextrw_3, pextrw_5, pextrw_7, pextrw_10};
	for (unsigned k = 0; k < 5; k++)
		for (unsigned v = 0; v < 10; v++)
			printf(" %x", ext[k](&vec[v]));
	printf("\nmasks:");
	for (unsigned v = 0; v < 10; v++)
		masks(&vec[v]);
	printf("\n");
}

int main(void)
{
	make_vectors();
	binary_ops();
	shift_counts();
	shift_imms();
	shuffles();
	inserts_extracts();
	return 0;
}
