/* The packets gdb sends while the machine is stopped: registers, memory,
 * breakpoints, threads, and the resume, detach and kill requests. Anything
 * malformed gets an error reply; anything unknown, the empty reply. */
#include <stdlib.h>
#include <string.h>

#include "debug/gdb_internal.h"
#include "debug/gdb_regs.h"

#define E_FAULT "E0e" /* EFAULT */
#define E_INVAL "E16" /* EINVAL */
#define E_SRCH	"E03" /* ESRCH: no such thread */

struct task *gdb_regs_task(struct gdb *g)
{
	struct task *t = gdb_task(g, g->regs_tid);
	struct process *p = gdb_process(g);
	if (!t)
		t = gdb_task(g, g->stop.tid);
	return t ? t : p ? p->threads : NULL;
}

/* "ADDR,LEN" then `sep` (or the end when sep is 0); *rest after it. */
static int addr_len(const char *s, uint64_t *addr, uint64_t *len, char sep, const char **rest)
{
	const char *p;
	if (hex_number(s, addr, &p) || *p != ',' || hex_number(p + 1, len, &p) || *p != sep)
		return -1;
	if (rest)
		*rest = sep ? p + 1 : p;
	return 0;
}

static void read_registers(struct gdb *g, struct gdb_reply *r)
{
	struct task *t = gdb_regs_task(g);
	uint8_t v[GDB_REG_MAX_BYTES];
	if (!t) {
		reply_str(r, E_SRCH);
		return;
	}
	for (int n = 0; n < gdb_reg_count(t->proc->mode64); n++)
		reply_hex(r, v, gdb_reg_read(&t->cpu, t->proc->mode64, n, v));
}

static void write_registers(struct gdb *g, const char *hex, struct gdb_reply *r)
{
	struct task *t = gdb_regs_task(g);
	uint8_t v[GDB_REG_MAX_BYTES];
	if (!t) {
		reply_str(r, E_SRCH);
		return;
	}
	int mode64 = t->proc->mode64;
	for (int n = 0; n < gdb_reg_count(mode64); n++) {
		unsigned size = gdb_reg_size(mode64, n);
		if (strlen(hex) < 2 * size || hex_decode(hex, size, v)) {
			reply_str(r, E_INVAL);
			return;
		}
		gdb_reg_write(&t->cpu, mode64, n, v);
		hex += 2 * size;
	}
	reply_str(r, "OK");
}

/* p N / P N=VALUE */
static void one_register(struct gdb *g, const char *s, int write, struct gdb_reply *r)
{
	struct task *t = gdb_regs_task(g);
	uint8_t v[GDB_REG_MAX_BYTES];
	uint64_t n;
	const char *p;
	if (!t) {
		reply_str(r, E_SRCH);
		return;
	}
	int mode64 = t->proc->mode64;
	if (hex_number(s, &n, &p) || n >= (uint64_t)gdb_reg_count(mode64) ||
	    *p != (write ? '=' : 0)) {
		reply_str(r, E_INVAL);
		return;
	}
	unsigned size = gdb_reg_size(mode64, (int)n);
	if (!write) {
		reply_hex(r, v, gdb_reg_read(&t->cpu, mode64, (int)n, v));
	} else if (strlen(p + 1) != 2 * size || hex_decode(p + 1, size, v)) {
		reply_str(r, E_INVAL);
	} else {
		gdb_reg_write(&t->cpu, mode64, (int)n, v);
		reply_str(r, "OK");
	}
}

static void read_memory(struct gdb *g, const char *s, struct gdb_reply *r)
{
	struct process *p = gdb_process(g);
	uint64_t addr, len;
	uint8_t buf[GDB_PACKET_MAX / 2];
	if (addr_len(s, &addr, &len, 0, NULL)) {
		reply_str(r, E_INVAL);
		return;
	}
	if (len > sizeof buf)
		len = sizeof buf;
	size_t got = p ? gdb_mem_read(p->mm, addr, buf, (size_t)len) : 0;
	if (!got && len)
		reply_str(r, E_FAULT);
	else
		reply_hex(r, buf, got);
}

/* M ADDR,LEN:HEX (binary: X ADDR,LEN:BYTES, whose payload may hold NULs). */
static void write_memory(struct gdb *g, const char *s, const char *end, int binary,
			 struct gdb_reply *r)
{
	struct process *p = gdb_process(g);
	uint64_t addr, len;
	const char *data;
	uint8_t buf[GDB_PACKET_MAX];
	if (addr_len(s, &addr, &len, ':', &data) || len > sizeof buf ||
	    (uint64_t)(end - data) != (binary ? len : 2 * len) ||
	    (!binary && hex_decode(data, (size_t)len, buf))) {
		reply_str(r, E_INVAL);
		return;
	}
	if (binary)
		memcpy(buf, data, (size_t)len);
	if (!p || gdb_mem_write(p->mm, addr, buf, (size_t)len) != len)
		reply_str(r, E_FAULT);
	else
		reply_str(r, "OK");
}

/* Z TYPE,ADDR,KIND[;conditions] and z: insert or remove. */
static void point(struct gdb *g, const char *s, int insert, struct gdb_reply *r)
{
	uint64_t type, addr, len;
	const char *p;
	if (hex_number(s, &type, &p) || *p != ',' || type >= Z_KINDS ||
	    hex_number(p + 1, &addr, &p) || *p != ',' || hex_number(p + 1, &len, &p) ||
	    (*p && *p != ';')) {
		reply_str(r, E_INVAL);
		return;
	}
	int rc = insert ? gdb_point_insert(g, (int)type, addr, len)
			: gdb_point_remove(g, (int)type, addr, len);
	reply_str(r, rc ? E_INVAL : "OK");
}

/* A thread id: -1 (all), 0 (any) or a tid. */
static int thread_id(const char *s, int *tid)
{
	uint64_t v;
	if (!strcmp(s, "-1")) {
		*tid = -1;
		return 0;
	}
	if (hex_number(s, &v, NULL) || v > 0x7fffffff)
		return -1;
	*tid = (int)v;
	return 0;
}

static void set_thread(struct gdb *g, const char *s, struct gdb_reply *r)
{
	int tid;
	if ((s[0] != 'g' && s[0] != 'c') || thread_id(s + 1, &tid) ||
	    (tid > 0 && !gdb_task(g, tid))) {
		reply_str(r, E_SRCH);
		return;
	}
	if (tid <= 0)
		tid = g->stop.tid;
	if (s[0] == 'g')
		g->regs_tid = tid;
	else
		g->cont_tid = tid;
	reply_str(r, "OK");
}

static void thread_alive(struct gdb *g, const char *s, struct gdb_reply *r)
{
	int tid;
	reply_str(r, !thread_id(s, &tid) && tid > 0 && gdb_task(g, tid) ? "OK" : E_SRCH);
}

/* Resets every thread's action before a resume request is read. */
static void clear_actions(struct gdb *g, enum gdb_action default_action)
{
	g->default_action = default_action;
	for (int k = 0; k < g->nthreads; k++) {
		g->threads[k].action = default_action;
		g->threads[k].resume_sig = 0;
	}
}

static int set_action(struct gdb *g, int tid, enum gdb_action a, int sig)
{
	struct gdb_thread *th = gdb_thread(g, tid);
	if (!th)
		return -1;
	th->action = a;
	th->resume_sig = sig;
	return 0;
}

/* One vCont action ("c", "C05", "s:1f" ...): its action, signal and thread
 * (-1: every thread without an action of its own); *next after it. */
static int parse_action(const char *s, enum gdb_action *a, int *sig, int *tid, const char **next)
{
	uint64_t gsig = 0;
	const char *p = s + 1;
	if (s[0] != 'c' && s[0] != 'C' && s[0] != 's' && s[0] != 'S')
		return -1;
	*a = s[0] == 'c' || s[0] == 'C' ? ACT_CONT : ACT_STEP;
	if ((s[0] == 'C' || s[0] == 'S') && (hex_number(s + 1, &gsig, &p) || gsig > 255))
		return -1;
	*sig = gsig ? gdb_signal_from_gdb((int)gsig) : 0;
	if (*sig < 0)
		return -1;
	*tid = -1;
	if (*p == ':') {
		char id[24];
		size_t n = strcspn(p + 1, ";");
		snprintf(id, sizeof id, "%.*s", (int)(n < sizeof id ? n : sizeof id - 1), p + 1);
		if (thread_id(id, tid))
			return -1;
		p += 1 + n;
	}
	*next = p;
	return *p && *p != ';' ? -1 : 0;
}

/* vCont;ACTION[:TID]... : for each thread the leftmost action naming it
 * (or naming all) applies; threads no action names stay stopped. */
static enum serve_result vcont(struct gdb *g, const char *s, struct gdb_reply *r)
{
	enum gdb_action a, fallback = ACT_HOLD;
	int sig, tid, named[64], nnamed = 0, fallback_set = 0;
	clear_actions(g, ACT_HOLD);
	while (*s == ';') {
		if (parse_action(s + 1, &a, &sig, &tid, &s)) {
			reply_str(r, E_INVAL);
			return SERVE_MORE;
		}
		int seen = 0;
		for (int k = 0; k < nnamed; k++)
			seen |= named[k] == tid;
		if (tid > 0 && !seen && nnamed < 64 && gdb_task(g, tid) &&
		    !set_action(g, tid, a, sig))
			named[nnamed++] = tid;
		if (tid <= 0 && !fallback_set) {
			fallback = a;
			fallback_set = 1;
		}
	}
	for (int k = 0; k < g->nthreads; k++) {
		int explicit = 0;
		for (int n = 0; n < nnamed; n++)
			explicit |= named[n] == g->threads[k].tid;
		if (!explicit)
			g->threads[k].action = fallback;
	}
	g->default_action = fallback;
	return SERVE_RESUME;
}

/* The old c, C, s and S: the thread Hc names (or the stopped one) steps or
 * continues, with the signal; the others continue. An address moves it. */
static enum serve_result resume_legacy(struct gdb *g, const char *s, struct gdb_reply *r)
{
	uint64_t gsig = 0, addr;
	const char *p = s + 1;
	int with_sig = s[0] == 'C' || s[0] == 'S';
	struct task *t = gdb_task(g, g->cont_tid);
	if (!t)
		t = gdb_task(g, g->stop.tid);
	if (with_sig && (hex_number(p, &gsig, &p) || gsig > 255 || (*p && *p != ';'))) {
		reply_str(r, E_INVAL);
		return SERVE_MORE;
	}
	if (*p == ';' || (!with_sig && *p)) {
		if (hex_number(p + (*p == ';'), &addr, NULL)) {
			reply_str(r, E_INVAL);
			return SERVE_MORE;
		}
		if (t)
			t->cpu.rip = addr;
	}
	int sig = gsig ? gdb_signal_from_gdb((int)gsig) : 0;
	clear_actions(g, ACT_CONT);
	if (t && set_action(g, t->tid, s[0] == 's' || s[0] == 'S' ? ACT_STEP : ACT_CONT,
			    sig > 0 ? sig : 0))
		return SERVE_MORE;
	return SERVE_RESUME;
}

static enum serve_result v_packet(struct gdb *g, const char *pkt, struct gdb_reply *r)
{
	if (!strcmp(pkt, "vCont?")) {
		reply_str(r, "vCont;c;C;s;S");
	} else if (!strncmp(pkt, "vCont;", 6)) {
		return vcont(g, pkt + 5, r);
	} else if (!strncmp(pkt, "vKill", 5)) {
		gdb_conn_send(&g->conn, "OK", 2);
		gdb_kill(g);
		return SERVE_END;
	} else if (!strcmp(pkt, "vCtrlC")) {
		reply_str(r, "OK"); /* already stopped */
	} else if (!strncmp(pkt, "vRun", 4) || !strncmp(pkt, "vAttach", 7)) {
		reply_str(r, "E01"); /* one machine, one program: started by hexvm */
	}
	return SERVE_MORE;
}

enum serve_result gdb_handle_packet(struct gdb *g, char *pkt, int len, struct gdb_reply *r)
{
	switch (pkt[0]) {
	case '?': gdb_stop_reply(g, r); break;
	case 'g': read_registers(g, r); break;
	case 'G': write_registers(g, pkt + 1, r); break;
	case 'p': one_register(g, pkt + 1, 0, r); break;
	case 'P': one_register(g, pkt + 1, 1, r); break;
	case 'm': read_memory(g, pkt + 1, r); break;
	case 'M': write_memory(g, pkt + 1, pkt + len, 0, r); break;
	case 'X': write_memory(g, pkt + 1, pkt + len, 1, r); break;
	case 'Z': point(g, pkt + 1, 1, r); break;
	case 'z': point(g, pkt + 1, 0, r); break;
	case 'H': set_thread(g, pkt + 1, r); break;
	case 'T': thread_alive(g, pkt + 1, r); break;
	case 'c':
	case 'C':
	case 's':
	case 'S': return resume_legacy(g, pkt, r);
	case 'v': return v_packet(g, pkt, r);
	case 'q':
	case 'Q': gdb_handle_query(g, pkt, r); break;
	case 'k': gdb_kill(g); return SERVE_END;
	case 'D':
		gdb_conn_send(&g->conn, "OK", 2);
		gdb_detach(g);
		return SERVE_END;
	default: break;
	}
	return SERVE_MORE;
}
