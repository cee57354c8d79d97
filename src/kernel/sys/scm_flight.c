/* Guest descriptions in flight in SCM_RIGHTS messages (see scm_flight.h). */
#include "kernel/sys/scm_flight.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/vfs/file.h"
#include "kernel/vm.h"

struct scm_flight {
	uint64_t dev, ino; /* the placeholder pipe's */
	int local_fd;	   /* the read end here, until the message is sent */
	int keep_fd;	   /* the write end */
	struct file *file; /* held */
	struct scm_flight *next;
};

int scm_flight_send(struct vm *vm, struct file *f)
{
	int p[2];
	struct stat st;
	struct scm_flight *s = calloc(1, sizeof *s);
	if (!s)
		return -ENOMEM;
	if (pipe2(p, O_CLOEXEC)) {
		free(s);
		return -errno;
	}
	fstat(p[0], &st);
	*s = (struct scm_flight){(uint64_t)st.st_dev, (uint64_t)st.st_ino, p[0], p[1],
				 file_get(f),	      vm->scm_flights};
	vm->scm_flights = s;
	return p[0];
}

static void drop(struct scm_flight **pp, int put)
{
	struct scm_flight *s = *pp;
	*pp = s->next;
	if (s->local_fd >= 0)
		close(s->local_fd);
	close(s->keep_fd);
	if (put)
		file_put(s->file);
	free(s);
}

void scm_flight_sent(struct vm *vm, int host_fd, int sent)
{
	for (struct scm_flight **pp = &vm->scm_flights; *pp; pp = &(*pp)->next)
		if ((*pp)->local_fd == host_fd) {
			if (!sent) {
				drop(pp, 1);
				return;
			}
			close(host_fd);
			(*pp)->local_fd = -1;
			return;
		}
}

struct file *scm_flight_receive(struct vm *vm, int host_fd, int peek)
{
	struct stat st;
	if (!vm->scm_flights || fstat(host_fd, &st) || !S_ISFIFO(st.st_mode))
		return NULL;
	for (struct scm_flight **pp = &vm->scm_flights; *pp; pp = &(*pp)->next)
		if ((*pp)->dev == (uint64_t)st.st_dev && (*pp)->ino == (uint64_t)st.st_ino &&
		    (*pp)->local_fd < 0) {
			struct file *f = (*pp)->file;
			if (peek)
				file_get(f); /* the message still holds its own */
			else
				drop(pp, 0);
			close(host_fd);
			return f;
		}
	return NULL;
}

void scm_flight_reap(struct vm *vm)
{
	for (struct scm_flight **pp = &vm->scm_flights; *pp;) {
		struct pollfd pfd = {(*pp)->keep_fd, POLLOUT, 0};
		if ((*pp)->local_fd < 0 && poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLERR))
			drop(pp, 1);
		else
			pp = &(*pp)->next;
	}
}

int scm_flight_count(const struct vm *vm)
{
	int n = 0;
	for (const struct scm_flight *s = vm->scm_flights; s; s = s->next)
		n++;
	return n;
}
