/* The gdb suite's threaded guest: two named workers that wait until the
 * main thread has seen both (where the suite lists the threads), then
 * return their number; main exits with the sum. */
#include <pthread.h>
#include <stdio.h>
#include <sys/prctl.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int ready, go;

void all_ready(void)
{
}

static void *worker(void *arg)
{
	char name[16];
	snprintf(name, sizeof name, "worker%ld", (long)arg);
	prctl(PR_SET_NAME, name);
	pthread_mutex_lock(&mu);
	ready++;
	pthread_cond_broadcast(&cv);
	while (!go)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	return arg;
}

int main(void)
{
	pthread_t t[2];
	long sum = 0;
	for (long k = 0; k < 2; k++)
		pthread_create(&t[k], NULL, worker, (void *)(k + 1));
	pthread_mutex_lock(&mu);
	while (ready < 2)
		pthread_cond_wait(&cv, &mu);
	all_ready();
	go = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	for (int k = 0; k < 2; k++) {
		void *v;
		pthread_join(t[k], &v);
		sum += (long)v;
	}
	printf("sum=%ld\n", sum);
	return (int)sum;
}
