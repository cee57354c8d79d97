/* The machine's advisory lock table: a list of (file, owner, range, type);
 * a wait parks on the table and looks again after any release. */
#include "kernel/vfs/lock.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "kernel/task/sched.h"
#include "kernel/task/timer.h"
#include "kernel/vfs/file.h"
#include "kernel/vm.h"

struct lock {
	uint64_t dev, ino;
	struct lock_owner own;
	int type;
	uint64_t start, end;
	struct lock *next;
};

int lock_key(struct file *f, uint64_t *dev, uint64_t *ino)
{
	struct stat st;
	int rc = f->ops ? (f->ops->stat ? f->ops->stat(f, &st) : -EBADF)
			: (fstat(f->host_fd, &st) < 0 ? -errno : 0);
	if (rc)
		return rc;
	*dev = (uint64_t)st.st_dev;
	*ino = (uint64_t)st.st_ino;
	return 0;
}

static int overlaps(const struct lock *l, uint64_t start, uint64_t end)
{
	return l->start <= end && start <= l->end;
}

static int same_owner(const struct lock_owner *a, const struct lock_owner *b)
{
	return a->kind == b->kind && a->pid == b->pid && a->ofd == b->ofd;
}

/* fcntl's locks (POSIX and OFD) meet each other, flock's only flock's. */
static int same_class(enum lock_kind a, enum lock_kind b)
{
	return (a == LOCK_FLOCK) == (b == LOCK_FLOCK);
}

/* The first lock of another owner that a lock of `type` over the range
 * would conflict with. */
static struct lock *conflict(struct vm *vm, uint64_t dev, uint64_t ino,
			     const struct lock_owner *own, int type, uint64_t start, uint64_t end)
{
	for (struct lock *l = vm->locks; l; l = l->next)
		if (l->dev == dev && l->ino == ino && !same_owner(&l->own, own) &&
		    same_class(l->own.kind, own->kind) && overlaps(l, start, end) &&
		    (type == VLOCK_WR || l->type == VLOCK_WR))
			return l;
	return NULL;
}

static struct lock *add(struct vm *vm, const struct lock *tmpl, uint64_t start, uint64_t end)
{
	struct lock *l = malloc(sizeof *l);
	if (!l)
		return NULL;
	*l = *tmpl;
	l->start = start;
	l->end = end;
	l->next = vm->locks;
	vm->locks = l;
	return l;
}

/* Cuts [start, end] out of the owner's locks, keeping what lies outside. */
static int carve(struct vm *vm, const struct lock *own, uint64_t start, uint64_t end)
{
	for (struct lock **pp = &vm->locks; *pp;) {
		struct lock *l = *pp;
		if (l->dev != own->dev || l->ino != own->ino || !same_owner(&l->own, &own->own) ||
		    !overlaps(l, start, end)) {
			pp = &l->next;
			continue;
		}
		if (l->start < start && l->end > end && !add(vm, l, end + 1, l->end))
			return -ENOLCK;
		if (l->start < start) {
			l->end = start - 1;
			pp = &l->next;
		} else if (l->end > end) {
			l->start = end + 1;
			pp = &l->next;
		} else {
			*pp = l->next;
			free(l);
		}
	}
	sched_wake(vm, &vm->locks);
	return 0;
}

int lock_test(struct vm *vm, struct file *f, const struct lock_owner *own, struct lock_range *r)
{
	uint64_t dev, ino;
	int rc = lock_key(f, &dev, &ino);
	if (rc)
		return rc;
	struct lock *l = conflict(vm, dev, ino, own, r->type, r->start, r->end);
	if (!l) {
		r->type = VLOCK_UN;
		return 0;
	}
	*r = (struct lock_range){l->type, l->start, l->end,
				 l->own.kind == LOCK_POSIX ? l->own.pid : -1};
	return 0;
}

static int64_t take(struct task *t, const struct lock *own, int type, uint64_t start,
		    uint64_t end, int wait)
{
	struct vm *vm = t->vm;
	if (type == VLOCK_UN)
		return carve(vm, own, start, end);
	if (conflict(vm, own->dev, own->ino, &own->own, type, start, end))
		return wait ? sched_park(t, &vm->locks, -KERN_ERESTARTSYS) : -EAGAIN;
	int rc = carve(vm, own, start, end);
	if (rc)
		return rc;
	struct lock tmpl = *own;
	tmpl.type = type;
	return add(vm, &tmpl, start, end) ? 0 : -ENOLCK;
}

/* A description that owns locks drops them when it goes. */
static void owns_locks(struct vm *vm, struct file *f)
{
	f->lock_vm = vm;
	f->unlock = lock_release_file;
}

int64_t lock_set(struct task *t, struct file *f, const struct lock_owner *own,
		 const struct lock_range *r, int wait)
{
	struct lock l = {.own = *own};
	int rc = lock_key(f, &l.dev, &l.ino);
	if (!rc && own->ofd)
		owns_locks(t->vm, f);
	return rc ? rc : take(t, &l, r->type, r->start, r->end, wait);
}

int64_t lock_flock(struct task *t, struct file *f, int op, int nonblock)
{
	struct lock_owner own = {LOCK_FLOCK, 0, f};
	struct lock_range r = {op, 0, UINT64_MAX, 0};
	return lock_set(t, f, &own, &r, !nonblock);
}

static void drop_where(struct vm *vm, int (*match)(const struct lock *, const void *),
		       const void *arg)
{
	int dropped = 0;
	for (struct lock **pp = &vm->locks; *pp;) {
		struct lock *l = *pp;
		if (match(l, arg)) {
			*pp = l->next;
			free(l);
			dropped = 1;
		} else {
			pp = &l->next;
		}
	}
	if (dropped)
		sched_wake(vm, &vm->locks);
}

struct posix_owner {
	int pid;
	uint64_t dev, ino;
	int any_file;
};

static int posix_match(const struct lock *l, const void *arg)
{
	const struct posix_owner *o = arg;
	return l->own.kind == LOCK_POSIX && l->own.pid == o->pid &&
	       (o->any_file || (l->dev == o->dev && l->ino == o->ino));
}

static int ofd_match(const struct lock *l, const void *arg) { return l->own.ofd == arg; }

void lock_release_posix(struct vm *vm, int pid, struct file *f)
{
	struct posix_owner o = {pid, 0, 0, 0};
	int mine = 0;
	for (struct lock *l = vm->locks; l && !mine; l = l->next)
		mine = l->own.kind == LOCK_POSIX && l->own.pid == pid;
	if (mine && lock_key(f, &o.dev, &o.ino) == 0) /* (nothing to look up otherwise) */
		drop_where(vm, posix_match, &o);
}

void lock_release_file(struct vm *vm, struct file *f)
{
	if (vm->locks)
		drop_where(vm, ofd_match, f);
}

void lock_release_all(struct vm *vm, int pid)
{
	struct posix_owner o = {pid, 0, 0, 1};
	if (vm->locks)
		drop_where(vm, posix_match, &o);
}

void lock_each(struct vm *vm, void (*fn)(void *arg, const struct lock_image *l), void *arg)
{
	for (const struct lock *l = vm->locks; l; l = l->next) {
		struct lock_image img = {l->own, l->dev, l->ino, l->type, l->start, l->end};
		fn(arg, &img);
	}
}

int lock_restore(struct vm *vm, const struct lock_image *img, struct file *ofd)
{
	struct lock *l = malloc(sizeof *l), **pp = &vm->locks;
	if (!l)
		return -ENOMEM;
	*l = (struct lock){img->dev, img->ino, img->own, img->type, img->start, img->end, NULL};
	l->own.ofd = ofd;
	if (ofd)
		owns_locks(vm, ofd);
	while (*pp)
		pp = &(*pp)->next;
	*pp = l;
	return 0;
}
