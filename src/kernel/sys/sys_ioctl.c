/* ioctl: terminal modes and sizes go to the host terminal behind a host
 * descriptor (the structures have the same layout for both ABIs); the
 * foreground process group is the machine's own; FIONREAD and FIONBIO
 * work on every file. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/syscall.h"
#include "kernel/vfs/file.h"
#include "mem/mm.h"
#include "mem/uaccess.h"

#define L_TCGETS     0x5401
#define L_TCSETS     0x5402
#define L_TCSETSW    0x5403
#define L_TCSETSF    0x5404
#define L_TIOCSCTTY  0x540E
#define L_TIOCGPGRP  0x540F
#define L_TIOCSPGRP  0x5410
#define L_TIOCGWINSZ 0x5413
#define L_TIOCSWINSZ 0x5414
#define L_FIONREAD   0x541B
#define L_TIOCNOTTY  0x5422
#define L_FIONBIO    0x5421
#define TERMIOS_SIZE 36 /* the kernel's struct termios (no speeds) */

static int is_tty(const struct file *f) { return !f->ops && f->host_may_block && isatty(f->host_fd); }

static int64_t fionread(struct task *t, struct file *f, uint64_t uarg)
{
	uint8_t raw[4];
	int n = 0;
	if (f->ops) {
		if (!f->ops->nread)
			return -ENOTTY;
		n = (int)f->ops->nread(f);
	} else if (ioctl(f->host_fd, FIONREAD, &n) < 0) {
		return -errno;
	}
	put32(raw, 0, (uint32_t)n);
	return copy_to_user(t->proc->mm, uarg, raw, 4);
}

static int64_t fionbio(struct task *t, struct file *f, uint64_t uarg)
{
	uint8_t raw[4];
	if (copy_from_user(t->proc->mm, raw, uarg, 4))
		return -EFAULT;
	f->flags = get32(raw, 0) ? f->flags | O_NONBLOCK : f->flags & ~O_NONBLOCK;
	return 0;
}

/* The terminal's foreground group must be a group of the caller's session. */
static int64_t set_foreground(struct task *t, uint64_t uarg)
{
	uint8_t raw[4];
	if (copy_from_user(t->proc->mm, raw, uarg, 4))
		return -EFAULT;
	int pgid = (int)get32(raw, 0);
	if (pgid < 0)
		return -EINVAL;
	int found = pgid == 1; /* the machine's own group, where the first process starts */
	for (const struct process *p = t->vm->procs; p && !found; p = p->next)
		found = p->pgid == pgid && p->sid == t->proc->sid;
	if (!found)
		return -EPERM;
	t->vm->fg_pgid = pgid;
	return 0;
}

/* A host terminal request with an in/out structure of `size` bytes. */
static int64_t host_tty(struct task *t, struct file *f, unsigned long req, uint64_t uarg,
			size_t size, int prot)
{
	void *arg = user_ptr(t->proc->mm, uarg, size, prot);
	if (!arg)
		return -EFAULT;
	if (ioctl(f->host_fd, req, arg) < 0)
		return -errno;
	if (prot == GPROT_WRITE)
		user_wrote(t->proc->mm, uarg, size);
	return 0;
}

int64_t sys_ioctl(struct task *t, const uint64_t *a)
{
	struct file *f = fd_lookup(t->proc->fds, (int)a[0]);
	unsigned long req = (unsigned long)(uint32_t)a[1];
	uint8_t raw[4];
	if (!f)
		return -EBADF;
	if (req == L_FIONREAD)
		return fionread(t, f, a[2]);
	if (req == L_FIONBIO)
		return fionbio(t, f, a[2]);
	if (!is_tty(f))
		return -ENOTTY;
	switch (req) {
	case L_TCGETS: return host_tty(t, f, TCGETS, a[2], TERMIOS_SIZE, GPROT_WRITE);
	case L_TCSETS: return host_tty(t, f, TCSETS, a[2], TERMIOS_SIZE, GPROT_READ);
	case L_TCSETSW: return host_tty(t, f, TCSETSW, a[2], TERMIOS_SIZE, GPROT_READ);
	case L_TCSETSF: return host_tty(t, f, TCSETSF, a[2], TERMIOS_SIZE, GPROT_READ);
	case L_TIOCGWINSZ: return host_tty(t, f, TIOCGWINSZ, a[2], 8, GPROT_WRITE);
	case L_TIOCSWINSZ: return host_tty(t, f, TIOCSWINSZ, a[2], 8, GPROT_READ);
	case L_TIOCGPGRP:
		put32(raw, 0, (uint32_t)t->vm->fg_pgid);
		return copy_to_user(t->proc->mm, a[2], raw, 4);
	case L_TIOCSPGRP: return set_foreground(t, a[2]);
	case L_TIOCSCTTY:
	case L_TIOCNOTTY: return 0;
	default: return -ENOTTY;
	}
}
