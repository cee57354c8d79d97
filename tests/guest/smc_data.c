/* Stores into a page that holds code which has run, away from the code itself:
 * data beside code, as in a JIT's buffer or an RWX trampoline page. Every such
 * store goes through the emulator's self-modifying-code check (hexvm: a call
 * from the middle of the handler, which must leave the handler's own registers,
 * the SSE ones included, as they were), then the instruction goes on: results,
 * flags and the code that follows must come out as natively. Each kind of
 * store: MOV of every size, read-modify-write ALU with the flags read after,
 * INC/NEG, XCHG, CMPXCHG, SETcc, SSE and MMX-free vector stores, PUSH and POP
 * with the stack in that page, CALL/RET through it, REP STOS/MOVS, x87 FSTP;
 * then the code in the page is called again, and patched and called.
 *
 * hexvm-test: cflags=-msse2
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

typedef unsigned long word;
typedef int (*fn0)(void);

/* mov eax, imm32 ; ret -- the same bytes in both modes */
static const unsigned char ret_imm[] = {0xb8, 0x07, 0x00, 0x00, 0x00, 0xc3};

#define DATA  2048 /* where the data starts in the page */
#define STACK 4000 /* top of a stack inside the page */

static uint8_t *page;

static uint32_t sum(void)
{
	uint32_t s = 0;
	for (unsigned k = DATA; k < 4096; k++)
		s = s * 31 + page[k];
	return s;
}

static void plain_stores(void)
{
	uint8_t *d = page + DATA;
	word v = 0;
	for (unsigned k = 0; k < 64; k++) {
		v = (word)(v * 6364136223846793005ull + 1442695040888963407ull);
		d[k] = (uint8_t)v;
		memcpy(d + 64 + 2 * k, &v, 2);
		memcpy(d + 200 + 4 * k, &v, 4);
		memcpy(d + 460 + sizeof v * k, &v, sizeof v);
	}
	printf("plain stores: %08x\n", sum());
}

static void alu_stores(void)
{
	word *m = (word *)(page + DATA + 8);
	word flags, acc = 0;
	*m = 0x7f;
	for (int k = 0; k < 40; k++) {
		__asm__ volatile("add %[v], (%[m])\n\tpushf\n\tpop %[f]"
				 : [f] "=r"(flags)
				 : [m] "r"(m), [v] "r"((word)((word)k * 0x0123456789abcdefull))
				 : "cc", "memory");
		acc = acc * 3 + (flags & 0x8d5);
		__asm__ volatile("incl 8(%[m])\n\tnegl 12(%[m])\n\tsbbl %[v], 16(%[m])\n\tpushf\n\tpop %[f]"
				 : [f] "=r"(flags)
				 : [m] "r"(m), [v] "r"(k * 77)
				 : "cc", "memory");
		acc = acc * 3 + (flags & 0x8d5);
	}
	printf("alu stores: %08x flags %lx\n", sum(), (unsigned long)acc);
}

static void exchange_stores(void)
{
	word *m = (word *)(page + DATA + 64);
	word a = 5, old = 0, acc = 0;
	uint8_t cc[4];
	for (int k = 0; k < 20; k++) {
		__asm__ volatile("xchg %[a], (%[m])" : [a] "+r"(a) : [m] "r"(m) : "memory");
		old = (word)k;
		__asm__ volatile("lock cmpxchg %[n], (%[m])"
				 : "+a"(old)
				 : [m] "r"(m + 1), [n] "r"((word)k + 100)
				 : "cc", "memory");
		__asm__ volatile("cmp %[x], %[y]\n\tsetb (%[p])\n\tsetg 1(%[p])\n\tsete 2(%[p])\n\tsetp 3(%[p])"
				 :
				 : [x] "r"((word)k), [y] "r"((word)(10 - k)), [p] "r"(page + DATA + 200 + 4 * k)
				 : "cc", "memory");
		memcpy(cc, page + DATA + 200 + 4 * k, 4);
		acc = acc * 7 + a + old + cc[0] + 2u * cc[1] + 4u * cc[2] + 8u * cc[3];
	}
	printf("exchange stores: %08x acc %lx\n", sum(), (unsigned long)acc);
}

static void vector_stores(void)
{
	uint8_t out[16];
	for (int k = 0; k < 16; k++) {
		__asm__ volatile("movd %[k], %%xmm0\n\t"
				 "pshufd $0, %%xmm0, %%xmm0\n\t"
				 "movdqa %%xmm0, %%xmm1\n\t"
				 "paddd %%xmm0, %%xmm1\n\t"
				 "movdqu %%xmm1, (%[p])\n\t"
				 "paddd %%xmm0, %%xmm1\n\t" /* the registers must have survived the store */
				 "movq %%xmm1, 16(%[p])\n\t"
				 "movhps %%xmm1, 24(%[p])\n\t"
				 "movdqu %%xmm1, %[o]"
				 : [o] "=m"(out)
				 : [k] "r"(k * 0x01010101 + 3), [p] "r"(page + DATA + 300 + 32 * k)
				 : "xmm0", "xmm1", "memory");
		page[DATA + 1000 + k] = out[k];
	}
	printf("vector stores: %08x\n", sum());
}

#ifdef __x86_64__
#define R(name) "%%r" name
#else
#define R(name) "%%e" name
#endif

/* The stack inside the page: pushes, a call and its return, pops. */
static void stack_stores(void)
{
	word r = 0, sp_after = 0;
	uint8_t *top = page + STACK;
	__asm__ volatile("mov %[top], " R("cx") "\n\t"
			 "xchg " R("cx") ", " R("sp") "\n\t"
			 "push $0x1234\n\t"
			 "push $0x55aa\n\t"
			 "call 1f\n\t"
			 "jmp 2f\n"
			 "1:\tpop " R("ax") "\n\t"
			 "push " R("ax") "\n\t"
			 "ret\n"
			 "2:\tpop " R("ax") "\n\t"
			 "pop " R("dx") "\n\t"
			 "lea (" R("ax") "," R("dx") ",2), " R("ax") "\n\t"
			 "mov " R("sp") ", " R("dx") "\n\t"
			 "mov " R("cx") ", " R("sp")
			 : "=a"(r), "=d"(sp_after)
			 : [top] "r"(top)
			 : "ecx", "memory");
	printf("stack stores: %lx, stack back at the top: %d, %08x\n", (unsigned long)r,
	       sp_after == (word)top, sum());
}

static void string_stores(void)
{
	word di = (word)(page + DATA + 1100), cx = 300, si;
	__asm__ volatile("cld\n\trep stosb" : "+D"(di), "+c"(cx) : "a"(0x5c) : "memory");
	di = (word)(page + DATA + 1500), si = (word)(page + DATA), cx = 40;
	__asm__ volatile("cld\n\trep movsl" : "+D"(di), "+S"(si), "+c"(cx) : : "memory");
	printf("string stores: %08x, rdi %+ld\n", sum(),
	       (long)(di - (word)(page + DATA + 1500)));
}

static void x87_stores(void)
{
	double *d = (double *)(page + DATA + 1800);
	long double x = 1.0L / 3.0L;
	for (int k = 0; k < 8; k++) {
		__asm__ volatile("fldt %[x]\n\tfstpl (%[p])" : : [x] "m"(x), [p] "r"(d + k) : "memory");
		x = x * 1.5L + 0.25L;
	}
	printf("x87 stores: %08x\n", sum());
}

int main(void)
{
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		    0);
	if (page == MAP_FAILED)
		return 1;
	memcpy(page, ret_imm, sizeof ret_imm);
	fn0 f = (fn0)(void *)page;
	printf("code in the page: %d\n", f());
	plain_stores();
	alu_stores();
	exchange_stores();
	vector_stores();
	stack_stores();
	string_stores();
	x87_stores();
	printf("code in the page again: %d\n", f());
	page[1] = 42;
	printf("code in the page patched: %d\n", f());
	return 0;
}
