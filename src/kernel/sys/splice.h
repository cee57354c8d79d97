/* splice, tee and vmsplice: sys_splice.c checks a call as Linux's
 * fs/splice.c does and says what its two sides are; splice_move.c moves the
 * bytes. A side is a kernel pipe, a host descriptor (a host FIFO among them,
 * which counts as a pipe), or a file hexvm serves (memfs, the overlay,
 * devfs, procfs ...). A call that must wait parks its task on what it waits
 * for and is made again from the start, so nothing of it is kept between
 * tries: a call either moves bytes and returns, or moves none. */
#ifndef HEXVM_KERNEL_SYS_SPLICE_H
#define HEXVM_KERNEL_SYS_SPLICE_H

#include <stddef.h>
#include <stdint.h>

#define L_SPLICE_F_MOVE	    1u
#define L_SPLICE_F_NONBLOCK 2u
#define L_SPLICE_F_MORE	    4u
#define L_SPLICE_F_GIFT	    8u
#define L_SPLICE_F_ALL	    15u

struct file;
struct pipe;
struct task;
struct iovec;

struct splice_side {
	struct file *f;
	struct pipe *pipe; /* f's kernel pipe, or NULL */
	int host_fifo;	   /* f is a host FIFO (a pipe too) */
	int64_t *off;	   /* the offset the call gave, or NULL: the file's own */
};

struct splice_req {
	struct splice_side in, out;
	size_t len;
	unsigned flags; /* SPLICE_F_*, NONBLOCK also when a pipe side's O_NONBLOCK says */
	int tee;	/* tee: the input's bytes stay */
};

/* Side s for file f: its kernel pipe, whether it is a host FIFO, no
 * offset given. */
void splice_side_init(struct splice_side *s, struct file *f);
int splice_is_pipe(const struct splice_side *s);
/* Whether an offset may be given for it (Linux's FMODE_PREAD/PWRITE): not
 * for pipes, sockets and terminals, which are streams. */
int splice_positional(const struct splice_side *s);

/* Moves what the checked request r can move now: bytes, 0 at the input's
 * end, -errno, or -KERN_EPARK. */
int64_t splice_move(struct task *t, struct splice_req *r);
/* Up to n bytes of host descriptor fd (which must not block) at *off,
 * which advances, into buf, by the host's splice: the host says what its
 * files can give (-EINVAL when one cannot be spliced from). */
int64_t splice_host_in(struct task *t, int fd, int64_t *off, void *buf, size_t n);
/* A loff_t argument (splice, copy_file_range) in guest memory: 0 or -EFAULT. */
int splice_get_loff(struct task *t, uint64_t addr, int64_t *off);
int splice_put_loff(struct task *t, uint64_t addr, int64_t off);
/* vmsplice's two directions on pipe side s, with guest memory as host
 * iovecs. */
int64_t splice_from_user(struct task *t, struct splice_side *s, const struct iovec *iov, int n,
			 unsigned flags);
int64_t splice_to_user(struct task *t, struct splice_side *s, const struct iovec *iov, int n,
		       unsigned flags);

#endif
