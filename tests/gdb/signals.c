/* The gdb suite's signal guest: SIGUSR1 to a handler twice, then a
 * SIGSEGV with no handler. */
#include <signal.h>
#include <stdio.h>

int hits;

static void on_usr1(int sig)
{
	hits += sig == SIGUSR1;
}

int main(void)
{
	signal(SIGUSR1, on_usr1);
	raise(SIGUSR1);
	raise(SIGUSR1);
	printf("hits=%d\n", hits);
	fflush(stdout);
	volatile int *nowhere = (int *)16;
	return *nowhere; /* line:segv */
}
