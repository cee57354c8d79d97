/* Advisory locks of the machine: POSIX record locks (fcntl F_SETLK...),
 * owned by a process, and flock(2) locks, owned by an open file
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

struct lock_range {
	int type;	 /* VLOCK_RD, VLOCK_WR, VLOCK_UN */
	uint64_t start;	 /* first byte */
	uint64_t end;	 /* last byte, UINT64_MAX: to the end of the file, and beyond */
	int pid;	 /* F_GETLK: the owner of a conflicting lock */
};

/* The file's identity for locking (host dev/ino, or the kernel object's). */
int lock_key(struct file *f, uint64_t *dev, uint64_t *ino);
/* F_GETLK: *r becomes the first lock that would block it (or type VLOCK_UN). */
int lock_test(struct task *t, struct file *f, struct lock_range *r);
/* F_SETLK / F_SETLKW (wait: park until it can be had). 0, -EAGAIN, -KERN_EPARK. */
int64_t lock_set(struct task *t, struct file *f, const struct lock_range *r, int wait);
/* flock(2): LOCK_SH/EX/UN with LOCK_NB (nonblock). */
int64_t lock_flock(struct task *t, struct file *f, int op, int nonblock);
/* A process closed a descriptor of the file (or ended): its POSIX locks on
 * it go. A description's last close takes its flock. */
void lock_release_posix(struct vm *vm, int pid, struct file *f);
void lock_release_file(struct vm *vm, struct file *f);
void lock_release_all(struct vm *vm, int pid);

#endif
