/* SSE4.1, every instruction in its register and memory forms, run from
 * generated stubs (sse4_util.h): the packed integer operations over edge
 * vectors; PMOVSX/PMOVZX reading exactly their m16/m32/m64 before a guard
 * page; PTEST's flags from all-set and all-clear flags; the blends by every
 * imm8 and by XMM0 (XMM0 as destination and as source too); inserts and
 * extracts at every lane, into general registers (zero-extended) and
 * memory; MPSADBW; MOVNTDQA; DPPS/DPPD with every mask and over zeros of
 * both signs, denormals, NaNs, infinities, tiny and huge products under
 * each rounding mode, DAZ and FTZ, with the flags; ROUND with every imm8,
 * MXCSR's rounding, DAZ, the precision flag and its suppression; unmasked
 * exceptions (SIGFPE, the destination kept); #GP on a misaligned 16-byte
 * operand; #UD for the prefixes these opcodes have no form for; CPUID.
 * hexvm-test: flavors=x64,m32,musl */
#define _GNU_SOURCE
#include <cpuid.h>

#include "sse4_util.h"

#define NVEC 12
static V vec[NVEC];
static V mem_buf[4];

static void make_vectors(void)
{
	static const uint8_t edge[] = {0x00, 0x01, 0x7f, 0x80, 0x81, 0xfe, 0xff, 0x40};
	uint32_t x = 4141;
	for (unsigned v = 0; v < NVEC; v++)
		for (unsigned k = 0; k < 16; k++) {
			x = x * 1103515245u + 12345u;
			vec[v].b[k] = v < 4 ? edge[(k * (v + 1) + v) % 8] : (uint8_t)(x >> 16);
		}
	/* word, dword and qword edges: signed and unsigned orders disagree */
	vec[8] = (V){{0x7fff8000, 0xffff0001, 0x80000000, 0x7fffffff}};
	vec[9] = (V){{0x80008000, 0x7fff7fff, 0x00010000, 0xffffffff}};
	vec[10] = (V){{0x00000000, 0x80000000, 0xffffffff, 0x7fffffff}};
	vec[11] = (V){{0xffffffff, 0x7fffffff, 0x00000001, 0x80000000}};
}

static void print_flags(const struct state *s) { printf(" %03x", (unsigned)(s->flags & ARITH_FLAGS)); }

/* V = op(V, W) for every pair of vectors, W in xmm2, then in aligned
 * memory (xmm2 zero: the memory form must not read it). */
static void pairs(const char *name, unsigned map, unsigned op, int imm)
{
	const void *forms[2] = {insn(0x66, 0, map, op, REG(1, 2), imm),
				insn(0x66, 0, map, op, MEM(1), imm)};
	for (unsigned f = 0; f < 2; f++) {
		printf("%s%s:", name, f ? ".m" : "");
		for (unsigned a = 0; a < NVEC; a++)
			for (unsigned b = 0; b < NVEC; b++) {
				struct state s;
				clear_state(&s);
				s.x[1] = vec[a];
				s.x[f ? 3 : 2] = vec[b];
				mem_buf[0] = vec[b];
				s.si = (uintptr_t)mem_buf;
				run(&s, forms[f]);
				print_v(&s.x[1]);
			}
		printf("\n");
	}
}

static void integer_ops(void)
{
	static const struct {
		const char *name;
		unsigned op;
	} ops[] = {{"pmuldq", 0x28}, {"pcmpeqq", 0x29}, {"packusdw", 0x2b}, {"pminsb", 0x38},
		   {"pminsd", 0x39}, {"pminuw", 0x3a},  {"pminud", 0x3b},   {"pmaxsb", 0x3c},
		   {"pmaxsd", 0x3d}, {"pmaxuw", 0x3e},  {"pmaxud", 0x3f},   {"pmulld", 0x40},
		   {"phminposuw", 0x41}};
	for (unsigned k = 0; k < sizeof ops / sizeof ops[0]; k++)
		pairs(ops[k].name, 0x38, ops[k].op, NO_IMM);
	for (int imm = 0; imm < 8; imm++) {
		char name[32];
		snprintf(name, sizeof name, "mpsadbw %d", imm);
		pairs(name, 0x3a, 0x42, imm);
	}
	pairs("mpsadbw 0xfd", 0x3a, 0x42, 0xfd);
}

/* ---- PMOVSX/PMOVZX: the memory operand is exactly `size` bytes, here the
 * last ones before an inaccessible page ---- */
static void extensions(void)
{
	static const struct {
		const char *name;
		unsigned op, size;
	} ops[] = {{"pmovsxbw", 0x20, 8}, {"pmovsxbd", 0x21, 4}, {"pmovsxbq", 0x22, 2},
		   {"pmovsxwd", 0x23, 8}, {"pmovsxwq", 0x24, 4}, {"pmovsxdq", 0x25, 8},
		   {"pmovzxbw", 0x30, 8}, {"pmovzxbd", 0x31, 4}, {"pmovzxbq", 0x32, 2},
		   {"pmovzxwd", 0x33, 8}, {"pmovzxwq", 0x34, 4}, {"pmovzxdq", 0x35, 8}};
	for (unsigned k = 0; k < sizeof ops / sizeof ops[0]; k++) {
		const void *r = insn(0x66, 0, 0x38, ops[k].op, REG(1, 2), NO_IMM);
		const void *m = insn(0x66, 0, 0x38, ops[k].op, MEM(1), NO_IMM);
		uint8_t *g = guarded(ops[k].size);
		printf("%s:", ops[k].name);
		for (unsigned v = 0; v < NVEC; v++) {
			struct state s;
			clear_state(&s);
			s.x[1] = vec[(v + 5) % NVEC];
			s.x[2] = vec[v];
			run(&s, r);
			print_v(&s.x[1]);
			clear_state(&s);
			s.x[1] = vec[(v + 5) % NVEC];
			memcpy(g, &vec[v], ops[k].size);
			s.si = (uintptr_t)g;
			printf(" m%d", run(&s, m));
			print_v(&s.x[1]);
		}
		printf("\n");
	}
}

/* ---- PTEST: ZF and CF from V and W, the other arithmetic flags cleared ---- */
static void ptest(void)
{
	const void *r = insn(0x66, 0, 0x38, 0x17, REG(1, 2), NO_IMM);
	const void *m = insn(0x66, 0, 0x38, 0x17, MEM(1), NO_IMM);
	V ones = {{~0u, ~0u, ~0u, ~0u}};
	printf("ptest:");
	for (unsigned a = 0; a < NVEC + 2; a++)
		for (unsigned b = 0; b < NVEC + 2; b++)
			for (unsigned f = 0; f < 2; f++) {
				struct state s;
				clear_state(&s);
				s.flags = FLAGS_BASE | (f ? ARITH_FLAGS : 0);
				s.x[1] = a < NVEC ? vec[a] : a == NVEC ? (V){{0}} : ones;
				s.x[2] = b < NVEC ? vec[b] : b == NVEC ? (V){{0}} : ones;
				mem_buf[1] = s.x[2];
				s.si = (uintptr_t)&mem_buf[1];
				struct state t = s;
				run(&s, r);
				run(&t, m);
				print_flags(&s);
				print_flags(&t);
			}
	printf("\n");
}

/* ---- blends ---- */
static void blends(void)
{
	static const struct {
		const char *name;
		unsigned op;
	} imm_ops[] = {{"blendps", 0x0c}, {"blendpd", 0x0d}, {"pblendw", 0x0e}};
	static const struct {
		const char *name;
		unsigned op;
	} var_ops[] = {{"pblendvb", 0x10}, {"blendvps", 0x14}, {"blendvpd", 0x15}};
	for (unsigned k = 0; k < 3; k++) {
		printf("%s:", imm_ops[k].name);
		for (int imm = 0; imm < 256; imm++) {
			struct state s;
			clear_state(&s);
			s.x[1] = vec[imm % NVEC];
			s.x[2] = vec[(imm + 3) % NVEC];
			mem_buf[0] = vec[(imm + 7) % NVEC];
			s.si = (uintptr_t)mem_buf;
			struct state t = s;
			run(&s, insn(0x66, 0, 0x3a, imm_ops[k].op, REG(1, 2), imm));
			run(&t, insn(0x66, 0, 0x3a, imm_ops[k].op, MEM(1), imm));
			print_v(&s.x[1]);
			print_v(&t.x[1]);
		}
		printf("\n");
	}
	/* the mask in XMM0; V and W also XMM0 itself */
	for (unsigned k = 0; k < 3; k++) {
		const void *forms[4] = {insn(0x66, 0, 0x38, var_ops[k].op, REG(1, 2), NO_IMM),
					insn(0x66, 0, 0x38, var_ops[k].op, MEM(1), NO_IMM),
					insn(0x66, 0, 0x38, var_ops[k].op, REG(0, 2), NO_IMM),
					insn(0x66, 0, 0x38, var_ops[k].op, REG(1, 0), NO_IMM)};
		printf("%s:", var_ops[k].name);
		for (unsigned mask = 0; mask < NVEC; mask++)
			for (unsigned a = 0; a < NVEC; a += 3)
				for (unsigned f = 0; f < 4; f++) {
					struct state s;
					clear_state(&s);
					s.x[0] = vec[mask];
					s.x[1] = vec[a];
					s.x[2] = vec[(a + mask + 1) % NVEC];
					mem_buf[0] = vec[(a + 2 * mask + 1) % NVEC];
					s.si = (uintptr_t)mem_buf;
					run(&s, forms[f]);
					print_v(&s.x[f == 2 ? 0 : 1]);
				}
		printf("\n");
	}
}

/* ---- inserts and extracts ---- */

/* An extract at every imm8 below `count` (and 0xff): into eAX (preset to
 * all ones: the upper bits are cleared) and into `size` bytes before the
 * guard page; with `rex` (x86-64) also the REX.W form. */
static void extract(const char *name, unsigned op, unsigned size, unsigned count, unsigned rex)
{
	uint8_t *g = guarded(size);
	printf("%s:", name);
	for (unsigned k = 0; k <= count; k++) {
		int imm = k == count ? 0xff : (int)k;
		struct state s;
		clear_state(&s);
		s.ax = ~0ull;
		s.x[1] = vec[k % NVEC];
		run(&s, insn(0x66, rex, 0x3a, op, REG(1, 0), imm));
		printf(" %llx", (unsigned long long)(unsigned long)s.ax);
		memset(g, 0xaa, size);
		s.si = (uintptr_t)g;
		printf("/%d:", run(&s, insn(0x66, rex, 0x3a, op, MEM(1), imm)));
		for (unsigned b = 0; b < size; b++)
			printf("%02x", g[b]);
	}
	printf("\n");
}

/* An insert at every imm8 below `count` (and 0xff), from eAX and from
 * `size` bytes before the guard page. */
static void insert(const char *name, unsigned op, unsigned size, unsigned count, unsigned rex)
{
	uint8_t *g = guarded(size);
	printf("%s:", name);
	for (unsigned k = 0; k <= count; k++) {
		int imm = k == count ? 0xff : (int)k;
		struct state s;
		clear_state(&s);
		s.ax = 0x8877665544332211ull + k;
		s.x[1] = vec[k % NVEC];
		struct state t = s;
		run(&s, insn(0x66, rex, 0x3a, op, REG(1, 0), imm));
		print_v(&s.x[1]);
		memcpy(g, &vec[(k + 1) % NVEC], size);
		t.si = (uintptr_t)g;
		printf(" %d", run(&t, insn(0x66, rex, 0x3a, op, MEM(1), imm)));
		print_v(&t.x[1]);
	}
	printf("\n");
}

/* INSERTPS: every imm8, from xmm2 and from an m32 before the guard page */
static void insertps(void)
{
	uint8_t *g = guarded(4);
	printf("insertps:");
	for (int imm = 0; imm < 256; imm++) {
		struct state s;
		clear_state(&s);
		s.x[1] = vec[imm % NVEC];
		s.x[2] = vec[(imm + 5) % NVEC];
		struct state t = s;
		run(&s, insn(0x66, 0, 0x3a, 0x21, REG(1, 2), imm));
		memcpy(g, &vec[(imm + 6) % NVEC], 4);
		t.si = (uintptr_t)g;
		run(&t, insn(0x66, 0, 0x3a, 0x21, MEM(1), imm));
		print_v(&s.x[1]);
		print_v(&t.x[1]);
	}
	printf("\n");
}

static void inserts_extracts(void)
{
	extract("pextrb", 0x14, 1, 16, 0);
	extract("pextrw", 0x15, 2, 8, 0);
	extract("pextrd", 0x16, 4, 4, 0);
	extract("extractps", 0x17, 4, 4, 0);
	insert("pinsrb", 0x20, 1, 16, 0);
	insert("pinsrd", 0x22, 4, 4, 0);
	if (IS64) {
		extract("pextrb.w", 0x14, 1, 16, 0x48);
		extract("pextrq", 0x16, 8, 2, 0x48);
		extract("extractps.w", 0x17, 4, 4, 0x48);
		insert("pinsrq", 0x22, 8, 2, 0x48);
	}
	insertps();
}

/* ---- MOVNTDQA: an aligned load ---- */
static void movntdqa(void)
{
	const void *m = insn(0x66, 0, 0x38, 0x2a, MEM(1), NO_IMM);
	printf("movntdqa:");
	for (unsigned k = 0; k < 3; k++) {
		struct state s;
		clear_state(&s);
		mem_buf[1] = vec[k];
		s.si = (uintptr_t)&mem_buf[1];
		printf(" %d", run(&s, m));
		print_v(&s.x[1]);
	}
	printf("\n");
}

/* ---- DPPS, DPPD ---- */

static const struct {
	const char *name;
	uint32_t csr;
} modes[] = {{"RN", 0x1f80}, {"RD", 0x3f80}, {"RU", 0x5f80},	{"RZ", 0x7f80},
	     {"DAZ", 0x1fc0}, {"FTZ", 0x9f80}, {"DAZ+FTZ", 0x9fc0}, {"RD+FTZ", 0xbf80}};
#define NMODES (sizeof modes / sizeof modes[0])

/* single: ordinary values, zeros of both signs, denormals, tiny and huge
 * values (products that underflow and overflow), infinities, QNaNs, SNaNs */
static const uint32_t f32[] = {
	0x3fc00000, 0xc0100000, 0x3eaaaaab, 0x40490fdb, 0x00000000, 0x80000000, 0x00000001,
	0x807fffff, 0x00400000, 0x1f800000, 0x20000000, 0x7f7fffff, 0xff000000, 0x7f800000,
	0xff800000, 0x7fc00001, 0xffc12345, 0x7f800003, 0xff812345, 0x3f800001, 0xbf800000,
	0x33800000, 0x4b000001, 0xcb7fffff,
};
static const uint64_t f64[] = {
	0x3ff8000000000000, 0xc002000000000000, 0x3fd5555555555555, 0x400921fb54442d18,
	0x0000000000000000, 0x8000000000000000, 0x0000000000000001, 0x800fffffffffffff,
	0x0008000000000000, 0x1ff0000000000000, 0x2000000000000000, 0x7fefffffffffffff,
	0xffe0000000000000, 0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000001,
	0xfff8000000012345, 0x7ff0000000000003, 0xfff0000000012345, 0x3ff0000000000001,
	0xbff0000000000000, 0x3ca0000000000000, 0x4330000000000001, 0xc33fffffffffffff,
};
#define NF32 (sizeof f32 / sizeof f32[0])
#define NF64 (sizeof f64 / sizeof f64[0])

/* operand pair number p: lanes walking the value table at strides */
static void fp_pair(V *d, V *s, unsigned p, int dbl)
{
	for (unsigned k = 0; k < (dbl ? 2u : 4u); k++) {
		unsigned x = (p + 7 * k) % (dbl ? NF64 : NF32), y = (p * 5 + 3 * k + 1) % (dbl ? NF64 : NF32);
		if (dbl) {
			d->q[k] = f64[x];
			s->q[k] = f64[y];
		} else {
			d->d[k] = f32[x];
			s->d[k] = f32[y];
		}
	}
}

static void dot(const char *name, unsigned op, int dbl)
{
	static const int masks[] = {0xff, 0xf1, 0x31, 0x33, 0xc1, 0x5a, 0xa5, 0x1f, 0x0f, 0x3c, 0x13, 0x22};
	uint32_t ones[4] = {0x3f800000, 0x3fc00000, 0x40000000, 0x40200000};
	/* every imm8 on ordinary values */
	printf("%s imm:", name);
	for (int imm = 0; imm < 256; imm++) {
		struct state s;
		clear_state(&s);
		for (unsigned k = 0; k < 4; k++) {
			s.x[1].d[k] = ones[k];
			s.x[2].d[k] = ones[(k + 1) % 4];
		}
		if (dbl) {
			s.x[1].q[0] = 0x3ff8000000000000, s.x[1].q[1] = 0xc002000000000000;
			s.x[2].q[0] = 0x4000000000000000, s.x[2].q[1] = 0x3fd5555555555555;
		}
		run(&s, insn(0x66, 0, 0x3a, op, REG(1, 2), imm));
		print_v(&s.x[1]);
	}
	printf("\n");
	for (unsigned m = 0; m < NMODES; m++)
		for (unsigned k = 0; k < sizeof masks / sizeof masks[0]; k++) {
			const void *r = insn(0x66, 0, 0x3a, op, REG(1, 2), masks[k]);
			const void *mf = insn(0x66, 0, 0x3a, op, MEM(1), masks[k]);
			printf("%s %s %02x:", name, modes[m].name, masks[k]);
			for (unsigned p = 0; p < 48; p++) {
				struct state s;
				clear_state(&s);
				s.mxcsr = modes[m].csr;
				fp_pair(&s.x[1], &s.x[2], p, dbl);
				mem_buf[0] = s.x[2];
				s.si = (uintptr_t)mem_buf;
				run(&s, p & 1 ? mf : r);
				print_v(&s.x[1]);
				printf("/%02x", s.mxcsr & 0x3f);
			}
			printf("\n");
		}
}

/* ---- ROUNDPS/PD/SS/SD ---- */

static const uint32_t r32[] = {
	0x00000000, 0x80000000, 0x3f000000, 0xbf000000, 0x3fc00000, 0xbfc00000, 0x40200000,
	0xc0200000, 0x3effffff, 0x3f000001, 0x3f7fffff, 0x00000001, 0x80000001, 0x00400000,
	0x807fffff, 0x4afffffe, 0x4affffff, 0x4b000000, 0x4b000001, 0xcb7fffff, 0x7f7fffff,
	0x7f800000, 0xff800000, 0x7fc00001, 0xffc12345, 0x7f800003, 0xff812345, 0x40490fdb,
	0xc0490fdb, 0x3f800000, 0xbf800000, 0x4e800000,
};
static const uint64_t r64[] = {
	0x0000000000000000, 0x8000000000000000, 0x3fe0000000000000, 0xbfe0000000000000,
	0x3ff8000000000000, 0xbff8000000000000, 0x4004000000000000, 0xc004000000000000,
	0x3fdfffffffffffff, 0x3fe0000000000001, 0x3fefffffffffffff, 0x0000000000000001,
	0x8000000000000001, 0x0008000000000000, 0x800fffffffffffff, 0x432ffffffffffffe,
	0x432fffffffffffff, 0x4330000000000000, 0x4330000000000001, 0xc33fffffffffffff,
	0x7fefffffffffffff, 0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000001,
	0xfff8000000012345, 0x7ff0000000000003, 0xfff0000000012345, 0x400921fb54442d18,
	0xc00921fb54442d18, 0x3ff0000000000000, 0xbff0000000000000, 0x41d0000000000000,
};
#define NR (sizeof r32 / sizeof r32[0])

static void round_op(const char *name, unsigned op, int dbl, int scalar)
{
	unsigned lanes = dbl ? 2 : 4, size = scalar ? (dbl ? 8 : 4) : 16;
	uint8_t *g = guarded(16);
	for (int imm = 0; imm < 16; imm++) {
		const void *r = insn(0x66, 0, 0x3a, op, REG(1, 2), imm);
		const void *m = insn(0x66, 0, 0x3a, op, MEM(1), imm);
		for (unsigned md = 0; md < NMODES; md++) {
			if (!(imm & 4) && md != 0 && md != 4)
				continue; /* the mode is imm8's own: only DAZ matters */
			printf("%s %x %s:", name, imm, modes[md].name);
			for (unsigned v = 0; v < NR; v += lanes) {
				struct state s;
				clear_state(&s);
				s.mxcsr = modes[md].csr;
				s.x[1] = (V){{0x11111111, 0x22222222, 0x33333333, 0x44444444}};
				for (unsigned k = 0; k < lanes; k++) {
					if (dbl)
						s.x[2].q[k] = r64[(v + k * 3) % NR];
					else
						s.x[2].d[k] = r32[(v + k * 5) % NR];
				}
				struct state t = s;
				run(&s, r);
				print_v(&s.x[1]);
				printf("/%02x", s.mxcsr & 0x3f);
				/* the memory operand: aligned (packed), or the last bytes
				 * before the guard page (scalar) */
				memcpy(g + 16 - size, &t.x[2], size);
				mem_buf[2] = t.x[2];
				t.si = scalar ? (uintptr_t)(g + 16 - size) : (uintptr_t)&mem_buf[2];
				t.x[2] = (V){{0}};
				run(&t, m);
				if (memcmp(&t.x[1], &s.x[1], 16) || t.mxcsr != s.mxcsr)
					printf(" memory form differs:");
				if (memcmp(&t.x[1], &s.x[1], 16))
					print_v(&t.x[1]);
			}
			printf("\n");
		}
	}
}

/* ---- unmasked exceptions: SIGFPE, and the destination stays ---- */
static void unmasked(void)
{
	static const struct {
		const char *what;
		unsigned op;
		int imm;
		uint32_t csr;
		uint32_t d[4], s[4];
	} cases[] = {
		{"dpps snan IM", 0x40, 0x31, 0x1f00, {0x7f800001, 1, 2, 3}, {0x3f800000, 0x3f800000, 1, 1}},
		{"dpps snan unselected IM", 0x40, 0x21, 0x1f00, {0x7f800001, 0x3f800000, 2, 3}, {0x3f800000, 0x3f800000, 1, 1}},
		{"dpps inexact PM", 0x40, 0xff, 0x0f80, {0x3eaaaaab, 0x3eaaaaab, 0x3f800000, 0x3f800000}, {0x3eaaaaab, 0x3f800000, 0x3f800000, 0x3f800000}},
		{"dpps denormal DM", 0x40, 0x11, 0x1e80, {0x00400000, 0, 0, 0}, {0x3f800000, 0, 0, 0}},
		{"dpps denormal DM DAZ", 0x40, 0x11, 0x1ec0, {0x00400000, 0, 0, 0}, {0x3f800000, 0, 0, 0}},
		{"dpps denormal sum DM", 0x40, 0x31, 0x1e80, {0x20000000, 0x20000000, 0, 0}, {0x1f000000, 0x1f000000, 0, 0}},
		{"dppd snan IM", 0x41, 0x31, 0x1f00, {1, 0x7ff00000, 0, 0x3ff00000}, {0, 0x3ff00000, 0, 0x3ff00000}},
		{"dppd inexact PM", 0x41, 0x33, 0x0f80, {0x55555555, 0x3fd55555, 0, 0x3ff00000}, {0x55555555, 0x3fd55555, 0, 0x3ff00000}},
		{"roundps inexact PM", 0x08, 0x00, 0x0f80, {0x3fc00000, 0x3f800000, 0, 0}, {0x3fc00000, 0x3f800000, 0, 0}},
		{"roundps inexact PM suppressed", 0x08, 0x08, 0x0f80, {0x3fc00000, 0x3f800000, 0, 0}, {0x3fc00000, 0x3f800000, 0, 0}},
		{"roundss snan IM", 0x0a, 0x04, 0x1f00, {1, 2, 3, 4}, {0x7f800001, 0, 0, 0}},
		{"roundss qnan IM", 0x0a, 0x04, 0x1f00, {1, 2, 3, 4}, {0x7fc00001, 0, 0, 0}},
		{"roundsd inexact PM with snan", 0x0b, 0x01, 0x0f80, {1, 2, 3, 4}, {0x1, 0x7ff00000, 0, 0}},
		{"roundpd snan and inexact PM", 0x09, 0x02, 0x0f80, {1, 2, 3, 4}, {0x1, 0x7ff00000, 0, 0x3ff80000}},
	};
	for (unsigned k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		struct state s;
		clear_state(&s);
		s.mxcsr = cases[k].csr;
		memcpy(&s.x[1], cases[k].d, 16);
		memcpy(&s.x[2], cases[k].s, 16);
		fault_code = 0;
		fault_mxcsr = 0;
		int sig = run(&s, insn(0x66, 0, 0x3a, cases[k].op, REG(1, 2), cases[k].imm));
		printf("%s: sig %d code %d frame mxcsr %04x", cases[k].what, sig, sig ? fault_code : 0,
		       sig ? fault_mxcsr : s.mxcsr);
		print_v(&s.x[1]);
		printf("\n");
	}
}

/* ---- #GP for a misaligned 16-byte memory operand ---- */
static void alignment(void)
{
	static const struct {
		const char *name;
		unsigned map, op;
		int imm;
	} ops[] = {
		{"pmuldq", 0x38, 0x28, NO_IMM},	   {"pcmpeqq", 0x38, 0x29, NO_IMM},
		{"movntdqa", 0x38, 0x2a, NO_IMM},  {"packusdw", 0x38, 0x2b, NO_IMM},
		{"pminsb", 0x38, 0x38, NO_IMM},	   {"pmaxud", 0x38, 0x3f, NO_IMM},
		{"pmulld", 0x38, 0x40, NO_IMM},	   {"phminposuw", 0x38, 0x41, NO_IMM},
		{"ptest", 0x38, 0x17, NO_IMM},	   {"pblendvb", 0x38, 0x10, NO_IMM},
		{"blendvps", 0x38, 0x14, NO_IMM},  {"blendvpd", 0x38, 0x15, NO_IMM},
		{"pmovsxbw", 0x38, 0x20, NO_IMM},  {"pmovzxdq", 0x38, 0x35, NO_IMM},
		{"roundps", 0x3a, 0x08, 0},	   {"roundpd", 0x3a, 0x09, 0},
		{"roundss", 0x3a, 0x0a, 0},	   {"roundsd", 0x3a, 0x0b, 0},
		{"blendps", 0x3a, 0x0c, 5},	   {"blendpd", 0x3a, 0x0d, 1},
		{"pblendw", 0x3a, 0x0e, 0x55},	   {"insertps", 0x3a, 0x21, 0x10},
		{"dpps", 0x3a, 0x40, 0xff},	   {"dppd", 0x3a, 0x41, 0x33},
		{"mpsadbw", 0x3a, 0x42, 5},
	};
	static uint8_t buf[64] __attribute__((aligned(16)));
	printf("misaligned:");
	for (unsigned k = 0; k < sizeof ops / sizeof ops[0]; k++) {
		struct state s;
		clear_state(&s);
		s.si = (uintptr_t)(buf + 8);
		int sig = run(&s, insn(0x66, 0, ops[k].map, ops[k].op, MEM(1), ops[k].imm));
		printf(" %s=%d", ops[k].name, sig);
	}
	printf("\n");
}

/* ---- undefined encodings ---- */
static void undefined(void)
{
	static const struct {
		const char *what;
		uint8_t code[8];
		unsigned n;
	} codes[] = {
		{"f3 pmulld", {0xf3, 0x0f, 0x38, 0x40, 0xca}, 5},
		{"f2 ptest", {0xf2, 0x0f, 0x38, 0x17, 0xca}, 5},
		{"66 f3 pminsb", {0x66, 0xf3, 0x0f, 0x38, 0x38, 0xca}, 6},
		{"66 f2 pmovzxbw", {0x66, 0xf2, 0x0f, 0x38, 0x30, 0xca}, 6},
		{"66 f3 roundps", {0x66, 0xf3, 0x0f, 0x3a, 0x08, 0xca, 0x00}, 7},
		{"66 f2 dpps", {0x66, 0xf2, 0x0f, 0x3a, 0x40, 0xca, 0xff}, 7},
		{"f3 pextrb", {0xf3, 0x0f, 0x3a, 0x14, 0xc8, 0x00}, 6},
		{"no prefix pminsd", {0x0f, 0x38, 0x39, 0xca}, 4},
		{"no prefix blendps", {0x0f, 0x3a, 0x0c, 0xca, 0x01}, 5},
		{"movntdqa register", {0x66, 0x0f, 0x38, 0x2a, 0xca}, 5},
		{"66 0f 38 36", {0x66, 0x0f, 0x38, 0x36, 0xca}, 5},
		{"66 0f 3a 18", {0x66, 0x0f, 0x3a, 0x18, 0xca, 0x00}, 6},
		{"pmaxud (ok)", {0x66, 0x0f, 0x38, 0x3f, 0xca}, 5},
	};
	for (unsigned k = 0; k < sizeof codes / sizeof codes[0]; k++) {
		struct state s;
		clear_state(&s);
		printf("%s: %d\n", codes[k].what, run(&s, code(codes[k].code, codes[k].n)));
	}
}

int main(void)
{
	unsigned eax, ebx, ecx, edx;
	__cpuid(1, eax, ebx, ecx, edx);
	printf("cpuid sse4.1=%u\n", ecx >> 19 & 1);
	printf("/proc/cpuinfo has sse4_1: %s\n", cpuinfo_has(" sse4_1") ? "yes" : "no");
	catch_faults();
	make_vectors();
	integer_ops();
	extensions();
	ptest();
	blends();
	inserts_extracts();
	movntdqa();
	dot("dpps", 0x40, 0);
	dot("dppd", 0x41, 1);
	round_op("roundps", 0x08, 0, 0);
	round_op("roundpd", 0x09, 1, 0);
	round_op("roundss", 0x0a, 0, 1);
	round_op("roundsd", 0x0b, 1, 1);
	unmasked();
	alignment();
	undefined();
	return 0;
}
