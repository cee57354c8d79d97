/* signalfd: a descriptor whose reads take pending signals of its mask (the
 * reader's own first, then its process's) as signalfd_siginfo records.
 * Readiness is the polling task's: the current task when poll asks. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/snap_kinds.h"
#include "kernel/sys/syscall.h"
#include "kernel/task/sched.h"
#include "kernel/task/signal.h"
#include "kernel/task/timer.h"
#include "kernel/vfs/file.h"
#include "mem/uaccess.h"

#define RECORD	      128
#define SI_TIMER_L    (-2)
#define SI_SIGIO_L    (-5)
#define L_SFD_CLOEXEC 02000000

struct signalfd {
	struct vm *vm;
	uint64_t mask, ino;
};

/* struct signalfd_siginfo: what siginfo_t's union holds for the signal's
 * kind, each field in a place of its own (ssi_tid, ssi_overrun, ssi_int
 * and ssi_ptr for a timer's; pid, uid and the value for a sigqueue's). */
static void record(uint8_t *r, int sig, const struct siginfo_k *si)
{
	memset(r, 0, RECORD);
	put32(r, 0, (uint32_t)sig);
	put32(r, 4, (uint32_t)si->err);
	put32(r, 8, (uint32_t)si->code);
	if (si->code == SI_TIMER_L) {
		put32(r, 24, (uint32_t)si->timerid);
		put32(r, 32, (uint32_t)si->overrun);
	} else {
		put32(r, 12, (uint32_t)si->pid);
		put32(r, 16, (uint32_t)si->uid);
	}
	if (si->code == SI_TIMER_L || (si->code < 0 && si->code != SI_SIGIO_L)) {
		put32(r, 44, (uint32_t)si->value);
		put64(r, 48, si->value);
	}
	put32(r, 36, (uint32_t)(si->trapno >= 0 ? si->trapno : 0));
	put32(r, 40, (uint32_t)si->status);
	put64(r, 72, si->addr);
}

static int64_t sfd_read(struct task *t, struct file *f, void *buf, size_t n)
{
	struct signalfd *s = f->priv;
	struct siginfo_k si;
	size_t done = 0;
	int sig;
	if (n < RECORD)
		return -EINVAL;
	while (done + RECORD <= n && (sig = signal_dequeue(t, s->mask, &si)))
		record((uint8_t *)buf + done, sig, &si), done += RECORD;
	if (done)
		return (int64_t)done;
	return (f->flags & O_NONBLOCK) ? -EAGAIN : sched_park(t, NULL, -KERN_ERESTARTSYS);
}

static short sfd_poll(struct file *f)
{
	const struct signalfd *s = f->priv;
	const struct task *t = s->vm->current;
	return t && (task_pending(t) & s->mask) ? POLLIN : 0;
}

static int sfd_stat(struct file *f, struct stat *st)
{
	file_anon_stat(st, ((const struct signalfd *)f->priv)->ino);
	return 0;
}

static void sfd_release(struct file *f) { free(f->priv); }

static const struct file_ops signalfd_ops = {
	.name = "signalfd",
	.read = sfd_read, .poll = sfd_poll, .stat = sfd_stat, .release = sfd_release};

static int64_t do_signalfd(struct task *t, int fd, uint64_t umask, uint64_t size, int flags)
{
	uint8_t raw[8];
	if (size != 8 || (flags & ~(O_NONBLOCK | L_SFD_CLOEXEC)))
		return -EINVAL;
	if (copy_from_user(t->proc->mm, raw, umask, 8))
		return -EFAULT;
	uint64_t mask = get64(raw, 0) & ~SIG_UNBLOCKABLE;
	if (fd != -1) {
		struct file *f = fd_lookup(t->proc->fds, fd);
		if (!f)
			return -EBADF;
		if (f->ops != &signalfd_ops)
			return -EINVAL;
		((struct signalfd *)f->priv)->mask = mask;
		return fd;
	}
	struct signalfd *s = calloc(1, sizeof *s);
	struct file *f = s ? file_new(&signalfd_ops, s, O_RDWR | (flags & O_NONBLOCK),
				      "anon_inode:[signalfd]")
			   : NULL;
	if (!f) {
		free(s);
		return -ENOMEM;
	}
	s->vm = t->vm;
	s->mask = mask;
	s->ino = ++t->vm->next_ino;
	return fd_alloc_new(t->proc->fds, f, flags & L_SFD_CLOEXEC);
}

int64_t sys_signalfd(struct task *t, const uint64_t *a)
{
	return do_signalfd(t, (int)a[0], a[1], a[2], 0);
}
int64_t sys_signalfd4(struct task *t, const uint64_t *a)
{
	return do_signalfd(t, (int)a[0], a[1], a[2], (int)a[3]);
}

int signalfd_state(const struct file *f, uint64_t w[SIGNALFD_WORDS])
{
	const struct signalfd *s = f->ops == &signalfd_ops ? f->priv : NULL;
	if (!s)
		return -1;
	w[0] = s->mask;
	w[1] = s->ino;
	return 0;
}

struct file *signalfd_restore(struct vm *vm, const uint64_t w[SIGNALFD_WORDS], int flags)
{
	struct signalfd *s = calloc(1, sizeof *s);
	struct file *f = s ? file_new(&signalfd_ops, s, flags, "anon_inode:[signalfd]") : NULL;
	if (!f) {
		free(s);
		return NULL;
	}
	*s = (struct signalfd){vm, w[0], w[1]};
	return f;
}
