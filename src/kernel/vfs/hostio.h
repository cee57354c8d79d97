/* Transfers on host descriptors that can block (sockets, pipes and
 * terminals of the host). hexvm keeps such descriptors from stopping the
 * machine: a guest that asked for blocking I/O parks until the host says
 * the descriptor is ready, and a partial write goes on where it stopped. */
#ifndef HEXVM_KERNEL_VFS_HOSTIO_H
#define HEXVM_KERNEL_VFS_HOSTIO_H

#include <stddef.h>
#include <stdint.h>

struct task;
struct file;

int64_t hostio_read(struct task *t, struct file *f, void *buf, size_t n);
int64_t hostio_write(struct task *t, struct file *f, const void *buf, size_t n);
/* rc of a host call on f: -EAGAIN for a blocking guest becomes a park until
 * `events` (POLLIN/POLLOUT); anything else is passed on. */
int64_t hostio_wait(struct task *t, struct file *f, int64_t rc, short events);

#endif
