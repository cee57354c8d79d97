/* General queries (q) and settings (Q): features, threads, the qXfer
 * objects gdb reads (target description, auxv, executable, thread list)
 * and monitor commands. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debug/gdb_internal.h"
#include "debug/gdb_monitor.h"
#include "debug/gdb_regs.h"
#include "mem/mm.h"

#define XML_MAX	 16384
#define AUXV_MAX 1024

static void supported(struct gdb *g, const char *features, struct gdb_reply *r)
{
	g->exec_events = strstr(features, "exec-events+") != NULL;
	reply_fmt(r,
		  "PacketSize=%x;QStartNoAckMode+;QPassSignals+;qXfer:features:read+;"
		  "qXfer:auxv:read+;qXfer:exec-file:read+;qXfer:threads:read+;swbreak+;hwbreak+;"
		  "vContSupported+%s",
		  GDB_PACKET_MAX, g->exec_events ? ";exec-events+" : "");
}

static int cmp_tid(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

/* The debugged process's thread ids, ascending; how many (at most max). */
static int thread_ids(struct gdb *g, int *ids, int max)
{
	struct process *p = gdb_process(g);
	int n = 0;
	for (struct task *t = p ? p->threads : NULL; t && n < max; t = t->thread_next)
		if (t->state != TASK_DEAD)
			ids[n++] = t->tid;
	qsort(ids, (size_t)n, sizeof *ids, cmp_tid);
	return n;
}

static void thread_list(struct gdb *g, struct gdb_reply *r)
{
	int ids[512], n = thread_ids(g, ids, 512);
	if (!n) {
		reply_str(r, "l");
		return;
	}
	for (int k = 0; k < n; k++)
		reply_fmt(r, "%c%x", k ? ',' : 'm', ids[k]);
}

static const char *state_name(const struct task *t)
{
	switch (t->state) {
	case TASK_PARKED: return "waiting in a system call";
	case TASK_STOPPED: return "stopped by a signal";
	default: return "runnable";
	}
}

static void extra_info(struct gdb *g, const char *s, struct gdb_reply *r)
{
	uint64_t tid;
	struct task *t =
		hex_number(s, &tid, NULL) || tid > 0x7fffffff ? NULL : gdb_task(g, (int)tid);
	if (!t) {
		reply_str(r, "E03");
		return;
	}
	const char *text = state_name(t);
	reply_hex(r, text, strlen(text));
}

/* Appends to out (size bytes) at *len; *len keeps counting past the end,
 * so a cut text shows as *len >= size. */
static void append(char *out, size_t size, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void append(char *out, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(*len < size ? out + *len : NULL, *len < size ? size - *len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len += (size_t)n;
}

/* A thread name as an XML attribute value. */
static void append_escaped(char *out, size_t size, size_t *len, const char *s)
{
	for (; *s; s++) {
		const char *e = *s == '<'   ? "&lt;"
				: *s == '>' ? "&gt;"
				: *s == '&' ? "&amp;"
				: *s == '"' ? "&quot;"
					    : NULL;
		if (e)
			append(out, size, len, "%s", e);
		else
			append(out, size, len, "%c", *s);
	}
}

static size_t threads_xml(struct gdb *g, char *out, size_t size)
{
	int ids[512], n = thread_ids(g, ids, 512);
	size_t len = 0;
	append(out, size, &len, "<?xml version=\"1.0\"?>\n<threads>\n");
	for (int k = 0; k < n; k++) {
		struct task *t = gdb_task(g, ids[k]);
		char comm[sizeof t->comm + 1];
		snprintf(comm, sizeof comm, "%.*s", (int)sizeof t->comm, t->comm);
		append(out, size, &len, "<thread id=\"%x\" core=\"0\" name=\"", ids[k]);
		append_escaped(out, size, &len, comm);
		append(out, size, &len, "\"/>\n");
	}
	append(out, size, &len, "</threads>\n");
	return len < size ? len : size;
}

static size_t auxv(struct gdb *g, char *out, size_t size)
{
	struct process *p = gdb_process(g);
	if (!p || p->mm->auxv_end <= p->mm->auxv_start)
		return 0;
	uint64_t n = p->mm->auxv_end - p->mm->auxv_start;
	return gdb_mem_read(p->mm, p->mm->auxv_start, out, n < size ? (size_t)n : size);
}

/* The whole of a qXfer object into out: its length, or -1 for no such
 * object. */
static long xfer_object(struct gdb *g, const char *object, const char *annex, char *out,
			size_t size)
{
	struct process *p = gdb_process(g);
	if (!p)
		return -1;
	if (!strcmp(object, "features") && !strcmp(annex, "target.xml")) {
		size_t n = gdb_target_xml(p->mode64, out, size);
		return n < size ? (long)n : -1;
	}
	if (!strcmp(object, "auxv") && !*annex)
		return (long)auxv(g, out, size);
	if (!strcmp(object, "exec-file"))
		return snprintf(out, size, "%s", p->exe ? p->exe : "");
	if (!strcmp(object, "threads") && !*annex)
		return (long)threads_xml(g, out, size);
	return -1;
}

/* qXfer:OBJECT:read:ANNEX:OFFSET,LENGTH */
static void xfer(struct gdb *g, char *s, struct gdb_reply *r)
{
	char *object = s, *op = strchr(object, ':'), *annex = op ? strchr(op + 1, ':') : NULL;
	char *range = annex ? strchr(annex + 1, ':') : NULL;
	uint64_t offset, length;
	const char *end;
	if (!range || strncmp(op, ":read:", 6) || hex_number(range + 1, &offset, &end) ||
	    *end != ',' || hex_number(end + 1, &length, &end) || *end) {
		reply_str(r, "E00");
		return;
	}
	*op = *range = 0;
	char *buf = malloc(XML_MAX);
	long n = buf ? xfer_object(g, object, annex + 1, buf, XML_MAX) : -1;
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

void gdb_handle_query(struct gdb *g, char *pkt, struct gdb_reply *r)
{
	if (!strncmp(pkt, "qSupported", 10)) {
		supported(g, pkt + 10, r);
	} else if (!strcmp(pkt, "QStartNoAckMode")) {
		reply_str(r, "OK");
		g->noack_pending = 1;
	} else if (!strncmp(pkt, "QPassSignals:", 13)) {
		pass_signals(g, pkt + 13, r);
	} else if (!strncmp(pkt, "qAttached", 9)) {
		reply_str(r, "0"); /* hexvm started it: gdb kills it when it quits */
	} else if (!strcmp(pkt, "qC")) {
		reply_fmt(r, "QC%x", g->stop.tid);
	} else if (!strcmp(pkt, "qfThreadInfo")) {
		thread_list(g, r);
	} else if (!strcmp(pkt, "qsThreadInfo")) {
		reply_str(r, "l");
	} else if (!strncmp(pkt, "qThreadExtraInfo,", 17)) {
		extra_info(g, pkt + 17, r);
	} else if (!strncmp(pkt, "qXfer:", 6)) {
		xfer(g, pkt + 6, r);
	} else if (!strncmp(pkt, "qRcmd,", 6)) {
		monitor(g, pkt + 6, r);
	} else if (!strncmp(pkt, "qSymbol:", 8)) {
		reply_str(r, "OK"); /* no symbols wanted */
	}
}
