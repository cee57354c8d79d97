/* splice, tee and vmsplice in one process: the errors Linux gives (EBADF,
 * EINVAL, ESPIPE, EFAULT, EAGAIN, EPIPE), a file copied through a pipe and
 * compared, offsets given and the file's own, pipe to pipe, tee, vmsplice
 * both ways, devices, /proc files, eventfds and sockets. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define SRC_SIZE 300000

static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int sig) { sigpipes += sig == SIGPIPE; }

static const char *ename(int e)
{
	switch (e) {
	case EBADF: return "EBADF";
	case EINVAL: return "EINVAL";
	case ESPIPE: return "ESPIPE";
	case EFAULT: return "EFAULT";
	case EAGAIN: return "EAGAIN";
	case EPIPE: return "EPIPE";
	default: return "other";
	}
}

static void show(const char *what, long r)
{
	if (r < 0)
		printf("%-34s -1 %s\n", what, ename(errno));
	else
		printf("%-34s %ld\n", what, r);
}

static int held(int fd)
{
	int n = -1;
	ioctl(fd, FIONREAD, &n);
	return n;
}

static void make_source(void)
{
	static unsigned char buf[SRC_SIZE];
	uint32_t x = 12345;
	for (int k = 0; k < SRC_SIZE; k++) {
		x = x * 1103515245u + 12345u;
		buf[k] = (unsigned char)(x >> 16);
	}
	int fd = open("src.bin", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf)
		puts("short write of src.bin");
	close(fd);
}

static void errors(void)
{
	int p[2], q[2], full[2];
	loff_t off;
	pipe(p);
	pipe(q);
	int file = open("src.bin", O_RDONLY),
	    out = open("e.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int app = open("e.out", O_WRONLY | O_APPEND), path = open("src.bin", O_PATH);
	show("len 0, bad descriptors", splice(99, NULL, 98, NULL, 0, 0));
	show("unknown flag", splice(file, NULL, p[1], NULL, 1, 0x10));
	show("bad input descriptor", splice(99, NULL, p[1], NULL, 1, 0));
	show("bad output descriptor", splice(file, NULL, 99, NULL, 1, 0));
	show("O_PATH input", splice(path, NULL, p[1], NULL, 1, 0));
	show("write end as input", splice(p[1], NULL, out, NULL, 1, 0));
	off = 0;
	show("write end as input, offset", splice(p[1], &off, out, NULL, 1, 0));
	show("offset on the output pipe", splice(file, NULL, p[1], &off, 1, 0));
	show("read end as output", splice(file, NULL, p[0], NULL, 1, 0));
	show("a pipe to itself", splice(p[0], NULL, p[1], NULL, 1, 0));
	show("neither side a pipe", splice(file, NULL, out, NULL, 1, 0));
	show("O_APPEND output", splice(p[0], NULL, app, NULL, 1, SPLICE_F_NONBLOCK));
	off = -1;
	show("negative offset", splice(file, &off, p[1], NULL, 1, 0));
	off = INT64_MAX - 10;
	show("offset + length past the end", splice(file, &off, p[1], NULL, 100, 0));
	show("offset at a bad address", splice(file, (loff_t *)16, p[1], NULL, 1, 0));
	show("empty pipe, SPLICE_F_NONBLOCK", splice(p[0], NULL, out, NULL, 1, SPLICE_F_NONBLOCK));
	show("empty pipe to pipe, NONBLOCK", splice(p[0], NULL, q[1], NULL, 1, SPLICE_F_NONBLOCK));
	show("empty pipe to /dev/full",
	     splice(p[0], NULL, open("/dev/full", O_WRONLY), NULL, 1, 0));
	pipe2(full, O_NONBLOCK);
	char chunk[4096] = {0};
	while (write(full[1], chunk, sizeof chunk) > 0)
		;
	show("into a full O_NONBLOCK pipe", splice(file, NULL, full[1], NULL, 1, 0));
	show("into a full pipe, NONBLOCK", splice(file, NULL, full[1], NULL, 1, SPLICE_F_NONBLOCK));
	show("pipe into a full pipe", splice(full[0], NULL, full[1], NULL, 1, 0));
	signal(SIGPIPE, on_sigpipe);
	close(q[0]);
	show("into a pipe without readers", splice(file, NULL, q[1], NULL, 1, 0));
	printf("SIGPIPEs: %d\n", (int)sigpipes);
	close(p[1]);
	show("from an ended pipe", splice(p[0], NULL, out, NULL, 1, 0));
	show("ended pipe to readerless pipe", splice(p[0], NULL, q[1], NULL, 1, 0));
	printf("SIGPIPEs: %d\n", (int)sigpipes);
	show("huge length", splice(file, NULL, full[1], NULL, SIZE_MAX, SPLICE_F_NONBLOCK));
	close(p[0]);
	close(q[1]);
	close(full[0]);
	close(full[1]);
	close(file);
	close(out);
	close(app);
	close(path);
}

static void kinds(void)
{
	int p[2], sv[2];
	char buf[256];
	pipe(p);
	int ev = eventfd(1, 0), zero = open("/dev/zero", O_RDONLY);
	show("from an eventfd", splice(ev, NULL, p[1], NULL, 8, SPLICE_F_NONBLOCK));
	show("to an eventfd", splice(p[0], NULL, ev, NULL, 8, SPLICE_F_NONBLOCK));
	show("from /dev/null", splice(open("/dev/null", O_RDONLY), NULL, p[1], NULL, 8, 0));
	show("from /proc/self/stat",
	     splice(open("/proc/self/stat", O_RDONLY), NULL, p[1], NULL, 8, 0));
	show("from /proc/version > 0",
	     splice(open("/proc/version", O_RDONLY), NULL, p[1], NULL, 8, 0) > 0);
	show("drain", read(p[0], buf, sizeof buf));
	loff_t off = 5;
	show("from /dev/zero at an offset", splice(zero, &off, p[1], NULL, 100, 0));
	printf("offset after: %lld\n", (long long)off);
	show("from /dev/zero", splice(zero, NULL, p[1], NULL, 50, 0));
	show("read back", read(p[0], buf, sizeof buf));
	int zeros = 1;
	for (int k = 0; k < 150; k++)
		zeros &= buf[k] == 0;
	printf("all zero: %d\n", zeros);
	show("from /dev/urandom", splice(open("/dev/urandom", O_RDONLY), NULL, p[1], NULL, 64, 0));
	show("to /dev/null", splice(p[0], NULL, open("/dev/null", O_WRONLY), NULL, 1000, 0));
	show("left in the pipe", held(p[0]));
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	write(p[1], "through a socket", 16);
	show("pipe to socket", splice(p[0], NULL, sv[0], NULL, 100, SPLICE_F_MORE));
	show("socket to pipe", splice(sv[1], NULL, p[1], NULL, 100, SPLICE_F_MOVE));
	show("empty socket, NONBLOCK", splice(sv[1], NULL, p[1], NULL, 100, SPLICE_F_NONBLOCK));
	off = 0;
	show("socket with an offset", splice(sv[1], &off, p[1], NULL, 100, 0));
	memset(buf, 0, sizeof buf);
	read(p[0], buf, sizeof buf);
	printf("came back: %s\n", buf);
	close(sv[0]);
	close(sv[1]);
	close(p[0]);
	close(p[1]);
}

static int same_files(const char *a, const char *b, long skip_a, long len)
{
	static unsigned char x[SRC_SIZE], y[SRC_SIZE];
	int fa = open(a, O_RDONLY), fb = open(b, O_RDONLY);
	long na = pread(fa, x, sizeof x, skip_a), nb = read(fb, y, sizeof y);
	close(fa);
	close(fb);
	if (len < 0)
		len = na;
	return na >= len && nb == len && !memcmp(x, y, (size_t)len);
}

/* src.bin through a pipe into copy.bin, in the calls' own chunks. */
static void copy(void)
{
	int p[2];
	pipe(p);
	int in = open("src.bin", O_RDONLY),
	    out = open("copy.bin", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	long total = 0, calls = 0;
	for (;;) {
		ssize_t got = splice(in, NULL, p[1], NULL, 100000, SPLICE_F_MOVE);
		if (got <= 0)
			break;
		while (got > 0) {
			ssize_t put = splice(p[0], NULL, out, NULL, (size_t)got, SPLICE_F_MORE);
			if (put <= 0)
				break;
			got -= put;
			total += put;
		}
		calls++;
	}
	printf("copied %ld bytes, positions %ld %ld, pipe left %d\n", total,
	       (long)lseek(in, 0, SEEK_CUR), (long)lseek(out, 0, SEEK_CUR), held(p[0]));
	close(out);
	printf("copy equal: %d\n", same_files("src.bin", "copy.bin", 0, -1));
	/* offsets given: the files' own positions stay */
	loff_t oin = 1000, oout = 10;
	out = open("part.bin", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	lseek(in, 77, SEEK_SET);
	lseek(out, 3, SEEK_SET);
	show("at offset 1000", splice(in, &oin, p[1], NULL, 5000, 0));
	show("to offset 10", splice(p[0], NULL, out, &oout, 5000, 0));
	printf("offsets now %lld %lld, positions %ld %ld\n", (long long)oin, (long long)oout,
	       (long)lseek(in, 0, SEEK_CUR), (long)lseek(out, 0, SEEK_CUR));
	show("then at the file's position", splice(in, NULL, p[1], NULL, 23, 0));
	show("and to its position", splice(p[0], NULL, out, NULL, 23, 0));
	printf("positions %ld %ld\n", (long)lseek(in, 0, SEEK_CUR), (long)lseek(out, 0, SEEK_CUR));
	close(out);
	close(in);
	close(p[0]);
	close(p[1]);
}

/* A file's own bytes around splices: a write that may still be held in a
 * buffer before a splice to the same description, a read ahead before a
 * splice from it. */
static void around_buffers(void)
{
	int p[2];
	char buf[64] = {0};
	pipe(p);
	int out = open("mixed.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	write(out, "written ", 8);
	write(p[1], "spliced ", 8);
	show("spliced after a write", splice(p[0], NULL, out, NULL, 8, 0));
	write(out, "written again\n", 14);
	close(out);
	int in = open("mixed.txt", O_RDONLY);
	show("read", read(in, buf, 4));
	show("spliced after a read", splice(in, NULL, p[1], NULL, 12, 0));
	show("read again", read(in, buf + 4, 6));
	show("the pipe", read(p[0], buf + 10, 20));
	printf("in order: %s\n", buf);
	close(in);
	close(p[0]);
	close(p[1]);
}

static void pipes_and_tee(void)
{
	int a[2], b[2], c[2];
	char buf[64] = {0};
	pipe(a);
	pipe(b);
	pipe(c);
	write(a[1], "hello, tee and splice", 21);
	show("tee a to b", tee(a[0], b[1], 100, 0));
	show("tee a to c, 5 bytes", tee(a[0], c[1], 5, 0));
	printf("held: a %d b %d c %d\n", held(a[0]), held(b[0]), held(c[0]));
	show("splice b to c", splice(b[0], NULL, c[1], NULL, 7, 0));
	show("read c", read(c[0], buf, sizeof buf - 1));
	printf("c had: %s\n", buf);
	show("tee, unknown flag", tee(a[0], b[1], 1, 0x20));
	show("tee, len 0", tee(a[0], b[1], 0, 0));
	show("tee to itself", tee(a[0], a[1], 1, 0));
	show("tee from a file", tee(open("src.bin", O_RDONLY), b[1], 1, 0));
	show("tee from the write end", tee(a[1], b[1], 1, 0));
	show("tee from an empty pipe", tee(c[0], b[1], 1, SPLICE_F_NONBLOCK));
	show("tee a to b again", tee(a[0], b[1], 100, 0));
	show("splice a to b", splice(a[0], NULL, b[1], NULL, 100, 0));
	printf("held: a %d b %d\n", held(a[0]), held(b[0]));
	for (int k = 0; k < 2; k++) {
		close(a[k]);
		close(b[k]);
		close(c[k]);
	}
}

static void vmsplices(void)
{
	int p[2];
	char x[4] = {0}, y[12] = {0};
	struct iovec in[2] = {{"abc", 3}, {"defghij", 7}}, out[2] = {{x, 3}, {y, sizeof y - 1}};
	pipe(p);
	show("vmsplice in", vmsplice(p[1], in, 2, SPLICE_F_GIFT));
	show("vmsplice out", vmsplice(p[0], out, 2, 0));
	printf("got %s|%s\n", x, y);
	show("vmsplice out of empty, NONBLOCK", vmsplice(p[0], out, 2, SPLICE_F_NONBLOCK));
	show("vmsplice, unknown flag", vmsplice(p[1], in, 2, 0x10));
	show("vmsplice, 1025 pieces", vmsplice(p[1], in, 1025, 0));
	show("vmsplice, nothing", vmsplice(p[1], in, 0, 0));
	int file = open("src.bin", O_RDONLY);
	show("vmsplice into a file", vmsplice(file, in, 2, 0));
	show("vmsplice, bad descriptor", vmsplice(99, in, 2, 0));
	struct iovec bad = {(void *)16, 4};
	show("vmsplice from a bad address", vmsplice(p[1], &bad, 1, 0));
	close(file);
	close(p[0]);
	show("vmsplice, no readers", vmsplice(p[1], in, 1, 0));
	close(p[1]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	make_source();
	errors();
	kinds();
	copy();
	around_buffers();
	pipes_and_tee();
	vmsplices();
	printf("SIGPIPEs: %d\n", (int)sigpipes);
	return 0;
}
