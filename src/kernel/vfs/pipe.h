/* Pipes inside the kernel: a 64 KiB ring shared by a read end and a write
 * end, with Linux's semantics (atomic writes up to PIPE_BUF, partial
 * transfers, EOF after the last writer, EPIPE and SIGPIPE after the last
 * reader). A transfer is a memcpy: no host call. */
#ifndef HEXVM_KERNEL_VFS_PIPE_H
#define HEXVM_KERNEL_VFS_PIPE_H

#include "kernel/vfs/file.h"

struct task;

#define PIPE_CAPACITY 65536
#define PIPE_ATOMIC   4096 /* PIPE_BUF */

/* The two ends (read, write), with status flags `flags` (O_NONBLOCK),
 * owned by t's process;
 * -ENOMEM when out of memory. */
int pipe_create(struct task *t, int flags, struct file *ends[2]);

/* Opens the FIFO with host identity (dev, ino): its kernel pipe lives while
 * it is open anywhere in the machine. 0 with *out, -errno, or -KERN_EPARK
 * (the call is tried again once the other side may have come). */
int64_t fifo_open(struct task *t, uint64_t dev, uint64_t ino, int flags, const char *path,
		  struct file **out);

#endif
