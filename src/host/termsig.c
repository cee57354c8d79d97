/* Held terminal signals: blocked, then collected without waiting. */
#include "host/termsig.h"

#include <signal.h>
#include <time.h>

static void held_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGQUIT);
}

void termsig_hold(void)
{
	sigset_t set;
	held_set(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

int termsig_take(void)
{
	sigset_t set, pending;
	if (sigpending(&pending) || (!sigismember(&pending, SIGINT) && !sigismember(&pending, SIGQUIT)))
		return 0;
	held_set(&set);
	struct timespec zero = {0, 0};
	int sig = sigtimedwait(&set, NULL, &zero);
	return sig > 0 ? sig : 0;
}

void hostsig_hold(int sig)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

int hostsig_take(int sig)
{
	sigset_t set, pending;
	if (sigpending(&pending) || !sigismember(&pending, sig))
		return 0;
	sigemptyset(&set);
	sigaddset(&set, sig);
	struct timespec zero = {0, 0};
	return sigtimedwait(&set, NULL, &zero) == sig;
}
