/* x87 and MXCSR state across faults and MMX: what a SIGSEGV handler finds
 * in its signal frame when an x87 instruction faults on memory halfway
 * through a computation (registers, TOP, tags, flags: the faulting
 * instruction must have changed nothing), the computation going on once the
 * handler makes the page usable and returns, the exception flags SSE code
 * raised before a fault, and the x87 state MMX instructions leave. */
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "x87_util.h"

static sigjmp_buf escape;
static char *page;
static volatile sig_atomic_t fix_page; /* the handler makes the page writable and returns */

/* The FP area of the frame: FXSAVE's layout on x86-64, FNSAVE's on i386. */
#ifdef __x86_64__
#define FP_SW	     2
#define FP_TAG	     4
#define FP_ST	     32
#define FP_STEP	     16
#define FP_TAG_BYTES 1
#else
#define FP_SW	     4
#define FP_TAG	     8
#define FP_ST	     28
#define FP_STEP	     10
#define FP_TAG_BYTES 2
#endif

/* The frame's x87 state (and MXCSR flags) as text, in *out. */
static void describe_frame_fp(const unsigned char *fp, char *out, size_t size)
{
	uint16_t sw = 0, tag = 0;
	size_t n;
	memcpy(&sw, fp + FP_SW, 2);
	memcpy(&tag, fp + FP_TAG, FP_TAG_BYTES);
	n = (size_t)snprintf(out, size, "  sw=%04x top=%u tag=%04x\n", sw, (sw >> 11) & 7, tag);
	for (int k = 0; k < 4 && n < size; k++) {
		struct f80 b;
		memcpy(&b.mant, fp + FP_ST + FP_STEP * k, 8);
		memcpy(&b.sexp, fp + FP_ST + FP_STEP * k + 8, 2);
		n += (size_t)snprintf(out + n, size - n, "  st%d=%04x:%016llx\n", k, b.sexp,
				      (unsigned long long)b.mant);
	}
#ifdef __x86_64__
	uint32_t mxcsr;
	memcpy(&mxcsr, fp + 24, 4);
	if (n < size)
		snprintf(out + n, size - n, "  mxcsr flags=%02x\n", mxcsr & 0x3f);
#endif
}

/* What the last SIGSEGV handler saw. */
static char frame_text[512];
static long frame_offset;
static unsigned faults;

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	(void)sig;
	faults++;
	frame_offset = (long)((char *)si->si_addr - page);
	describe_frame_fp((const unsigned char *)uc->uc_mcontext.fpregs, frame_text,
			  sizeof frame_text);
	if (fix_page) {
		mprotect(page, 4096, PROT_READ | PROT_WRITE);
		return;
	}
	siglongjmp(escape, 1);
}

/* Each case runs this many times, past the translator's threshold, so that
 * the later faults come from translated code; every round must see the
 * same frame and compute the same result. */
#define ROUNDS 100

static void report(const char *what, const char *first, int alike)
{
	printf("%s: SIGSEGV at page%+ld, %u faults, all alike: %s\n%s", what, frame_offset, faults,
	       alike ? "yes" : "no", first);
	faults = 0;
}

/* Three values, one with an inexact quotient, then a load that faults. */
static void load_fault_once(void)
{
	mprotect(page, 4096, PROT_NONE);
	if (!sigsetjmp(escape, 1))
		__asm__ volatile("fld1\n\tfldpi\n\tfdiv %%st(1), %%st\n\tfldl2e\n\t"
				 "faddl %0\n\tfstp %%st(0)\n\tfstp %%st(0)\n\tfstp %%st(0)"
				 :
				 : "m"(*(double *)page)
				 : "memory");
}

static void load_faults(void)
{
	char first[sizeof frame_text];
	int alike = 1;
	for (int k = 0; k < ROUNDS; k++) {
		load_fault_once();
		if (k == 0)
			memcpy(first, frame_text, sizeof first);
		alike &= strcmp(first, frame_text) == 0;
	}
	report("load", first, alike);
}

/* A store that pops faults; the handler fixes the page, and the store runs
 * again from the same state. */
static void store_restarts(void)
{
	char first[sizeof frame_text];
	long double rest, first_rest = 0;
	double *out = (double *)(page + 8), first_out = 0;
	int alike = 1;
	for (int k = 0; k < ROUNDS; k++) {
		mprotect(page, 4096, PROT_READ);
		fix_page = 1;
		__asm__ volatile("fldln2\n\tfldpi\n\tfmul %%st(1), %%st\n\tfstpl %0\n\tfstpt %1"
				 : "=m"(*out), "=m"(rest)
				 :
				 : "memory");
		fix_page = 0;
		if (k == 0) {
			memcpy(first, frame_text, sizeof first);
			first_out = *out;
			first_rest = rest;
		}
		alike &= strcmp(first, frame_text) == 0 && *out == first_out &&
			 memcmp(&rest, &first_rest, 10) == 0;
	}
	report("store", first, alike);
	printf("stored %a, then ", first_out);
	print_f80(first_rest);
	printf("\n");
}

#ifdef __x86_64__
/* SSE flags raised before the fault are in the frame's MXCSR. */
static void sse_flags_then_fault(void)
{
	volatile double one = 1.0, three = 3.0;
	double q;
	mprotect(page, 4096, PROT_NONE);
	__asm__ volatile("ldmxcsr %0" : : "m"((uint32_t){0x1f80}));
	__asm__ volatile("divsd %2, %0" : "=x"(q) : "0"(one), "x"(three));
	if (!sigsetjmp(escape, 1))
		__asm__ volatile("fldl %0\n\tfstp %%st(0)" : : "m"(*(double *)page) : "memory");
	report("after SSE", frame_text, 1);
	printf("quotient %a\n", q);
}
#endif

/* MMX after x87 values: TOP 0, every tag valid, the written register's
 * exponent all ones; FNSAVE shows it, and x87 code runs after EMMS. */
static void mmx_after_x87(void)
{
	unsigned char image[108];
	uint32_t one = 1;
	long double sum;
	__asm__ volatile("fld1\n\tfldpi\n\tmovd %1, %%mm2\n\tfnsave %0\n\temms"
			 : "=m"(image)
			 : "m"(one));
	uint16_t sw, tag;
	memcpy(&sw, image + 4, 2);
	memcpy(&tag, image + 8, 2);
	printf("mmx: sw=%04x tag=%04x\n", sw, tag);
	for (int k = 0; k < 8; k++) {
		long double v;
		memcpy(&v, image + 28 + 10 * k, 10);
		printf("  st%d=", k);
		print_f80(v);
		printf("\n");
	}
	__asm__ volatile("fldpi\n\tfld1\n\tfaddp\n\tfstpt %0" : "=m"(sum));
	printf("after emms: ");
	print_f80(sum);
	printf("\n");
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		return 1;
	memset(page, 0, 4096);
	load_faults();
	store_restarts();
#ifdef __x86_64__
	sse_flags_then_fault();
#endif
	mmx_after_x87();
	return 0;
}
