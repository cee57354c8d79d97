/* Real-time signal instances queued across a snapshot: each round the main thread
 * queues process-directed instances until RLIMIT_SIGPENDING refuses one, sends
 * thread-directed ones to a worker and to itself, and works while they wait together
 * with two periodic timers' signals (one of them ignored two rounds in four, waiting
 * with its timer); then it reads SigQ and tries to queue more (the limit still holds);
 * the worker takes its own and the process's, the main thread its own and the timers'
 * with their overruns. A restore that lost, reordered or miscounted an instance, or a
 * timer's state, prints something else. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "work.h"

#define ROUNDS 24
#define RT(k)  (SIGRTMIN + (k))

static pthread_barrier_t barrier;
static pid_t worker_tid;
static sigset_t all;

static void queue_to(pid_t tid, int sig, int value)
{
	siginfo_t si;
	memset(&si, 0, sizeof si);
	si.si_signo = sig;
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	si.si_uid = getuid();
	si.si_value.sival_int = value;
	syscall(SYS_rt_tgsigqueueinfo, getpid(), tid, sig, &si);
}

/* Takes every pending instance of set: "signal/value(overrun)" each. */
static void take_all(const char *who, int round, const sigset_t *set)
{
	struct timespec zero = {0, 0};
	siginfo_t si;
	int sig;
	printf("%d %s:", round, who);
	while ((sig = sigtimedwait(set, &si, &zero)) > 0) {
		printf(" %d/%d", sig - SIGRTMIN, si.si_value.sival_int);
		if (si.si_code == SI_TIMER)
			printf("(%d)", si.si_overrun);
	}
	printf("\n");
}

static void *worker(void *arg)
{
	(void)arg;
	sigset_t mine;
	sigemptyset(&mine);
	for (int k = 0; k < 3; k++)
		sigaddset(&mine, RT(k));
	worker_tid = (pid_t)syscall(SYS_gettid);
	pthread_barrier_wait(&barrier);
	for (int r = 0; r < ROUNDS; r++) {
		pthread_barrier_wait(&barrier); /* main has sent and worked */
		take_all("worker", r, &mine);
		pthread_barrier_wait(&barrier);
	}
	return NULL;
}

static void on_signal(int sig) { (void)sig; }

static timer_t periodic(int sig, int value, long ns)
{
	timer_t id;
	struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = sig};
	ev.sigev_value.sival_int = value;
	timer_create(CLOCK_MONOTONIC, &ev, &id);
	struct itimerspec its = {{0, ns}, {0, ns}};
	timer_settime(id, 0, &its, NULL);
	return id;
}

/* Process-directed instances until the limit, values from `from` on: how many went. */
static int fill(int round, int from)
{
	int n = 0;
	while (n < 64 &&
	       sigqueue(getpid(), RT(round % 3), (union sigval){.sival_int = from + n}) == 0)
		n++;
	return n;
}

/* SigQ's count of the user's queued signals and timers. */
static long sigq_queued(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long q = -1;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "SigQ: %ld/", &q) == 1)
			break;
	if (f)
		fclose(f);
	return q;
}

/* Ignored and unblocked, a periodic timer's signal waits with its timer (blocked, an
 * ignored signal is queued all the same); blocked and handled again, it is queued. */
static void ignore_timer(int ignore)
{
	sigset_t one;
	sigemptyset(&one);
	sigaddset(&one, RT(4));
	if (ignore) {
		signal(RT(4), SIG_IGN);
		sigprocmask(SIG_UNBLOCK, &one, NULL);
	} else {
		sigprocmask(SIG_BLOCK, &one, NULL);
		signal(RT(4), on_signal);
	}
}

static void one_round(int r, sigset_t *main_set)
{
	queue_to(worker_tid, RT(1), 100 + r);
	syscall(SYS_tgkill, getpid(), worker_tid, RT(2));
	queue_to((pid_t)syscall(SYS_gettid), RT(0), 200 + r);
	if (r % 4 == 1)
		ignore_timer(1);
	int n = fill(r, 0);
	uint64_t h = work(2);
	long counted = sigq_queued();
	int more = fill(r, 1000); /* none while those queued before are counted */
	if (r % 4 == 3)
		ignore_timer(0);
	printf("%d: %d queued, then %d more, SigQ %ld, work %016llx\n", r, n, more, counted,
	       (unsigned long long)h);
	fflush(stdout);
	pthread_barrier_wait(&barrier);
	pthread_barrier_wait(&barrier);
	take_all("main", r, main_set);
}

int main(void)
{
	sigfillset(&all);
	sigdelset(&all, SIGINT);
	sigprocmask(SIG_BLOCK, &all, NULL);
	signal(RT(3), on_signal);
	signal(RT(4), on_signal);
	struct rlimit rl;
	getrlimit(RLIMIT_SIGPENDING, &rl);
	rl.rlim_cur = 24;
	setrlimit(RLIMIT_SIGPENDING, &rl);
	pthread_t th;
	pthread_barrier_init(&barrier, NULL, 2);
	pthread_create(&th, NULL, worker, NULL);
	pthread_barrier_wait(&barrier);
	timer_t a = periodic(RT(3), 33, 100000), b = periodic(RT(4), 44, 170000);
	sigset_t main_set;
	sigemptyset(&main_set);
	sigaddset(&main_set, RT(0));
	sigaddset(&main_set, RT(3));
	sigaddset(&main_set, RT(4));
	for (int r = 0; r < ROUNDS; r++)
		one_round(r, &main_set);
	pthread_join(th, NULL);
	printf("overruns %d %d\n", timer_getoverrun(a), timer_getoverrun(b));
	return 0;
}
