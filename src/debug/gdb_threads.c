/* The thread list gdb reads: qfThreadInfo, qXfer:threads, and a word on a
 * thread's state (qThreadExtraInfo). Threads of every debugged process. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debug/gdb_internal.h"

#define THREADS_MAX 512

struct thread_ref {
	int pid, tid;
};

static int cmp_tid(const void *a, const void *b)
{
	return ((const struct thread_ref *)a)->tid - ((const struct thread_ref *)b)->tid;
}

/* The debugged threads, by ascending tid; how many (at most max). */
static int thread_refs(struct gdb *g, struct thread_ref *refs, int max)
{
	int n = 0;
	for (int k = 0; k < g->ninfs; k++) {
		struct process *p = gdb_inferior_process(g, g->infs[k]);
		for (struct task *t = p ? p->threads : NULL; t && n < max; t = t->thread_next)
			if (t->state != TASK_DEAD)
				refs[n++] = (struct thread_ref){p->pid, t->tid};
	}
	qsort(refs, (size_t)n, sizeof *refs, cmp_tid);
	return n;
}

void gdb_thread_list(struct gdb *g, struct gdb_reply *r)
{
	struct thread_ref refs[THREADS_MAX];
	int n = thread_refs(g, refs, THREADS_MAX);
	if (!n) {
		reply_str(r, "l");
		return;
	}
	for (int k = 0; k < n; k++) {
		reply_str(r, k ? "," : "m");
		reply_thread_id(g, r, refs[k].pid, refs[k].tid);
	}
}

static const char *state_name(const struct task *t)
{
	switch (t->state) {
	case TASK_PARKED: return "waiting in a system call";
	case TASK_STOPPED: return "stopped by a signal";
	default: return "runnable";
	}
}

void gdb_thread_extra_info(struct gdb *g, const char *s, struct gdb_reply *r)
{
	struct gdb_ptid id;
	const char *end;
	struct task *t =
		gdb_parse_ptid(s, &id, &end) || *end || id.tid <= 0 ? NULL : gdb_task(g, id.tid);
	if (!t) {
		reply_str(r, "E03");
		return;
	}
	const char *text = state_name(t);
	reply_hex(r, text, strlen(text));
}

size_t gdb_threads_xml(struct gdb *g, char *out, size_t size)
{
	struct thread_ref refs[THREADS_MAX];
	int n = thread_refs(g, refs, THREADS_MAX);
	size_t len = 0;
	gdb_xml_append(out, size, &len, "<?xml version=\"1.0\"?>\n<threads>\n");
	for (int k = 0; k < n; k++) {
		struct task *t = gdb_task(g, refs[k].tid);
		char comm[sizeof t->comm + 1];
		snprintf(comm, sizeof comm, "%.*s", (int)sizeof t->comm, t->comm);
		if (g->multiprocess)
			gdb_xml_append(out, size, &len, "<thread id=\"p%x.%x\"", refs[k].pid,
				       refs[k].tid);
		else
			gdb_xml_append(out, size, &len, "<thread id=\"%x\"", refs[k].tid);
		gdb_xml_append(out, size, &len, " core=\"0\" name=\"");
		gdb_xml_escaped(out, size, &len, comm);
		gdb_xml_append(out, size, &len, "\"/>\n");
	}
	gdb_xml_append(out, size, &len, "</threads>\n");
	return len < size ? len : size;
}
