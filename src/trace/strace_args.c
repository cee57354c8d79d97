/* -s argument printers: numbers, descriptors, strings and data, flags and
 * named constants, as strace writes them. Structures are in
 * strace_structs.c. */
#include <errno.h>

#include "kernel/entry.h"
#include "mem/uaccess.h"
#include "trace/strace.h"
#include "trace/strace_names.h"

#define LINUX_AT_FDCWD_L (-100)
#define ARGV_MAX	 32 /* elements of argv written, as strace's -s */

int strace_read(const struct arg_ctx *x, uint64_t addr, void *buf, unsigned n)
{
	return addr && copy_from_user(x->t->proc->mm, buf, addr, n) == 0;
}

void strace_ptr(struct tbuf *b, uint64_t v)
{
	if (v)
		tb_printf(b, "%#llx", (unsigned long long)v);
	else
		tb_puts(b, "NULL");
}

void strace_path(struct tbuf *b, struct task *t, uint64_t addr)
{
	char buf[4096];
	long n = addr ? strncpy_from_user(t->proc->mm, buf, addr, sizeof buf) : -EFAULT;
	if (n == -EFAULT) {
		strace_ptr(b, addr);
		return;
	}
	tb_quote(b, (const uint8_t *)buf, n < 0 ? sizeof buf - 1 : (size_t)n, n < 0, QUOTE_OCTAL);
}

void strace_string(struct tbuf *b, struct task *t, uint64_t addr)
{
	char buf[STRACE_STRING_CUT + 1];
	long n = addr ? strncpy_from_user(t->proc->mm, buf, addr, sizeof buf) : -EFAULT;
	if (n == -EFAULT) {
		strace_ptr(b, addr);
		return;
	}
	tb_quote(b, (const uint8_t *)buf, n < 0 ? STRACE_STRING_CUT : (size_t)n, n < 0,
		 QUOTE_OCTAL);
}

/* n bytes at addr, the first STRACE_STRING_CUT of them, then "..." */
void strace_data(struct tbuf *b, struct task *t, uint64_t addr, uint64_t n, int style)
{
	uint8_t buf[STRACE_STRING_CUT];
	size_t shown = n < sizeof buf ? (size_t)n : sizeof buf;
	if (copy_from_user(t->proc->mm, buf, addr, shown)) {
		strace_ptr(b, addr);
		return;
	}
	tb_quote(b, buf, shown, n > shown, style);
}

/* strace's sets: [INT TERM], or ~[...] when more than half are in. */
void strace_sigset(struct tbuf *b, uint64_t set)
{
	char name[16];
	int inverted = __builtin_popcountll(set) > 32;
	uint64_t shown = inverted ? ~set : set;
	tb_puts(b, inverted ? "~[" : "[");
	for (int sig = 1, first = 1; sig <= 64; sig++)
		if (shown & (1ull << (sig - 1))) {
			tb_printf(b, "%s%s", first ? "" : " ", signal_name(sig, 1, name, sizeof name));
			first = 0;
		}
	tb_putc(b, ']');
}

static void argv_array(struct tbuf *b, const struct arg_ctx *x, uint64_t addr, int names)
{
	unsigned width = x->is64 ? 8 : 4, n = 0;
	if (!addr) {
		tb_puts(b, "NULL");
		return;
	}
	for (;; n++) {
		uint64_t p = 0;
		if (!strace_read(x, addr + (uint64_t)n * width, &p, width)) {
			tb_printf(b, "%#llx", (unsigned long long)addr);
			return;
		}
		if (!p)
			break;
		if (names && n < ARGV_MAX) {
			tb_puts(b, n ? ", " : "[");
			strace_string(b, x->t, p);
		}
	}
	if (!names)
		tb_printf(b, "%#llx /* %u vars */", (unsigned long long)addr, n);
	else
		tb_puts(b, n == 0 ? "[]" : n > ARGV_MAX ? ", ...]" : "]");
}

static void open_flags_arg(struct tbuf *b, uint64_t v, int access_mode)
{
	uint64_t rest = v & ~3ull;
	if (!access_mode) {
		tb_flags(b, open_flags, v, "0");
		return;
	}
	const char *mode = flag_lookup(open_access, v & 3);
	if (mode)
		tb_puts(b, mode);
	else
		tb_printf(b, "%#llo", (unsigned long long)(v & 3));
	if (rest) {
		tb_putc(b, '|');
		tb_flags(b, open_flags, rest, "0");
	}
}

static void signal_arg(struct tbuf *b, uint64_t v)
{
	char name[16];
	if (signal_name((int)v, 0, name, sizeof name))
		tb_puts(b, name);
	else
		tb_printf(b, "%d", (int)v);
}

/* The exit signal in clone's low byte goes after the flags. */
static void clone_flags_arg(struct tbuf *b, uint64_t v)
{
	int sig = (int)(v & 0xff);
	tb_flags(b, clone_flags, v & ~0xffull, sig ? "" : "0");
	if (sig) {
		if (v & ~0xffull)
			tb_putc(b, '|');
		signal_arg(b, (uint64_t)sig);
	}
}

static void futex_op_arg(struct tbuf *b, uint64_t v)
{
	const char *name = flag_lookup(futex_ops, v & 127);
	if (!name) {
		tb_printf(b, "%#llx", (unsigned long long)v);
		return;
	}
	tb_printf(b, "%s%s%s", name, v & 128 ? "_PRIVATE" : "",
		  v & 256 ? "|FUTEX_CLOCK_REALTIME" : "");
	if (v & ~0x1ffull)
		tb_printf(b, "|%#llx", (unsigned long long)(v & ~0x1ffull));
}

static void socktype_arg(struct tbuf *b, uint64_t v)
{
	tb_enum(b, socket_types, v & 0xf, 1);
	if (v & ~0xfull) {
		tb_putc(b, '|');
		tb_flags(b, socket_type_flags, v & ~0xfull, "0");
	}
}

static void mode_type_arg(struct tbuf *b, uint64_t v)
{
	const char *type = flag_lookup(file_types, v & 0170000);
	if (type)
		tb_printf(b, "%s|%#03llo", type, (unsigned long long)(v & 07777));
	else
		tb_printf(b, "%#03llo", (unsigned long long)v);
}

static void map_flags_arg(struct tbuf *b, uint64_t v)
{
	const char *type = flag_lookup(map_types, v & 3);
	tb_puts(b, type ? type : "0");
	if (v & ~3ull) {
		tb_putc(b, '|');
		tb_flags(b, map_flags, v & ~3ull, "0");
	}
}

/* strace marks a value with no flag it knows with a comment after it */
static void splice_flags_arg(struct tbuf *b, uint64_t v)
{
	static const struct flag_name names[] = {{1, "SPLICE_F_MOVE"},
						 {2, "SPLICE_F_NONBLOCK"},
						 {4, "SPLICE_F_MORE"},
						 {8, "SPLICE_F_GIFT"},
						 {0, NULL}};
	tb_flags(b, names, v, "0");
	if (v && !(v & 15))
		tb_puts(b, " /* SPLICE_F_??? */");
}

/* The simple flag kinds: a table, and what zero is written as. */
static const struct flag_name *flag_table(unsigned kind, const char **zero)
{
	static const struct flag_name epoll_flags[] = {{02000000, "EPOLL_CLOEXEC"}, {0, NULL}};
	static const struct flag_name tfd_flags[] = {
		{02000000, "TFD_CLOEXEC"}, {04000, "TFD_NONBLOCK"}, {0, NULL}};
	static const struct flag_name tfd_settime[] = {
		{1, "TFD_TIMER_ABSTIME"}, {2, "TFD_TIMER_CANCEL_ON_SET"}, {0, NULL}};
	static const struct flag_name sfd_flags[] = {
		{02000000, "SFD_CLOEXEC"}, {04000, "SFD_NONBLOCK"}, {0, NULL}};
	static const struct flag_name close_range[] = {
		{2, "CLOSE_RANGE_UNSHARE"}, {4, "CLOSE_RANGE_CLOEXEC"}, {0, NULL}};

	*zero = "0";
	switch (kind) {
	case K_O_FLAGS: return open_flags;
	case K_AT_FLAGS: return at_flags;
	case K_MREMAP_FLAGS: return mremap_flags;
	case K_MSYNC_FLAGS: return msync_flags;
	case K_WAIT_OPTIONS: return wait_options;
	case K_FD_FLAGS: return fd_flags;
	case K_MSG_FLAGS: return msg_flags;
	case K_SOCK_FLAGS: return socket_type_flags;
	case K_EFD_FLAGS: return efd_flags;
	case K_GRND_FLAGS: return grnd_flags;
	case K_FLOCK_OP: return flock_ops;
	case K_TIMER_FLAGS: return timer_flags;
	case K_STATX_MASK: return statx_masks;
	case K_RENAME_FLAGS: return rename_flags;
	case K_EPOLL_FLAGS: return epoll_flags;
	case K_TFD_FLAGS: return tfd_flags;
	case K_TFD_SETTIME_FLAGS: return tfd_settime;
	case K_SFD_FLAGS: return sfd_flags;
	case K_CLOSE_RANGE_FLAGS: return close_range;
	case K_PROT: *zero = "PROT_NONE"; return prot_flags;
	case K_ACCESS: *zero = "F_OK"; return access_modes;
	default: return NULL;
	}
}

/* The named-value kinds: a table, and whether other values are ints. */
static const struct flag_name *enum_table(unsigned kind, int *as_int)
{
	*as_int = 1;
	switch (kind) {
	case K_IDTYPE: return waitid_types;
	case K_SIGHOW: return sigprocmask_how;
	case K_CLOCK: return clock_ids;
	case K_WHENCE: return whences;
	case K_FCNTL_CMD: return fcntl_cmds;
	case K_PRCTL_OPTION: return prctl_options;
	case K_DOMAIN: return socket_domains;
	case K_SHUTDOWN: return shutdown_how;
	case K_SOCKLEVEL: return socket_levels;
	case K_SOCKOPT: return socket_options;
	case K_RLIMIT_RES: return rlimit_resources;
	case K_EPOLL_OP: return epoll_ops;
	case K_ITIMER_WHICH: return itimer_which;
	case K_RUSAGE_WHO: return rusage_who;
	case K_MADVISE: return madvise_advice;
	case K_IOCTL_CMD: *as_int = 0; return ioctl_cmds;
	case K_ARCH_PRCTL: *as_int = 0; return arch_prctl_codes;
	default: return NULL;
	}
}

/* The protocol is named for internet sockets only, as strace does. */
static void protocol_arg(struct tbuf *b, const struct arg_ctx *x, uint64_t v)
{
	int domain = (int)x->a[0];
	if (domain == 2 || domain == 10)
		tb_enum(b, ip_protocols, v, 1);
	else
		tb_printf(b, "%d", (int)v);
}

static void fd_arg(struct tbuf *b, uint64_t v, int dirfd)
{
	if (dirfd && (int)v == LINUX_AT_FDCWD_L)
		tb_puts(b, "AT_FDCWD");
	else
		tb_printf(b, "%d", (int)v);
}

/* The kinds that are one number and nothing else. */
static int number_arg(struct tbuf *b, const struct arg_ctx *x, unsigned kind, uint64_t v)
{
	switch (kind) {
	case K_INT: tb_printf(b, "%d", (int)v); return 1;
	case K_UINT: tb_printf(b, "%u", (unsigned)v); return 1;
	case K_LONG:
		tb_printf(b, "%lld", x->is64 ? (long long)v : (long long)(int32_t)v);
		return 1;
	case K_ULONG: tb_printf(b, "%llu", (unsigned long long)v); return 1;
	case K_OCT: tb_printf(b, "%#03llo", (unsigned long long)v); return 1;
	case K_PTR: strace_ptr(b, v); return 1;
	case K_HEX:
		tb_printf(b, v ? "%#llx" : "0", (unsigned long long)v);
		return 1;
	case K_FD:
	case K_DIRFD: fd_arg(b, v, kind == K_DIRFD); return 1;
	case K_DEV: tb_printf(b, "makedev(%#llx, %#llx)", (unsigned long long)((v >> 8) & 0xfff),
			      (unsigned long long)((v & 0xff) | ((v >> 12) & 0xfff00)));
		return 1;
	default: return 0;
	}
}

/* Kinds written from the argument's value alone. */
static int value_arg(struct tbuf *b, const struct arg_ctx *x, unsigned kind, uint64_t v)
{
	const char *zero;
	int as_int;
	const struct flag_name *names;
	if (number_arg(b, x, kind, v))
		return 1;
	if ((names = flag_table(kind, &zero))) {
		tb_flags(b, names, v, zero);
		return 1;
	}
	if ((names = enum_table(kind, &as_int))) {
		tb_enum(b, names, v, as_int);
		return 1;
	}
	switch (kind) {
	case K_OPEN_FLAGS: open_flags_arg(b, v, 1); return 1;
	case K_SPLICE_FLAGS: splice_flags_arg(b, v); return 1;
	case K_MAP_FLAGS: map_flags_arg(b, v); return 1;
	case K_CLONE_FLAGS: clone_flags_arg(b, v); return 1;
	case K_SIGNUM: signal_arg(b, v); return 1;
	case K_FUTEX_OP: futex_op_arg(b, v); return 1;
	case K_SOCKTYPE: socktype_arg(b, v); return 1;
	case K_MODE_TYPE: mode_type_arg(b, v); return 1;
	case K_STATX_FLAGS:
		tb_puts(b, (v & 0x6000) == 0x2000   ? "AT_STATX_FORCE_SYNC"
			   : (v & 0x6000) == 0x4000 ? "AT_STATX_DONT_SYNC"
						    : "AT_STATX_SYNC_AS_STAT");
		if (v & ~0x6000ull) {
			tb_putc(b, '|');
			tb_flags(b, at_flags, v & ~0x6000ull, "0");
		}
		return 1;
	case K_PROTOCOL: protocol_arg(b, x, v); return 1;
	case K_FUTEX_VAL3:
		tb_printf(b, (uint32_t)v == 0xffffffffu ? "FUTEX_BITSET_MATCH_ANY" : "%#x",
			  (unsigned)v);
		return 1;
	default: return 0;
	}
}

/* The output data kinds, once the call succeeded. */
static void output_arg(struct tbuf *b, const struct arg_ctx *x, unsigned kind, uint64_t v)
{
	switch (kind) {
	case K_BUF_OUT: strace_data(b, x->t, v, (uint64_t)x->ret, QUOTE_OCTAL); break;
	case K_RANDOM_OUT: strace_data(b, x->t, v, (uint64_t)x->ret, QUOTE_HEX); break;
	case K_STR_OUT: strace_string(b, x->t, v); break;
	default: break;
	}
}

int strace_arg(struct tbuf *b, const struct arg_ctx *x, unsigned kind, unsigned index)
{
	uint64_t v = index < STRACE_ARGS ? x->a[index] : 0;
	if (kind == K_SKIP)
		return 0;
	if (kind == K_OPEN_MODE && !(x->a[index - 1] & 020000100 /* O_CREAT, O_TMPFILE */))
		return 0;
	if (kind == K_OPEN_MODE)
		kind = K_OCT;
	if (kind == K_OFF64 || kind == K_LLSEEK_OFF) {
		/* halves in two arguments: i386's low-high, _llseek's high-low */
		if (kind == K_LLSEEK_OFF)
			v = v << 32 | (uint32_t)x->a[index + 1];
		else if (x->abi == ABI_I386)
			v = (uint32_t)v | x->a[index + 1] << 32;
		tb_printf(b, "%lld", (long long)v);
		return 1;
	}
	/* in-out arguments write their entry value when the call failed */
	int inout = kind == K_SOCKLEN_INOUT || kind == K_MSGHDR_OUT;
	if (kind >= K_FIRST_OUT && kind != K_MASK_AFTER && !inout && (x->failed || !v)) {
		strace_ptr(b, v);
		return 1;
	}
	switch (kind) {
	case K_PATH: strace_path(b, x->t, v); return 1;
	case K_STR: strace_string(b, x->t, v); return 1;
	case K_BUF_IN: strace_data(b, x->t, v, x->a[index + 1], QUOTE_OCTAL); return 1;
	case K_ARGV: argv_array(b, x, v, 1); return 1;
	case K_ENVP: argv_array(b, x, v, 0); return 1;
	case K_BUF_OUT:
	case K_RANDOM_OUT:
	case K_STR_OUT: output_arg(b, x, kind, v); return 1;
	default: break;
	}
	if (!value_arg(b, x, kind, v))
		strace_struct(b, x, kind, index);
	return 1;
}
