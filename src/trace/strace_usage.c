/* -s for accounting, identity, file system and timer structures: rusage,
 * tms, sysinfo, statfs, the group list, utimensat's two times and
 * timer_create's sigevent, as strace writes them without -v. */
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

static void groups_at(struct tbuf *b, const struct arg_ctx *x, uint64_t addr, uint64_t count)
{
	uint8_t raw[4 * GROUPS_SHOWN];
	uint64_t n = count < GROUPS_SHOWN ? count : GROUPS_SHOWN;
	if (!strace_fetch(b, x, addr, raw, (unsigned)(4 * n)))
		return;
	tb_putc(b, '[');
	for (uint64_t k = 0; k < n; k++)
		tb_printf(b, k ? ", %u" : "%u", get32(raw, (unsigned)(4 * k)));
	tb_puts(b, n < count ? ", ...]" : "]");
}

/* struct statfs: every field a long; i386's statfs64 (`wide`): type and
 * block size 32-bit, the counts 64-bit, packed to 4 bytes. */
static void statfs_at(struct tbuf *b, const struct arg_ctx *x, uint64_t addr, int wide)
{
	static const struct flag_name types[] = {
		{0xef53, "EXT2_SUPER_MAGIC"},	 {0x9fa0, "PROC_SUPER_MAGIC"},
		{0x01021994, "TMPFS_MAGIC"},	 {0x62656572, "SYSFS_MAGIC"},
		{0x1cd1, "DEVPTS_SUPER_MAGIC"},	 {0x794c7630, "OVERLAYFS_SUPER_MAGIC"},
		{0x9123683e, "BTRFS_SUPER_MAGIC"}, {0x58465342, "XFS_SUPER_MAGIC"},
		{0x6969, "NFS_SUPER_MAGIC"},	 {0x63677270, "CGROUP2_SUPER_MAGIC"},
		{0, NULL}};
	static const struct flag_name flags[] = {
		{1, "ST_RDONLY"},	  {2, "ST_NOSUID"},	{4, "ST_NODEV"},
		{8, "ST_NOEXEC"},	  {16, "ST_SYNCHRONOUS"}, {32, "ST_VALID"},
		{64, "ST_MANDLOCK"},	  {1024, "ST_NOATIME"}, {2048, "ST_NODIRATIME"},
		{4096, "ST_RELATIME"}, {0, NULL}};
	static const char *const counts[5] = {"f_blocks", "f_bfree", "f_bavail", "f_files",
					      "f_ffree"};
	uint8_t raw[88];
	unsigned w = x->is64 ? 8 : 4, cw = wide || x->is64 ? 8 : 4, at = 2 * w;
	if (!strace_fetch(b, x, addr, raw, wide ? 68 : 11 * w))
		return;
	tb_puts(b, "{f_type=");
	tb_enum(b, types, get_long(raw, 0, x->is64), 0);
	tb_printf(b, ", f_bsize=%llu", (unsigned long long)get_long(raw, w, x->is64));
	for (int k = 0; k < 5; k++, at += cw)
		tb_printf(b, ", %s=%llu", counts[k], (unsigned long long)get_long(raw, at, cw == 8));
	uint32_t fsid0 = get32(raw, at), fsid1 = get32(raw, at + 4);
	tb_printf(b, fsid0 ? ", f_fsid={val=[%#x, " : ", f_fsid={val=[%u, ", fsid0);
	tb_printf(b, fsid1 ? "%#x]}" : "%u]}", fsid1);
	at += 8;
	tb_printf(b, ", f_namelen=%llu, f_frsize=%llu, f_flags=",
		  (unsigned long long)get_long(raw, at, x->is64),
		  (unsigned long long)get_long(raw, at + w, x->is64));
	tb_flags(b, flags, get_long(raw, at + 2 * w, x->is64), "0");
	tb_putc(b, '}');
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
	case K_GROUPS: groups_at(b, x, v, x->a[0]); return 1;
	case K_GROUPS_OUT: groups_at(b, x, v, (uint64_t)x->ret); return 1;
	case K_STATFS_OUT: statfs_at(b, x, v, 0); return 1;
	case K_STATFS64_OUT: statfs_at(b, x, v, 1); return 1;
	case K_UTIMENS: utimens_at(b, x, v, x->is64); return 1;
	case K_UTIMENS64: utimens_at(b, x, v, 1); return 1;
	case K_SIGEVENT: sigevent_at(b, x, v); return 1;
	default: return 0;
	}
}
