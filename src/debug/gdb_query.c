/* General queries (q) and settings (Q): features, threads, the qXfer
 * objects gdb reads (target description, auxv, executable, thread list,
 * siginfo, which it may also write), caught system calls and monitor
 * commands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debug/gdb_internal.h"
#include "debug/gdb_monitor.h"
#include "debug/gdb_regs.h"
#include "kernel/task/process.h"
#include "kernel/vfs/path.h"
#include "mem/mm.h"

#define XML_MAX 16384

static int has_feature(const char *features, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = features; (p = strstr(p, name)); p += n)
		if ((p == features || p[-1] == ':' || p[-1] == ';') && (p[n] == ';' || !p[n]))
			return 1;
	return 0;
}

/* What gdb offers and hexvm takes up. --gdb-follow-fork keeps forks to
 * itself (no fork events, no process ids), for clients that lack them. */
static void supported(struct gdb *g, const char *features, struct gdb_reply *r)
{
	int own_forks = !g->follow_fork;
	g->multiprocess = own_forks && has_feature(features, "multiprocess+");
	g->fork_events = own_forks && has_feature(features, "fork-events+");
	g->vfork_events = own_forks && has_feature(features, "vfork-events+");
	g->exec_events = has_feature(features, "exec-events+");
	reply_fmt(r,
		  "PacketSize=%x;QStartNoAckMode+;QPassSignals+;QCatchSyscalls+;"
		  "qXfer:features:read+;qXfer:auxv:read+;qXfer:exec-file:read+;"
		  "qXfer:threads:read+;qXfer:siginfo:read+;qXfer:siginfo:write+;qXfer:osdata:read+;"
		  "swbreak+;hwbreak+;"
		  "vContSupported+",
		  GDB_PACKET_MAX);
	if (g->multiprocess)
		reply_str(r, ";multiprocess+");
	if (g->fork_events)
		reply_str(r, ";fork-events+");
	if (g->vfork_events)
		reply_str(r, ";vfork-events+");
	if (g->exec_events)
		reply_str(r, ";exec-events+");
}

static size_t auxv(struct gdb *g, char *out, size_t size)
{
	struct process *p = gdb_current_process(g);
	if (!p || p->mm->auxv_end <= p->mm->auxv_start)
		return 0;
	uint64_t n = p->mm->auxv_end - p->mm->auxv_start;
	return gdb_mem_read(p->mm, p->mm->auxv_start, out, n < size ? (size_t)n : size);
}

/* The program of the process the annex names (its pid in hex; empty: the
 * current one), as the process sees its path: what vFile opens. */
static long exec_file(struct gdb *g, const char *annex, char *out, size_t size)
{
	uint64_t pid;
	const char *end;
	struct process *p = gdb_current_process(g);
	if (*annex && (hex_number(annex, &pid, &end) || *end || pid > 0x7fffffff ||
		       !(p = gdb_inferior_process(g, gdb_inferior(g, (int)pid)))))
		return -1;
	if (!p || !p->task)
		return -1;
	return snprintf(out, size, "%s", p->exe ? path_visible(p->task, p->exe) : "");
}

/* The whole of a qXfer object into out: its length, or -1 for no such
 * object. */
static long xfer_object(struct gdb *g, const char *object, const char *annex, char *out,
			size_t size)
{
	struct process *p = gdb_current_process(g);
	if (!strcmp(object, "osdata"))
		return gdb_osdata(g, annex, out, size);
	if (!p)
		return -1;
	if (!strcmp(object, "features") && !strcmp(annex, "target.xml")) {
		size_t n = gdb_target_xml(p->mode64, out, size);
		return n < size ? (long)n : -1;
	}
	if (!strcmp(object, "auxv") && !*annex)
		return (long)auxv(g, out, size);
	if (!strcmp(object, "exec-file"))
		return exec_file(g, annex, out, size);
	if (!strcmp(object, "threads") && !*annex)
		return (long)gdb_threads_xml(g, out, size);
	if (!strcmp(object, "siginfo") && !*annex)
		return gdb_siginfo_read(g, (uint8_t *)out, size);
	return -1;
}

static void xfer_read(struct gdb *g, const char *object, const char *annex, const char *range,
		      struct gdb_reply *r)
{
	uint64_t offset, length;
	const char *end;
	if (hex_number(range, &offset, &end) || *end != ',' ||
	    hex_number(end + 1, &length, &end) || *end) {
		reply_str(r, "E00");
		return;
	}
	char *buf = malloc(XML_MAX);
	long n = buf ? xfer_object(g, object, annex, buf, XML_MAX) : -1;
	if (n < 0) {
		reply_str(r, "E00");
	} else if (offset >= (uint64_t)n) {
		reply_str(r, "l");
	} else {
		size_t want = (size_t)((uint64_t)n - offset) < length
				      ? (size_t)((uint64_t)n - offset)
				      : (size_t)length;
		reply_str(r, "m");
		size_t sent = reply_bin(r, buf + offset, want);
		if (offset + sent == (uint64_t)n)
			r->buf[0] = 'l';
	}
	free(buf);
}

/* qXfer:siginfo:write::OFFSET:DATA (binary): how many bytes were taken. */
static void xfer_write(struct gdb *g, const char *object, const char *annex, const char *rest,
		       const char *pkt_end, struct gdb_reply *r)
{
	uint64_t offset;
	const char *data;
	if (strcmp(object, "siginfo") || *annex || hex_number(rest, &offset, &data) ||
	    *data != ':') {
		reply_str(r, "E00");
		return;
	}
	data++;
	int n = gdb_siginfo_write(g, offset, (const uint8_t *)data, (size_t)(pkt_end - data));
	if (n < 0)
		reply_str(r, "E00");
	else
		reply_fmt(r, "%x", n);
}

/* qXfer:OBJECT:read:ANNEX:OFFSET,LENGTH or qXfer:OBJECT:write:ANNEX:OFFSET:DATA */
static void xfer(struct gdb *g, char *s, const char *pkt_end, struct gdb_reply *r)
{
	char *object = s, *op = strchr(object, ':'), *annex = op ? strchr(op + 1, ':') : NULL;
	char *rest = annex ? strchr(annex + 1, ':') : NULL;
	if (!rest) {
		reply_str(r, "E00");
		return;
	}
	int write = !strncmp(op, ":write:", 7);
	if (!write && strncmp(op, ":read:", 6)) {
		reply_str(r, "E00");
		return;
	}
	*op = *rest = 0;
	if (write)
		xfer_write(g, object, annex + 1, rest + 1, pkt_end, r);
	else
		xfer_read(g, object, annex + 1, rest + 1, r);
}

/* QPassSignals:SIG;SIG... (gdb's numbers): delivered without a stop. */
static void pass_signals(struct gdb *g, const char *s, struct gdb_reply *r)
{
	uint64_t mask = 0, gsig;
	while (*s) {
		const char *end;
		int sig;
		if (hex_number(s, &gsig, &end) || gsig > 255 || (*end && *end != ';') ||
		    (sig = gdb_signal_from_gdb((int)gsig)) < 0) {
			reply_str(r, "E16");
			return;
		}
		if (sig > 0)
			mask |= 1ull << (sig - 1);
		s = *end ? end + 1 : end;
	}
	g->pass_signals = mask;
	reply_str(r, "OK");
}

static void monitor(struct gdb *g, const char *hex, struct gdb_reply *r)
{
	size_t n = strlen(hex) / 2;
	char *line = malloc(n + 1);
	if (!line || strlen(hex) % 2 || hex_decode(hex, n, (uint8_t *)line)) {
		free(line);
		reply_str(r, "E16");
		return;
	}
	line[n] = 0;
	gdb_monitor(g, line);
	reply_str(r, "OK");
	free(line);
}

/* qAttached[:PID]: 1 for a process gdb attached to (it detaches it when it
 * quits), 0 for one hexvm started (it kills it). */
static void attached(struct gdb *g, const char *s, struct gdb_reply *r)
{
	uint64_t pid;
	const char *end;
	struct gdb_inferior *inf = gdb_current_inferior(g);
	if (*s == ':' && (hex_number(s + 1, &pid, &end) || *end || pid > 0x7fffffff ||
			  !(inf = gdb_inferior(g, (int)pid)))) {
		reply_str(r, "E03");
		return;
	}
	reply_str(r, inf && inf->attached ? "1" : "0");
}

/* qC: the stopped thread. */
static void current_thread(struct gdb *g, struct gdb_reply *r)
{
	reply_str(r, "QC");
	reply_thread_id(g, r, g->stop.pid, g->stop.tid);
}

void gdb_handle_query(struct gdb *g, char *pkt, int len, struct gdb_reply *r)
{
	if (!strncmp(pkt, "qSupported", 10)) {
		supported(g, pkt + 10, r);
	} else if (!strcmp(pkt, "QStartNoAckMode")) {
		reply_str(r, "OK");
		g->noack_pending = 1;
	} else if (!strncmp(pkt, "QPassSignals:", 13)) {
		pass_signals(g, pkt + 13, r);
	} else if (!strncmp(pkt, "QCatchSyscalls:", 15)) {
		gdb_catch_syscalls(g, pkt + 15, r);
	} else if (!strncmp(pkt, "qAttached", 9)) {
		attached(g, pkt + 9, r);
	} else if (!strcmp(pkt, "qC")) {
		current_thread(g, r);
	} else if (!strcmp(pkt, "qfThreadInfo")) {
		gdb_thread_list(g, r);
	} else if (!strcmp(pkt, "qsThreadInfo")) {
		reply_str(r, "l");
	} else if (!strncmp(pkt, "qThreadExtraInfo,", 17)) {
		gdb_thread_extra_info(g, pkt + 17, r);
	} else if (!strncmp(pkt, "qXfer:", 6)) {
		xfer(g, pkt + 6, pkt + len, r);
	} else if (!strncmp(pkt, "qRcmd,", 6)) {
		monitor(g, pkt + 6, r);
	} else if (!strncmp(pkt, "qSymbol:", 8)) {
		reply_str(r, "OK"); /* no symbols wanted */
	}
}
