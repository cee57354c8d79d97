/* 32-bit addresses that wrap: an i386 program's, and an x86-64 program's with the
 * address-size prefix (0x67, the %k registers below), where base + index * scale +
 * displacement is cut to 32 bits. Each access reaches the buffer only through the
 * wrap (base + index * scale, or base + displacement, passes 2^32); an emulator that
 * forgot the cut would touch memory 4 GiB away (unmapped, or outside an i386
 * program's window). In long mode the upper halves of the registers must not count
 * either. Loads, stores, read-modify-write ALU operations, byte and word sizes, a
 * base alone and with an index, SSE loads and stores, and LEA.
 *
 * hexvm-test: cflags=-msse2
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

typedef unsigned long word;

#define BUF_AT 0x30000000ul /* low, and free in both modes */

static uint8_t *buf;

#ifdef __x86_64__
#define JUNK (0x5a5a5a5aul << 32) /* upper halves the prefix ignores */
#else
#define JUNK 0ul
#endif

/* Base and index registers whose sum (index scaled by 2) wraps to buf + off. */
static void wrap_pair(word off, word *base, word *index)
{
	*base = JUNK + (uint32_t)((word)buf + off + 0x80000000u);
	*index = JUNK + 0x40000000u;
}

/* A base register that, with displacement DISP, wraps to buf + off. */
#define DISP "0x70000000"
static word wrap_base(word off)
{
	return JUNK + (uint32_t)((word)buf + off - 0x70000000u);
}

static void fill(void)
{
	for (unsigned k = 0; k < 4096; k++)
		buf[k] = (uint8_t)(k * 13 + 5);
}

static uint32_t sum(void)
{
	uint32_t s = 0;
	for (unsigned k = 0; k < 4096; k++)
		s = s * 33 + buf[k];
	return s;
}

static void loads(void)
{
	word b, x, r = 0, r2 = 0;
	wrap_pair(64, &b, &x);
	__asm__ volatile("movl (%k[b],%k[x],2), %k[r]" : [r] "=r"(r) : [b] "r"(b), [x] "r"(x) : "memory");
	printf("load32 indexed: %08lx\n", (unsigned long)(uint32_t)r);
	b = wrap_base(0x10);
	__asm__ volatile("movl " DISP "(%k[b]), %k[r]" : [r] "=r"(r) : [b] "r"(b) : "memory");
	printf("load32 base+disp: %08lx\n", (unsigned long)(uint32_t)r);
	b = JUNK + (uint32_t)(0xfffff000u);
	/* buf + 0x1000 + 100 - 0xfffff000 - 2^32 = buf + 100, as a displacement */
	__asm__ volatile("movzbl %c[d](%k[b]), %k[r]\n\tmovzwl %c[d]+2(%k[b]), %k[r2]"
			 : [r] "=&r"(r), [r2] "=r"(r2)
			 : [b] "r"(b), [d] "i"(BUF_AT + 0x1000 + 100)
			 : "memory");
	printf("load8/16 base+disp: %02lx %04lx\n", (unsigned long)r, (unsigned long)r2);
	wrap_pair(300, &b, &x);
	__asm__ volatile("movsbl 1(%k[b],%k[x],2), %k[r]" : [r] "=r"(r) : [b] "r"(b), [x] "r"(x) : "memory");
	printf("load8 signed indexed: %08lx\n", (unsigned long)(uint32_t)r);
}

static void stores(void)
{
	word b, x;
	fill();
	wrap_pair(8, &b, &x);
	__asm__ volatile("movl %[v], (%k[b],%k[x],2)" : : [b] "r"(b), [x] "r"(x), [v] "r"(0x11223344u) : "memory");
	__asm__ volatile("movw %w[v], 6(%k[b],%k[x],2)" : : [b] "r"(b), [x] "r"(x), [v] "r"(0x5566u) : "memory");
	__asm__ volatile("movb %b[v], 5(%k[b],%k[x],2)" : : [b] "r"(b), [x] "r"(x), [v] "q"(0x77u) : "memory");
	b = wrap_base(0x200);
	__asm__ volatile("movl $0x99aabbcc, " DISP "(%k[b])" : : [b] "r"(b) : "memory");
	printf("stores: %08x\n", sum());
}

static void read_modify_write(void)
{
	word b, x, flags;
	fill();
	wrap_pair(40, &b, &x);
	__asm__ volatile("addl %[v], (%k[b],%k[x],2)\n\tpushf\n\tpop %[f]"
			 : [f] "=r"(flags) : [b] "r"(b), [x] "r"(x), [v] "r"(0xf0000000u) : "cc", "memory");
	printf("add: %08x flags %03lx\n", sum(), flags & 0x8d5);
	__asm__ volatile("incl 4(%k[b],%k[x],2)\n\tnotl 8(%k[b],%k[x],2)\n\tsubb $3, 12(%k[b],%k[x],2)"
			 : : [b] "r"(b), [x] "r"(x) : "cc", "memory");
	printf("inc/not/sub: %08x\n", sum());
	b = wrap_base(0x500);
	__asm__ volatile("cmpl $0x12345678, " DISP "(%k[b])\n\tpushf\n\tpop %[f]"
			 : [f] "=r"(flags) : [b] "r"(b) : "cc", "memory");
	printf("cmp: flags %03lx\n", flags & 0x8d5);
	__asm__ volatile("xorl $0x0f0f0f0f, " DISP "(%k[b])" : : [b] "r"(b) : "cc", "memory");
	printf("xor: %08x\n", sum());
}

static void sse(void)
{
	word b, x;
	uint8_t out[16];
	fill();
	wrap_pair(16, &b, &x);
	__asm__ volatile("movdqu (%k[b],%k[x],2), %%xmm0\n\t"
			 "paddb %%xmm0, %%xmm0\n\t"
			 "movdqu %%xmm0, 0x100(%k[b],%k[x],2)\n\t"
			 "movdqu %%xmm0, %[o]"
			 : [o] "=m"(out) : [b] "r"(b), [x] "r"(x) : "xmm0", "memory");
	printf("sse: %02x %02x %08x\n", out[0], out[15], sum());
	b = wrap_base(0x300);
	__asm__ volatile("movq " DISP "(%k[b]), %%xmm1\n\tmovq %%xmm1, " DISP "+8(%k[b])"
			 : : [b] "r"(b) : "xmm1", "memory");
	printf("sse base+disp: %08x\n", sum());
}

static void lea(void)
{
	word b, x, r;
	wrap_pair(0x123, &b, &x);
	__asm__ volatile("lea 7(%k[b],%k[x],2), %k[r]" : [r] "=r"(r) : [b] "r"(b), [x] "r"(x));
	printf("lea: buf+%lx\n", (unsigned long)(r - (word)buf));
}

int main(void)
{
	buf = mmap((void *)BUF_AT, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		   -1, 0);
	if (buf != (uint8_t *)BUF_AT) {
		printf("mmap at %#lx failed\n", BUF_AT);
		return 1;
	}
	fill();
	loads();
	stores();
	read_modify_write();
	sse();
	lea();
	return 0;
}
