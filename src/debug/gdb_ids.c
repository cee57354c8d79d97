/* Thread ids in packets. Without the multiprocess extension a thread is its
 * tid in hex; with it, "pPID.TID". Either part may be -1 (all) or 0 (any),
 * and "pPID" alone means every thread of PID. hexvm's tids are unique in
 * the whole machine, so a bare tid needs no pid to be found. */
#include <string.h>

#include "debug/gdb_internal.h"

/* A hex number, or -1 written as such; *end after it. */
static int id_part(const char *s, int *v, const char **end)
{
	uint64_t x;
	if (s[0] == '-' && s[1] == '1') {
		*v = -1;
		*end = s + 2;
		return 0;
	}
	if (hex_number(s, &x, end) || x > 0x7fffffff)
		return -1;
	*v = (int)x;
	return 0;
}

int gdb_parse_ptid(const char *s, struct gdb_ptid *id, const char **end)
{
	const char *p;
	if (*s != 'p') {
		id->pid = -1;
		return id_part(s, &id->tid, end);
	}
	if (id_part(s + 1, &id->pid, &p))
		return -1;
	id->tid = -1;
	if (*p == '.' && id_part(p + 1, &id->tid, &p))
		return -1;
	*end = p;
	return 0;
}

int gdb_ptid_matches(const struct gdb_ptid *id, int pid, int tid)
{
	return (id->pid == -1 || id->pid == 0 || id->pid == pid) &&
	       (id->tid == -1 || id->tid == 0 || id->tid == tid);
}

void reply_thread_id(const struct gdb *g, struct gdb_reply *r, int pid, int tid)
{
	if (g->multiprocess)
		reply_fmt(r, "p%x.%x", pid, tid);
	else
		reply_fmt(r, "%x", tid);
}
