/* CPU-time clocks: CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID and the
 * ids of clock_getcpuclockid and pthread_getcpuclockid (Linux's encoding of
 * a pid or tid), read, slept on and timed. Only properties that hold
 * natively are printed: the clocks never go back, a busy loop advances a
 * thread's clock and a sleep hardly does, a process's clock holds its
 * threads' (also those that ended) and agrees with getrusage, times and
 * /proc/self/stat, the errors for ids that name nothing.
 * hexvm-test: cflags=-pthread */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MS 1000000ull

/* Linux's MAKE_PROCESS_CPUCLOCK and MAKE_THREAD_CPUCLOCK */
#define PROCESS_CLOCK(pid, kind) ((clockid_t)((~(unsigned)(pid) << 3) | (kind)))
#define THREAD_CLOCK(tid, kind)	 PROCESS_CLOCK(tid, (kind) | 4)
#define PROF			 0
#define VIRT			 1
#define SCHED			 2

static volatile uint64_t sink;
static volatile sig_atomic_t signals;

static int64_t ns_of(clockid_t c)
{
	struct timespec ts;
	if (clock_gettime(c, &ts))
		return -1;
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Spins until clock c has advanced by ns. */
static void burn(clockid_t c, uint64_t ns)
{
	int64_t end = ns_of(c) + (int64_t)ns;
	while (ns_of(c) < end)
		for (int i = 0; i < 2000; i++)
			sink += (uint64_t)i;
}

static const char *yes(int v) { return v ? "yes" : "no"; }

static const char *err(int rc)
{
	switch (rc) {
	case 0: return "ok";
	case EINVAL: return "EINVAL";
	case ESRCH: return "ESRCH";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EFAULT: return "EFAULT";
	case EINTR: return "EINTR";
	default: return "other";
	}
}

static const char *get_err(clockid_t c)
{
	struct timespec ts;
	return err(clock_gettime(c, &ts) ? errno : 0);
}

static const char *res_err(clockid_t c)
{
	struct timespec ts;
	return err(clock_getres(c, &ts) ? errno : 0);
}

static void ids(void)
{
	struct timespec ts;
	pid_t me = getpid();
	clock_getres(CLOCK_PROCESS_CPUTIME_ID, &ts);
	printf("process clock resolution %ld.%09ld\n", (long)ts.tv_sec, ts.tv_nsec);
	clock_getres(CLOCK_THREAD_CPUTIME_ID, &ts);
	printf("thread clock resolution %ld.%09ld\n", (long)ts.tv_sec, ts.tv_nsec);
	clock_getres(PROCESS_CLOCK(0, PROF), &ts);
	printf("PROF resolution coarser than 1 ns: %s\n", yes(ts.tv_sec || ts.tv_nsec > 1));
	clock_getres(THREAD_CLOCK(0, SCHED), &ts);
	printf("thread SCHED resolution %ld.%09ld\n", (long)ts.tv_sec, ts.tv_nsec);
	for (int kind = 0; kind < 4; kind++)
		printf("kind %d: process %s, thread %s, own pid %s, own pid as a thread %s\n", kind,
		       get_err(PROCESS_CLOCK(0, kind)), get_err(THREAD_CLOCK(0, kind)),
		       get_err(PROCESS_CLOCK(me, kind)), get_err(THREAD_CLOCK(me, kind)));
	printf("no such process %s, getres %s\n", get_err(PROCESS_CLOCK(0x7ffffff, SCHED)),
	       res_err(PROCESS_CLOCK(0x7ffffff, SCHED)));
	printf("a clock device (descriptor 0) %s\n", get_err(PROCESS_CLOCK(0, 3)));
	clockid_t c;
	printf("clock_getcpuclockid(0) %s\n", err(clock_getcpuclockid(0, &c)));
	printf("clock_getcpuclockid(getpid()) %s, reads %s\n", err(clock_getcpuclockid(me, &c)),
	       get_err(c));
	printf("clock_getcpuclockid(no such pid) %s\n", err(clock_getcpuclockid(0x7ffffff, &c)));
	printf("pthread_getcpuclockid(self) %s, reads %s\n",
	       err(pthread_getcpuclockid(pthread_self(), &c)), get_err(c));
}

static void basics(void)
{
	int steady = 1;
	int64_t last_t = ns_of(CLOCK_THREAD_CPUTIME_ID), last_p = ns_of(CLOCK_PROCESS_CPUTIME_ID);
	for (int k = 0; k < 1000; k++) {
		int64_t t = ns_of(CLOCK_THREAD_CPUTIME_ID), p = ns_of(CLOCK_PROCESS_CPUTIME_ID);
		steady &= t >= last_t && p >= last_p && t <= p;
		last_t = t, last_p = p;
	}
	printf("never back, thread <= process: %s\n", yes(steady));
	int64_t t0 = ns_of(CLOCK_THREAD_CPUTIME_ID), p0 = ns_of(CLOCK_PROCESS_CPUTIME_ID);
	int64_t m0 = ns_of(CLOCK_MONOTONIC);
	burn(CLOCK_THREAD_CPUTIME_ID, 20 * MS);
	int64_t t1 = ns_of(CLOCK_THREAD_CPUTIME_ID), p1 = ns_of(CLOCK_PROCESS_CPUTIME_ID);
	int64_t m1 = ns_of(CLOCK_MONOTONIC);
	printf("a busy loop: thread +20 ms %s, process too %s, monotonic too %s\n",
	       yes(t1 - t0 >= (int64_t)(20 * MS)), yes(p1 - p0 >= (int64_t)(20 * MS)),
	       yes(m1 - m0 >= (int64_t)(20 * MS)));
	struct timespec nap = {0, 50 * MS};
	nanosleep(&nap, NULL);
	int64_t t2 = ns_of(CLOCK_THREAD_CPUTIME_ID), m2 = ns_of(CLOCK_MONOTONIC);
	printf("a 50 ms sleep: monotonic +50 ms %s, thread under +10 ms %s\n",
	       yes(m2 - m1 >= (int64_t)(50 * MS)), yes(t2 - t1 < (int64_t)(10 * MS)));
}

/* getrusage, times and /proc/self/stat against the process clock read
 * before and after: never ahead of it, and behind by no more than Linux's
 * lag (getrusage a tick; times and /proc/PID/stat count whole 10 ms ticks
 * of user and system time split by sampling, tens of ms behind at times) */
static void agreement(const char *when)
{
	struct rusage ru;
	struct tms tm;
	unsigned long ut = 0, st = 0;
	int64_t before = ns_of(CLOCK_PROCESS_CPUTIME_ID);
	getrusage(RUSAGE_SELF, &ru);
	times(&tm);
	FILE *f = fopen("/proc/self/stat", "r");
	if (!f ||
	    fscanf(f, "%*d %*s %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		puts("cannot read /proc/self/stat");
	if (f)
		fclose(f);
	int64_t after = ns_of(CLOCK_PROCESS_CPUTIME_ID), slack = 20 * MS, ticks_slack = 50 * MS;
	int64_t r = ((int64_t)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000 +
		    ((int64_t)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000;
	int64_t tick = 1000000000 / sysconf(_SC_CLK_TCK);
	int64_t tt = (int64_t)(tm.tms_utime + tm.tms_stime) * tick, ps = (int64_t)(ut + st) * tick;
	printf("%s: getrusage %s, times %s, /proc/self/stat %s\n", when,
	       yes(r <= after && r >= before - slack),
	       yes(tt <= after && tt >= before - ticks_slack),
	       yes(ps <= after && ps >= before - ticks_slack));
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int stage;
static pid_t worker_tid, main_tid;
static int nudge; /* 1: the main thread is going to sleep, SIGALRM it then; 2: sent */

/* Whether thread tid of this process sleeps in a call (/proc's state S). */
static int asleep(pid_t tid)
{
	char path[64], state = 0;
	snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)tid);
	FILE *f = fopen(path, "r");
	if (f && fscanf(f, "%*d %*s %c", &state) != 1)
		state = 0;
	if (f)
		fclose(f);
	return state == 'S';
}

static void wait_stage(int s)
{
	pthread_mutex_lock(&lock);
	while (stage < s)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
}

static void set_stage(int s)
{
	pthread_mutex_lock(&lock);
	stage = s;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
}

/* stage 1: it has burnt 30 ms; it then spins until stage 2, then ends */
static void *worker(void *arg)
{
	struct timespec ts;
	sigset_t mask;
	sigemptyset(&mask); /* the process's signals are for the main thread */
	sigaddset(&mask, SIGALRM);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &mask, NULL);
	worker_tid = (pid_t)syscall(SYS_gettid);
	burn(CLOCK_THREAD_CPUTIME_ID, 30 * MS);
	printf("the worker names its process by its own tid: gettime %s, getres %s\n",
	       get_err(PROCESS_CLOCK(worker_tid, SCHED)),
	       err(clock_getres(PROCESS_CLOCK(worker_tid, SCHED), &ts) ? errno : 0));
	set_stage(1);
	pthread_mutex_lock(&lock);
	while (stage < 2) {
		pthread_mutex_unlock(&lock);
		/* (system calls: lockstep takes turns there) */
		burn(CLOCK_THREAD_CPUTIME_ID, MS / 10);
		if (__atomic_load_n(&nudge, __ATOMIC_SEQ_CST) == 1 && asleep(main_tid)) {
			__atomic_store_n(&nudge, 2, __ATOMIC_SEQ_CST);
			syscall(SYS_tgkill, getpid(), main_tid, SIGALRM);
		}
		pthread_mutex_lock(&lock);
	}
	pthread_mutex_unlock(&lock);
	return arg;
}

static void on_signal(int sig) { signals += sig == SIGALRM; }

static void sleeps_with_worker(pthread_t w)
{
	clockid_t wc;
	struct timespec req = {0, 20 * MS};
	pthread_getcpuclockid(w, &wc);
	int64_t p0 = ns_of(CLOCK_PROCESS_CPUTIME_ID), t0 = ns_of(CLOCK_THREAD_CPUTIME_ID);
	int rc = clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID, 0, &req, NULL);
	int64_t p1 = ns_of(CLOCK_PROCESS_CPUTIME_ID), t1 = ns_of(CLOCK_THREAD_CPUTIME_ID);
	printf("20 ms on the process clock: %s, process +20 ms %s, this thread under +10 ms %s\n",
	       err(rc), yes(p1 - p0 >= (int64_t)(20 * MS)), yes(t1 - t0 < (int64_t)(10 * MS)));
	int64_t target = ns_of(wc) + (int64_t)(10 * MS);
	struct timespec abs = {(time_t)(target / 1000000000), (long)(target % 1000000000)};
	rc = clock_nanosleep(wc, TIMER_ABSTIME, &abs, NULL);
	printf("until the worker's clock +10 ms: %s, reached %s\n", err(rc),
	       yes(ns_of(wc) >= target));
	struct sigaction sa = {0};
	sa.sa_handler = on_signal;
	sigaction(SIGALRM, &sa, NULL);
	req.tv_sec = 5;
	__atomic_store_n(&nudge, 1, __ATOMIC_SEQ_CST);
	rc = clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID, 0, &req, NULL);
	printf("a long one, SIGALRM from the worker: %s, handled %s\n", err(rc), yes(signals == 1));
}

static void threads(void)
{
	pthread_t w;
	clockid_t wc;
	pthread_create(&w, NULL, worker, NULL);
	wait_stage(1);
	pthread_getcpuclockid(w, &wc);
	int64_t mine = ns_of(CLOCK_THREAD_CPUTIME_ID), its = ns_of(wc);
	int64_t all = ns_of(CLOCK_PROCESS_CPUTIME_ID);
	printf("the worker's clock: +30 ms %s, process >= both threads %s\n",
	       yes(its >= (int64_t)(30 * MS)), yes(all >= mine + its));
	printf("its tid: as a thread %s, as a process %s (getres %s)\n",
	       get_err(THREAD_CLOCK(worker_tid, SCHED)), get_err(PROCESS_CLOCK(worker_tid, SCHED)),
	       res_err(PROCESS_CLOCK(worker_tid, SCHED)));
	agreement("with two threads");
	sleeps_with_worker(w);
	set_stage(2);
	pthread_join(w, NULL);
	int64_t later = ns_of(CLOCK_PROCESS_CPUTIME_ID);
	printf("after the join the process clock keeps its time: %s\n", yes(later >= all));
	agreement("after the join");
}

static void sleeps(void)
{
	struct timespec zero = {0, 0}, one = {0, MS}, bad = {0, 1000000000};
	clockid_t self;
	pthread_getcpuclockid(pthread_self(), &self);
	printf("sleep on the thread clock: %s\n",
	       err(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &one, NULL)));
	long raw = syscall(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, &one, NULL);
	printf("the system call on the thread clock: %s\n", err(raw ? errno : 0));
	printf("sleep on its own pthread clock: %s\n", err(clock_nanosleep(self, 0, &one, NULL)));
	printf("sleep on the process clock, absolute 0: %s\n",
	       err(clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID, TIMER_ABSTIME, &zero, NULL)));
	printf("sleep on the process clock, 0: %s\n",
	       err(clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID, 0, &zero, NULL)));
	printf("bad time: %s\n", err(clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID, 0, &bad, NULL)));
	printf("sleep on no such process: %s\n",
	       err(clock_nanosleep(PROCESS_CLOCK(0x7ffffff, SCHED), 0, &one, NULL)));
	printf("sleep on MONOTONIC_RAW: %s\n",
	       err(clock_nanosleep(CLOCK_MONOTONIC_RAW, 0, &one, NULL)));
}

static const char *timer_err(clockid_t c)
{
	struct sigevent ev = {.sigev_notify = SIGEV_NONE};
	timer_t t;
	int rc = timer_create(c, &ev, &t) ? errno : 0;
	if (!rc)
		timer_delete(t);
	return err(rc);
}

/* Whether signal sig was pending (it is then taken): the timers' signals
 * stay blocked and are collected in a system call, where lockstep's
 * syscall mode can follow them. */
static int take(int sig)
{
	sigset_t set;
	struct timespec zero = {0, 0};
	sigemptyset(&set);
	sigaddset(&set, sig);
	return sigtimedwait(&set, NULL, &zero) == sig;
}

static void timers(void)
{
	struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1};
	timer_t t;
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGUSR2);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	printf("timer_create on the process clock: %s\n",
	       err(timer_create(CLOCK_PROCESS_CPUTIME_ID, &ev, &t) ? errno : 0));
	struct itimerspec in = {{0, 0}, {0, 15 * MS}}, out;
	int64_t armed = ns_of(CLOCK_PROCESS_CPUTIME_ID), spun = 0;
	timer_settime(t, 0, &in, NULL);
	timer_gettime(t, &out);
	printf("armed: %s\n", yes(out.it_value.tv_sec == 0 && out.it_value.tv_nsec > 0 &&
				  out.it_value.tv_nsec <= (long)(15 * MS)));
	int fired = 0;
	while (!(fired = take(SIGUSR1)) && spun < 5000)
		burn(CLOCK_THREAD_CPUTIME_ID, MS), spun++;
	printf("fired: %s, after 15 ms of CPU: %s\n", yes(fired),
	       yes(ns_of(CLOCK_PROCESS_CPUTIME_ID) >= armed + (int64_t)(15 * MS)));
	timer_delete(t);
	ev.sigev_signo = SIGUSR2;
	timer_create(CLOCK_THREAD_CPUTIME_ID, &ev, &t);
	in = (struct itimerspec){{0, 5 * MS}, {0, 5 * MS}};
	int64_t t0 = ns_of(CLOCK_THREAD_CPUTIME_ID);
	timer_settime(t, 0, &in, NULL);
	for (spun = 0, fired = 0; fired < 3 && spun < 5000; spun++) {
		burn(CLOCK_THREAD_CPUTIME_ID, MS);
		fired += take(SIGUSR2);
	}
	printf("a 5 ms thread-clock timer fired thrice: %s, after 15 ms: %s\n", yes(fired >= 3),
	       yes(ns_of(CLOCK_THREAD_CPUTIME_ID) - t0 >= (int64_t)(15 * MS)));
	timer_delete(t);
	ev.sigev_notify = SIGEV_NONE;
	timer_create(CLOCK_PROCESS_CPUTIME_ID, &ev, &t);
	in = (struct itimerspec){{0, 0}, {0, 100 * MS}};
	timer_settime(t, 0, &in, NULL);
	burn(CLOCK_THREAD_CPUTIME_ID, 10 * MS);
	timer_gettime(t, &out);
	printf("a quiet 100 ms timer after 10 ms: at most 90 ms left %s\n",
	       yes(out.it_value.tv_sec == 0 && out.it_value.tv_nsec <= (long)(90 * MS)));
	timer_delete(t);
	printf("timers on: thread clock %s, no such thread %s, MONOTONIC_RAW %s, clock 10 %s, a "
	       "clock device %s\n",
	       timer_err(CLOCK_THREAD_CPUTIME_ID), timer_err(THREAD_CLOCK(0x7ffffff, SCHED)),
	       timer_err(CLOCK_MONOTONIC_RAW), timer_err(10), timer_err(PROCESS_CLOCK(0, 3)));
}

/* another process's clock: readable, slept on, frozen once it ends, gone
 * once it is reaped */
static void processes(void)
{
	int ready[2];
	char c;
	clockid_t cc;
	pipe(ready);
	pid_t child = fork();
	if (!child) {
		burn(CLOCK_THREAD_CPUTIME_ID, 20 * MS);
		write(ready[1], "r", 1);
		for (;;)
			sink++;
	}
	read(ready[0], &c, 1);
	printf("clock_getcpuclockid(child) %s\n", err(clock_getcpuclockid(child, &cc)));
	printf("the child's clock: +20 ms %s, as a thread of ours %s\n",
	       yes(ns_of(cc) >= (int64_t)(20 * MS)), get_err(THREAD_CLOCK(child, SCHED)));
	int64_t target = ns_of(cc) + (int64_t)(10 * MS);
	struct timespec abs = {(time_t)(target / 1000000000), (long)(target % 1000000000)};
	int rc = clock_nanosleep(cc, TIMER_ABSTIME, &abs, NULL);
	printf("until the child's clock +10 ms: %s, reached %s\n", err(rc),
	       yes(ns_of(cc) >= target));
	kill(child, SIGKILL);
	siginfo_t si;
	waitid(P_PID, (id_t)child, &si, WEXITED | WNOWAIT);
	int64_t dead = ns_of(cc);
	printf("ended, not reaped: %s, frozen %s\n", get_err(cc), yes(ns_of(cc) == dead));
	waitpid(child, NULL, 0);
	printf("reaped: %s\n", get_err(cc));
	struct rusage ru;
	getrusage(RUSAGE_CHILDREN, &ru);
	printf("RUSAGE_CHILDREN holds its 30 ms: %s\n",
	       yes(ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec +
			   ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec >=
		   30000));
	close(ready[0]);
	close(ready[1]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	main_tid = (pid_t)syscall(SYS_gettid);
	ids();
	basics();
	agreement("one thread");
	threads();
	sleeps();
	timers();
	processes();
	return 0;
}
