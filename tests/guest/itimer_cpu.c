/* setitimer and getitimer on ITIMER_VIRTUAL and ITIMER_PROF, which count the
 * process's CPU time: armed, read back, disarmed with the interval kept,
 * the old value given back, Linux's errors, SIGVTALRM and SIGPROF after a
 * busy loop that runs well past several intervals (counted, with the
 * interval reloading and a one-shot timer disarming itself), a handler's
 * siginfo, the default action (the process dies), not inherited by fork's
 * child, kept across execve. Only what holds natively whatever the CPU's
 * speed is printed: counts after enough CPU time, bounds, never times.
 * The timers' signals stay blocked and are taken in system calls
 * (sigtimedwait, sigsuspend), where lockstep's syscall mode follows them. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MS 1000000ll

static volatile uint64_t sink;

static const char *yes(int b) { return b ? "yes" : "NO"; }

static int64_t cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void burn(int64_t ns)
{
	int64_t end = cpu_ns() + ns;
	while (cpu_ns() < end)
		for (int k = 0; k < 2000; k++)
			sink = sink * 6364136223846793005ull + (uint64_t)k;
}

static int64_t usec_ns(struct timeval tv) { return (int64_t)tv.tv_sec * 1000000000 + tv.tv_usec * 1000; }

static void block(int sig)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

/* Whether sig was pending (it is then taken). */
static int take(int sig)
{
	sigset_t set;
	struct timespec zero = {0, 0};
	sigemptyset(&set);
	sigaddset(&set, sig);
	return sigtimedwait(&set, NULL, &zero) == sig;
}

static int arm(int which, int64_t interval, int64_t value)
{
	struct itimerval v = {{interval / 1000000000, interval % 1000000000 / 1000},
			      {value / 1000000000, value % 1000000000 / 1000}};
	return setitimer(which, &v, NULL);
}

static void errors(void)
{
	struct itimerval v = {{0, 0}, {1, 0}}, o;
	for (int which = 0; which < 3; which++) {
		getitimer(which, &o);
		printf("at the start, timer %d: %s\n", which,
		       yes(!o.it_value.tv_sec && !o.it_value.tv_usec && !o.it_interval.tv_sec &&
			   !o.it_interval.tv_usec));
	}
	int rc = setitimer(3, &v, NULL);
	printf("setitimer(3): %d %s\n", rc, strerror(errno));
	rc = getitimer(-1, &o);
	printf("getitimer(-1): %d %s\n", rc, strerror(errno));
	v.it_value.tv_usec = 1000000;
	rc = setitimer(ITIMER_VIRTUAL, &v, NULL);
	printf("a million microseconds: %d %s\n", rc, strerror(errno));
	v.it_value.tv_usec = 0;
	v.it_interval.tv_sec = -1;
	rc = setitimer(ITIMER_PROF, &v, NULL);
	printf("a negative interval: %d %s\n", rc, strerror(errno));
	rc = (int)syscall(SYS_getitimer, ITIMER_PROF, (struct itimerval *)8);
	printf("getitimer to a bad address: %d %s\n", rc, strerror(errno));
	rc = (int)syscall(SYS_setitimer, 7, (struct itimerval *)8, NULL);
	printf("setitimer(7) from a bad address: %d %s\n", rc, strerror(errno));
}

static void read_back(int which)
{
	struct itimerval o;
	arm(which, 0, 500 * MS);
	getitimer(which, &o);
	int64_t left = usec_ns(o.it_value);
	printf("timer %d armed for 500 ms: %s left, between 490 and 510 ms: %s\n", which,
	       yes(left > 0), yes(left > 490 * MS && left <= 510 * MS));
	arm(which, 1500 * MS, 0);
	getitimer(which, &o);
	printf("  disarmed with a 1.5 s interval: value %ld.%06ld interval %ld.%06ld\n",
	       (long)o.it_value.tv_sec, (long)o.it_value.tv_usec, (long)o.it_interval.tv_sec,
	       (long)o.it_interval.tv_usec);
	struct itimerval two = {{0, 250000}, {2, 0}}, none = {{0, 0}, {0, 0}};
	setitimer(which, &two, NULL);
	setitimer(which, &none, &o);
	left = usec_ns(o.it_value);
	printf("  the old value given back: between 1.9 and 2.01 s %s, interval %ld.%06ld\n",
	       yes(left > 1900 * MS && left <= 2010 * MS), (long)o.it_interval.tv_sec,
	       (long)o.it_interval.tv_usec);
}

/* Runs until `want` signals came (at most `limit` of CPU time). */
static int count_signals(int sig, int want, int64_t limit, int64_t *spent)
{
	int64_t start = cpu_ns();
	int got = 0;
	while (got < want && cpu_ns() - start < limit) {
		burn(MS);
		got += take(sig);
	}
	*spent = cpu_ns() - start;
	return got;
}

static void firing(int which, int sig)
{
	struct itimerval o;
	int64_t spent;
	block(sig);
	arm(which, 10 * MS, 10 * MS);
	int got = count_signals(sig, 5, 5000 * MS, &spent);
	getitimer(which, &o);
	/* (Linux samples the CPU time these timers count: a little slack) */
	printf("timer %d every 10 ms: %d signals, after at least 30 ms of CPU: %s; reloaded: %s\n",
	       which, got, yes(spent >= 30 * MS),
	       yes(usec_ns(o.it_value) > 0 && usec_ns(o.it_value) <= 20 * MS &&
		   usec_ns(o.it_interval) == 10 * MS));
	arm(which, 0, 0);
	arm(which, 0, 10 * MS);
	got = count_signals(sig, 1, 2000 * MS, &spent);
	burn(30 * MS);
	got += take(sig);
	getitimer(which, &o);
	printf("  a one-shot: %d signal, disarmed after it: %s\n", got,
	       yes(!o.it_value.tv_sec && !o.it_value.tv_usec));
}

static void both(void)
{
	int64_t start = cpu_ns();
	int virt = 0, prof = 0;
	block(SIGVTALRM);
	block(SIGPROF);
	arm(ITIMER_VIRTUAL, 10 * MS, 10 * MS);
	arm(ITIMER_PROF, 15 * MS, 15 * MS);
	while ((virt < 6 || prof < 4) && cpu_ns() - start < 5000 * MS) {
		burn(MS);
		virt += take(SIGVTALRM);
		prof += take(SIGPROF);
	}
	arm(ITIMER_VIRTUAL, 0, 0);
	arm(ITIMER_PROF, 0, 0);
	printf("both at once: at least 6 SIGVTALRM %s and 4 SIGPROF %s\n", yes(virt >= 6),
	       yes(prof >= 4));
}

static volatile sig_atomic_t handled_sig, handled_code;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	handled_sig = sig;
	handled_code = si->si_code;
}

/* The signal waits, blocked, until sigsuspend lets it in. */
static void handler(void)
{
	struct sigaction sa = {.sa_sigaction = on_signal, .sa_flags = SA_SIGINFO};
	sigset_t pending, none;
	sigaction(SIGPROF, &sa, NULL);
	block(SIGPROF);
	arm(ITIMER_PROF, 0, 20 * MS);
	int64_t start = cpu_ns();
	do {
		burn(MS);
		sigpending(&pending);
	} while (!sigismember(&pending, SIGPROF) && cpu_ns() - start < 5000 * MS);
	sigemptyset(&none);
	sigsuspend(&none);
	printf("handled: signal %s, si_code SI_KERNEL %s\n",
	       handled_sig == SIGPROF ? "SIGPROF" : "other", yes(handled_code == SI_KERNEL));
}

static void child_status(pid_t pid, const char *what)
{
	int status;
	waitpid(pid, &status, 0);
	if (WIFSIGNALED(status))
		printf("%s: killed by %s\n", what,
		       WTERMSIG(status) == SIGVTALRM ? "SIGVTALRM"
		       : WTERMSIG(status) == SIGPROF ? "SIGPROF"
						    : "another signal");
	else
		printf("%s: exit %d\n", what, WEXITSTATUS(status));
}

static void forked(void)
{
	arm(ITIMER_VIRTUAL, 3 * MS, 900 * MS);
	pid_t pid = fork();
	if (pid == 0) {
		struct itimerval v, p;
		getitimer(ITIMER_VIRTUAL, &v);
		getitimer(ITIMER_PROF, &p);
		_exit(v.it_value.tv_sec || v.it_value.tv_usec || v.it_interval.tv_usec ? 1 : 0);
	}
	child_status(pid, "fork's child has no timers (0)");
	arm(ITIMER_VIRTUAL, 0, 0);
	sigset_t none;
	sigemptyset(&none);
	for (int k = 0; k < 2; k++) {
		int which = k ? ITIMER_PROF : ITIMER_VIRTUAL;
		pid = fork();
		if (pid == 0) {
			sigprocmask(SIG_SETMASK, &none, NULL);
			signal(SIGVTALRM, SIG_DFL);
			signal(SIGPROF, SIG_DFL);
			arm(which, 0, 20 * MS);
			burn(5000 * MS);
			_exit(9);
		}
		child_status(pid, k ? "a child on ITIMER_PROF" : "a child on ITIMER_VIRTUAL");
	}
}

static void after_exec(void)
{
	struct itimerval o;
	getitimer(ITIMER_PROF, &o);
	int64_t left = usec_ns(o.it_value);
	printf("after execve: ITIMER_PROF still armed, between 2.9 and 3.01 s: %s, interval "
	       "%ld.%06ld\n",
	       yes(left > 2900 * MS && left <= 3010 * MS), (long)o.it_interval.tv_sec,
	       (long)o.it_interval.tv_usec);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1 && !strcmp(argv[1], "exec")) {
		after_exec();
		return 0;
	}
	errors();
	read_back(ITIMER_VIRTUAL);
	read_back(ITIMER_PROF);
	firing(ITIMER_VIRTUAL, SIGVTALRM);
	firing(ITIMER_PROF, SIGPROF);
	both();
	handler();
	forked();
	block(SIGPROF);
	arm(ITIMER_PROF, 7 * MS, 3000 * MS);
	char *args[] = {argv[0], "exec", NULL};
	execv(argv[0], args);
	printf("execv: %s\n", strerror(errno));
	return 1;
}
