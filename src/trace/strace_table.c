/* How -s writes each system call: argument kinds by name (sorted, for
 * bsearch), the result's kind, and for calls whose arguments depend on
 * one of them (fcntl, futex, clone ...) a shaping function. A call missing
 * here is written from the trace column of syscalls.tbl. */
#include <stdlib.h>
#include <string.h>

#include "base/compiler.h"
#include "kernel/entry.h"
#include "trace/strace.h"

#define S(name, ret, ...)	   {#name, {__VA_ARGS__}, ret, NULL}
#define SHAPED(name, ret, fn, ...) {#name, {__VA_ARGS__}, ret, fn}

static void set(struct call_shape *s, int n, const uint8_t *kinds)
{
	s->n = n;
	for (int k = 0; k < n; k++) {
		s->kind[k] = kinds[k];
		s->index[k] = (uint8_t)k;
		s->label[k] = NULL;
	}
}

#define SET(s, ...)                                                                                \
	set(s, (int)sizeof((uint8_t[]){__VA_ARGS__}), (const uint8_t[]){__VA_ARGS__})

/* fcntl's third argument is what the command makes of it, or nothing. */
static void shape_fcntl(struct call_shape *s, const struct arg_ctx *x)
{
	switch (x->a[1]) {
	case 1: /* F_GETFD */
	case 3: /* F_GETFL */
	case 9: /* F_GETOWN */
	case 11: /* F_GETSIG */
	case 1025: /* F_GETLEASE */
	case 1032: /* F_GETPIPE_SZ */
	case 1034: /* F_GET_SEALS */
		SET(s, K_FD, K_FCNTL_CMD);
		break;
	case 2: SET(s, K_FD, K_FCNTL_CMD, K_FD_FLAGS); break;
	case 4: SET(s, K_FD, K_FCNTL_CMD, K_O_FLAGS); break;
	case 5: /* F_GETLK */
		SET(s, K_FD, K_FCNTL_CMD, x->is64 ? K_FLOCK64_OUT : K_FLOCK_OUT);
		break;
	case 6:
	case 7: SET(s, K_FD, K_FCNTL_CMD, x->is64 ? K_FLOCK64 : K_FLOCK); break;
	case 12:
	case 36: SET(s, K_FD, K_FCNTL_CMD, K_FLOCK64_OUT); break;
	case 13:
	case 14:
	case 37:
	case 38: SET(s, K_FD, K_FCNTL_CMD, K_FLOCK64); break;
	default: SET(s, K_FD, K_FCNTL_CMD, K_INT); break;
	}
}

/* futex: which arguments an operation reads (strace leaves the rest out). */
static void shape_futex(struct call_shape *s, const struct arg_ctx *x)
{
	unsigned op = (unsigned)x->a[1] & 127;
	uint8_t ts = K_TIMESPEC;
	switch (op) {
	case 0: /* WAIT */
	case 11: SET(s, K_PTR, K_FUTEX_OP, K_INT, ts); break;
	case 1: /* WAKE */
	case 7: SET(s, K_PTR, K_FUTEX_OP, K_INT); break;
	case 3: SET(s, K_PTR, K_FUTEX_OP, K_INT, K_INT, K_PTR); break;
	case 4:
	case 5:
	case 12: SET(s, K_PTR, K_FUTEX_OP, K_INT, K_INT, K_PTR, K_HEX); break;
	case 6:
	case 8:
	case 13: SET(s, K_PTR, K_FUTEX_OP, ts); break;
	case 9: SET(s, K_PTR, K_FUTEX_OP, K_INT, ts, K_SKIP, K_FUTEX_VAL3); break;
	case 10: SET(s, K_PTR, K_FUTEX_OP, K_INT, K_SKIP, K_SKIP, K_FUTEX_VAL3); break;
	default: SET(s, K_PTR, K_FUTEX_OP, K_INT, K_PTR, K_PTR, K_HEX); break;
	}
}

/* futex_time64 is futex with 64-bit times. */
static void shape_futex64(struct call_shape *s, const struct arg_ctx *x)
{
	shape_futex(s, x);
	for (int k = 0; k < s->n; k++)
		if (s->kind[k] == K_TIMESPEC)
			s->kind[k] = K_TIMESPEC64;
}

/* clone's arguments come in another order under i386; strace names them
 * and writes the optional ones only when a flag asks for them. */
static void shape_clone(struct call_shape *s, const struct arg_ctx *x)
{
	static const char *const labels[5] = {"child_stack", "flags", "parent_tid", "tls",
					      "child_tidptr"};
	static const uint8_t kinds[5] = {K_PTR, K_CLONE_FLAGS, K_PTR, K_HEX, K_PTR};
	static const uint64_t needs[5] = {0, 0, 0x100000, 0x80000, 0x1200000};
	/* x86-64: flags, stack, ptid, ctid, tls; i386: flags, stack, ptid, tls, ctid */
	const uint8_t *order = x->abi == ABI_I386 ? (const uint8_t[]){1, 0, 2, 3, 4}
						  : (const uint8_t[]){1, 0, 2, 4, 3};
	s->n = 0;
	for (int k = 0; k < 5; k++) {
		if (needs[k] && !(x->a[0] & needs[k]))
			continue;
		s->kind[s->n] = kinds[k];
		s->index[s->n] = order[k];
		s->label[s->n++] = labels[k];
	}
}

/* prctl: the option, then what it takes. */
static void shape_prctl(struct call_shape *s, const struct arg_ctx *x)
{
	switch (x->a[0]) {
	case 15: SET(s, K_PRCTL_OPTION, K_STR); break;
	case 16: SET(s, K_PRCTL_OPTION, K_NAME_OUT); break;
	case 1: SET(s, K_PRCTL_OPTION, K_SIGNUM); break;
	case 2: SET(s, K_PRCTL_OPTION, K_INT_OUT); break;
	case 3:
	case 37:
	case 39:
	case 42: SET(s, K_PRCTL_OPTION); break;
	case 4:
	case 36:
	case 38: SET(s, K_PRCTL_OPTION, K_ULONG); break;
	default: SET(s, K_PRCTL_OPTION, K_HEX, K_HEX, K_HEX, K_HEX); break;
	}
}

static void shape_arch_prctl(struct call_shape *s, const struct arg_ctx *x)
{
	if (x->a[0] == 0x1003 || x->a[0] == 0x1004)
		SET(s, K_ARCH_PRCTL, K_ADDR_OUT);
	else
		SET(s, K_ARCH_PRCTL, K_HEX);
}

static void shape_ioctl(struct call_shape *s, const struct arg_ctx *x)
{
	switch (x->a[1]) {
	case 0x540f: /* TIOCGPGRP */
	case 0x5429: /* TIOCGSID */
	case 0x541b: /* FIONREAD */
		SET(s, K_FD, K_IOCTL_CMD, K_INT_OUT);
		break;
	case 0x5410: /* TIOCSPGRP */
	case 0x5421: /* FIONBIO */
		SET(s, K_FD, K_IOCTL_CMD, K_INT_PTR);
		break;
	case 0x5450:
	case 0x5451:
	case 0x5422: SET(s, K_FD, K_IOCTL_CMD); break;
	default: SET(s, K_FD, K_IOCTL_CMD, K_PTR); break;
	}
}

/* i386's mmap takes its arguments in memory. */
static void shape_mmap(struct call_shape *s, const struct arg_ctx *x)
{
	if (x->abi == ABI_I386)
		SET(s, K_OLD_MMAP);
	else
		SET(s, K_PTR, K_ULONG, K_PROT, K_MAP_FLAGS, K_FD, K_HEX);
}

static const struct strace_sig sigs[] = {
	S(_llseek, R_DEC, K_FD, K_LLSEEK_OFF, K_LLSEEK_OUT, K_WHENCE),
	S(_newselect, R_SELECT, K_INT, K_FDSET, K_FDSET, K_FDSET, K_TIMEVAL),
	S(accept, R_DEC, K_FD, K_SOCKADDR_OUT, K_SOCKLEN_INOUT),
	S(accept4, R_DEC, K_FD, K_SOCKADDR_OUT, K_SOCKLEN_INOUT, K_SOCK_FLAGS),
	S(access, R_DEC, K_PATH, K_ACCESS),
	S(alarm, R_DEC, K_UINT),
	SHAPED(arch_prctl, R_DEC, shape_arch_prctl),
	S(bind, R_DEC, K_FD, K_SOCKADDR, K_UINT),
	S(brk, R_HEX, K_PTR),
	S(chdir, R_DEC, K_PATH),
	S(chmod, R_DEC, K_PATH, K_OCT),
	S(chown, R_DEC, K_PATH, K_INT, K_INT),
	S(chown32, R_DEC, K_PATH, K_INT, K_INT),
	S(chroot, R_DEC, K_PATH),
	S(clock_getres, R_DEC, K_CLOCK, K_TIMESPEC_OUT),
	S(clock_getres_time64, R_DEC, K_CLOCK, K_TIMESPEC64_OUT),
	S(clock_gettime, R_DEC, K_CLOCK, K_TIMESPEC_OUT),
	S(clock_gettime64, R_DEC, K_CLOCK, K_TIMESPEC64_OUT),
	S(clock_nanosleep, R_DEC, K_CLOCK, K_TIMER_FLAGS, K_TIMESPEC, K_TIMESPEC_OUT),
	S(clock_nanosleep_time64, R_DEC, K_CLOCK, K_TIMER_FLAGS, K_TIMESPEC64, K_TIMESPEC64_OUT),
	SHAPED(clone, R_DEC, shape_clone),
	S(clone3, R_DEC, K_CLONE_ARGS, K_ULONG),
	S(close, R_DEC, K_FD),
	S(close_range, R_DEC, K_UINT, K_UINT, K_CLOSE_RANGE_FLAGS),
	S(connect, R_DEC, K_FD, K_SOCKADDR, K_UINT),
	S(copy_file_range, R_DEC, K_FD, K_PTR, K_FD, K_PTR, K_ULONG, K_UINT),
	S(creat, R_DEC, K_PATH, K_OCT),
	S(dup, R_DEC, K_FD),
	S(dup2, R_DEC, K_FD, K_FD),
	S(dup3, R_DEC, K_FD, K_FD, K_O_FLAGS),
	S(epoll_create, R_DEC, K_INT),
	S(epoll_create1, R_DEC, K_EPOLL_FLAGS),
	S(epoll_ctl, R_DEC, K_FD, K_EPOLL_OP, K_FD, K_EPOLL_EVENT),
	S(epoll_pwait, R_DEC, K_FD, K_EPOLL_EVENTS_OUT, K_INT, K_INT, K_SIGSET, K_ULONG),
	S(epoll_pwait2, R_DEC, K_FD, K_EPOLL_EVENTS_OUT, K_INT, K_TIMESPEC64, K_SIGSET, K_ULONG),
	S(epoll_wait, R_DEC, K_FD, K_EPOLL_EVENTS_OUT, K_INT, K_INT),
	S(eventfd, R_DEC, K_UINT),
	S(eventfd2, R_DEC, K_UINT, K_EFD_FLAGS),
	S(execve, R_EXECVE, K_PATH, K_ARGV, K_ENVP),
	S(execveat, R_EXECVE, K_DIRFD, K_PATH, K_ARGV, K_ENVP, K_AT_FLAGS),
	S(exit, R_EXIT, K_INT),
	S(exit_group, R_EXIT, K_INT),
	S(faccessat, R_DEC, K_DIRFD, K_PATH, K_ACCESS),
	S(faccessat2, R_DEC, K_DIRFD, K_PATH, K_ACCESS, K_AT_FLAGS),
	S(fadvise64, R_DEC, K_FD, K_OFF64, K_ULONG, K_INT),
	S(fadvise64_64, R_DEC, K_FD, K_OFF64, K_OFF64, K_INT),
	S(fallocate, R_DEC, K_FD, K_INT, K_OFF64, K_OFF64),
	S(fchdir, R_DEC, K_FD),
	S(fchmod, R_DEC, K_FD, K_OCT),
	S(fchmodat, R_DEC, K_DIRFD, K_PATH, K_OCT),
	S(fchown, R_DEC, K_FD, K_INT, K_INT),
	S(fchown32, R_DEC, K_FD, K_INT, K_INT),
	S(fchownat, R_DEC, K_DIRFD, K_PATH, K_INT, K_INT, K_AT_FLAGS),
	SHAPED(fcntl, R_FCNTL, shape_fcntl),
	SHAPED(fcntl64, R_FCNTL, shape_fcntl),
	S(fdatasync, R_DEC, K_FD),
	S(flock, R_DEC, K_FD, K_FLOCK_OP),
	S(fork, R_DEC),
	S(fstat, R_DEC, K_FD, K_STAT),
	S(fstat64, R_DEC, K_FD, K_STAT64),
	S(fstatat64, R_DEC, K_DIRFD, K_PATH, K_STAT64, K_AT_FLAGS),
	S(fstatfs, R_DEC, K_FD, K_STATFS_OUT),
	S(fstatfs64, R_DEC, K_FD, K_UINT, K_STATFS64_OUT),
	S(fsync, R_DEC, K_FD),
	S(ftruncate, R_DEC, K_FD, K_LONG),
	S(ftruncate64, R_DEC, K_FD, K_OFF64),
	SHAPED(futex, R_DEC, shape_futex),
	SHAPED(futex_time64, R_DEC, shape_futex64),
	S(get_robust_list, R_DEC, K_INT, K_PTR, K_PTR),
	S(get_thread_area, R_DEC, K_USER_DESC_OUT),
	S(getcwd, R_DEC, K_STR_OUT, K_ULONG),
	S(getdents64, R_DEC, K_FD, K_DENTS, K_UINT),
	S(getgroups, R_DEC, K_INT, K_GROUPS_OUT),
	S(getgroups32, R_DEC, K_INT, K_GROUPS_OUT),
	S(getitimer, R_DEC, K_ITIMER_WHICH, K_ITIMERVAL_OUT),
	S(getpeername, R_DEC, K_FD, K_SOCKADDR_OUT, K_SOCKLEN_INOUT),
	S(getpgid, R_DEC, K_INT),
	S(getrandom, R_DEC, K_RANDOM_OUT, K_ULONG, K_GRND_FLAGS),
	S(getresgid, R_DEC, K_INT_OUT, K_INT_OUT, K_INT_OUT),
	S(getresgid32, R_DEC, K_INT_OUT, K_INT_OUT, K_INT_OUT),
	S(getresuid, R_DEC, K_INT_OUT, K_INT_OUT, K_INT_OUT),
	S(getresuid32, R_DEC, K_INT_OUT, K_INT_OUT, K_INT_OUT),
	S(getrlimit, R_DEC, K_RLIMIT_RES, K_RLIMIT_OUT),
	S(getrusage, R_DEC, K_RUSAGE_WHO, K_RUSAGE_OUT),
	S(getsid, R_DEC, K_INT),
	S(getsockname, R_DEC, K_FD, K_SOCKADDR_OUT, K_SOCKLEN_INOUT),
	S(getsockopt, R_DEC, K_FD, K_SOCKLEVEL, K_SOCKOPT, K_SOCKOPT_OUT, K_SOCKLEN_INOUT),
	S(gettimeofday, R_DEC, K_TIMEVAL_OUT, K_PTR),
	SHAPED(ioctl, R_DEC, shape_ioctl),
	S(kill, R_DEC, K_INT, K_SIGNUM),
	S(lchown, R_DEC, K_PATH, K_INT, K_INT),
	S(lchown32, R_DEC, K_PATH, K_INT, K_INT),
	S(link, R_DEC, K_PATH, K_PATH),
	S(linkat, R_DEC, K_DIRFD, K_PATH, K_DIRFD, K_PATH, K_AT_FLAGS),
	S(listen, R_DEC, K_FD, K_INT),
	S(lseek, R_DEC, K_FD, K_LONG, K_WHENCE),
	S(lstat, R_DEC, K_PATH, K_STAT),
	S(lstat64, R_DEC, K_PATH, K_STAT64),
	S(madvise, R_DEC, K_PTR, K_ULONG, K_MADVISE),
	S(mkdir, R_DEC, K_PATH, K_OCT),
	S(mkdirat, R_DEC, K_DIRFD, K_PATH, K_OCT),
	S(mknod, R_DEC, K_PATH, K_MODE_TYPE, K_DEV),
	S(mknodat, R_DEC, K_DIRFD, K_PATH, K_MODE_TYPE, K_DEV),
	SHAPED(mmap, R_HEX, shape_mmap),
	S(mmap2, R_HEX, K_PTR, K_ULONG, K_PROT, K_MAP_FLAGS, K_FD, K_HEX),
	S(mprotect, R_DEC, K_PTR, K_ULONG, K_PROT),
	S(mremap, R_HEX, K_PTR, K_ULONG, K_ULONG, K_MREMAP_FLAGS, K_PTR),
	S(msync, R_DEC, K_PTR, K_ULONG, K_MSYNC_FLAGS),
	S(munmap, R_DEC, K_PTR, K_ULONG),
	S(nanosleep, R_DEC, K_TIMESPEC, K_TIMESPEC_OUT),
	S(newfstatat, R_DEC, K_DIRFD, K_PATH, K_STAT, K_AT_FLAGS),
	S(open, R_DEC, K_PATH, K_OPEN_FLAGS, K_OPEN_MODE),
	S(openat, R_DEC, K_DIRFD, K_PATH, K_OPEN_FLAGS, K_OPEN_MODE),
	S(pipe, R_DEC, K_PIPEFDS),
	S(pipe2, R_DEC, K_PIPEFDS, K_O_FLAGS),
	S(poll, R_DEC, K_POLLFDS, K_UINT, K_INT),
	S(ppoll, R_DEC, K_POLLFDS, K_UINT, K_TIMESPEC, K_SIGSET, K_ULONG),
	S(ppoll_time64, R_DEC, K_POLLFDS, K_UINT, K_TIMESPEC64, K_SIGSET, K_ULONG),
	SHAPED(prctl, R_DEC, shape_prctl),
	S(pread64, R_DEC, K_FD, K_BUF_OUT, K_ULONG, K_OFF64),
	S(prlimit64, R_DEC, K_INT, K_RLIMIT_RES, K_RLIMIT64, K_RLIMIT64_OUT),
	S(pselect6, R_PSELECT, K_INT, K_FDSET, K_FDSET, K_FDSET, K_TIMESPEC, K_PSELECT_MASK),
	S(pselect6_time64, R_PSELECT64, K_INT, K_FDSET, K_FDSET, K_FDSET, K_TIMESPEC64,
	  K_PSELECT_MASK),
	S(pwrite64, R_DEC, K_FD, K_BUF_IN, K_ULONG, K_OFF64),
	S(read, R_DEC, K_FD, K_BUF_OUT, K_ULONG),
	S(readlink, R_DEC, K_PATH, K_BUF_OUT, K_ULONG),
	S(readlinkat, R_DEC, K_DIRFD, K_PATH, K_BUF_OUT, K_ULONG),
	S(readv, R_DEC, K_FD, K_IOVEC_OUT, K_INT),
	S(recv, R_DEC, K_FD, K_BUF_OUT, K_ULONG, K_MSG_FLAGS),
	S(recvfrom, R_DEC, K_FD, K_BUF_OUT, K_ULONG, K_MSG_FLAGS, K_SOCKADDR_OUT, K_SOCKLEN_INOUT),
	S(recvmsg, R_DEC, K_FD, K_MSGHDR_OUT, K_MSG_FLAGS),
	S(rename, R_DEC, K_PATH, K_PATH),
	S(renameat, R_DEC, K_DIRFD, K_PATH, K_DIRFD, K_PATH),
	S(renameat2, R_DEC, K_DIRFD, K_PATH, K_DIRFD, K_PATH, K_RENAME_FLAGS),
	S(rmdir, R_DEC, K_PATH),
	S(rt_sigaction, R_DEC, K_SIGNUM, K_SIGACTION, K_SIGACTION_OUT, K_ULONG),
	S(rt_sigpending, R_DEC, K_SIGSET_OUT, K_ULONG),
	S(rt_sigprocmask, R_DEC, K_SIGHOW, K_SIGSET, K_SIGSET_OUT, K_ULONG),
	S(rt_sigreturn, R_SIGRETURN, K_MASK_AFTER),
	S(rt_sigsuspend, R_DEC, K_SIGSET, K_ULONG),
	S(rt_sigtimedwait, R_DEC, K_SIGSET, K_SIGINFO_OUT, K_TIMESPEC, K_ULONG),
	S(rt_sigtimedwait_time64, R_DEC, K_SIGSET, K_SIGINFO_OUT, K_TIMESPEC64, K_ULONG),
	S(sched_getaffinity, R_DEC, K_INT, K_UINT, K_CPUSET),
	S(select, R_SELECT, K_INT, K_FDSET, K_FDSET, K_FDSET, K_TIMEVAL),
	S(send, R_DEC, K_FD, K_BUF_IN, K_ULONG, K_MSG_FLAGS),
	S(sendfile, R_DEC, K_FD, K_FD, K_INT_PTR, K_ULONG),
	S(sendfile64, R_DEC, K_FD, K_FD, K_INT_PTR, K_ULONG),
	S(sendmsg, R_DEC, K_FD, K_MSGHDR, K_MSG_FLAGS),
	S(sendto, R_DEC, K_FD, K_BUF_IN, K_ULONG, K_MSG_FLAGS, K_SOCKADDR, K_UINT),
	S(set_robust_list, R_DEC, K_PTR, K_ULONG),
	S(set_thread_area, R_TLS, K_USER_DESC),
	S(set_tid_address, R_DEC, K_PTR),
	S(setgroups, R_DEC, K_INT, K_GROUPS),
	S(setgroups32, R_DEC, K_INT, K_GROUPS),
	S(setitimer, R_DEC, K_ITIMER_WHICH, K_ITIMERVAL, K_ITIMERVAL_OUT),
	S(setrlimit, R_DEC, K_RLIMIT_RES, K_RLIMIT),
	S(setsockopt, R_DEC, K_FD, K_SOCKLEVEL, K_SOCKOPT, K_SOCKOPT_IN, K_UINT),
	S(shutdown, R_DEC, K_FD, K_SHUTDOWN),
	S(sigaltstack, R_DEC, K_STACK_T, K_STACK_T_OUT),
	S(signalfd, R_DEC, K_FD, K_SIGSET, K_ULONG),
	S(signalfd4, R_DEC, K_FD, K_SIGSET, K_ULONG, K_SFD_FLAGS),
	S(sigreturn, R_SIGRETURN, K_MASK_AFTER),
	S(socket, R_DEC, K_DOMAIN, K_SOCKTYPE, K_PROTOCOL),
	S(socketpair, R_DEC, K_DOMAIN, K_SOCKTYPE, K_PROTOCOL, K_PIPEFDS),
	S(splice, R_DEC, K_FD, K_INT64_PTR, K_FD, K_INT64_PTR, K_ULONG, K_SPLICE_FLAGS),
	S(stat, R_DEC, K_PATH, K_STAT),
	S(stat64, R_DEC, K_PATH, K_STAT64),
	S(statfs, R_DEC, K_PATH, K_STATFS_OUT),
	S(statfs64, R_DEC, K_PATH, K_UINT, K_STATFS64_OUT),
	S(statx, R_DEC, K_DIRFD, K_PATH, K_STATX_FLAGS, K_STATX_MASK, K_STATX),
	S(symlink, R_DEC, K_PATH, K_PATH),
	S(symlinkat, R_DEC, K_PATH, K_DIRFD, K_PATH),
	S(sysinfo, R_DEC, K_SYSINFO_OUT),
	S(tee, R_DEC, K_FD, K_FD, K_ULONG, K_SPLICE_FLAGS),
	S(tgkill, R_DEC, K_INT, K_INT, K_SIGNUM),
	S(time, R_DEC, K_PTR),
	S(timer_create, R_DEC, K_CLOCK, K_SIGEVENT, K_INT_OUT),
	S(timer_gettime, R_DEC, K_INT, K_ITIMERSPEC_OUT),
	S(timer_gettime64, R_DEC, K_INT, K_ITIMERSPEC64_OUT),
	S(timer_settime, R_DEC, K_INT, K_TIMER_FLAGS, K_ITIMERSPEC, K_ITIMERSPEC_OUT),
	S(timer_settime64, R_DEC, K_INT, K_TIMER_FLAGS, K_ITIMERSPEC64, K_ITIMERSPEC64_OUT),
	S(timerfd_create, R_DEC, K_CLOCK, K_TFD_FLAGS),
	S(timerfd_gettime, R_DEC, K_FD, K_ITIMERSPEC_OUT),
	S(timerfd_gettime64, R_DEC, K_FD, K_ITIMERSPEC64_OUT),
	S(timerfd_settime, R_DEC, K_FD, K_TFD_SETTIME_FLAGS, K_ITIMERSPEC, K_ITIMERSPEC_OUT),
	S(timerfd_settime64, R_DEC, K_FD, K_TFD_SETTIME_FLAGS, K_ITIMERSPEC64, K_ITIMERSPEC64_OUT),
	S(times, R_DEC, K_TMS_OUT),
	S(tkill, R_DEC, K_INT, K_SIGNUM),
	S(truncate, R_DEC, K_PATH, K_LONG),
	S(truncate64, R_DEC, K_PATH, K_OFF64),
	S(ugetrlimit, R_DEC, K_RLIMIT_RES, K_RLIMIT_OUT),
	S(umask, R_OCT, K_OCT),
	S(uname, R_DEC, K_UTSNAME),
	S(unlink, R_DEC, K_PATH),
	S(unlinkat, R_DEC, K_DIRFD, K_PATH, K_AT_FLAGS),
	S(utimensat, R_DEC, K_DIRFD, K_PATH, K_UTIMENS, K_AT_FLAGS),
	S(utimensat_time64, R_DEC, K_DIRFD, K_PATH, K_UTIMENS64, K_AT_FLAGS),
	S(vfork, R_DEC),
	S(vmsplice, R_DEC, K_FD, K_IOVEC, K_ULONG, K_SPLICE_FLAGS),
	S(wait4, R_DEC, K_INT, K_WAIT_STATUS, K_WAIT_OPTIONS, K_RUSAGE_OUT),
	S(waitid, R_DEC, K_IDTYPE, K_INT, K_SIGINFO_OUT, K_WAIT_OPTIONS, K_PTR),
	S(waitpid, R_DEC, K_INT, K_WAIT_STATUS, K_WAIT_OPTIONS),
	S(write, R_DEC, K_FD, K_BUF_IN, K_ULONG),
	S(writev, R_DEC, K_FD, K_IOVEC, K_INT),
};

static int by_name(const void *key, const void *row)
{
	return strcmp(key, ((const struct strace_sig *)row)->name);
}

const struct strace_sig *strace_sig_find(const char *name)
{
	return bsearch(name, sigs, ARRAY_LEN(sigs), sizeof sigs[0], by_name);
}

int strace_table_sorted(const char **where)
{
	for (size_t k = 1; k < ARRAY_LEN(sigs); k++)
		if (strcmp(sigs[k - 1].name, sigs[k].name) >= 0) {
			*where = sigs[k].name;
			return 0;
		}
	return 1;
}

/* The trace column's letters, for calls without a signature. */
static uint8_t fallback_kind(char letter)
{
	switch (letter) {
	case 'i': return K_INT;
	case 'l': return K_LONG;
	case 'u': return K_ULONG;
	case 'o': return K_OCT;
	case 's': return K_PATH;
	default: return K_HEX;
	}
}

/* Kinds that take two argument registers under i386 (a 64-bit value split
 * in halves), or always (_llseek). */
static int slots(unsigned kind, int abi)
{
	return kind == K_LLSEEK_OFF || (kind == K_OFF64 && abi == ABI_I386) ? 2 : 1;
}

void strace_shape(struct call_shape *s, const struct strace_sig *sig, const char *fallback,
		  const struct arg_ctx *x)
{
	s->ret = sig ? sig->ret : R_DEC;
	if (sig && sig->shape) {
		sig->shape(s, x);
		return;
	}
	s->n = 0;
	for (int k = 0, at = 0; k < STRACE_ARGS && at < STRACE_ARGS; k++) {
		unsigned kind = sig ? sig->kind[k] : fallback[k] ? fallback_kind(fallback[k]) : K_END;
		if (kind == K_END)
			break;
		s->kind[s->n] = (uint8_t)kind;
		s->index[s->n] = (uint8_t)at;
		s->label[s->n++] = NULL;
		at += slots(kind, x->abi);
	}
}
