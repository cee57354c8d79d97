/* The packets gdb sends while the machine is stopped: registers, memory,
 * breakpoints, threads, and the resume, detach and kill requests. Anything
 * malformed gets an error reply; anything unknown, the empty reply. */
#include <stdlib.h>
#include <string.h>

#include "debug/gdb_internal.h"
#include "debug/gdb_regs.h"
#include "kernel/task/process.h"

#define E_FAULT "E0e" /* EFAULT */
#define E_INVAL "E16" /* EINVAL */
#define E_SRCH	"E03" /* ESRCH: no such thread */

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

/* At a system call stop, orig_rax/orig_eax is the call's number (gdb
 * reads it, and writes -1 to skip the call); else the cpu's registers. */
static unsigned reg_read(struct gdb *g, struct task *t, int n, uint8_t *v)
{
	int mode64 = t->proc->mode64;
	struct gdb_thread *th = gdb_thread_find(g, t->tid);
	unsigned size = gdb_reg_read(&t->cpu, mode64, n, v);
	if (th && th->at_syscall && n == gdb_reg_orig_ax(mode64))
		for (unsigned k = 0; k < size; k++)
			v[k] = (uint8_t)((uint64_t)th->orig_ax >> (8 * k));
	return size;
}

static void reg_write(struct gdb *g, struct task *t, int n, const uint8_t *v)
{
	int mode64 = t->proc->mode64;
	struct gdb_thread *th = gdb_thread_find(g, t->tid);
	if (th && th->at_syscall && n == gdb_reg_orig_ax(mode64)) {
		uint64_t x = 0;
		for (unsigned k = 0; k < gdb_reg_size(mode64, n); k++)
			x |= (uint64_t)v[k] << (8 * k);
		th->orig_ax = mode64 ? (int64_t)x : (int64_t)(int32_t)x;
	}
	gdb_reg_write(&t->cpu, mode64, n, v);
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
		reply_hex(r, v, reg_read(g, t, n, v));
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
		reg_write(g, t, n, v);
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
		reply_hex(r, v, reg_read(g, t, (int)n, v));
	} else if (strlen(p + 1) != 2 * size || hex_decode(p + 1, size, v)) {
		reply_str(r, E_INVAL);
	} else {
		reg_write(g, t, (int)n, v);
		reply_str(r, "OK");
	}
}

static void read_memory(struct gdb *g, const char *s, struct gdb_reply *r)
{
	struct process *p = gdb_current_process(g);
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
	struct process *p = gdb_current_process(g);
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
	struct gdb_inferior *inf = gdb_current_inferior(g);
	int rc = !inf ? -1
		 : insert ? gdb_point_insert(inf, (int)type, addr, len)
			  : gdb_point_remove(inf, (int)type, addr, len);
	reply_str(r, rc ? E_INVAL : "OK");
}

/* A whole packet argument that is a thread id. */
static int thread_id(const char *s, struct gdb_ptid *id)
{
	const char *end;
	return gdb_parse_ptid(s, id, &end) || *end ? -1 : 0;
}

/* The thread an id names, for Hg and Hc: a thread, any thread of a
 * process, or (any or all) the stopped one. NULL for no such thread. */
static struct task *named_task(struct gdb *g, const struct gdb_ptid *id)
{
	struct task *t = id->tid > 0 ? gdb_task(g, id->tid) : NULL;
	if (id->tid > 0)
		return t && (id->pid <= 0 || t->proc->pid == id->pid) ? t : NULL;
	if (id->pid > 0) {
		struct process *p = gdb_inferior_process(g, gdb_inferior(g, id->pid));
		for (t = p ? p->threads : NULL; t && t->state == TASK_DEAD; t = t->thread_next)
			;
		return t;
	}
	t = gdb_task(g, g->stop.tid);
	return t ? t : gdb_regs_task(g);
}

static void set_thread(struct gdb *g, const char *s, struct gdb_reply *r)
{
	struct gdb_ptid id;
	struct task *t;
	if ((s[0] != 'g' && s[0] != 'c') || thread_id(s + 1, &id) || !(t = named_task(g, &id))) {
		reply_str(r, E_SRCH);
		return;
	}
	if (s[0] == 'g')
		g->regs_tid = t->tid;
	else
		g->cont_tid = t->tid;
	reply_str(r, "OK");
}

static void thread_alive(struct gdb *g, const char *s, struct gdb_reply *r)
{
	struct gdb_ptid id;
	struct task *t = thread_id(s, &id) || id.tid <= 0 ? NULL : gdb_task(g, id.tid);
	reply_str(r, t && (id.pid <= 0 || id.pid == t->proc->pid) ? "OK" : E_SRCH);
}

/* Every thread of the process has a record, with action a. */
static void reset_actions_of(struct gdb *g, struct gdb_inferior *inf, enum gdb_action a)
{
	struct process *p = gdb_inferior_process(g, inf);
	struct gdb_thread *th;
	inf->default_action = a;
	for (struct task *t = p ? p->threads : NULL; t; t = t->thread_next)
		if (t->state != TASK_DEAD && (th = gdb_thread(g, t->tid))) {
			th->action = a;
			th->resume_sig = 0;
		}
}

/* Before a resume request is read: every debugged thread has a record, all
 * with the same action. */
static void reset_actions(struct gdb *g, enum gdb_action a)
{
	for (int k = 0; k < g->ninfs; k++)
		reset_actions_of(g, g->infs[k], a);
}

struct vcont_action {
	enum gdb_action action;
	int sig;
	struct gdb_ptid id;
};

/* One vCont action ("c", "C05", "s:p2.1f" ...); *next after it. */
static int parse_action(const char *s, struct vcont_action *va, const char **next)
{
	uint64_t gsig = 0;
	const char *p = s + 1;
	if (s[0] != 'c' && s[0] != 'C' && s[0] != 's' && s[0] != 'S')
		return -1;
	va->action = s[0] == 'c' || s[0] == 'C' ? ACT_CONT : ACT_STEP;
	if ((s[0] == 'C' || s[0] == 'S') && (hex_number(s + 1, &gsig, &p) || gsig > 255))
		return -1;
	va->sig = gsig ? gdb_signal_from_gdb((int)gsig) : 0;
	if (va->sig < 0)
		return -1;
	va->id = (struct gdb_ptid){-1, -1};
	if (*p == ':' && gdb_parse_ptid(p + 1, &va->id, &p))
		return -1;
	*next = p;
	return *p && *p != ';' ? -1 : 0;
}

#define VCONT_MAX 64

/* vCont;ACTION[:ID]... : for each thread the leftmost action naming it
 * (itself, its process or all) applies; threads no action names stay
 * stopped. A process's new threads take the action that names all of it. */
static enum serve_result vcont(struct gdb *g, const char *s, struct gdb_reply *r)
{
	struct vcont_action va[VCONT_MAX];
	int n = 0;
	while (*s == ';') {
		if (n == VCONT_MAX || parse_action(s + 1, &va[n], &s)) {
			reply_str(r, E_INVAL);
			return SERVE_MORE;
		}
		n++;
	}
	reset_actions(g, ACT_HOLD);
	for (int k = 0; k < g->nthreads; k++) {
		struct gdb_thread *th = &g->threads[k];
		for (int a = 0; a < n; a++)
			if (gdb_ptid_matches(&va[a].id, th->pid, th->tid)) {
				th->action = va[a].action;
				th->resume_sig = va[a].sig;
				break;
			}
	}
	for (int k = 0; k < g->ninfs; k++)
		for (int a = 0; a < n; a++)
			if (gdb_ptid_matches(&va[a].id, g->infs[k]->pid, -1)) {
				g->infs[k]->default_action = va[a].action;
				break;
			}
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
	reset_actions(g, ACT_CONT);
	struct gdb_thread *th = t ? gdb_thread(g, t->tid) : NULL;
	if (th) {
		th->action = s[0] == 's' || s[0] == 'S' ? ACT_STEP : ACT_CONT;
		th->resume_sig = sig > 0 ? sig : 0;
	}
	return SERVE_RESUME;
}

/* D and vKill, with ";PID" under multiprocess. -1: malformed. */
static int pid_arg(const char *s, int *pid)
{
	uint64_t v;
	const char *end;
	*pid = -1;
	if (!*s)
		return 0;
	if (*s != ';' || hex_number(s + 1, &v, &end) || *end || v == 0 || v > 0x7fffffff)
		return -1;
	*pid = (int)v;
	return 0;
}

/* Detaches (or kills) one process, or all of them; the stub goes on
 * serving while others stay debugged, and under extended-remote stays
 * connected while the machine runs on without a debugged process. */
static enum serve_result end_process(struct gdb *g, const char *arg, int kill, struct gdb_reply *r)
{
	int pid;
	if (pid_arg(arg, &pid) || (pid > 0 && !gdb_inferior(g, pid))) {
		reply_str(r, E_SRCH);
		return SERVE_MORE;
	}
	if (pid > 0 && (g->ninfs > 1 || g->extended)) {
		if (kill)
			gdb_inferior_kill(g, pid);
		else
			gdb_inferior_remove(g, pid);
		reply_str(r, "OK");
		if (g->ninfs)
			return SERVE_MORE;
		gdb_conn_send(&g->conn, r->buf, r->len);
		return SERVE_END;
	}
	gdb_conn_send(&g->conn, "OK", 2);
	if (kill)
		gdb_kill(g);
	else
		gdb_detach(g);
	return SERVE_END;
}

/* vAttach;PID: another guest process becomes debugged, stopped, and the
 * reply is its stop. */
static void attach(struct gdb *g, const char *s, struct gdb_reply *r)
{
	uint64_t pid;
	const char *end;
	struct process *p = NULL;
	struct task *t = NULL;
	if (!hex_number(s, &pid, &end) && !*end && pid <= 0x7fffffff &&
	    !gdb_inferior(g, (int)pid) && (p = process_find(g->vm, (int)pid)) &&
	    p->state == PROC_LIVE && p->mm)
		for (t = p->threads; t && t->state == TASK_DEAD; t = t->thread_next)
			;
	struct gdb_inferior *inf = t ? gdb_inferior_add(g, p->pid) : NULL;
	if (!inf) {
		reply_str(r, "E01");
		return;
	}
	inf->attached = 1;
	reset_actions_of(g, inf, ACT_HOLD);
	struct gdb_stop stop = {.kind = STOP_ATTACHED, .tid = t->tid, .pid = p->pid};
	gdb_set_stop(g, &stop);
	gdb_stop_reply(g, r);
}

static enum serve_result v_packet(struct gdb *g, const char *pkt, int len, struct gdb_reply *r)
{
	if (!strcmp(pkt, "vCont?")) {
		reply_str(r, "vCont;c;C;s;S");
	} else if (!strncmp(pkt, "vCont;", 6)) {
		return vcont(g, pkt + 5, r);
	} else if (!strncmp(pkt, "vKill", 5)) {
		return end_process(g, pkt + 5, 1, r);
	} else if (!strcmp(pkt, "vCtrlC")) {
		reply_str(r, "OK"); /* already stopped */
	} else if (!strncmp(pkt, "vFile:", 6)) {
		gdb_vfile(g, pkt + 6, len - 6, r);
	} else if (!strncmp(pkt, "vAttach;", 8)) {
		attach(g, pkt + 8, r);
	} else if (!strncmp(pkt, "vRun", 4)) {
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
	case 'v': return v_packet(g, pkt, len, r);
	case 'q':
	case 'Q': gdb_handle_query(g, pkt, len, r); break;
	case 'k': gdb_kill(g); return SERVE_END;
	case 'D': return end_process(g, pkt + 1, 0, r);
	case '!':
		g->extended = 1;
		reply_str(r, "OK");
		break;
	default: break;
	}
	return SERVE_MORE;
}
