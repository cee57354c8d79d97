/* Transfers on host descriptors that can block. */
#include "kernel/vfs/hostio.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "kernel/task/sched.h"
#include "kernel/task/signal.h"
#include "kernel/task/timer.h"
#include "kernel/vfs/file.h"
#include "kernel/vm.h"

static int blocking(const struct file *f) { return f->host_may_block && !(f->flags & O_NONBLOCK); }

int64_t hostio_wait(struct task *t, struct file *f, int64_t rc, short events)
{
	if ((rc != -EAGAIN && rc != -EWOULDBLOCK) || !blocking(f))
		return rc;
	return sched_park_host(t, f->host_fd, events, -KERN_ERESTARTSYS);
}

int64_t hostio_read(struct task *t, struct file *f, void *buf, size_t n)
{
	if (blocking(f)) { /* a blocking host descriptor must not stop the machine */
		struct pollfd pfd = {f->host_fd, POLLIN, 0};
		if (poll(&pfd, 1, 0) == 0)
			return sched_park_host(t, f->host_fd, POLLIN, -KERN_ERESTARTSYS);
	}
	ssize_t got = read(f->host_fd, buf, n);
	return hostio_wait(t, f, got < 0 ? -errno : got, POLLIN);
}

int64_t hostio_write(struct task *t, struct file *f, const void *buf, size_t n)
{
	size_t done = t->resuming ? t->park.progress : 0;
	ssize_t put = write(f->host_fd, (const char *)buf + done, n - done);
	if (put < 0 && errno == EPIPE)
		signal_send_sigpipe(t);
	if (put < 0 && done == 0)
		return hostio_wait(t, f, -errno, POLLOUT);
	if (put > 0)
		done += (size_t)put;
	if (done < n && blocking(f) && (put >= 0 || errno == EAGAIN)) {
		t->park.progress = done;
		return sched_park_host(t, f->host_fd, POLLOUT, -KERN_ERESTARTSYS);
	}
	return (int64_t)done;
}
