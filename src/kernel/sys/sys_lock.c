/* fcntl's record locks (F_GETLK, F_SETLK, F_SETLKW and i386's 64-bit
 * forms), open file description locks (F_OFD_GETLK, F_OFD_SETLK,
 * F_OFD_SETLKW) and flock(2), over the machine's lock table (vfs/lock.c). */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/syscall.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/lock.h"
#include "mem/uaccess.h"

#define L_F_GETLK      5
#define L_F_SETLK      6
#define L_F_SETLKW     7
#define L_F_GETLK64    12
#define L_F_SETLK64    13
#define L_F_SETLKW64   14
#define L_F_OFD_GETLK  36
#define L_F_OFD_SETLK  37
#define L_F_OFD_SETLKW 38
#define L_LOCK_SH      1
#define L_LOCK_EX      2
#define L_LOCK_NB      4
#define L_LOCK_UN      8

/* struct flock's shapes: x86-64 (and i386's packed flock64, which the OFD
 * commands take too, as fcntl64 gives them) with 64-bit start/len, i386's
 * flock with 32-bit ones. */
struct flock_shape {
	unsigned start, len, pid, size, wide;
};

static struct flock_shape shape_of(struct task *t, int cmd)
{
	if (sys_is64(t))
		return (struct flock_shape){8, 16, 24, 32, 1};
	if (cmd >= L_F_GETLK64) /* the 64-bit and OFD commands */
		return (struct flock_shape){4, 12, 20, 24, 1};
	return (struct flock_shape){4, 8, 12, 16, 0};
}

static int64_t offset_base(struct file *f, int whence, int64_t *base)
{
	struct stat st;
	switch (whence) {
	case SEEK_SET: *base = 0; return 0;
	case SEEK_CUR:
		*base = f->ops ? (int64_t)f->pos : (int64_t)lseek(f->host_fd, 0, SEEK_CUR);
		return *base < 0 ? -errno : 0;
	case SEEK_END:
		if (f->ops ? !f->ops->stat || f->ops->stat(f, &st) : fstat(f->host_fd, &st) < 0)
			return -EBADF;
		*base = st.st_size;
		return 0;
	default: return -EINVAL;
	}
}

static int is_ofd(int cmd) { return cmd >= L_F_OFD_GETLK && cmd <= L_F_OFD_SETLKW; }

static int64_t read_range(struct task *t, struct file *f, const uint8_t *raw,
			  const struct flock_shape *s, int cmd, struct lock_range *r)
{
	int type = (int16_t)get32(raw, 0) & 0xffff;
	int whence = (int16_t)(get32(raw, 0) >> 16);
	int64_t start = s->wide ? (int64_t)get64(raw, s->start) : (int32_t)get32(raw, s->start);
	int64_t len = s->wide ? (int64_t)get64(raw, s->len) : (int32_t)get32(raw, s->len), base;
	if (type != F_RDLCK && type != F_WRLCK && type != F_UNLCK)
		return -EINVAL;
	if (is_ofd(cmd) && get32(raw, s->pid)) /* l_pid must be 0 */
		return -EINVAL;
	int64_t rc = offset_base(f, whence, &base);
	if (rc)
		return rc;
	start += base;
	if (len < 0) {
		start += len;
		len = -len;
	}
	if (start < 0)
		return -EINVAL;
	r->type = type == F_RDLCK ? VLOCK_RD : type == F_WRLCK ? VLOCK_WR : VLOCK_UN;
	r->start = (uint64_t)start;
	r->end = len ? (uint64_t)(start + len - 1) : UINT64_MAX;
	return 0;
}

/* F_GETLK's answer written back over the caller's struct flock. */
static int64_t put_range(struct task *t, uint64_t uarg, uint8_t *raw, const struct flock_shape *s,
			 const struct lock_range *r)
{
	int type = r->type == VLOCK_RD ? F_RDLCK : r->type == VLOCK_WR ? F_WRLCK : F_UNLCK;
	put32(raw, 0, (uint32_t)type | (uint32_t)SEEK_SET << 16);
	uint64_t len = r->end == UINT64_MAX ? 0 : r->end - r->start + 1;
	s->wide ? put64(raw, s->start, r->start) : put32(raw, s->start, (uint32_t)r->start);
	s->wide ? put64(raw, s->len, len) : put32(raw, s->len, (uint32_t)len);
	put32(raw, s->pid, (uint32_t)r->pid);
	return copy_to_user(t->proc->mm, uarg, raw, s->size);
}

int64_t fcntl_lock(struct task *t, struct file *f, int cmd, uint64_t uarg)
{
	struct flock_shape s = shape_of(t, cmd);
	struct lock_owner own = {LOCK_POSIX, t->proc->pid, NULL};
	uint8_t raw[32];
	struct lock_range r;
	if (copy_from_user(t->proc->mm, raw, uarg, s.size))
		return -EFAULT;
	int64_t rc = read_range(t, f, raw, &s, cmd, &r);
	if (rc)
		return rc;
	if (is_ofd(cmd))
		own = (struct lock_owner){LOCK_OFD, 0, f};
	if (cmd == L_F_GETLK || cmd == L_F_GETLK64 || cmd == L_F_OFD_GETLK) {
		if (r.type == VLOCK_UN)
			return -EINVAL;
		rc = lock_test(t->vm, f, &own, &r);
		return rc ? rc : put_range(t, uarg, raw, &s, &r);
	}
	int acc = f->flags & O_ACCMODE;
	if ((r.type == VLOCK_RD && acc == O_WRONLY) || (r.type == VLOCK_WR && acc == O_RDONLY))
		return -EBADF;
	return lock_set(t, f, &own, &r,
			cmd == L_F_SETLKW || cmd == L_F_SETLKW64 || cmd == L_F_OFD_SETLKW);
}

int64_t sys_flock(struct task *t, const uint64_t *a)
{
	struct file *f = fd_lookup(t->proc->fds, (int)a[0]);
	int op = (int)a[1] & ~L_LOCK_NB;
	if (!f)
		return -EBADF;
	if (op != L_LOCK_SH && op != L_LOCK_EX && op != L_LOCK_UN)
		return -EINVAL;
	return lock_flock(t, f,
			  op == L_LOCK_SH   ? VLOCK_RD
			  : op == L_LOCK_EX ? VLOCK_WR
					    : VLOCK_UN,
			  (int)a[1] & L_LOCK_NB);
}
