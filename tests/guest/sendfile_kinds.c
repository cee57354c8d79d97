/* sendfile between every pair of kinds of descriptor (a pipe, a socket, a
 * regular file, /dev/null, /dev/zero, a memfd, a FIFO, a /proc file, an
 * eventfd), with and without an offset: what it returns, what arrives,
 * where the input's offset or the given one ends up. Then its special
 * cases (a count of 0, O_APPEND, bad descriptors and offsets, a full
 * O_NONBLOCK pipe, a directory), calls that wait (a pipe that a child
 * drains, a socket a child reads from while 300 KiB go out), and
 * copy_file_range between regular files, memfds and the rest. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum { PIPE, SOCK, FILE_, DEVNULL, DEVZERO, MEMFD, FIFO, PROC, PROCTOP, EVENTFD, NK };
static const char *names[] = {"pipe", "sock",  "file",	  "null",   "zero",
			      "memfd", "fifo", "proc", "proctop", "eventfd"};

struct end {
	int fd, other; /* other: where what was sent shows (or -1) */
	int kind;
};

static int memfd(const char *name) { return (int)syscall(SYS_memfd_create, name, 0); }

static const char *err(long r) { return r < 0 ? strerror(errno) : "ok"; }

static struct end open_kind(int k, int as_out)
{
	struct end e = {-1, -1, k};
	int p[2];
	switch (k) {
	case PIPE:
		pipe(p);
		e.fd = as_out ? p[1] : p[0];
		e.other = as_out ? p[0] : p[1];
		if (!as_out)
			write(p[1], "pipedata", 8);
		break;
	case SOCK:
		socketpair(AF_UNIX, SOCK_STREAM, 0, p);
		e.fd = p[0];
		e.other = p[1];
		if (!as_out)
			write(p[1], "sockdata", 8);
		break;
	case FILE_:
		e.fd = open(as_out ? "out.txt" : "in.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
		if (!as_out) {
			write(e.fd, "filedata", 8);
			lseek(e.fd, 0, SEEK_SET);
		}
		e.other = e.fd;
		break;
	case DEVNULL: e.fd = open("/dev/null", O_RDWR); break;
	case DEVZERO: e.fd = open("/dev/zero", O_RDWR); break;
	case MEMFD:
		e.fd = memfd("kind");
		if (!as_out) {
			write(e.fd, "memfdata", 8);
			lseek(e.fd, 0, SEEK_SET);
		}
		e.other = e.fd;
		break;
	case FIFO:
		unlink(as_out ? "fifo.out" : "fifo.in");
		mkfifo(as_out ? "fifo.out" : "fifo.in", 0644);
		e.fd = open(as_out ? "fifo.out" : "fifo.in", O_RDWR);
		if (!as_out)
			write(e.fd, "fifodata", 8);
		e.other = e.fd;
		break;
	case PROC: e.fd = open("/proc/self/cmdline", O_RDONLY); break;
	case PROCTOP: e.fd = open("/proc/version", O_RDONLY); break;
	case EVENTFD: e.fd = eventfd(as_out ? 0 : 5, 0); break;
	}
	return e;
}

static void close_end(struct end *e)
{
	if (e->other >= 0 && e->other != e->fd)
		close(e->other);
	close(e->fd);
}

/* What reached the output, printable (the /proc text differs natively). */
static void arrived(const struct end *out, int in_kind)
{
	char buf[32] = {0};
	ssize_t n = 0;
	if (out->other < 0 || in_kind == PROCTOP)
		return;
	if (out->kind == FILE_ || out->kind == MEMFD) {
		n = pread(out->other, buf, sizeof buf - 1, 0);
	} else {
		int fl = fcntl(out->other, F_GETFL);
		fcntl(out->other, F_SETFL, fl | O_NONBLOCK);
		n = read(out->other, buf, sizeof buf - 1);
	}
	for (ssize_t k = 0; k < n; k++)
		if (buf[k] < 32 || buf[k] > 126)
			buf[k] = '.';
	if (n > 0)
		printf(" '%s'", buf);
}

static void pairs(void)
{
	for (int i = 0; i < NK; i++)
		for (int o = 0; o < NK; o++)
			for (int with_off = 0; with_off < 2; with_off++) {
				struct end in = open_kind(i, 0), out = open_kind(o, 1);
				off_t off = 1;
				ssize_t n = sendfile(out.fd, in.fd, with_off ? &off : NULL, 6);
				printf("%s -> %s%s: %zd %s", names[i], names[o], with_off ? " at 1" : "", n,
				       err(n));
				if (n >= 0)
					arrived(&out, i);
				if (with_off)
					printf(", offset %ld", (long)off);
				if (i == FILE_ || i == MEMFD)
					printf(", input at %ld", (long)lseek(in.fd, 0, SEEK_CUR));
				printf("\n");
				close_end(&in);
				close_end(&out);
			}
	unlink("in.txt");
	unlink("out.txt");
	unlink("fifo.in");
	unlink("fifo.out");
}

static void show(const char *what, long r) { printf("%-36s %ld %s\n", what, r, err(r)); }

static void special(void)
{
	int f = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644), p[2], q[2], s[2];
	write(f, "0123456789", 10);
	lseek(f, 0, SEEK_SET);
	int g = open("g", O_RDWR | O_CREAT | O_TRUNC | O_APPEND, 0644);
	pipe(p);
	pipe(q);
	socketpair(AF_UNIX, SOCK_STREAM, 0, s);
	show("pipe -> pipe, count 0", sendfile(q[1], p[0], NULL, 0));
	show("file -> pipe, count 0", sendfile(p[1], f, NULL, 0));
	show("pipe -> file, count 0", sendfile(f, p[0], NULL, 0));
	show("socket -> file, count 0", sendfile(f, s[0], NULL, 0));
	show("file -> O_APPEND file", sendfile(g, f, NULL, 5));
	show("file -> O_APPEND file, count 0", sendfile(g, f, NULL, 0));
	off_t off = -1;
	show("a negative offset", sendfile(s[0], f, &off, 5));
	int wo = open("f", O_WRONLY), ro = open("f", O_RDONLY);
	show("from a write-only file", sendfile(s[0], wo, NULL, 5));
	show("to a read-only file", sendfile(ro, f, NULL, 5));
	show("the offset at a bad address", sendfile(s[0], f, (off_t *)8, 5));
	show("... and bad descriptors", sendfile(99, 98, (off_t *)8, 5));
	show("from descriptor 99", sendfile(s[0], 99, NULL, 5));
	int dir = open(".", O_RDONLY);
	show("a directory -> pipe", sendfile(q[1], dir, NULL, 5));
	show("a directory -> socket", sendfile(s[0], dir, NULL, 5));
	show("a file to itself", sendfile(f, ro, NULL, 5));
	printf("  its offset %ld\n", (long)lseek(f, 0, SEEK_CUR));
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	char big[4096];
	memset(big, 'b', sizeof big);
	while (write(p[1], big, sizeof big) > 0)
		;
	show("file -> a full O_NONBLOCK pipe", sendfile(p[1], ro, NULL, 5));
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
	close(s[0]);
	close(s[1]);
	close(f);
	close(g);
	close(wo);
	close(ro);
	close(dir);
	unlink("f");
	unlink("g");
}

static uint32_t sum(const unsigned char *b, size_t n, uint32_t h)
{
	for (size_t k = 0; k < n; k++)
		h = (h ^ b[k]) * 16777619u;
	return h;
}

/* The child reads everything it gets (until the parent's end, `other`,
 * closes) and reports its count and sum. */
static pid_t drain(int fd, int other, int report)
{
	pid_t pid = fork();
	if (pid == 0) {
		close(other);
		unsigned char buf[1000];
		size_t total = 0;
		uint32_t h = 2166136261u;
		ssize_t n;
		while ((n = read(fd, buf, sizeof buf)) > 0) {
			total += (size_t)n;
			h = sum(buf, (size_t)n, h);
		}
		dprintf(report, "read %zu bytes, sum %u\n", total, h);
		_exit(0);
	}
	return pid;
}

static void waiting(void)
{
	static unsigned char data[300 * 1024];
	for (size_t k = 0; k < sizeof data; k++)
		data[k] = (unsigned char)(k * 7 + k / 1000);
	int f = open("big", O_RDWR | O_CREAT | O_TRUNC, 0644);
	write(f, data, sizeof data);
	printf("sent: sum %u\n", sum(data, sizeof data, 2166136261u));
	int report[2], s[2], p[2];
	pipe(report);
	socketpair(AF_UNIX, SOCK_STREAM, 0, s);
	pid_t pid = drain(s[1], s[0], report[1]);
	close(s[1]);
	off_t off = 0;
	ssize_t n = sendfile(s[0], f, &off, sizeof data);
	printf("300 KiB to a socket a child reads: %zd, offset %ld\n", n, (long)off);
	close(s[0]);
	char line[80] = {0};
	read(report[0], line, sizeof line - 1);
	printf("  the child %s", line);
	waitpid(pid, NULL, 0);
	pipe(p);
	pid = drain(p[0], p[1], report[1]);
	close(p[0]);
	lseek(f, 0, SEEK_SET);
	size_t total = 0;
	while (total < sizeof data) {
		n = sendfile(p[1], f, NULL, sizeof data - total);
		if (n <= 0)
			break;
		total += (size_t)n;
	}
	printf("300 KiB to a pipe a child drains, in calls of at most the pipe's room: %zu, input "
	       "at %ld\n",
	       total, (long)lseek(f, 0, SEEK_CUR));
	close(p[1]);
	memset(line, 0, sizeof line);
	read(report[0], line, sizeof line - 1);
	printf("  the child %s", line);
	waitpid(pid, NULL, 0);
	close(f);
	unlink("big");
}

static void copies(void)
{
	int a = open("a", O_RDWR | O_CREAT | O_TRUNC, 0644), b = open("b", O_RDWR | O_CREAT | O_TRUNC, 0644);
	int m1 = memfd("m1"), m2 = memfd("m2"), p[2], s[2];
	char buf[32] = {0};
	write(a, "0123456789abcdef", 16);
	write(m1, "memfd-to-memfd", 14);
	lseek(a, 0, SEEK_SET);
	lseek(m1, 0, SEEK_SET);
	pipe(p);
	socketpair(AF_UNIX, SOCK_STREAM, 0, s);
	int nul = open("/dev/null", O_RDWR), dir = open(".", O_RDONLY);
	show("file -> file", copy_file_range(a, NULL, b, NULL, 5, 0));
	loff_t o1 = 2, o2 = 0;
	show("file -> file at offsets", copy_file_range(a, &o1, b, &o2, 5, 0));
	printf("  offsets %ld %ld, the files' %ld %ld\n", (long)o1, (long)o2,
	       (long)lseek(a, 0, SEEK_CUR), (long)lseek(b, 0, SEEK_CUR));
	show("memfd -> memfd", copy_file_range(m1, NULL, m2, NULL, 100, 0));
	pread(m2, buf, sizeof buf - 1, 0);
	printf("  copied '%s', offsets %ld %ld\n", buf, (long)lseek(m1, 0, SEEK_CUR),
	       (long)lseek(m2, 0, SEEK_CUR));
	o1 = 2;
	o2 = 20;
	show("memfd -> memfd at offsets", copy_file_range(m1, &o1, m2, &o2, 4, 0));
	printf("  offsets %ld %ld\n", (long)o1, (long)o2);
	o1 = 0;
	o2 = 4;
	show("memfd -> itself, overlapping", copy_file_range(m2, &o1, m2, &o2, 8, 0));
	show("memfd -> file", copy_file_range(m1, NULL, b, NULL, 5, 0));
	show("file -> memfd", copy_file_range(a, NULL, m2, NULL, 5, 0));
	show("pipe -> file", copy_file_range(p[0], NULL, b, NULL, 5, 0));
	show("file -> pipe", copy_file_range(a, NULL, p[1], NULL, 5, 0));
	show("socket -> file", copy_file_range(s[0], NULL, b, NULL, 5, 0));
	show("file -> /dev/null", copy_file_range(a, NULL, nul, NULL, 5, 0));
	show("directory -> file", copy_file_range(dir, NULL, b, NULL, 5, 0));
	show("file -> directory", copy_file_range(a, NULL, dir, NULL, 5, 0));
	show("flags 1", copy_file_range(a, NULL, b, NULL, 5, 1));
	loff_t x = 0, y = 4;
	show("a file to itself, overlapping", copy_file_range(a, &x, a, &y, 8, 0));
	x = 0;
	y = 8;
	show("a file to itself, apart", copy_file_range(a, &x, a, &y, 8, 0));
	int ap = open("c", O_WRONLY | O_CREAT | O_APPEND, 0644), wo = open("a", O_WRONLY),
	    ro = open("a", O_RDONLY);
	show("to an O_APPEND file", copy_file_range(a, NULL, ap, NULL, 5, 0));
	show("from a write-only file", copy_file_range(wo, NULL, b, NULL, 5, 0));
	show("to a read-only file", copy_file_range(a, NULL, ro, NULL, 5, 0));
	show("count 0", copy_file_range(a, NULL, b, NULL, 0, 0));
	show("count 0, from a pipe", copy_file_range(p[0], NULL, b, NULL, 0, 0));
	lseek(a, 100, SEEK_SET);
	show("from past the end", copy_file_range(a, NULL, b, NULL, 5, 0));
	show("descriptor 99", copy_file_range(99, NULL, b, NULL, 5, 0));
	show("the offset at a bad address", copy_file_range(a, (loff_t *)8, b, NULL, 5, 0));
	memset(buf, 0, sizeof buf);
	pread(b, buf, sizeof buf - 1, 0);
	printf("b holds '%s'\n", buf);
	unlink("a");
	unlink("b");
	unlink("c");
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGPIPE, SIG_IGN);
	pairs();
	special();
	waiting();
	copies();
	return 0;
}
