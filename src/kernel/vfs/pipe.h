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

/* What splice, tee and vmsplice do with a pipe (sys/sys_splice.c): bytes
 * looked at without taking them, taken, and added, each with the wake-ups
 * (and epoll edges) a read or a write makes. */
struct pipe;
struct pipe *pipe_of_file(const struct file *f); /* NULL when f is no pipe end */
size_t pipe_held(const struct pipe *p);
size_t pipe_room(const struct pipe *p);
int pipe_has_readers(const struct pipe *p);
int pipe_has_writers(const struct pipe *p);
/* Copies up to n held bytes from `skip` bytes past the first; how many. */
size_t pipe_peek(const struct pipe *p, size_t skip, void *dst, size_t n);
/* Takes the first n held bytes (at most all). */
void pipe_drop(struct pipe *p, size_t n);
/* Adds up to n bytes, as many as there is room for; how many. */
size_t pipe_fill(struct pipe *p, const void *src, size_t n);

/* Snapshots: a pipe's state, its held bytes in two parts (the ring may
 * wrap); the ends that refer to it are counted in readers and writers. */
struct vm;
struct pipe_image {
	const uint8_t *part[2];
	size_t part_len[2];
	int readers, writers, named;
	uint64_t dev, ino, r_gen, w_gen;
	uint32_t uid, gid;
};
void pipe_image_of(const struct pipe *p, struct pipe_image *img);
/* A pipe as the image says (a FIFO joins the machine's list); NULL when out
 * of memory or the image holds too much. */
struct pipe *pipe_restore(struct vm *vm, const struct pipe_image *img);
/* A restored FIFO's identity as the restored filesystems give it (a copy of
 * the files elsewhere has other inode numbers), so that opening its path
 * finds it again. Whether p is a FIFO. */
int pipe_set_fifo_key(struct pipe *p, uint64_t dev, uint64_t ino);
/* An end of p; p's counts already include it. */
struct file *pipe_file_restore(struct pipe *p, int flags, const char *path);

#endif
