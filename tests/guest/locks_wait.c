/* Advisory locks held and waited for across forked processes: a POSIX record lock
 * waited for with F_SETLKW, two waiters on different ranges let go one at a time,
 * open file description locks (F_OFD_*: owned by the description, so they conflict
 * within one process, survive the close of another descriptor of the file and go with
 * the description's last close) waited for with F_OFD_SETLKW, and flock waited for.
 * Each holder works a while before it lets go, so that the waiters are parked in their
 * calls; the output never depends on whether a waiter had to wait. The flock waiter is
 * stopped and continued while it waits. Also run by the
 * snapshot suite, which snapshots it at many points and restores each. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#define FILE_NAME "lw.tmp"

static void work(void)
{
	volatile unsigned long x = 0;
	for (unsigned long k = 0; k < 400000; k++)
		x += k ^ (x >> 3);
}

static int set(int fd, int cmd, int type, long start, long len)
{
	struct flock fl = {.l_type = (short)type, .l_whence = SEEK_SET, .l_start = start,
			   .l_len = len};
	return fcntl(fd, cmd, &fl) ? -errno : 0;
}

/* F_GETLK (or F_OFD_GETLK) of a write lock over the range, as text. */
static const char *probe(int fd, int cmd, long start, long len, char *buf, size_t size)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
	if (fcntl(fd, cmd, &fl))
		snprintf(buf, size, "error %s", strerror(errno));
	else if (fl.l_type == F_UNLCK)
		snprintf(buf, size, "free");
	else
		snprintf(buf, size, "%s lock %ld+%ld by %s", fl.l_type == F_WRLCK ? "write" : "read",
			 (long)fl.l_start, (long)fl.l_len,
			 fl.l_pid == -1 ? "a description" : fl.l_pid == getppid() ? "the parent" : "another");
	return buf;
}

static void make_pipe(int p[2])
{
	if (pipe(p))
		_exit(8);
}

/* Says what the parent lets go of before it does, since the waiter may print the
 * moment it is let go. */
static void let_go(int fd, long start, long len, const char *what)
{
	printf("parent lets go of %s\n", what);
	fflush(stdout);
	int rc = set(fd, F_SETLK, F_UNLCK, start, len);
	if (rc)
		printf("unlock failed: %d\n", rc);
}

/* A child that tells the parent it is about to wait, then waits; ready: the pipe. */
static void say_ready(int ready[2])
{
	close(ready[0]);
	if (write(ready[1], "r", 1) != 1)
		_exit(9);
	close(ready[1]);
}

static void wait_ready(int ready[2])
{
	char c;
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1)
		printf("a child never got ready\n");
	close(ready[0]);
}

static void reap(pid_t pid, const char *who)
{
	int st;
	waitpid(pid, &st, 0);
	printf("%s ended %d\n", who, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	fflush(stdout);
}

static void posix_wait(int fd)
{
	char buf[80];
	int ready[2];
	printf("parent write-locks 0+100: %d\n", set(fd, F_SETLK, F_WRLCK, 0, 100));
	fflush(stdout);
	make_pipe(ready);
	pid_t a = fork();
	if (a == 0) {
		say_ready(ready);
		int rc = set(fd, F_SETLKW, F_WRLCK, 50, 10);
		printf("waiter got 50+10: %d; 0+1 now %s\n", rc, probe(fd, F_GETLK, 0, 1, buf, sizeof buf));
		fflush(stdout);
		_exit(0);
	}
	wait_ready(ready);
	work();
	pid_t c = fork();
	if (c == 0) {
		printf("checker sees 55+1: %s\n", probe(fd, F_GETLK, 55, 1, buf, sizeof buf));
		printf("checker's try: %d\n", set(fd, F_SETLK, F_RDLCK, 55, 1));
		fflush(stdout);
		_exit(0);
	}
	reap(c, "checker");
	work();
	let_go(fd, 0, 100, "0+100");
	reap(a, "waiter");
}

static pid_t waiter_on(int fd, int ready[2], long start, const char *name)
{
	pid_t pid = fork();
	if (pid == 0) {
		say_ready(ready);
		int rc = set(fd, F_SETLKW, F_RDLCK, start, 10);
		printf("%s got %ld+10: %d\n", name, start, rc);
		fflush(stdout);
		work();
		_exit(0);
	}
	return pid;
}

/* Two processes wait at once; the holder lets the second range go first. */
static void two_waiters(int fd)
{
	int r1[2], r2[2];
	printf("parent write-locks 0+100 again: %d\n", set(fd, F_SETLK, F_WRLCK, 0, 100));
	fflush(stdout);
	make_pipe(r1);
	pid_t e = waiter_on(fd, r1, 0, "first waiter");
	wait_ready(r1);
	make_pipe(r2);
	pid_t f = waiter_on(fd, r2, 20, "second waiter");
	wait_ready(r2);
	work();
	let_go(fd, 20, 10, "20+10");
	reap(f, "second waiter");
	work();
	let_go(fd, 0, 0, "all");
	reap(e, "first waiter");
}

static void ofd_locks(void)
{
	char buf[80];
	int ready[2];
	int d1 = open(FILE_NAME, O_RDWR), d2 = open(FILE_NAME, O_RDWR);
	printf("ofd write-lock 0+10 on one description: %d\n", set(d1, F_OFD_SETLK, F_WRLCK, 0, 10));
	printf("ofd lock 5+1 on another: %d\n", set(d2, F_OFD_SETLK, F_WRLCK, 5, 1));
	printf("ofd getlk 5+1 on another: %s\n", probe(d2, F_OFD_GETLK, 5, 1, buf, sizeof buf));
	printf("posix lock 0+1 of the same process: %d\n", set(d2, F_SETLK, F_RDLCK, 0, 1));
	printf("posix getlk 0+1: %s\n", probe(d2, F_GETLK, 0, 1, buf, sizeof buf));
	struct flock bad = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_pid = 1};
	printf("ofd lock with l_pid set: %d\n", fcntl(d2, F_OFD_SETLK, &bad) ? -errno : 0);
	close(d2); /* another descriptor's close leaves the description's lock */
	int d3 = open(FILE_NAME, O_RDWR);
	printf("after closing another descriptor, 0+1: %s\n",
	       probe(d3, F_OFD_GETLK, 0, 1, buf, sizeof buf));
	fflush(stdout);
	make_pipe(ready);
	pid_t b = fork();
	if (b == 0) {
		close(d1); /* the parent's copy keeps the description and its lock */
		say_ready(ready);
		int rc = set(d3, F_OFD_SETLKW, F_WRLCK, 0, 10);
		printf("ofd waiter got 0+10: %d\n", rc);
		fflush(stdout);
		_exit(0);
	}
	wait_ready(ready);
	work();
	printf("parent closes the locked description\n");
	fflush(stdout);
	close(d1);
	reap(b, "ofd waiter");
	close(d3);
}

/* A waiter stopped (SIGSTOP) in its wait goes back to waiting when continued. */
static void stop_a_while(pid_t pid)
{
	int st;
	kill(pid, SIGSTOP);
	waitpid(pid, &st, WUNTRACED);
	printf("waiter stopped: %d\n", WIFSTOPPED(st) ? WSTOPSIG(st) : -1);
	fflush(stdout);
	work();
	kill(pid, SIGCONT);
	work();
}

static void flock_wait(void)
{
	int ready[2];
	int h = open(FILE_NAME, O_RDWR);
	printf("parent flock ex: %d\n", flock(h, LOCK_EX) ? -errno : 0);
	fflush(stdout);
	make_pipe(ready);
	pid_t d = fork();
	if (d == 0) {
		int mine = open(FILE_NAME, O_RDWR);
		printf("flock sh nb while held: %s\n", flock(mine, LOCK_SH | LOCK_NB) ? strerror(errno) : "ok");
		fflush(stdout);
		say_ready(ready);
		int rc = flock(mine, LOCK_SH) ? -errno : 0;
		printf("flock waiter got sh: %d\n", rc);
		fflush(stdout);
		_exit(0);
	}
	wait_ready(ready);
	work();
	stop_a_while(d);
	printf("parent lets go of its flock\n");
	fflush(stdout);
	if (flock(h, LOCK_UN))
		printf("flock un failed: %d\n", -errno);
	reap(d, "flock waiter");
	close(h);
}

int main(void)
{
	int fd = open(FILE_NAME, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return 1;
	posix_wait(fd);
	two_waiters(fd);
	ofd_locks();
	flock_wait();
	unlink(FILE_NAME);
	return 0;
}
