/* SSE4.2: PCMPESTRI, PCMPESTRM, PCMPISTRI, PCMPISTRM with every control
 * byte (format, aggregation, polarity, output selection) over string pairs
 * with embedded and leading zeros, full registers, signed bytes and words,
 * and explicit lengths of every kind (zero, short, 16 and beyond, negative,
 * INT_MIN, REX.W's 64-bit ones): ECX (zero-extended) or XMM0, and all six
 * flags from all-set and all-clear flags; the memory forms (misaligned, and
 * ending at a guard page); XMM0 as the pattern of the mask forms. PCMPGTQ.
 * CRC32 in every width, register and memory, byte registers AH and CL, the
 * 64-bit forms (a 32-bit result, zero-extended), and the CRC-32C check
 * value. Then C library string functions, which glibc runs on SSE4.2 once
 * CPUID offers it, over many lengths, alignments and page ends.
 * hexvm-test: flavors=x64,m32,musl */
#define _GNU_SOURCE
#include <cpuid.h>
#include <stdlib.h>
#include <strings.h>

#include "sse4_util.h"

/* ---- string compares ---- */

#define NSTR 22
static V str[NSTR];

static void set_bytes(V *v, const char *s, unsigned n) { memcpy(v->b, s, n); }

static void make_strings(void)
{
	static const struct {
		const char *s;
		unsigned n;
	} fixed[] = {
		{"hello, world!\0\0\0", 16},
		{"world\0hello", 12},
		{"lo, w", 6},
		{"azAZ09\0", 8},
		{"abcdefghijklmnop", 16},
		{"ijklmnopqrstuvwx", 16},
		{"", 1},
		{"a", 2},
		{"mnop\0mnop", 10},
		{"\x80\x7f\xff\x01\xc0\x40\x81\x00", 8},
		{"\x81\xff\x00\x7f\x01\x02\x80\x80", 8},
		{"aaaaaaaaaaaaaaa", 16},
		{"aa\0aaaaaaaaaaaa", 16},
		{"ponmlkjihgfedcba", 16},
		{"\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10", 16},
		{"xyz\0\0\0\0\0\0\0\0\0\0\0\0y", 16},
	};
	uint32_t x = 777;
	for (unsigned k = 0; k < NSTR; k++) {
		if (k < sizeof fixed / sizeof fixed[0]) {
			set_bytes(&str[k], fixed[k].s, fixed[k].n);
			continue;
		}
		/* few distinct elements, so that matches happen; some zero words */
		for (unsigned b = 0; b < 16; b++) {
			x = x * 1103515245u + 12345u;
			str[k].b[b] = (uint8_t)("\x00\x01\x80\xff" "Aa"[(x >> 16) % 6]);
		}
	}
}

/* the (V, W) pairs tried for each control byte */
static const uint8_t pair_list[][2] = {
	{2, 0},	 {0, 2},   {1, 0},   {3, 0},   {3, 4},	 {4, 5},   {5, 4},   {13, 4},
	{6, 4},	 {4, 6},   {6, 6},   {7, 11},  {7, 12},	 {8, 4},   {9, 10},  {10, 9},
	{14, 4}, {11, 11}, {12, 11}, {15, 0},  {16, 17}, {18, 19}, {20, 21}, {21, 16},
	{17, 20}, {0, 15},
};
#define NPAIRS (sizeof pair_list / sizeof pair_list[0])

/* explicit lengths (rAX, rDX) */
static const int64_t lens[][2] = {
	{16, 16}, {0, 16}, {16, 0}, {5, 3},	{3, 5},	 {8, 8},   {15, 17}, {17, 15},
	{-1, -16}, {-5, 7}, {7, -5}, {-17, 100}, {0x7fffffff, 1}, {(int32_t)0x80000000, 2},
	{0x100000003ll, 0x100000004ll}, {(int64_t)0xffffffff00000005ull, -0x100000000ll + 9},
	{0, 0}, {12, 1},
};
#define NLENS (sizeof lens / sizeof lens[0])

static uint8_t misaligned_buf[48] __attribute__((aligned(16)));

/* One control byte of one instruction: every pair (with, for the explicit
 * forms, several lengths), register form; the memory form (misaligned, or
 * ending at a guard page) must agree. */
static void string_case(unsigned op, int imm, unsigned rex)
{
	int explicit = !(op & 2), mask = !(op & 1);
	const void *r = insn(0x66, rex, 0x3a, op, REG(1, 2), imm);
	const void *m = insn(0x66, rex, 0x3a, op, MEM(1), imm);
	unsigned nl = explicit ? NLENS : 1;
	static const char *const names[] = {"pcmpestrm", "pcmpestri", "pcmpistrm", "pcmpistri"};
	printf("%s%s %02x:", names[op & 3], rex ? ".w" : "", imm);
	for (unsigned p = 0; p < NPAIRS; p++)
		for (unsigned l = 0; l < nl; l++) {
			struct state s;
			clear_state(&s);
			s.x[0] = (V){{0x01234567, 0x89abcdef, 0xdeadbeef, 0x5a5a5a5a}};
			s.x[1] = str[pair_list[p][0]];
			s.x[2] = str[pair_list[p][1]];
			s.ax = (uint64_t)lens[l][0];
			s.dx = (uint64_t)lens[l][1];
			s.cx = ~0ull;
			s.flags = FLAGS_BASE | ((p + l) & 1 ? ARITH_FLAGS : 0);
			struct state t = s;
			run(&s, r);
			if (mask)
				print_v(&s.x[0]);
			else
				printf(" %llx", (unsigned long long)(unsigned long)s.cx);
			printf("/%03x", (unsigned)(s.flags & ARITH_FLAGS));
			uint8_t *at = (p & 1) ? guarded(16) : misaligned_buf + 1 + p % 15;
			memcpy(at, &t.x[2], 16);
			t.si = (uintptr_t)at;
			t.x[2] = (V){{0}};
			int sig = run(&t, m);
			t.si = s.si;
			t.x[2] = s.x[2];
			if (sig || memcmp(&s, &t, sizeof s))
				printf(" memory form differs (signal %d)", sig);
		}
	printf("\n");
}

static void string_compares(void)
{
	static const unsigned ops[] = {0x60, 0x61, 0x62, 0x63};
	for (unsigned o = 0; o < 4; o++) {
		for (int imm = 0; imm < 128; imm++)
			string_case(ops[o], imm, 0);
		string_case(ops[o], 0x80, 0);
		string_case(ops[o], 0xff, 0);
		if (IS64 && !(ops[o] & 2)) {
			static const int imms[] = {0x00, 0x0c, 0x18, 0x45, 0x71};
			for (unsigned k = 0; k < sizeof imms / sizeof imms[0]; k++)
				string_case(ops[o], imms[k], 0x48);
		}
	}
}

/* the mask forms with XMM0 as the pattern (read before it is written) and
 * as the string */
static void xmm0_operands(void)
{
	printf("xmm0 operands:");
	for (unsigned op = 0x60; op <= 0x62; op += 2)
		for (unsigned form = 0; form < 2; form++) {
			struct state s;
			clear_state(&s);
			s.x[0] = str[form ? 0 : 2];
			s.x[2] = str[form ? 2 : 0];
			s.ax = 5;
			s.dx = 13;
			run(&s, insn(0x66, 0, 0x3a, op, form ? REG(2, 0) : REG(0, 2), 0x0c));
			print_v(&s.x[0]);
		}
	printf("\n");
}

/* ---- PCMPGTQ ---- */

static void pcmpgtq(void)
{
	static const uint64_t vals[] = {0, 1, 0x7fffffffffffffff, 0x8000000000000000, ~0ull,
					0x8000000000000001, 0x100000000, 0xffffffff};
	const void *r = insn(0x66, 0, 0x38, 0x37, REG(1, 2), NO_IMM);
	const void *m = insn(0x66, 0, 0x38, 0x37, MEM(1), NO_IMM);
	static V buf[2];
	printf("pcmpgtq:");
	for (unsigned a = 0; a < 8; a++)
		for (unsigned b = 0; b < 8; b++) {
			struct state s;
			clear_state(&s);
			s.x[1] = (V){.q = {vals[a], vals[b]}};
			s.x[2] = (V){.q = {vals[b], vals[(a + b) % 8]}};
			buf[0] = s.x[2];
			struct state t = s;
			t.si = (uintptr_t)buf;
			run(&s, r);
			run(&t, m);
			print_v(&s.x[1]);
			print_v(&t.x[1]);
		}
	buf[1] = buf[0];
	struct state s;
	clear_state(&s);
	s.si = (uintptr_t)buf + 8;
	printf(" misaligned %d\n", run(&s, m));
}

/* ---- CRC32 ---- */

/* F2 [66] [REX] 0F 38 op modrm */
static const void *crc_insn(int word, unsigned rex, unsigned op, unsigned modrm)
{
	uint8_t b[8];
	unsigned n = 0;
	if (word)
		b[n++] = 0x66;
	b[n++] = 0xf2;
	if (rex)
		b[n++] = (uint8_t)rex;
	b[n++] = 0x0f, b[n++] = 0x38, b[n++] = (uint8_t)op, b[n++] = (uint8_t)modrm;
	return code(b, n);
}

static uint8_t data[256];

/* The CRC of data[] taken `size` bytes at a time, from registers (ECX
 * into EAX) and from memory; every step's value printed. */
static void crc_chain(const char *name, int word, unsigned rex, unsigned op, unsigned size)
{
	const void *r = crc_insn(word, rex, op, REG(0, 1));
	const void *m = crc_insn(word, rex, op, MEM(0));
	uint64_t crc_r = 0xffffffff, crc_m = 0x5555aaaa;
	printf("%s:", name);
	for (unsigned k = 0; k + size <= sizeof data; k += size) {
		struct state s;
		clear_state(&s);
		memcpy(&s.cx, data + k, size);
		s.ax = crc_r | 0xdead000000000000ull;
		run(&s, r);
		crc_r = s.ax;
		uint8_t *g = guarded(size);
		memcpy(g, data + k, size);
		clear_state(&s);
		s.ax = crc_m;
		s.si = (uintptr_t)g;
		run(&s, m);
		crc_m = s.ax;
		printf(" %llx/%llx", (unsigned long long)(unsigned long)crc_r,
		       (unsigned long long)(unsigned long)crc_m);
	}
	printf("\n");
}

static void crc32(void)
{
	uint32_t x = 99;
	for (unsigned k = 0; k < sizeof data; k++) {
		x = x * 1103515245u + 12345u;
		data[k] = k < 16 ? (uint8_t)(k * 0x11) : (uint8_t)(x >> 16);
	}
	crc_chain("crc32b", 0, 0, 0xf0, 1);
	crc_chain("crc32w", 1, 0, 0xf1, 2);
	crc_chain("crc32l", 0, 0, 0xf1, 4);
	if (IS64) {
		crc_chain("crc32b.w", 0, 0x48, 0xf0, 1);
		crc_chain("crc32q", 0, 0x48, 0xf1, 8);
		crc_chain("crc32w.w", 1, 0x48, 0xf1, 8); /* REX.W outranks 66 */
	}
	/* AH as the source (no REX), into ECX */
	struct state s;
	clear_state(&s);
	s.ax = 0x1234abcd;
	s.cx = 0xffffffff;
	run(&s, crc_insn(0, 0, 0xf0, REG(1, 4)));
	printf("crc32 ecx, ah: %llx\n", (unsigned long long)(unsigned long)s.cx);
	/* the check value of CRC-32C: "123456789" with inversion */
	const char *check = "123456789";
	const void *b = crc_insn(0, 0, 0xf0, REG(0, 1));
	clear_state(&s);
	s.ax = 0xffffffff;
	for (const char *p = check; *p; p++) {
		s.cx = (uint8_t)*p;
		run(&s, b);
	}
	printf("crc32c check: %08x\n", (unsigned)~s.ax);
}

/* ---- the C library's string functions ---- */

static char *page_end_copy(const char *s, size_t n)
{
	char *g = (char *)guarded((unsigned)n);
	memcpy(g, s, n);
	return g;
}

static int sign(int v) { return v < 0 ? -1 : v > 0; }

static void libc_strings(void)
{
	static const char *const sets[] = {"", "a", "abc", "xyz", " \t\n", "0123456789",
					   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefgh", "\x80\xff",
					   "zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQ"};
	static char text[600];
	uint32_t x = 5;
	for (unsigned k = 0; k < sizeof text - 1; k++) {
		x = x * 1103515245u + 12345u;
		text[k] = "abcxyzABC 0129\t\x80\xffqQ"[(x >> 16) % 19];
	}
	unsigned sum_cspn = 0, sum_spn = 0, sum_pbrk = 0;
	printf("strcspn/strspn/strpbrk:");
	for (unsigned set = 0; set < sizeof sets / sizeof sets[0]; set++)
		for (unsigned off = 0; off < 64; off++)
			for (unsigned len = 0; len < 80; len += 7) {
				char buf[128];
				char *str = buf + (off & 15);
				memcpy(str, text + off * 7, len);
				str[len] = 0;
				size_t c = strcspn(str, sets[set]), sp = strspn(str, sets[set]);
				const char *pb = strpbrk(str, sets[set]);
				sum_cspn = sum_cspn * 31 + (unsigned)c;
				sum_spn = sum_spn * 31 + (unsigned)sp;
				sum_pbrk = sum_pbrk * 31 + (unsigned)(pb ? pb - str + 1 : 0);
				if (off == 0 && len == 77)
					printf(" %zu/%zu/%d", c, sp, pb ? (int)(pb - str) : -1);
			}
	printf(" hashes %08x %08x %08x\n", sum_cspn, sum_spn, sum_pbrk);
	/* strings ending right before an inaccessible page, every length and
	 * alignment up to a few vectors */
	unsigned sum = 0;
	for (unsigned n = 1; n < 70; n++) {
		char tmp[80];
		memcpy(tmp, text + n, n - 1);
		tmp[n - 1] = 0;
		const char *g = page_end_copy(tmp, n);
		sum = sum * 31 + (unsigned)strcspn(g, "\t");
		sum = sum * 31 + (unsigned)strspn(g, "abcxyz");
		sum = sum * 31 + (unsigned)strlen(g);
		sum = sum * 31 + (unsigned)(strchr(g, 'Q') ? strchr(g, 'Q') - g : 99);
		sum = sum * 31 + (unsigned)(strrchr(g, 'a') ? strrchr(g, 'a') - g : 99);
		sum = sum * 31 + (unsigned)(strpbrk(g, "0Qz") ? strpbrk(g, "0Qz") - g : 99);
		sum = sum * 31 + (unsigned)(sign(strcmp(g, text + n)) + 1);
		sum = sum * 31 + (unsigned)(sign(strcasecmp(g, "ABCXYZ")) + 1);
		sum = sum * 31 + (unsigned)(sign(strncasecmp(g, text + n, n)) + 1);
		sum = sum * 31 + (unsigned)(strstr(text, g) ? strstr(text, g) - text : 999);
	}
	printf("page ends: %08x\n", sum);
	/* comparisons, case-insensitive ones included, over pairs that differ
	 * at every position and in case only */
	static const char *const words[] = {"", "a", "A", "abc", "ABC", "abd", "abcdefghijklmnopq",
					    "ABCDEFGHIJKLMNOPQ", "abcdefghijklmnopR", "Z", "z", "@", "[",
					    "`", "{", "\x80", "\xff"};
	printf("compares:");
	for (unsigned a = 0; a < sizeof words / sizeof words[0]; a++)
		for (unsigned b = 0; b < sizeof words / sizeof words[0]; b++)
			printf(" %d%d%d%d", sign(strcmp(words[a], words[b])) + 1,
			       sign(strcasecmp(words[a], words[b])) + 1,
			       sign(strncasecmp(words[a], words[b], 3)) + 1,
			       sign(strncmp(words[a], words[b], 2)) + 1);
	printf("\n");
	printf("strstr/strcasestr:");
	for (unsigned n = 0; n < 40; n++) {
		char needle[24];
		unsigned at = (n * 37) % 500, len = 1 + n % 20;
		memcpy(needle, text + at, len);
		needle[len] = 0;
		if (n % 3 == 0)
			needle[len / 2] ^= 0x20; /* case flipped (a space becomes the end) */
		const char *f = strstr(text, needle), *g = strcasestr(text, needle);
		printf(" %d/%d", f ? (int)(f - text) : -1, g ? (int)(g - text) : -1);
	}
	printf("\n");
}

int main(void)
{
	unsigned eax, ebx, ecx, edx;
	__cpuid(1, eax, ebx, ecx, edx);
	printf("cpuid sse4.2=%u popcnt=%u\n", ecx >> 20 & 1, ecx >> 23 & 1);
	printf("/proc/cpuinfo has sse4_2: %s\n", cpuinfo_has(" sse4_2") ? "yes" : "no");
	catch_faults();
	make_strings();
	string_compares();
	xmm0_operands();
	pcmpgtq();
	crc32();
	libc_strings();
	return 0;
}
