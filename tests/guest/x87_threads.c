/* Each thread's x87 state is its own: four threads run long series in long
 * double under different control words (rounding and precision), long
 * enough to be preempted many times mid-computation, and keep values on
 * the x87 stack across the loop. Their results and final status words
 * must be those of the native run. */
/* hexvm-test: cflags=-pthread */
#include <pthread.h>

#include "x87_util.h"

struct job {
	uint16_t cw;
	long double sum;
	uint16_t sw;
};

static void *run(void *arg)
{
	struct job *j = arg;
	long double x = 1.0L, sum = 0.0L;
	__asm__ volatile("fnclex\n\tfldcw %0" : : "m"(j->cw));
	for (int k = 1; k <= 400000; k++) {
		x = x * 1.0000001L + 1.0L / k;
		sum += x / (k + 0.5L);
	}
	__asm__ volatile("fnstsw %0" : "=m"(j->sw));
	j->sum = sum;
	return NULL;
}

int main(void)
{
	static const uint16_t cws[4] = {0x37f, 0xf7f, 0x27f, 0x77f};
	struct job jobs[4];
	pthread_t t[4];
	for (int k = 0; k < 4; k++) {
		jobs[k].cw = cws[k];
		if (pthread_create(&t[k], NULL, run, &jobs[k]) != 0)
			return 1;
	}
	for (int k = 0; k < 4; k++) {
		pthread_join(t[k], NULL);
		printf("cw=%04x sw=%04x sum=", jobs[k].cw, jobs[k].sw);
		print_f80(jobs[k].sum);
		printf("\n");
	}
	return 0;
}
