/* The -s system call trace: how each call's arguments and result are
 * written (the signature table in strace_table.c, the argument printers in
 * strace_args.c and strace_structs.c), and the line assembly (strace.c). */
#ifndef HEXVM_TRACE_STRACE_H
#define HEXVM_TRACE_STRACE_H

#include <stdint.h>

#include "kernel/vm.h"
#include "trace/tbuf.h"

#define STRACE_STRING_CUT 32 /* strace's default -s: data and strings, not paths */

/* How an argument is written. Kinds from K_FIRST_OUT on are filled in by
 * the call: they are written after it returns (as an address when it
 * failed), as strace does. */
enum arg_kind {
	K_END, /* no more arguments */
	K_INT,
	K_UINT,
	K_LONG,
	K_ULONG,
	K_HEX,
	K_PTR,
	K_OCT,
	K_FD,
	K_DIRFD,
	K_PATH,
	K_STR,
	K_BUF_IN, /* data whose length is the next argument */
	K_ARGV,
	K_ENVP,
	K_OPEN_FLAGS,
	K_OPEN_MODE, /* written only when the flags before it create a file */
	K_O_FLAGS,   /* open flags without an access mode (pipe2, dup3) */
	K_ACCESS,
	K_AT_FLAGS,
	K_PROT,
	K_MAP_FLAGS,
	K_MREMAP_FLAGS,
	K_MSYNC_FLAGS,
	K_MADVISE,
	K_CLONE_FLAGS,
	K_WAIT_OPTIONS,
	K_IDTYPE,
	K_SIGNUM,
	K_SIGHOW,
	K_CLOCK,
	K_WHENCE,
	K_FCNTL_CMD,
	K_FD_FLAGS,
	K_IOCTL_CMD,
	K_PRCTL_OPTION,
	K_FUTEX_OP,
	K_FUTEX_VAL3, /* a bitset: FUTEX_BITSET_MATCH_ANY */
	K_ARCH_PRCTL,
	K_DOMAIN,
	K_SOCKTYPE,
	K_PROTOCOL, /* named for the domain in the first argument */
	K_SHUTDOWN,
	K_SOCKLEVEL,
	K_SOCKOPT,
	K_MSG_FLAGS,
	K_SOCK_FLAGS,
	K_RLIMIT_RES,
	K_EPOLL_OP,
	K_EFD_FLAGS,
	K_GRND_FLAGS,
	K_FLOCK_OP,
	K_TIMER_FLAGS,
	K_ITIMER_WHICH,
	K_RUSAGE_WHO,
	K_STATX_MASK,
	K_RENAME_FLAGS,
	K_EPOLL_FLAGS,
	K_TFD_FLAGS,
	K_TFD_SETTIME_FLAGS,
	K_SFD_FLAGS,
	K_CLOSE_RANGE_FLAGS,
	K_SPLICE_FLAGS,
	K_STATX_FLAGS, /* the sync type first, then AT_* */
	K_USER_DESC,   /* set_thread_area's struct user_desc */
	K_MODE_TYPE, /* mknod: S_IFIFO|0644 */
	K_DEV,
	K_SIGSET,
	K_SIGACTION,
	K_TIMESPEC, /* long-sized fields: the calls without _time64 */
	K_TIMESPEC64,
	K_ITIMERSPEC,
	K_ITIMERSPEC64,
	K_ITIMERVAL,
	K_IOVEC,    /* count is the next argument */
	K_SOCKADDR, /* length is the next argument */
	K_POLLFDS,  /* count is the next argument */
	K_EPOLL_EVENT,
	K_RLIMIT64,
	K_RLIMIT, /* long-sized (setrlimit) */
	K_INT_PTR, /* an int passed by address: [5] */
	K_INT64_PTR, /* a 64-bit one (splice's loff_t): [5] */
	K_STACK_T,
	K_CLONE_ARGS, /* clone3; size is the next argument */
	K_FLOCK,
	K_FLOCK64,
	K_OFF64,      /* 64-bit; two arguments (low, high) under i386 */
	K_LLSEEK_OFF, /* _llseek's two arguments, high then low */
	K_OLD_MMAP,   /* i386's mmap: its six arguments in memory */
	K_TIMEVAL,    /* long-sized fields (select) */
	K_FDSET,      /* select's sets: the first argument counts the descriptors */
	K_PSELECT_MASK, /* pselect6's {sigset, size} */
	K_MSGHDR,     /* sendmsg */
	K_SOCKOPT_IN, /* setsockopt's value: length is the next argument */
	K_UTIMENS,    /* long-sized timespecs (utimensat) */
	K_UTIMENS64,
	K_SIGEVENT,
	K_GROUPS, /* setgroups: count is the first argument */
	K_SKIP,	      /* an argument the call ignores */
	K_FIRST_OUT,
	K_BUF_OUT = K_FIRST_OUT, /* length: the result */
	K_STR_OUT,		 /* NUL-terminated (getcwd) */
	K_STAT,
	K_STAT64,
	K_STATX,
	K_TIMESPEC_OUT,
	K_TIMESPEC64_OUT,
	K_TIMEVAL_OUT,
	K_ITIMERSPEC_OUT,
	K_ITIMERSPEC64_OUT,
	K_ITIMERVAL_OUT,
	K_SIGSET_OUT,
	K_SIGACTION_OUT,
	K_STACK_T_OUT,
	K_IOVEC_OUT, /* readv: the data read, by the result */
	K_PIPEFDS,
	K_WAIT_STATUS,
	K_INT_OUT,
	K_LLSEEK_OUT,
	K_ADDR_OUT,
	K_UTSNAME,
	K_RLIMIT64_OUT,
	K_RLIMIT_OUT, /* long-sized (getrlimit, ugetrlimit) */
	K_DENTS,
	K_SIGINFO_OUT,
	K_RANDOM_OUT,
	K_NAME_OUT, /* PR_GET_NAME: 16 bytes */
	K_CPUSET,
	K_EPOLL_EVENTS_OUT,
	K_FLOCK_OUT,
	K_FLOCK64_OUT,
	K_USER_DESC_OUT,
	K_MSGHDR_OUT,	 /* recvmsg */
	K_SOCKADDR_OUT,	 /* length: what the next argument holds after the call */
	K_SOCKLEN_INOUT, /* [in => out], or [in] when the call failed */
	K_SOCKOPT_OUT,	 /* getsockopt's value: length from the next argument */
	K_RUSAGE_OUT,
	K_TMS_OUT,
	K_SYSINFO_OUT,
	K_GROUPS_OUT, /* count: the result */
	K_STATFS_OUT,	/* long-sized fields */
	K_STATFS64_OUT, /* i386's statfs64: 32-bit type and sizes, 64-bit counts */
	K_MASK_AFTER, /* no argument: the signal mask sigreturn restored */
};

/* How the result is written. */
enum ret_kind {
	R_DEC,
	R_HEX,
	R_OCT,
	R_FCNTL,
	R_EXIT,
	R_EXECVE,
	R_SIGRETURN,
	R_TLS,
	R_SELECT,    /* the ready sets and the time left, long-sized timeval */
	R_PSELECT,   /* ... long-sized timespec */
	R_PSELECT64, /* ... 64-bit timespec */
};

#define STRACE_ARGS 6

struct arg_ctx {
	struct task *t;
	const uint64_t *a; /* the call's arguments */
	int abi;	   /* enum syscall_abi */
	int is64;	   /* longs and pointers are 64-bit */
	int64_t ret;	   /* once the call returned */
	int failed;	   /* it returned an error: outputs are not written */
	const uint32_t *entry; /* in-out arguments at the entry (strace_entry_value) */
};

/* The arguments one call is written with: kinds, and for calls whose
 * shape depends on an argument (fcntl, futex, clone ...), the order and
 * labels a shaping function chose. */
struct call_shape {
	uint8_t kind[STRACE_ARGS];
	uint8_t index[STRACE_ARGS]; /* which argument */
	const char *label[STRACE_ARGS];
	int n;
	int ret;
};

struct strace_sig {
	const char *name;
	uint8_t kind[STRACE_ARGS];
	uint8_t ret;
	void (*shape)(struct call_shape *s, const struct arg_ctx *x);
};

/* The signature of a call by name, or NULL (strace_table.c). */
const struct strace_sig *strace_sig_find(const char *name);
/* 1 when the table is in bsearch order, else 0 with the first name out of it. */
int strace_table_sorted(const char **where);
/* The shape of the call being entered, from its signature or, with none,
 * from the table's trace column (i l u x o p s). */
void strace_shape(struct call_shape *s, const struct strace_sig *sig, const char *fallback,
		  const struct arg_ctx *x);

/* Writes one argument (strace_args.c); 0 when this call leaves it out
 * (an open mode without O_CREAT). */
int strace_arg(struct tbuf *b, const struct arg_ctx *x, unsigned kind, unsigned index);
/* Writes " = result" with an error's name and text, as strace does. */
void strace_result(struct tbuf *b, const struct arg_ctx *x, int ret_kind);

/* Guest strings and data (strace_args.c): a path in full, a string cut at
 * STRACE_STRING_CUT, n bytes of data cut there; an address that cannot be
 * read is written as a number. */
void strace_path(struct tbuf *b, struct task *t, uint64_t addr);
void strace_string(struct tbuf *b, struct task *t, uint64_t addr);
void strace_data(struct tbuf *b, struct task *t, uint64_t addr, uint64_t n, int style);
void strace_ptr(struct tbuf *b, uint64_t v);
void strace_sigset(struct tbuf *b, uint64_t set);
int strace_read(const struct arg_ctx *x, uint64_t addr, void *buf, unsigned n);

/* A structure argument, read from guest memory (strace_structs.c). */
void strace_struct(struct tbuf *b, const struct arg_ctx *x, unsigned kind, unsigned index);
/* Shared by the structure printers: n bytes at addr, or the address
 * written and 0; a timespec/timeval at p (`wide`: 64-bit fields); a socket
 * address of len bytes; an iovec array (`done`: the data the result
 * counts). */
int strace_fetch(struct tbuf *b, const struct arg_ctx *x, uint64_t addr, void *buf, unsigned n);
void strace_time_pair(struct tbuf *b, const uint8_t *p, int wide, const char *sub);
void strace_sockaddr(struct tbuf *b, const struct arg_ctx *x, uint64_t addr, uint64_t len);
void strace_iovec(struct tbuf *b, const struct arg_ctx *x, uint64_t addr, uint64_t count,
		  int done);

/* Socket structures (strace_sock.c), select's sets (strace_select.c) and
 * accounting, identity and timer structures (strace_usage.c): 1 when
 * `kind` is theirs and written. */
int strace_sock_struct(struct tbuf *b, const struct arg_ctx *x, unsigned kind, unsigned index);
int strace_select_struct(struct tbuf *b, const struct arg_ctx *x, unsigned kind, unsigned index);
int strace_usage_struct(struct tbuf *b, const struct arg_ctx *x, unsigned kind, unsigned index);
/* The value an in-out argument of `kind` has at the call's entry, kept
 * for its line at the return (strace_sock.c). */
uint32_t strace_entry_value(const struct arg_ctx *x, unsigned kind, unsigned index);
/* " = N (in [3], left {...})" (strace_select.c). */
void strace_select_result(struct tbuf *b, const struct arg_ctx *x, int ret_kind);
void strace_siginfo(struct tbuf *b, const struct siginfo_k *info);

#endif
