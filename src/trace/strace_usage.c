/* -s for accounting, identity and timer structures: rusage, tms, sysinfo,
 * the group list, utimensat's two times and timer_create's sigevent, as
 * strace writes them without -v. */
#include <stdio.h>
#include <time.h>

#include "kernel/abi/layout.h"
#include "trace/strace.h"
#include "trace/strace_names.h"

#define GROUPS_SHOWN 32
#define UTIME_NOW    0x3fffffff
#define UTIME_OMIT   0x3ffffffe

static uint64_t field(const uint8_t *raw, unsigned k, int is64)
{
	return get_long(raw, k * (is64 ? 8 : 4), is64);
}

static void rusage_at(struct tbuf *b, const struct arg_ctx *x, uint64_t addr)
{
	uint8_t raw[32];
	unsigned tv = x->is64 ? 16 : 8;
	if (!strace_fetch(b, x, addr, raw, 2 * tv))
		return;
	tb_puts(b, "{ru_utime=");
	strace_time_pair(b, raw, x->is64, "usec");
	tb_puts(b, ", ru_stime=");
	strace_time_pair(b, raw + tv, x->is64, "usec");
	tb_puts(b, ", ...}");
}

static void tms_at(struct tbuf *b, const struct arg_ctx *x, uint64_t addr)
{
	uint8_t raw[32];
	if (!strace_fetch(b, x, addr, raw, x->is64 ? 32 : 16))
		return;
	tb_printf(b, "{tms_utime=%llu, tms_stime=%llu, tms_cutime=%llu, tms_cstime=%llu}",
		  (unsigned long long)field(raw, 0, x->is64),
		  (unsigned long long)field(raw, 1, x->is64),
		  (unsigned long long)field(raw, 2, x->is64),
		  (unsigned long long)field(raw, 3, x->is64));
}

/* struct sysinfo: ten longs, procs (u16), padding to a long, two more
 * longs, mem_unit (u32). */
static void sysinfo_at(struct tbuf *b, const struct arg_ctx *x, uint64_t addr)
{
	static const char *const names[7] = {"totalram",  "freeram",  "sharedram", "bufferram",
					     "totalswap", "freeswap", NULL};
	uint8_t raw[112];
	unsigned w = x->is64 ? 8 : 4;
	if (!strace_fetch(b, x, addr, raw, 14 * w))
		return;
	tb_printf(b, "{uptime=%lld, loads=[%llu, %llu, %llu]", (long long)field(raw, 0, x->is64),
		  (unsigned long long)field(raw, 1, x->is64),
		  (unsigned long long)field(raw, 2, x->is64),
		  (unsigned long long)field(raw, 3, x->is64));
	for (unsigned k = 0; names[k]; k++)
		tb_printf(b, ", %s=%llu", names[k], (unsigned long long)field(raw, 4 + k, x->is64));
	tb_printf(b, ", procs=%u, totalhigh=%llu, freehigh=%llu, mem_unit=%u}",
		  raw[10 * w] | raw[10 * w + 1] << 8, (unsigned long long)field(raw, 11, x->is64),
		  (unsigned long long)field(raw, 12, x->is64), get32(raw, 13 * w));
}

static void groups_at(struct tbuf *b, const struct arg_ctx *x, uint64_t addr)
{
	uint8_t raw[4 * GROUPS_SHOWN];
	uint64_t n = (uint64_t)x->ret < GROUPS_SHOWN ? (uint64_t)x->ret : GROUPS_SHOWN;
	if (!strace_fetch(b, x, addr, raw, (unsigned)(4 * n)))
		return;
	tb_putc(b, '[');
	for (uint64_t k = 0; k < n; k++)
		tb_printf(b, k ? ", %u" : "%u", get32(raw, (unsigned)(4 * k)));
	tb_puts(b, n < (uint64_t)x->ret ? ", ...]" : "]");
}

/* One of utimensat's times, with the date strace adds in a comment. */
static void utime_one(struct tbuf *b, const uint8_t *p, int wide)
{
	int64_t sec = wide ? (int64_t)get64(p, 0) : (int32_t)get32(p, 0);
	int64_t nsec = wide ? (int64_t)get64(p, 8) : (int32_t)get32(p, 4);
	if (nsec == UTIME_NOW || nsec == UTIME_OMIT) {
		tb_puts(b, nsec == UTIME_NOW ? "UTIME_NOW" : "UTIME_OMIT");
		return;
	}
	strace_time_pair(b, p, wide, "nsec");
	time_t t = (time_t)sec;
	struct tm tm;
	char date[64], zone[16];
	if (!localtime_r(&t, &tm) || !strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm) ||
	    !strftime(zone, sizeof zone, "%z", &tm))
		return;
	if (nsec)
		tb_printf(b, " /* %s.%09lld%s */", date, (long long)nsec, zone);
	else
		tb_printf(b, " /* %s%s */", date, zone);
}

static void utimens_at(struct tbuf *b, const struct arg_ctx *x, uint64_t addr, int wide)
{
	uint8_t raw[32];
	unsigned one = wide ? 16 : 8;
	if (!strace_fetch(b, x, addr, raw, 2 * one))
		return;
	tb_putc(b, '[');
	utime_one(b, raw, wide);
	tb_puts(b, ", ");
	utime_one(b, raw + one, wide);
	tb_putc(b, ']');
}

/* struct sigevent: the value (a pointer-sized union), signo, notify, then
 * the thread id or the thread function and attributes. As strace does:
 * the value only when it is not 0, the signal by name unless nothing is
 * to be sent. */
static void sigevent_at(struct tbuf *b, const struct arg_ctx *x, uint64_t addr)
{
	enum { SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD, SIGEV_THREAD_ID = 4 };
	static const struct flag_name notify[] = {{SIGEV_SIGNAL, "SIGEV_SIGNAL"},
						  {SIGEV_NONE, "SIGEV_NONE"},
						  {SIGEV_THREAD, "SIGEV_THREAD"},
						  {SIGEV_THREAD_ID, "SIGEV_THREAD_ID"},
						  {0, NULL}};
	uint8_t raw[32];
	unsigned w = x->is64 ? 8 : 4;
	char sig[16];
	if (!strace_fetch(b, x, addr, raw, w + 8 + 2 * w))
		return;
	uint64_t value = get_long(raw, 0, x->is64);
	int signo = (int)get32(raw, w), how = (int)get32(raw, w + 4);
	tb_putc(b, '{');
	if (value) {
		tb_printf(b, "sigev_value={sival_int=%d, sival_ptr=", (int)(uint32_t)value);
		strace_ptr(b, value);
		tb_puts(b, "}, ");
	}
	const char *name = how != SIGEV_NONE ? signal_name(signo, 0, sig, sizeof sig) : NULL;
	if (name && signo)
		tb_printf(b, "sigev_signo=%s, sigev_notify=", name);
	else
		tb_printf(b, "sigev_signo=%d, sigev_notify=", signo);
	tb_enum(b, notify, (uint64_t)how, 1);
	if (how == SIGEV_THREAD_ID) {
		tb_printf(b, ", sigev_notify_thread_id=%d", (int)get32(raw, w + 8));
	} else if (how == SIGEV_THREAD) {
		tb_puts(b, ", sigev_notify_function=");
		strace_ptr(b, get_long(raw, w + 8, x->is64));
		tb_puts(b, ", sigev_notify_attributes=");
		strace_ptr(b, get_long(raw, 2 * w + 8, x->is64));
	}
	tb_putc(b, '}');
}

int strace_usage_struct(struct tbuf *b, const struct arg_ctx *x, unsigned kind, unsigned index)
{
	uint64_t v = x->a[index];
	switch (kind) {
	case K_RUSAGE_OUT: rusage_at(b, x, v); return 1;
	case K_TMS_OUT: tms_at(b, x, v); return 1;
	case K_SYSINFO_OUT: sysinfo_at(b, x, v); return 1;
	case K_GROUPS_OUT: groups_at(b, x, v); return 1;
	case K_UTIMENS: utimens_at(b, x, v, x->is64); return 1;
	case K_UTIMENS64: utimens_at(b, x, v, 1); return 1;
	case K_SIGEVENT: sigevent_at(b, x, v); return 1;
	default: return 0;
	}
}
