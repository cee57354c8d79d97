/* Calls parked in splice, tee and vmsplice across a snapshot. This process
 * works between its writes, so that at most moments its children wait: one
 * in splice for bytes to move from pipe a to pipe b, one in tee for pipe b
 * (then splicing b into a file), one in vmsplice for what comes out of pipe
 * c, one in a splice from a file into pipe f, which this process keeps
 * full until the end. Each child reports what it saw at the end. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROUNDS 12

static uint64_t work(int rounds)
{
	uint64_t h = 1469598103934665603ull;
	for (int r = 0; r < rounds; r++)
		for (int i = 0; i < 100000; i++)
			h = (h ^ (uint64_t)(i + r)) * 1099511628211ull;
	return h;
}

static void report(int fd, const char *who, long n, uint32_t sum)
{
	char line[80];
	int len = snprintf(line, sizeof line, "%s: %ld bytes, sum %u\n", who, n, sum);
	write(fd, line, (size_t)len);
}

static uint32_t sum_of(const unsigned char *p, long n, uint32_t s)
{
	for (long k = 0; k < n; k++)
		s = s * 31 + p[k];
	return s;
}

static int a[2], b[2], c[2], f[2];

/* A child keeps the two pipe ends it uses (-1: one) and its report's. */
static pid_t child(void (*body)(int), int keep0, int keep1, int out)
{
	pid_t pid = fork();
	if (!pid) {
		int *ends[] = {a, b, c, f};
		for (int k = 0; k < 8; k++) {
			int fd = ends[k / 2][k % 2];
			if (fd != keep0 && fd != keep1)
				close(fd);
		}
		body(out);
		_exit(0);
	}
	return pid;
}

static void mover(int out)
{
	long n = 0, got;
	while ((got = splice(a[0], NULL, b[1], NULL, 3000, SPLICE_F_MOVE)) > 0)
		n += got;
	close(b[1]);
	report(out, "mover", n, 0);
}

static void teer(int out)
{
	int file = open("teed.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	long n = 0, got;
	while ((got = tee(b[0], c[1], 100000, 0)) > 0) {
		n += got;
		splice(b[0], NULL, file, NULL, (size_t)got, 0);
	}
	close(c[1]);
	report(out, "teer", n, 0);
}

static void reader(int out)
{
	unsigned char buf[700];
	struct iovec iov[2] = {{buf, 300}, {buf + 300, 400}};
	long n = 0, got;
	uint32_t s = 0;
	while ((got = vmsplice(c[0], iov, 2, 0)) > 0) {
		n += got;
		s = sum_of(buf, got, s);
	}
	report(out, "reader", n, s);
}

static void filler(int out)
{
	int file = open("src.in", O_RDONLY);
	long got = splice(file, NULL, f[1], NULL, 5000, 0);
	report(out, "filler", got, 0);
}

int main(void)
{
	int results[4][2];
	unsigned char chunk[2000] = {0};
	for (int k = 0; k < 4; k++)
		pipe(results[k]);
	pipe(a);
	pipe(b);
	pipe(c);
	pipe2(f, O_NONBLOCK);
	int src = open("src.in", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	for (int k = 0; k < 10000; k++)
		write(src, "0123456789", 10);
	close(src);
	long filled = 0, got;
	while ((got = write(f[1], chunk, sizeof chunk)) > 0)
		filled += got;
	while ((got = write(f[1], chunk, 1)) > 0) /* to the last byte */
		filled += got;
	fcntl(f[1], F_SETFL, 0);
	pid_t kids[4] = {
		child(mover, a[0], b[1], results[0][1]), child(teer, b[0], c[1], results[1][1]),
		child(reader, c[0], -1, results[2][1]), child(filler, f[1], -1, results[3][1])};
	int *ends[] = {a, b, c, f};
	for (int k = 0; k < 8; k++)
		if (ends[k / 2][k % 2] != a[1] && ends[k / 2][k % 2] != f[0])
			close(ends[k / 2][k % 2]);
	uint32_t s = 0;
	for (int r = 0; r < ROUNDS; r++) {
		uint64_t h = work(1);
		for (size_t k = 0; k < sizeof chunk; k++)
			chunk[k] = (unsigned char)(k * (size_t)r + h);
		s = sum_of(chunk, sizeof chunk, s);
		write(a[1], chunk, sizeof chunk);
		work(3);
	}
	close(a[1]);
	long drained = 0;
	while ((got = read(f[0], chunk, sizeof chunk)) > 0)
		drained += got;
	printf("wrote %d bytes, sum %u; drained %ld of f (%ld filled first)\n",
	       ROUNDS * (int)sizeof chunk, s, drained, filled);
	for (int k = 0; k < 4; k++) {
		char line[128] = {0};
		waitpid(kids[k], NULL, 0);
		if (read(results[k][0], line, sizeof line - 1) > 0)
			fputs(line, stdout);
	}
	return 0;
}
