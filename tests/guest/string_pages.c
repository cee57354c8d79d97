/* REP MOVS and REP STOS across pages: long copies and fills at every element
 * size, overlapping copies that span pages, and copies and fills that run
 * into a page they may not read or write. A fault must come at the address,
 * with the registers, that the element-by-element instruction gives: the
 * handler prints the fault address and how far rSI, rDI and rCX had moved.
 * hexvm moves a page at a time, so each case puts the boundary elsewhere.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#define PAGE   4096u
#define PAGES  6u
#define BAD_AT (4u * PAGE) /* the page the fault cases protect */

static uint8_t *base;
static sigjmp_buf back;
static uintptr_t start_si, start_di, start_cx;

#if defined(__x86_64__)
#define SI(g) ((uintptr_t)(g)[REG_RSI])
#define DI(g) ((uintptr_t)(g)[REG_RDI])
#define CX(g) ((uintptr_t)(g)[REG_RCX])
#else
#define SI(g) ((uintptr_t)(g)[REG_ESI])
#define DI(g) ((uintptr_t)(g)[REG_EDI])
#define CX(g) ((uintptr_t)(g)[REG_ECX])
#endif

static void on_segv(int sig, siginfo_t *si, void *ctx)
{
	const greg_t *g = ((ucontext_t *)ctx)->uc_mcontext.gregs;
	(void)sig;
	printf("  fault at +%ld: si %+ld di %+ld cx %lu left of %lu\n",
	       (long)((uint8_t *)si->si_addr - base), (long)(SI(g) - start_si),
	       (long)(DI(g) - start_di), (unsigned long)CX(g), (unsigned long)start_cx);
	siglongjmp(back, 1);
}

/* rep movs/stos of `size`-byte elements, count n, from src to dst (a fill
 * stores `fill`); returns the registers' moves by pointer. */
#define REP_OP(insn, fill_reg)                                                                     \
	__asm__ volatile("cld\n\t" insn : "+S"(si), "+D"(di), "+c"(cx) : "a"(fill_reg) : "memory")

static void rep_movs(unsigned size, uintptr_t src, uintptr_t dst, uintptr_t n)
{
	uintptr_t si = src, di = dst, cx = n, ax = 0;
	start_si = src, start_di = dst, start_cx = n;
	switch (size) {
	case 1: REP_OP("rep movsb", ax); break;
	case 2: REP_OP("rep movsw", ax); break;
	case 4: REP_OP("rep movsl", ax); break;
#if defined(__x86_64__)
	default: REP_OP("rep movsq", ax); break;
#endif
	}
}

static void rep_stos(unsigned size, uintptr_t dst, uintptr_t n, uintptr_t fill)
{
	uintptr_t si = 0, di = dst, cx = n;
	start_si = 0, start_di = dst, start_cx = n;
	switch (size) {
	case 1: REP_OP("rep stosb", fill); break;
	case 2: REP_OP("rep stosw", fill); break;
	case 4: REP_OP("rep stosl", fill); break;
#if defined(__x86_64__)
	default: REP_OP("rep stosq", fill); break;
#endif
	}
}

static void pattern(void)
{
	for (unsigned k = 0; k < PAGES * PAGE; k++)
		base[k] = (uint8_t)(k * 7 + (k >> 8));
}

/* A checksum of the whole area and a few bytes around the interesting spots. */
static void show(const char *what)
{
	uint32_t sum = 0;
	for (unsigned k = 0; k < PAGES * PAGE; k++)
		sum = sum * 31 + base[k];
	printf("%s: sum %08x bytes %02x %02x %02x %02x\n", what, sum, base[PAGE - 1], base[PAGE],
	       base[3 * PAGE - 3], base[3 * PAGE + 5]);
}

static const unsigned sizes[] = {
	1, 2, 4,
#if defined(__x86_64__)
	8,
#endif
};

static void long_moves(void)
{
	char what[96];
	for (unsigned s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		unsigned size = sizes[s];
		pattern();
		rep_movs(size, (uintptr_t)base + 5, (uintptr_t)base + 2 * PAGE + 1001,
			 (PAGE + 2000) / size);
		snprintf(what, sizeof what, "movs%u apart", size);
		show(what);
		/* overlapping, the destination a little above the source: each
		 * element reads what an earlier one wrote */
		pattern();
		rep_movs(size, (uintptr_t)base + PAGE - 10, (uintptr_t)base + PAGE - 10 + 3 * size + 1,
			 (2 * PAGE) / size);
		snprintf(what, sizeof what, "movs%u overlap up", size);
		show(what);
		pattern();
		rep_movs(size, (uintptr_t)base + PAGE + 100, (uintptr_t)base + 100, (2 * PAGE) / size);
		snprintf(what, sizeof what, "movs%u overlap down", size);
		show(what);
		pattern();
		rep_stos(size, (uintptr_t)base + PAGE - 3, (2 * PAGE + 7) / size, (uintptr_t)0x1122334455667788ull);
		snprintf(what, sizeof what, "stos%u", size);
		show(what);
	}
}

/* One copy (from src, or a fill when src is 0) that may fault. */
static void attempt(unsigned size, uintptr_t src, uintptr_t dst, uintptr_t n)
{
	if (sigsetjmp(back, 1))
		return;
	if (src)
		rep_movs(size, src, dst, n);
	else
		rep_stos(size, dst, n, (uintptr_t)0xa5a5a5a5a5a5a5a5ull);
	printf("  no fault\n");
}

/* Copies and fills that run into the page at BAD_AT, protected `prot`. */
static void into_bad_page(int prot, const char *name)
{
	static const unsigned before[] = {0, 1, 3, 100, 4095, 5000};
	mprotect(base + BAD_AT, PAGE, prot);
	for (unsigned s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		unsigned size = sizes[s];
		for (unsigned b = 0; b < sizeof before / sizeof before[0]; b++) {
			uintptr_t to_bad = (uintptr_t)base + BAD_AT - before[b];
			printf("%s, movs%u, destination %u bytes before:\n", name, size, before[b]);
			attempt(size, (uintptr_t)base + 8, to_bad, 8000 / size);
			if (prot == PROT_NONE) {
				printf("%s, movs%u, source %u bytes before:\n", name, size, before[b]);
				attempt(size, to_bad, (uintptr_t)base + 16, 8000 / size);
			}
			printf("%s, stos%u, %u bytes before:\n", name, size, before[b]);
			attempt(size, 0, to_bad, 8000 / size);
		}
	}
	mprotect(base + BAD_AT, PAGE, PROT_READ | PROT_WRITE);
	show(name);
}

int main(void)
{
	struct sigaction sa;
	base = mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return 1;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	long_moves();
	pattern();
	into_bad_page(PROT_READ, "read-only");
	into_bad_page(PROT_NONE, "no access");
	return 0;
}
