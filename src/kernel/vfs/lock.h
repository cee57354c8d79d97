/* Advisory locks of the machine: POSIX record locks (fcntl F_SETLK...),
 * owned by a process; open file description locks (F_OFD_SETLK...), the
 * same ranges owned by a description; and flock(2) locks, owned by a
 * description. All guest processes live in one host process, whose own host
 * locks could never conflict between them: hexvm keeps the table itself. */
#ifndef HEXVM_KERNEL_VFS_LOCK_H
#define HEXVM_KERNEL_VFS_LOCK_H

#include <stdint.h>

struct task;
struct file;
struct vm;

#define VLOCK_RD 0 /* F_RDLCK, LOCK_SH */
#define VLOCK_WR 1 /* F_WRLCK, LOCK_EX */
#define VLOCK_UN 2 /* F_UNLCK, VLOCK_UN */

/* Who owns a lock. fcntl's two kinds share ranges and conflict with each
 * other; flock's are apart from both. */
enum lock_kind { LOCK_POSIX = 1, LOCK_OFD, LOCK_FLOCK };

struct lock_owner {
	enum lock_kind kind;
	int pid;		/* LOCK_POSIX: the process; else 0 */
	const struct file *ofd; /* LOCK_OFD, LOCK_FLOCK: the description; else NULL */
};

struct lock_range {
	int type;	 /* VLOCK_RD, VLOCK_WR, VLOCK_UN */
	uint64_t start;	 /* first byte */
	uint64_t end;	 /* last byte, UINT64_MAX: to the end of the file, and beyond */
	int pid;	 /* F_GETLK: the owner of a conflicting lock (-1: a description) */
};

/* The file's identity for locking (host dev/ino, or the kernel object's). */
int lock_key(struct file *f, uint64_t *dev, uint64_t *ino);
/* F_GETLK, F_OFD_GETLK: *r becomes the first lock that would block own (or
 * type VLOCK_UN). */
int lock_test(struct vm *vm, struct file *f, const struct lock_owner *own, struct lock_range *r);
/* F_SETLK(W), F_OFD_SETLK(W) (wait: park until it can be had). 0, -EAGAIN,
 * -KERN_EPARK. A description that takes a lock is told to drop it when it
 * goes. */
int64_t lock_set(struct task *t, struct file *f, const struct lock_owner *own,
		 const struct lock_range *r, int wait);
/* flock(2): LOCK_SH/EX/UN with LOCK_NB (nonblock). */
int64_t lock_flock(struct task *t, struct file *f, int op, int nonblock);
/* A process closed a descriptor of the file (or ended): its POSIX locks on
 * it go. A description's last close takes its OFD and flock locks. */
void lock_release_posix(struct vm *vm, int pid, struct file *f);
void lock_release_file(struct vm *vm, struct file *f);
void lock_release_all(struct vm *vm, int pid);

/* One lock as a snapshot holds it. */
struct lock_image {
	struct lock_owner own;
	uint64_t dev, ino;
	int type;
	uint64_t start, end;
};

/* Calls fn for every lock of the table, in table order (the order F_GETLK
 * finds them in). */
void lock_each(struct vm *vm, void (*fn)(void *arg, const struct lock_image *l), void *arg);
/* Appends a lock to the table (restore: in the order lock_each gave);
 * ofd is the owning description for the kinds that have one. 0 or -ENOMEM. */
int lock_restore(struct vm *vm, const struct lock_image *l, struct file *ofd);

#endif
