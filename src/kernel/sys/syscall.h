/* System call handlers: one signature for every call and ABI. */
#ifndef HEXVM_KERNEL_SYS_SYSCALL_H
#define HEXVM_KERNEL_SYS_SYSCALL_H

#include <stdint.h>

#include "kernel/vm.h"

/* Arguments in ABI order, zero-extended from the registers (32-bit for i386). */
typedef int64_t syscall_fn(struct task *t, const uint64_t *a);

/* Returned by handlers that set the registers themselves (sigreturn, execve). */
#define SYSCALL_REGS_SET INT64_MIN

#define SYSCALL(name, nr64, nr32, handler, fmt) syscall_fn sys_##handler;
#include "kernel/sys/syscalls.tbl"
#undef SYSCALL

struct syscall_desc {
	const char *name;
	syscall_fn *fn;
	const char *fmt;
};

/* The row for number nr under the task's ABI, or NULL. */
const struct syscall_desc *syscall_lookup(int abi, uint64_t nr);

/* A signed argument: i386 arguments are 32-bit and sign-extend. */
static inline int64_t sys_sarg(const struct task *t, uint64_t v)
{
	return t->proc->mode64 ? (int64_t)v : (int64_t)(int32_t)v;
}

static inline int sys_is64(const struct task *t) { return t->proc->mode64; }

/* Reads a guest timespec (64-bit fields when wide, else i386's 32-bit ones)
 * as nanoseconds; -EFAULT, or -EINVAL when it is not a valid time. */
int sys_get_timespec(struct task *t, uint64_t addr, int64_t *ns, int wide);

/* What a clock id is used for (sys_time.c): clock_gettime, clock_getres
 * (which does not take a thread id for its process, as gettime does),
 * clock_nanosleep, timer_create. */
enum clock_use { CLOCK_USE_GET, CLOCK_USE_RES, CLOCK_USE_SLEEP, CLOCK_USE_TIMER };
/* 0 when t may use clock id so, else Linux's answer: -EINVAL (no such
 * clock, or a CPU clock naming no thread or process t may use; for a sleep
 * that is found later, after the time is read) or -EOPNOTSUPP (a clock that
 * cannot be slept on or timed). */
int sys_clock_usable(const struct task *t, int64_t id, enum clock_use use);
/* The time on clock id, and its resolution: a clock t may read. */
int64_t sys_clock_read(const struct task *t, int64_t id);
int64_t sys_clock_resolution(const struct task *t, int64_t id);

struct file;
/* n bytes (a result: nothing when <= 0) were written to host file f at
 * offset at (-1: ending at its host offset now), or (n == -1) it was
 * truncated to length at: decoded code in private mappings of it that
 * show those bytes is dropped (sys_file.c). */
/* What waiters on the futex word at addr of mm park on: in a shared
 * mapping, the word's place in the host object behind it (every process
 * mapping it meets there, wherever its window and the mapping lie, as Linux
 * keys shared futexes by inode and offset), an odd value; else the word's
 * host address. */
const void *sys_futex_key(struct mm *mm, uint64_t addr);
void sys_host_file_changed(struct task *t, const struct file *f, int64_t at, int64_t n);
/* Installs the guest sigset at umask (size bytes, which must be 8) as the
 * mask while the call waits; the old one comes back at the return to user
 * mode, after any handler it let through (sigsuspend, ppoll, pselect6,
 * epoll_pwait). */
int64_t sys_wait_mask(struct task *t, uint64_t umask, uint64_t size);
/* The host socket behind guest descriptor fd (sys_socket.c): NULL with
 * -EBADF or -ENOTSOCK in *err. */
struct file *socket_of(struct task *t, int fd, int64_t *err);
/* fork's and clone's copy of a thread's scheduling parameters (sys_sched.c). */
void sched_params_fork(struct task *child, const struct task *parent);
/* fcntl's lock commands (sys_lock.c). */
int64_t fcntl_lock(struct task *t, struct file *f, int cmd, uint64_t uarg);

#endif
