/* -s structure printers: read from guest memory at the call's ABI layout
 * (kernel/abi/layout.h; "long" fields are 8 bytes for x86-64 guests and 4
 * for i386) and written briefly, as strace does without -v. */
#include <stdio.h>
#include <string.h>

#include "kernel/abi/layout.h"
#include "kernel/entry.h"
#include "trace/strace.h"
#include "trace/strace_names.h"

#define RLIM64_INF  (~0ull)
#define IOV_MAX_SHOWN 32

/* Reads n bytes at addr, or writes the address and returns 0. */
int strace_fetch(struct tbuf *b, const struct arg_ctx *x, uint64_t addr, void *buf, unsigned n)
{
	if (strace_read(x, addr, buf, n))
		return 1;
	strace_ptr(b, addr);
	return 0;
}

static int64_t get_slong(const uint8_t *p, unsigned off, int wide)
{
	return wide ? (int64_t)get64(p, off) : (int64_t)(int32_t)get32(p, off);
}

/* A timespec or timeval at p; `wide`: 64-bit fields. */
void strace_time_pair(struct tbuf *b, const uint8_t *p, int wide, const char *sub)
{
	tb_printf(b, "{tv_sec=%lld, tv_%s=%lld}", (long long)get_slong(p, 0, wide), sub,
		  (long long)get_slong(p, wide ? 8 : 4, wide));
}

static void timespec_at(struct tbuf *b, const struct arg_ctx *x, uint64_t addr, int wide,
			const char *sub)
{
	uint8_t raw[16];
	if (strace_fetch(b, x, addr, raw, wide ? 16 : 8))
		strace_time_pair(b, raw, wide, sub);
}

/* itimerspec / itimerval: interval, then value */
static void timer_pair(struct tbuf *b, const struct arg_ctx *x, uint64_t addr, int wide,
		       const char *sub)
{
	uint8_t raw[32];
	if (!strace_fetch(b, x, addr, raw, wide ? 32 : 16))
		return;
	tb_puts(b, "{it_interval=");
	strace_time_pair(b, raw, wide, sub);
	tb_puts(b, ", it_value=");
	strace_time_pair(b, raw + (wide ? 16 : 8), wide, sub);
	tb_putc(b, '}');
}

static void sigset_at(struct tbuf *b, const struct arg_ctx *x, uint64_t addr)
{
	uint8_t raw[8];
	if (strace_fetch(b, x, addr, raw, 8))
		strace_sigset(b, get64(raw, 0));
}

static void handler_name(struct tbuf *b, uint64_t h)
{
	if (h <= 1)
		tb_puts(b, h ? "SIG_IGN" : "SIG_DFL");
	else
		tb_printf(b, "%#llx", (unsigned long long)h);
}

/* rt_sigaction's struct: handler, flags, restorer, mask (longs, then 8 bytes) */
static void sigaction_at(struct tbuf *b, const struct arg_ctx *x, uint64_t addr)
{
	uint8_t raw[32];
	unsigned w = x->is64 ? 8 : 4;
	if (!strace_fetch(b, x, addr, raw, 3 * w + 8))
		return;
	uint64_t flags = get_long(raw, w, x->is64);
	tb_puts(b, "{sa_handler=");
	handler_name(b, get_long(raw, 0, x->is64));
	tb_puts(b, ", sa_mask=");
	strace_sigset(b, get64(raw, 3 * w));
	tb_puts(b, ", sa_flags=");
	tb_flags(b, sa_flags, flags, "0");
	if (flags & 0x04000000)
		tb_printf(b, ", sa_restorer=%#llx", (unsigned long long)get_long(raw, 2 * w, x->is64));
	tb_putc(b, '}');
}

static void stack_t_at(struct tbuf *b, const struct arg_ctx *x, uint64_t addr)
{
	static const struct flag_name ss_flags[] = {{1, "SS_ONSTACK"}, {2, "SS_DISABLE"}, {0, NULL}};
	uint8_t raw[24];
	unsigned w = x->is64 ? 8 : 4;
	if (!strace_fetch(b, x, addr, raw, 3 * w))
		return;
	tb_puts(b, "{ss_sp=");
	strace_ptr(b, get_long(raw, 0, x->is64));
	tb_puts(b, ", ss_flags=");
	tb_flags(b, ss_flags, get32(raw, w), "0");
	tb_printf(b, ", ss_size=%llu}", (unsigned long long)get_long(raw, 2 * w, x->is64));
}

/* writev's vector; with `done` (readv) each buffer holds what was read. */
void strace_iovec(struct tbuf *b, const struct arg_ctx *x, uint64_t addr, uint64_t count,
		  int done)
{
	unsigned w = x->is64 ? 8 : 4;
	uint64_t left = done ? (uint64_t)x->ret : ~0ull;
	tb_putc(b, '[');
	for (uint64_t k = 0; k < count && k < IOV_MAX_SHOWN; k++) {
		uint8_t raw[16];
		if (!strace_read(x, addr + k * 2 * w, raw, 2 * w)) {
			tb_puts(b, k ? ", ..." : "...");
			break;
		}
		uint64_t base = get_long(raw, 0, x->is64), len = get_long(raw, w, x->is64);
		uint64_t shown = len < left ? len : left;
		tb_puts(b, k ? ", {iov_base=" : "{iov_base=");
		strace_data(b, x->t, base, shown, QUOTE_OCTAL);
		tb_printf(b, ", iov_len=%llu}", (unsigned long long)len);
		left -= shown;
	}
	tb_puts(b, count > IOV_MAX_SHOWN ? ", ...]" : "]");
}

static void sockaddr_inet(struct tbuf *b, const uint8_t *raw, int family)
{
	char addr[64];
	unsigned port = (unsigned)raw[2] << 8 | raw[3];
	if (family == 2) {
		snprintf(addr, sizeof addr, "%u.%u.%u.%u", raw[4], raw[5], raw[6], raw[7]);
		tb_printf(b, ", sin_port=htons(%u), sin_addr=inet_addr(\"%s\")}", port, addr);
		return;
	}
	tb_printf(b, ", sin6_port=htons(%u), sin6_addr=", port);
	for (int k = 0; k < 16; k += 2)
		tb_printf(b, "%s%x", k ? ":" : "", (unsigned)raw[8 + k] << 8 | raw[9 + k]);
	tb_printf(b, ", sin6_scope_id=%u}", get32(raw, 24));
}

void strace_sockaddr(struct tbuf *b, const struct arg_ctx *x, uint64_t addr, uint64_t len)
{
	uint8_t raw[112];
	unsigned n = len < sizeof raw ? (unsigned)len : sizeof raw;
	if (n < 2 || !strace_fetch(b, x, addr, raw, n))
		return;
	int family = raw[0] | raw[1] << 8;
	const char *name = flag_lookup(socket_domains, (uint64_t)family);
	tb_printf(b, name ? "{sa_family=%s" : "{sa_family=%.0s%d", name ? name : "", family);
	if ((family == 2 && n >= 8) || (family == 10 && n >= 28)) {
		sockaddr_inet(b, raw, family);
	} else if (family == 1) {
		tb_puts(b, ", sun_path=");
		size_t path = strnlen((const char *)raw + 2, n - 2);
		tb_quote(b, raw + 2, path, 0, QUOTE_OCTAL);
		tb_putc(b, '}');
	} else {
		tb_puts(b, ", ...}");
	}
}

static void pollfds_at(struct tbuf *b, const struct arg_ctx *x, uint64_t addr, uint64_t count)
{
	tb_putc(b, '[');
	for (uint64_t k = 0; k < count && k < IOV_MAX_SHOWN; k++) {
		uint8_t raw[8];
		if (!strace_read(x, addr + 8 * k, raw, 8)) {
			tb_puts(b, "...");
			break;
		}
		tb_printf(b, "%s{fd=%d, events=", k ? ", " : "", (int)get32(raw, 0));
		tb_flags(b, poll_events, get32(raw, 4) & 0xffff, "0");
		tb_putc(b, '}');
	}
	tb_puts(b, count > IOV_MAX_SHOWN ? ", ...]" : "]");
}

/* struct epoll_event is packed under both ABIs: events, then 8 bytes of data */
static void epoll_event(struct tbuf *b, const uint8_t *raw)
{
	tb_puts(b, "{events=");
	tb_flags(b, epoll_events, get32(raw, 0), "0");
	tb_printf(b, ", data={u32=%u, u64=%llu}}", get32(raw, 4),
		  (unsigned long long)get64(raw, 4));
}

static void epoll_events_at(struct tbuf *b, const struct arg_ctx *x, uint64_t addr, int64_t n)
{
	tb_putc(b, '[');
	for (int64_t k = 0; k < n && k < IOV_MAX_SHOWN; k++) {
		uint8_t raw[12];
		if (!strace_read(x, addr + 12 * (uint64_t)k, raw, 12))
			break;
		tb_puts(b, k ? ", " : "");
		epoll_event(b, raw);
	}
	tb_puts(b, n > IOV_MAX_SHOWN ? ", ...]" : "]");
}

static void rlim_value(struct tbuf *b, uint64_t v, int wide)
{
	if (v == (wide ? RLIM64_INF : 0xffffffffu))
		tb_puts(b, wide ? "RLIM64_INFINITY" : "RLIM_INFINITY");
	else if (v && v % 1024 == 0)
		tb_printf(b, "%llu*1024", (unsigned long long)(v / 1024));
	else
		tb_printf(b, "%llu", (unsigned long long)v);
}

static void rlimit_at(struct tbuf *b, const struct arg_ctx *x, uint64_t addr, int wide)
{
	uint8_t raw[16];
	if (!strace_fetch(b, x, addr, raw, wide ? 16 : 8))
		return;
	tb_puts(b, "{rlim_cur=");
	rlim_value(b, wide ? get64(raw, 0) : get32(raw, 0), wide);
	tb_puts(b, ", rlim_max=");
	rlim_value(b, wide ? get64(raw, 8) : get32(raw, 4), wide);
	tb_putc(b, '}');
}

/* stat's shapes: x86-64 struct stat, i386 struct stat64, statx */
static void stat_at(struct tbuf *b, const struct arg_ctx *x, uint64_t addr, unsigned kind)
{
	uint8_t raw[144];
	unsigned mode_off = kind == K_STAT ? 24 : kind == K_STAT64 ? 16 : 28;
	unsigned size_off = kind == K_STAT ? 48 : kind == K_STAT64 ? 44 : 40;
	unsigned rdev_off = kind == K_STAT ? 40 : 32;
	if (!strace_fetch(b, x, addr, raw, kind == K_STAT64 ? 96 : 144))
		return;
	uint32_t mode = kind == K_STATX ? get32(raw, mode_off) & 0xffff : get32(raw, mode_off);
	const char *type = flag_lookup(file_types, mode & 0170000);
	if (kind == K_STATX) {
		tb_puts(b, "{stx_mask=");
		tb_flags(b, statx_masks, get32(raw, 0), "0");
		tb_printf(b, ", stx_attributes=%#llx, stx_mode=", (unsigned long long)get64(raw, 8));
	} else {
		tb_puts(b, "{st_mode=");
	}
	tb_printf(b, "%s|%#04o", type ? type : "0", mode & 07777);
	int dev = (mode & 0170000) == 020000 || (mode & 0170000) == 060000;
	if (dev && kind != K_STATX) {
		uint64_t rdev = get64(raw, rdev_off);
		tb_printf(b, ", st_rdev=makedev(%#llx, %#llx)", (unsigned long long)((rdev >> 8) & 0xfff),
			  (unsigned long long)((rdev & 0xff) | ((rdev >> 12) & 0xfff00)));
	} else {
		tb_printf(b, kind == K_STATX ? ", stx_size=%llu" : ", st_size=%llu",
			  (unsigned long long)get64(raw, size_off));
	}
	tb_puts(b, ", ...}");
}

static void wait_status(struct tbuf *b, const struct arg_ctx *x, uint64_t addr)
{
	uint8_t raw[4];
	char name[16];
	if (x->ret == 0 || !strace_fetch(b, x, addr, raw, 4)) {
		if (x->ret == 0)
			strace_ptr(b, addr);
		return;
	}
	unsigned s = get32(raw, 0), sig = s & 0x7f;
	if (sig == 0)
		tb_printf(b, "[{WIFEXITED(s) && WEXITSTATUS(s) == %u}]", (s >> 8) & 0xff);
	else if (s == 0xffff)
		tb_puts(b, "[{WIFCONTINUED(s)}]");
	else if (sig == 0x7f)
		tb_printf(b, "[{WIFSTOPPED(s) && WSTOPSIG(s) == %s}]",
			  signal_name((int)(s >> 8) & 0xff, 0, name, sizeof name));
	else
		tb_printf(b, "[{WIFSIGNALED(s) && WTERMSIG(s) == %s%s}]",
			  signal_name((int)sig, 0, name, sizeof name), s & 0x80 ? " && WCOREDUMP(s)" : "");
}

static void utsname_at(struct tbuf *b, const struct arg_ctx *x, uint64_t addr)
{
	uint8_t raw[130];
	if (!strace_fetch(b, x, addr, raw, sizeof raw))
		return;
	tb_puts(b, "{sysname=");
	tb_quote(b, raw, strnlen((const char *)raw, 65), 0, QUOTE_OCTAL);
	tb_puts(b, ", nodename=");
	tb_quote(b, raw + 65, strnlen((const char *)raw + 65, 65), 0, QUOTE_OCTAL);
	tb_puts(b, ", ...}");
}

/* getdents64: how many records the result's bytes hold */
static void dents_at(struct tbuf *b, const struct arg_ctx *x, uint64_t addr)
{
	unsigned n = 0;
	for (uint64_t at = 0; at + 19 <= (uint64_t)x->ret; n++) {
		uint8_t raw[2];
		if (!strace_read(x, addr + at + 16, raw, 2) || (raw[0] | raw[1] << 8) == 0)
			break;
		at += (uint64_t)(raw[0] | raw[1] << 8);
	}
	tb_printf(b, "%#llx /* %u entries */", (unsigned long long)addr, n);
}

static void cpuset_at(struct tbuf *b, const struct arg_ctx *x, uint64_t addr)
{
	uint8_t raw[128];
	unsigned n = x->ret < (int64_t)sizeof raw ? (unsigned)x->ret : sizeof raw;
	if (!strace_fetch(b, x, addr, raw, n))
		return;
	tb_putc(b, '[');
	for (unsigned cpu = 0, first = 1; cpu < 8 * n; cpu++)
		if (raw[cpu / 8] & (1u << (cpu % 8))) {
			tb_printf(b, first ? "%u" : " %u", cpu);
			first = 0;
		}
	tb_putc(b, ']');
}

/* [value] for an int, a 64-bit offset, or an address behind a pointer */
static void boxed(struct tbuf *b, const struct arg_ctx *x, uint64_t addr, unsigned kind)
{
	uint8_t raw[8];
	int wide = kind == K_LLSEEK_OUT || kind == K_INT64_PTR;
	unsigned n = wide ? 8 : kind == K_ADDR_OUT ? (x->is64 ? 8 : 4) : 4;
	if (!strace_fetch(b, x, addr, raw, n))
		return;
	if (kind == K_ADDR_OUT)
		tb_printf(b, "[%#llx]", (unsigned long long)get_long(raw, 0, x->is64));
	else if (wide)
		tb_printf(b, "[%lld]", (long long)get64(raw, 0));
	else
		tb_printf(b, "[%d]", (int)get32(raw, 0));
}

static void pipefds_at(struct tbuf *b, const struct arg_ctx *x, uint64_t addr)
{
	uint8_t raw[8];
	if (strace_fetch(b, x, addr, raw, 8))
		tb_printf(b, "[%d, %d]", (int)get32(raw, 0), (int)get32(raw, 4));
}

/* fcntl's lock: x86-64's flock and i386's flock64 have 64-bit start and
 * length (at 8 and 4: i386's is packed), i386's flock 32-bit ones. */
static void flock_at(struct tbuf *b, const struct arg_ctx *x, uint64_t addr, unsigned kind)
{
	static const struct flag_name types[] = {
		{0, "F_RDLCK"}, {1, "F_WRLCK"}, {2, "F_UNLCK"}, {0, NULL}};
	int packed64 = kind == K_FLOCK64 || kind == K_FLOCK64_OUT;
	int wide = packed64 || x->is64;
	unsigned start = x->is64 && !packed64 ? 8 : 4, len = start + (wide ? 8 : 4);
	uint8_t raw[32];
	if (!strace_fetch(b, x, addr, raw, len + (wide ? 8 : 4) + 4))
		return;
	const char *type = flag_lookup(types, get32(raw, 0) & 0xffff);
	const char *whence = flag_lookup(whences, get32(raw, 0) >> 16);
	tb_printf(b, "{l_type=%s, l_whence=%s, l_start=%lld, l_len=%lld", type ? type : "?",
		  whence ? whence : "?", (long long)get_slong(raw, start, wide),
		  (long long)get_slong(raw, len, wide));
	if (kind == K_FLOCK_OUT || kind == K_FLOCK64_OUT)
		tb_printf(b, ", l_pid=%d", (int)get32(raw, len + (wide ? 8 : 4)));
	tb_putc(b, '}');
}

/* i386's struct user_desc (set_thread_area): entry, base, limit, bits */
static void user_desc_at(struct tbuf *b, const struct arg_ctx *x, uint64_t addr)
{
	uint8_t raw[16];
	if (!strace_fetch(b, x, addr, raw, sizeof raw))
		return;
	uint32_t bits = get32(raw, 12);
	tb_printf(b,
		  "{entry_number=%d, base_addr=%#x, limit=%#08x, seg_32bit=%u, contents=%u, "
		  "read_exec_only=%u, limit_in_pages=%u, seg_not_present=%u, useable=%u}",
		  (int)get32(raw, 0), get32(raw, 4), get32(raw, 8), bits & 1, (bits >> 1) & 3,
		  (bits >> 3) & 1, (bits >> 4) & 1, (bits >> 5) & 1, (bits >> 6) & 1);
}

static void clone_args_at(struct tbuf *b, const struct arg_ctx *x, uint64_t addr)
{
	uint8_t raw[64];
	char name[16];
	if (!strace_fetch(b, x, addr, raw, sizeof raw))
		return;
	tb_puts(b, "{flags=");
	tb_flags(b, clone_flags, get64(raw, 0), "0");
	if (get64(raw, 16))
		tb_printf(b, ", child_tid=%#llx", (unsigned long long)get64(raw, 16));
	if (get64(raw, 24))
		tb_printf(b, ", parent_tid=%#llx", (unsigned long long)get64(raw, 24));
	const char *sig = signal_name((int)get64(raw, 32), 0, name, sizeof name);
	tb_printf(b, sig ? ", exit_signal=%s" : ", exit_signal=%.0s0", sig ? sig : "");
	tb_printf(b, ", stack=%#llx, stack_size=%#llx", (unsigned long long)get64(raw, 40),
		  (unsigned long long)get64(raw, 48));
	if (get64(raw, 56) && x->abi == ABI_I386) { /* i386's TLS is a user_desc */
		tb_puts(b, ", tls=");
		user_desc_at(b, x, get64(raw, 56));
	} else if (get64(raw, 56)) {
		tb_printf(b, ", tls=%#llx", (unsigned long long)get64(raw, 56));
	}
	tb_putc(b, '}');
}

/* i386's old mmap: the six arguments are longs in memory */
static void old_mmap_at(struct tbuf *b, const struct arg_ctx *x, uint64_t addr)
{
	uint8_t raw[24];
	uint64_t a[6];
	if (!strace_fetch(b, x, addr, raw, sizeof raw))
		return;
	for (int k = 0; k < 6; k++)
		a[k] = get32(raw, 4u * (unsigned)k);
	struct arg_ctx inner = *x;
	static const uint8_t kinds[6] = {K_PTR, K_ULONG, K_PROT, K_MAP_FLAGS, K_FD, K_HEX};
	inner.a = a;
	for (unsigned k = 0; k < 6; k++) {
		tb_puts(b, k ? ", " : "");
		strace_arg(b, &inner, kinds[k], k);
	}
}

static void siginfo_at(struct tbuf *b, const struct arg_ctx *x, uint64_t addr)
{
	uint8_t raw[128];
	if (!strace_fetch(b, x, addr, raw, sizeof raw))
		return;
	unsigned u = x->is64 ? 16 : 12;
	struct siginfo_k info = {.signo = (int)get32(raw, 0), .code = (int)get32(raw, 8)};
	info.trapno = -1;
	info.pid = (int)get32(raw, u);
	info.uid = (int)get32(raw, u + 4);
	info.status = (int)get32(raw, u + 8);
	if (info.signo == 0) {
		tb_puts(b, "{}");
		return;
	}
	strace_siginfo(b, &info);
}

/* The time structures: 1 when `kind` is one. */
static int time_struct(struct tbuf *b, const struct arg_ctx *x, unsigned kind, uint64_t v)
{
	switch (kind) {
	case K_TIMESPEC:
	case K_TIMESPEC_OUT: timespec_at(b, x, v, x->is64, "nsec"); return 1;
	case K_TIMESPEC64:
	case K_TIMESPEC64_OUT: timespec_at(b, x, v, 1, "nsec"); return 1;
	case K_TIMEVAL:
	case K_TIMEVAL_OUT: timespec_at(b, x, v, x->is64, "usec"); return 1;
	case K_ITIMERSPEC:
	case K_ITIMERSPEC_OUT: timer_pair(b, x, v, x->is64, "nsec"); return 1;
	case K_ITIMERSPEC64:
	case K_ITIMERSPEC64_OUT: timer_pair(b, x, v, 1, "nsec"); return 1;
	case K_ITIMERVAL:
	case K_ITIMERVAL_OUT: timer_pair(b, x, v, x->is64, "usec"); return 1;
	default: return 0;
	}
}

/* Structures passed in, and those the call fills in (once it succeeded). */
void strace_struct(struct tbuf *b, const struct arg_ctx *x, unsigned kind, unsigned index)
{
	uint64_t v = x->a[index], next = index + 1 < STRACE_ARGS ? x->a[index + 1] : 0;
	if (!v && kind != K_MASK_AFTER) {
		tb_puts(b, "NULL");
		return;
	}
	if (time_struct(b, x, kind, v))
		return;
	switch (kind) {
	case K_SIGSET:
	case K_SIGSET_OUT: sigset_at(b, x, v); break;
	case K_SIGACTION:
	case K_SIGACTION_OUT: sigaction_at(b, x, v); break;
	case K_STACK_T:
	case K_STACK_T_OUT: stack_t_at(b, x, v); break;
	case K_IOVEC: strace_iovec(b, x, v, next, 0); break;
	case K_IOVEC_OUT: strace_iovec(b, x, v, next, 1); break;
	case K_SOCKADDR: strace_sockaddr(b, x, v, next); break;
	case K_POLLFDS: pollfds_at(b, x, v, next); break;
	case K_EPOLL_EVENT: {
		uint8_t raw[12];
		if (strace_fetch(b, x, v, raw, 12))
			epoll_event(b, raw);
		break;
	}
	case K_EPOLL_EVENTS_OUT: epoll_events_at(b, x, v, x->ret); break;
	case K_RLIMIT64:
	case K_RLIMIT64_OUT: rlimit_at(b, x, v, 1); break;
	case K_RLIMIT:
	case K_RLIMIT_OUT: rlimit_at(b, x, v, x->is64); break;
	case K_STAT:
	case K_STAT64:
	case K_STATX: stat_at(b, x, v, kind); break;
	case K_WAIT_STATUS: wait_status(b, x, v); break;
	case K_UTSNAME: utsname_at(b, x, v); break;
	case K_DENTS: dents_at(b, x, v); break;
	case K_CPUSET: cpuset_at(b, x, v); break;
	case K_INT_PTR:
	case K_INT64_PTR:
	case K_INT_OUT:
	case K_LLSEEK_OUT:
	case K_ADDR_OUT: boxed(b, x, v, kind); break;
	case K_PIPEFDS: pipefds_at(b, x, v); break;
	case K_FLOCK:
	case K_FLOCK64:
	case K_FLOCK_OUT:
	case K_FLOCK64_OUT: flock_at(b, x, v, kind); break;
	case K_CLONE_ARGS: clone_args_at(b, x, v); break;
	case K_OLD_MMAP: old_mmap_at(b, x, v); break;
	case K_SIGINFO_OUT: siginfo_at(b, x, v); break;
	case K_NAME_OUT: strace_string(b, x->t, v); break;
	case K_USER_DESC:
	case K_USER_DESC_OUT: user_desc_at(b, x, v); break;
	case K_MASK_AFTER:
		tb_puts(b, "{mask=");
		strace_sigset(b, x->t->sigmask);
		tb_putc(b, '}');
		break;
	default:
		if (!strace_sock_struct(b, x, kind, index) &&
		    !strace_select_struct(b, x, kind, index) && !strace_usage_struct(b, x, kind, index))
			strace_ptr(b, v);
		break;
	}
}
