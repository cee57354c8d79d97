/* The host's splice, tee and vmsplice, where it has them (Linux), for
 * splices that reach host descriptors: the host kernel then decides what
 * its files can do (a file without splice support refuses with EINVAL, as
 * it would natively) and moves the bytes. Bytes between a host descriptor
 * and hexvm's own memory (its pipes, memfs files) go through a scratch host
 * pipe of the machine's. No call here ever blocks: the pipe side of each
 * is non-blocking, and callers poll anything else first. Elsewhere the
 * transfers are plain reads and writes and the direct calls fail with
 * -ENOSYS. */
#ifndef HEXVM_HOST_HOSTSPLICE_H
#define HEXVM_HOST_HOSTSPLICE_H

#include <stddef.h>
#include <stdint.h>

struct iovec;
struct host_splice;

/* The scratch pipe: NULL and -errno in *err when it cannot be made. */
struct host_splice *host_splice_open(int *err);
void host_splice_close(struct host_splice *hs);

/* Up to n bytes of host descriptor fd into buf, at *off (which then
 * advances) or at fd's own offset; with `tee` set, fd is a pipe and its
 * bytes stay there. Bytes moved, 0 at the end, or -errno (-EAGAIN: none
 * yet). */
int64_t host_splice_in(struct host_splice *hs, int fd, int64_t *off, void *buf, size_t n, int tee);
/* Up to n bytes of buf to host descriptor fd, at *off or at its offset:
 * bytes the host took (possibly fewer), or -errno. With n 0 nothing moves:
 * -EAGAIN says that fd takes splices, another -errno why it does not. */
int64_t host_splice_out(struct host_splice *hs, int fd, int64_t *off, const void *buf, size_t n,
			unsigned flags);

/* The host's own calls between two host descriptors, non-blocking on their
 * pipe sides (SPLICE_F_NONBLOCK added). */
int64_t host_splice(int in, int64_t *off_in, int out, int64_t *off_out, size_t n, unsigned flags);
int64_t host_tee(int in, int out, size_t n, unsigned flags);
int64_t host_vmsplice(int fd, const struct iovec *iov, int n, unsigned flags);

#endif
