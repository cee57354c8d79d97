/* Host splices (see hostsplice.h). */
#include "host/hostsplice.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <unistd.h>

struct host_splice {
	int fd[2]; /* the scratch pipe, non-blocking at both ends; empty between calls */
};

static int64_t result(ssize_t n) { return n < 0 ? -errno : (int64_t)n; }

#ifdef __linux__

/* Reads exactly n bytes the scratch pipe holds (into buf, or away). */
static void scratch_take(struct host_splice *hs, void *buf, size_t n)
{
	char sink[4096];
	while (n) {
		size_t want = buf ? n : n < sizeof sink ? n : sizeof sink;
		ssize_t got = read(hs->fd[0], buf ? buf : sink, want);
		if (got <= 0)
			return;
		n -= (size_t)got;
		if (buf)
			buf = (char *)buf + got;
	}
}

struct host_splice *host_splice_open(int *err)
{
	struct host_splice *hs = malloc(sizeof *hs);
	if (!hs) {
		*err = -ENOMEM;
		return NULL;
	}
	if (pipe2(hs->fd, O_NONBLOCK | O_CLOEXEC) < 0) {
		*err = -errno;
		free(hs);
		return NULL;
	}
	return hs;
}

int64_t host_splice(int in, int64_t *off_in, int out, int64_t *off_out, size_t n, unsigned flags)
{
	loff_t oi = off_in ? *off_in : 0, oo = off_out ? *off_out : 0;
	ssize_t got = splice(in, off_in ? &oi : NULL, out, off_out ? &oo : NULL, n,
			     flags | SPLICE_F_NONBLOCK);
	if (got >= 0 && off_in)
		*off_in = oi;
	if (got >= 0 && off_out)
		*off_out = oo;
	return result(got);
}

int64_t host_tee(int in, int out, size_t n, unsigned flags)
{
	return result(tee(in, out, n, flags | SPLICE_F_NONBLOCK));
}

int64_t host_vmsplice(int fd, const struct iovec *iov, int n, unsigned flags)
{
	return result(vmsplice(fd, iov, (unsigned long)n, flags | SPLICE_F_NONBLOCK));
}

int64_t host_splice_in(struct host_splice *hs, int fd, int64_t *off, void *buf, size_t n, int tee)
{
	int64_t got =
		tee ? host_tee(fd, hs->fd[1], n, 0) : host_splice(fd, off, hs->fd[1], NULL, n, 0);
	if (got > 0)
		scratch_take(hs, buf, (size_t)got);
	return got;
}

int64_t host_splice_out(struct host_splice *hs, int fd, int64_t *off, const void *buf, size_t n,
			unsigned flags)
{
	ssize_t held = n ? write(hs->fd[1], buf, n) : 0;
	if (held < 0)
		return -errno;
	/* an empty scratch pipe still tells whether fd takes splices at all */
	int64_t put = host_splice(hs->fd[0], NULL, fd, off, held ? (size_t)held : 1, flags);
	if (put < (int64_t)held)
		scratch_take(hs, NULL, (size_t)held - (put > 0 ? (size_t)put : 0));
	return put;
}

#else /* hosts without splice: plain transfers */

struct host_splice *host_splice_open(int *err)
{
	struct host_splice *hs = malloc(sizeof *hs);
	if (!hs)
		*err = -ENOMEM;
	else
		hs->fd[0] = hs->fd[1] = -1;
	return hs;
}

int64_t host_splice(int in, int64_t *off_in, int out, int64_t *off_out, size_t n, unsigned flags)
{
	return -ENOSYS;
}

int64_t host_tee(int in, int out, size_t n, unsigned flags) { return -ENOSYS; }

int64_t host_vmsplice(int fd, const struct iovec *iov, int n, unsigned flags) { return -ENOSYS; }

int64_t host_splice_in(struct host_splice *hs, int fd, int64_t *off, void *buf, size_t n, int tee)
{
	if (tee)
		return -ENOSYS;
	ssize_t got = off ? pread(fd, buf, n, (off_t)*off) : read(fd, buf, n);
	if (got > 0 && off)
		*off += got;
	return result(got);
}

int64_t host_splice_out(struct host_splice *hs, int fd, int64_t *off, const void *buf, size_t n,
			unsigned flags)
{
	ssize_t put = off ? pwrite(fd, buf, n, (off_t)*off) : write(fd, buf, n);
	if (put > 0 && off)
		*off += put;
	return result(put);
}

#endif

void host_splice_close(struct host_splice *hs)
{
	if (!hs)
		return;
	for (int k = 0; k < 2; k++)
		if (hs->fd[k] >= 0)
			close(hs->fd[k]);
	free(hs);
}
