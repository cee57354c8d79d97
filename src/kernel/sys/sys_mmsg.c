/* sendmmsg and recvmmsg: sendmsg and recvmsg over an array of mmsghdr (a
 * msghdr and the byte count the call fills in), as Linux's loops do. A
 * message that must wait parks the call with the messages done so far as
 * its progress, so that it goes on from there, or returns them when a
 * signal ends the wait. recvmmsg's timeout is checked and otherwise left
 * alone: Linux too looks at it only between messages. */
#include <errno.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/syscall.h"
#include "kernel/task/sched.h"
#include "mem/uaccess.h"

#define UIO_MAXIOV	  1024
#define L_MSG_DONTWAIT	  0x40
#define L_MSG_OOB	  0x1
#define L_MSG_WAITFORONE  0x10000
#define L_MSG_CMSG_COMPAT 0x80000000u

/* sizeof(struct mmsghdr), and where its msg_len is: after the msghdr */
static unsigned entry_size(const struct task *t) { return sys_is64(t) ? 64 : 32; }
static unsigned len_offset(const struct task *t) { return sys_is64(t) ? 56 : 28; }

static int put_len(struct task *t, uint64_t entry, int64_t n)
{
	uint8_t raw[4];
	put32(raw, 0, (uint32_t)n);
	return copy_to_user(t->proc->mm, entry + len_offset(t), raw, 4);
}

/* The flags recvmsg left in entry's msghdr (after name, namelen, iov,
 * iovlen, control, controllen). */
static int got_oob(struct task *t, uint64_t entry)
{
	uint8_t raw[4];
	unsigned w = sys_is64(t) ? 8 : 4;
	return !copy_from_user(t->proc->mm, raw, entry + 6 * w, 4) && (get32(raw, 0) & L_MSG_OOB);
}

/* The messages done so far come back, whatever stopped the loop; an
 * error only when none was done; a wait parks with them as progress. */
static int64_t loop_result(struct task *t, uint64_t done, int64_t rc)
{
	if (rc == -KERN_EPARK) {
		t->park.progress = done;
		return rc;
	}
	return done ? (int64_t)done : rc;
}

int64_t sys_sendmmsg(struct task *t, const uint64_t *a)
{
	int64_t err;
	if (!socket_of(t, (int)a[0], &err))
		return err;
	uint64_t vlen = (unsigned)a[2] > UIO_MAXIOV ? UIO_MAXIOV : (unsigned)a[2];
	uint64_t done = t->resuming ? t->park.progress : 0;
	int64_t rc = 0;
	while (done < vlen) {
		uint64_t entry = a[1] + done * entry_size(t), b[3] = {a[0], entry, a[3]};
		rc = sys_sendmsg(t, b);
		if (rc < 0)
			break;
		if (put_len(t, entry, rc))
			return done ? (int64_t)done : -EFAULT;
		done++;
		rc = 0;
	}
	return loop_result(t, done, rc);
}

static int64_t do_recvmmsg(struct task *t, const uint64_t *a, int wide)
{
	unsigned flags = (unsigned)a[3];
	int64_t ns, err;
	if (!socket_of(t, (int)a[0], &err))
		return err;
	if (flags & L_MSG_CMSG_COMPAT)
		return -EINVAL;
	if (a[4]) {
		int rc = sys_get_timespec(t, a[4], &ns, wide);
		if (rc)
			return rc;
	}
	uint64_t vlen = (unsigned)a[2] > UIO_MAXIOV ? UIO_MAXIOV : (unsigned)a[2];
	uint64_t done = t->resuming ? t->park.progress : 0;
	int64_t rc = 0;
	while (done < vlen) {
		uint64_t entry = a[1] + done * entry_size(t);
		unsigned f = flags & ~L_MSG_WAITFORONE;
		if (done && (flags & L_MSG_WAITFORONE))
			f |= L_MSG_DONTWAIT;
		uint64_t b[3] = {a[0], entry, f};
		rc = sys_recvmsg(t, b);
		if (rc < 0)
			break;
		if (put_len(t, entry, rc))
			return done ? (int64_t)done : -EFAULT;
		done++;
		rc = 0;
		if (got_oob(t, entry))
			break;
	}
	return loop_result(t, done, rc);
}

int64_t sys_recvmmsg(struct task *t, const uint64_t *a) { return do_recvmmsg(t, a, sys_is64(t)); }
/* i386's recvmmsg_time64 */
int64_t sys_recvmmsg64(struct task *t, const uint64_t *a) { return do_recvmmsg(t, a, 1); }
