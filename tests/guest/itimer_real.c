/* ITIMER_REAL's restart rule: Linux sends SIGALRM at expiry and stops the
 * timer; a periodic timer starts again only when a SIGALRM is taken
 * (delivered to a handler, sigtimedwait, signalfd), forwarded by whole
 * intervals past the moment it is taken. So while the signal waits blocked
 * the timer reads zero, and while the signal is ignored (dropped when sent)
 * a periodic timer never starts again. Only what holds whatever the
 * machine's speed is printed: zero or not, bounds, never times. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define INTERVAL_US 10000

static volatile sig_atomic_t handled;
static volatile long value_in_handler_us = -1;

static const char *yes(int b) { return b ? "yes" : "NO"; }

static void nap_ms(long ms)
{
	struct timespec ts = {ms / 1000, ms % 1000 * 1000000};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static long value_us(void)
{
	struct itimerval now;
	getitimer(ITIMER_REAL, &now);
	return now.it_value.tv_sec * 1000000 + now.it_value.tv_usec;
}

static void arm(long value_us, long interval_us)
{
	struct itimerval it = {{0, interval_us}, {0, value_us}};
	setitimer(ITIMER_REAL, &it, NULL);
}

static void disarm(void) { arm(0, 0); }

static void on_alarm(int sig)
{
	(void)sig;
	handled++;
	if (value_in_handler_us < 0)
		value_in_handler_us = value_us();
}

static sigset_t alarm_set(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	return set;
}

static void blocked_then_taken(void)
{
	sigset_t set = alarm_set(), pending;
	sigprocmask(SIG_BLOCK, &set, NULL);
	arm(INTERVAL_US, INTERVAL_US);
	nap_ms(55);
	long waiting = value_us();
	sigpending(&pending);
	struct itimerval now;
	getitimer(ITIMER_REAL, &now);
	printf("blocked: SIGALRM pending %s, value zero while it waits %s (interval kept %s)\n",
	       yes(sigismember(&pending, SIGALRM)), yes(waiting == 0),
	       yes(now.it_interval.tv_usec == INTERVAL_US));
	nap_ms(25);
	printf("still zero later: %s\n", yes(value_us() == 0));

	struct timespec none = {0, 0};
	siginfo_t info;
	int sig = sigtimedwait(&set, &info, &none);
	long after = value_us();
	printf("taken by sigtimedwait: %s, si_code SI_KERNEL %s, running again %s (within one interval %s)\n",
	       yes(sig == SIGALRM), yes(info.si_code == SI_KERNEL), yes(after > 0),
	       yes(after <= INTERVAL_US));
	nap_ms(35);
	sig = sigtimedwait(&set, &info, &none);
	printf("one more expiry taken: %s, running again %s\n", yes(sig == SIGALRM),
	       yes(value_us() > 0));
	disarm();
	sigtimedwait(&set, &info, &none);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void taken_by_signalfd(void)
{
	sigset_t set = alarm_set();
	sigprocmask(SIG_BLOCK, &set, NULL);
	int fd = signalfd(-1, &set, 0);
	arm(INTERVAL_US, INTERVAL_US);
	nap_ms(30);
	long waiting = value_us();
	struct signalfd_siginfo si;
	ssize_t n = read(fd, &si, sizeof si);
	long after = value_us();
	printf("signalfd: zero while waiting %s, read %s, running again %s\n", yes(waiting == 0),
	       yes(n == (ssize_t)sizeof si && si.ssi_signo == SIGALRM), yes(after > 0));
	disarm();
	struct timespec none = {0, 0};
	sigtimedwait(&set, NULL, &none);
	close(fd);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void ignored_stops(void)
{
	signal(SIGALRM, SIG_IGN);
	arm(INTERVAL_US, INTERVAL_US);
	nap_ms(35);
	printf("ignored: the periodic timer stopped at its first expiry %s\n", yes(value_us() == 0));
	disarm();
	signal(SIGALRM, SIG_DFL);
}

static void handler_restarts(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	arm(INTERVAL_US, INTERVAL_US);
	while (handled < 3)
		pause();
	disarm();
	printf("handler: three expiries %s, running again inside the handler %s\n",
	       yes(handled == 3), yes(value_in_handler_us > 0 && value_in_handler_us <= INTERVAL_US));
	signal(SIGALRM, SIG_DFL);
}

static void one_shot_stays_off(void)
{
	sigset_t set = alarm_set();
	sigprocmask(SIG_BLOCK, &set, NULL);
	arm(INTERVAL_US, 0);
	nap_ms(20);
	struct timespec none = {0, 0};
	int sig = sigtimedwait(&set, NULL, &none);
	printf("one-shot: taken %s, stays off %s\n", yes(sig == SIGALRM), yes(value_us() == 0));
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void kill_restarts_a_fired_timer(void)
{
	sigset_t set = alarm_set();
	sigprocmask(SIG_BLOCK, &set, NULL);
	arm(INTERVAL_US, INTERVAL_US);
	nap_ms(20);
	struct timespec none = {0, 0};
	sigtimedwait(&set, NULL, &none);
	nap_ms(20);
	long fired = value_us();
	/* the expiry's SIGALRM and this one merge: taking it starts the timer */
	kill(getpid(), SIGALRM);
	int sig = sigtimedwait(&set, NULL, &none);
	printf("kill: zero before %s, taken %s, running again %s\n", yes(fired == 0),
	       yes(sig == SIGALRM), yes(value_us() > 0));
	disarm();
	sigtimedwait(&set, NULL, &none);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	blocked_then_taken();
	taken_by_signalfd();
	ignored_stops();
	handler_restarts();
	one_shot_stays_off();
	kill_restarts_a_fired_timer();
	return 0;
}
