/* Handlers installed with signal(), without SA_SIGINFO: on i386 these get
 * the legacy frame and return through sigreturn rather than rt_sigreturn.
 * The interrupted code's registers and FPU/SSE state must come back intact,
 * and the handler starts with a clean FPU state of its own. */
#include <signal.h>
#include <stdio.h>

static volatile int hits;
static volatile double in_handler;

static void on_usr1(int sig)
{
	volatile double x = 1.0;
	for (int k = 0; k < 10; k++)
		x = x * 3.0 + 0.5;
	in_handler = x;
	hits += sig == SIGUSR1;
}

static void on_usr2(int sig)
{
	hits += 100 * (sig == SIGUSR2);
	raise(SIGUSR1); /* a nested delivery from inside a handler */
}

int main(void)
{
	volatile double a = 0.1, b = 3.0;
	volatile long double e = 1.0L / 3.0L;
	signal(SIGUSR1, on_usr1);
	signal(SIGUSR2, on_usr2);
	double before = a * b;
	raise(SIGUSR1);
	double after = a * b;
	printf("handler ran: %d, computed %.17g\n", hits, in_handler);
	printf("FP state survives: %s (%.17g)\n", before == after ? "yes" : "no", after);
	raise(SIGUSR2);
	printf("nested: hits = %d\n", hits);
	printf("long double survives: %.21Lg\n", e * 3.0L);
	return hits == 102 ? 0 : 1;
}
