/* The signal mask a call waits under (pselect6, ppoll, epoll_pwait): it
 * is put back when the call returns, before any signal it let through
 * could be delivered, unless the call was interrupted by one (then the
 * handler runs under it and sigreturn restores the old mask). */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <unistd.h>

static volatile sig_atomic_t handled;

static void on_signal(int sig) { handled += sig == SIGUSR2; }

static int blocked(int sig)
{
	sigset_t now;
	sigprocmask(SIG_SETMASK, NULL, &now);
	return sigismember(&now, sig);
}

/* One wait of kind `how` on fd (readable or not) under mask `during`. */
static int wait_once(int how, int fd, const sigset_t *during)
{
	struct timespec zero = {0, 0};
	if (how == 0) {
		fd_set r;
		FD_ZERO(&r);
		FD_SET(fd, &r);
		return pselect(fd + 1, &r, NULL, NULL, &zero, during);
	}
	if (how == 1) {
		struct pollfd p = {fd, POLLIN, 0};
		return ppoll(&p, 1, &zero, during);
	}
	int ep = epoll_create1(0);
	struct epoll_event ev = {EPOLLIN, {.fd = fd}}, out;
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	int rc = epoll_pwait(ep, &out, 1, 0, during);
	close(ep);
	return rc;
}

int main(void)
{
	static const char *const names[3] = {"pselect", "ppoll", "epoll_pwait"};
	struct sigaction sa = {0};
	sa.sa_handler = on_signal;
	sigaction(SIGUSR2, &sa, NULL);
	int p[2];
	if (pipe(p))
		return 1;
	if (write(p[1], "x", 1) != 1)
		return 1;
	for (int how = 0; how < 3; how++) {
		sigset_t usr1, none, usr2;
		sigemptyset(&none);
		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		sigemptyset(&usr2);
		sigaddset(&usr2, SIGUSR2);

		int rc = wait_once(how, p[0], &usr1);
		printf("%s ready: %d, USR1 blocked after: %d\n", names[how], rc, blocked(SIGUSR1));

		/* SIGUSR2 pending, blocked except during the call */
		handled = 0;
		sigprocmask(SIG_BLOCK, &usr2, NULL);
		raise(SIGUSR2);
		rc = wait_once(how, p[0], &none);
		printf("%s ready with a signal pending: %d, handled in the call: %d\n", names[how],
		       rc, handled);
		sigprocmask(SIG_UNBLOCK, &usr2, NULL);
		printf("%s handled once unblocked: %d\n", names[how], handled);

		/* the same with nothing ready: the call is interrupted */
		handled = 0;
		sigprocmask(SIG_BLOCK, &usr2, NULL);
		raise(SIGUSR2);
		rc = wait_once(how, p[1], &none);
		printf("%s nothing ready, a signal pending: %d, handled: %d, USR2 blocked after: "
		       "%d\n",
		       names[how], rc, handled, blocked(SIGUSR2));
		sigprocmask(SIG_UNBLOCK, &usr2, NULL);
	}
	return 0;
}
