/* splice, tee and vmsplice that wait: between processes through pipes that
 * fork shared (a writer, a mover splicing pipe to pipe, a reader; a child
 * splicing a pipe into a file), tee and vmsplice waiting for bytes, a
 * signal interrupting a waiting splice (EINTR) or restarting it
 * (SA_RESTART), and the wake-ups edge-triggered epoll sees. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define STREAM 200000

static volatile sig_atomic_t alarms;
static int handled[2]; /* the handler tells the parent it ran */

static void on_alarm(int sig)
{
	alarms += sig == SIGALRM;
	write(handled[1], "h", 1);
}

static unsigned char byte_at(long k) { return (unsigned char)((k * 7 + k / 251) & 0xff); }

static void write_stream(int fd)
{
	unsigned char buf[1000];
	for (long k = 0; k < STREAM; k += (long)sizeof buf) {
		for (size_t j = 0; j < sizeof buf; j++)
			buf[j] = byte_at(k + (long)j);
		if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf)
			_exit(3);
	}
}

static int exit_code(pid_t pid)
{
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* writer child -> pipe a -> mover child (splice a to b) -> pipe b -> here */
static void pipeline(void)
{
	int a[2], b[2];
	pipe(a);
	pipe(b);
	pid_t writer = fork();
	if (!writer) {
		close(a[0]);
		write_stream(a[1]);
		_exit(0);
	}
	pid_t mover = fork();
	if (!mover) {
		close(a[1]);
		close(b[0]);
		long calls = 0;
		while (splice(a[0], NULL, b[1], NULL, 30000, SPLICE_F_MOVE) > 0)
			calls++;
		_exit(calls > 0 ? 0 : 1);
	}
	close(a[0]);
	close(a[1]);
	close(b[1]);
	unsigned char buf[4096];
	long total = 0, bad = 0;
	ssize_t got;
	while ((got = read(b[0], buf, sizeof buf)) > 0)
		for (ssize_t j = 0; j < got; j++, total++)
			bad += buf[j] != byte_at(total);
	close(b[0]);
	printf("pipeline: %ld bytes, %ld wrong, writer %d, mover %d\n", total, bad,
	       exit_code(writer), exit_code(mover));
}

/* a child splices what this process writes into a file */
static void into_file(void)
{
	int a[2];
	pipe(a);
	pid_t child = fork();
	if (!child) {
		close(a[1]);
		int out = open("child.bin", O_WRONLY | O_CREAT | O_TRUNC, 0644);
		while (splice(a[0], NULL, out, NULL, 65536, 0) > 0)
			;
		_exit(close(out) ? 1 : 0);
	}
	close(a[0]);
	write_stream(a[1]);
	close(a[1]);
	int status = exit_code(child);
	unsigned char buf[4096];
	long total = 0, bad = 0;
	ssize_t got;
	int in = open("child.bin", O_RDONLY);
	while ((got = read(in, buf, sizeof buf)) > 0)
		for (ssize_t j = 0; j < got; j++, total++)
			bad += buf[j] != byte_at(total);
	close(in);
	printf("into a file: %ld bytes, %ld wrong, child %d\n", total, bad, status);
}

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, ms % 1000 * 1000000};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* a child waits in tee, then in vmsplice, for what this process writes */
static void waiting_tee_vmsplice(void)
{
	int a[2], b[2];
	pipe(a);
	pipe(b);
	pid_t child = fork();
	if (!child) {
		char x[8] = {0}, y[8] = {0};
		struct iovec iov[2] = {{x, 3}, {y, 7}};
		ssize_t teed = tee(a[0], b[1], 100, 0);
		ssize_t got = vmsplice(a[0], iov, 2, 0);
		_exit(teed == 6 && got == 6 && !memcmp(x, "abc", 3) && !memcmp(y, "def", 3) ? 0
											    : 1);
	}
	pause_ms(20);
	write(a[1], "abcdef", 6);
	int status = exit_code(child);
	char buf[16] = {0};
	read(b[0], buf, sizeof buf - 1);
	printf("tee and vmsplice waited: child %d, b holds %s\n", status, buf);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
}

static void catch_alarm(int restart)
{
	struct sigaction sa = {0};
	sa.sa_handler = on_alarm;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(SIGALRM, &sa, NULL);
}

/* Waits until process pid sleeps in a call (/proc's state S). */
static void until_asleep(pid_t pid)
{
	char path[64], state = 0;
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	while (state != 'S') {
		FILE *f = fopen(path, "r");
		if (!f || fscanf(f, "%*d %*s %c", &state) != 1)
			state = 0;
		if (f)
			fclose(f);
		if (state != 'S')
			pause_ms(1);
	}
}

/* a signal during a waiting splice: EINTR without SA_RESTART, the call
 * made again with it (the bytes are written only once it waits again) */
static void interrupted(void)
{
	char h;
	pipe(handled);
	for (int restart = 0; restart < 2; restart++) {
		int a[2];
		pipe(a);
		pid_t child = fork();
		if (!child) {
			int out = open("late.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
			catch_alarm(restart);
			ssize_t r = splice(a[0], NULL, out, NULL, 100, 0);
			_exit(r < 0 ? (errno == EINTR ? 100 + alarms : 99) : (int)r + 10 * alarms);
		}
		until_asleep(child);
		kill(child, SIGALRM);
		read(handled[0], &h, 1);
		if (restart) {
			until_asleep(child);
			write(a[1], "late", 4);
		}
		printf("waiting splice, %s: child %d\n", restart ? "SA_RESTART" : "no SA_RESTART",
		       exit_code(child));
		close(a[0]);
		close(a[1]);
	}
	close(handled[0]);
	close(handled[1]);
}

static int ready(int ep)
{
	struct epoll_event ev[4];
	return epoll_wait(ep, ev, 4, 0);
}

/* edge-triggered watches of a pipe's two ends, as splices, tee and
 * vmsplice fill and empty it */
static void edges(void)
{
	int p[2], q[2];
	pipe(p);
	pipe(q);
	int in = epoll_create1(0), out = epoll_create1(0);
	struct epoll_event r = {.events = EPOLLIN | EPOLLET}, w = {.events = EPOLLOUT | EPOLLET};
	epoll_ctl(in, EPOLL_CTL_ADD, p[0], &r);
	epoll_ctl(out, EPOLL_CTL_ADD, p[1], &w);
	int src = open("edges.in", O_RDWR | O_CREAT | O_TRUNC, 0644);
	write(src, "0123456789", 10);
	loff_t off = 0;
	int first = ready(in), again = ready(in);
	printf("at first: in %d, again %d\n", first, again);
	first = ready(out);
	again = ready(out);
	printf("at first: out %d, again %d\n", first, again);
	splice(src, &off, p[1], NULL, 4, 0);
	first = ready(in);
	again = ready(in);
	printf("file spliced in: in %d, again %d\n", first, again);
	splice(src, &off, p[1], NULL, 4, 0);
	printf("more spliced in: in %d\n", ready(in));
	write(q[1], "xy", 2);
	tee(q[0], p[1], 2, 0);
	printf("teed in: in %d\n", ready(in));
	splice(q[0], NULL, p[1], NULL, 2, 0);
	printf("pipe spliced in: in %d\n", ready(in));
	struct iovec iov = {"vm", 2};
	vmsplice(p[1], &iov, 1, 0);
	printf("vmspliced in: in %d\n", ready(in));
	int sink = open("edges.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	splice(p[0], NULL, sink, NULL, 3, 0);
	printf("spliced out of a pipe with room: out %d\n", ready(out));
	char buf[65536];
	memset(buf, 'f', sizeof buf);
	while (write(p[1], buf, 4096) == 4096 && fcntl(p[1], F_SETFL, O_NONBLOCK) == 0)
		;
	printf("filled: out %d\n", ready(out));
	splice(p[0], NULL, sink, NULL, 8192, 0);
	first = ready(out);
	again = ready(out);
	printf("spliced out of a full pipe: out %d, again %d\n", first, again);
	close(sink);
	close(src);
	close(in);
	close(out);
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	pipeline();
	into_file();
	waiting_tee_vmsplice();
	interrupted();
	edges();
	return 0;
}
