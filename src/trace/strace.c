/* The -s line of each system call:
 *   [pid] name(args) = result
 * Arguments the call reads are written when it is entered; those it fills
 * in when it returns. A call that waits (parks) stays open meanwhile: if
 * another line must be written first, the open one is written as
 *   [pid] name(args <unfinished ...>
 * and its end later as
 *   [pid] <... name resumed>more args) = result
 * as strace -f does. */
#include <stdlib.h>
#include <string.h>

#include "kernel/entry.h"
#include "kernel/sys/syscall.h"
#include "kernel/task/task.h"
#include "kernel/task/timer.h"
#include "trace/hooks.h"
#include "trace/obs.h"
#include "trace/strace.h"
#include "trace/strace_names.h"

#define LINE_MAX_TEXT 4096

struct strace_call {
	struct strace_call *next;
	int tid;
	int abi;
	uint64_t nr;
	uint64_t a[STRACE_ARGS];
	const char *name; /* NULL: not a call hexvm has */
	struct call_shape shape;
	int first_out; /* the first argument of the shape written at the return */
	int head_args; /* arguments written at the entry */
	int shown;     /* written as <unfinished ...> already */
	uint32_t entry[STRACE_ARGS]; /* in-out arguments at the entry */
	char head[LINE_MAX_TEXT];
};

int strace_init(struct obs *o)
{
	const char *where;
	if (!strace_table_sorted(&where)) {
		fprintf(o->log, "hexvm: internal error: strace table out of order at %s\n", where);
		return -1;
	}
	for (int abi = 0; abi < 2; abi++)
		for (unsigned nr = 0; nr < SYSCALL_NR_MAX; nr++) {
			const struct syscall_desc *d = syscall_lookup(abi, nr);
			o->sig[abi][nr] = d ? strace_sig_find(d->name) : NULL;
		}
	return 0;
}

void strace_free(struct obs *o)
{
	while (o->calls) {
		struct strace_call *c = o->calls;
		o->calls = c->next;
		free(c);
	}
}

static struct arg_ctx context(struct task *t, const struct strace_call *c, int64_t ret, int done)
{
	struct arg_ctx x = {t, c->a, c->abi, t->proc->mode64, ret, 0, c->entry};
	x.failed = !done || (ret < 0 && ret >= -4095);
	return x;
}

/* Arguments [from, to) of the shape, after `written` earlier ones. */
static int write_args(struct tbuf *b, const struct arg_ctx *x, const struct call_shape *s, int from,
		      int to, int written)
{
	char one[LINE_MAX_TEXT];
	for (int k = from; k < to; k++) {
		struct tbuf arg = TBUF_ON(one);
		if (!strace_arg(&arg, x, s->kind[k], s->index[k]))
			continue;
		tb_puts(b, written++ ? ", " : "");
		if (s->label[k])
			tb_printf(b, "%s=", s->label[k]);
		tb_puts(b, one);
	}
	return written;
}

/* i386's socketcall(call, args) is written as the call it makes, with the
 * arguments it reads from memory, as strace does. */
static const struct strace_sig *unpack_socketcall(struct strace_call *c, struct task *t)
{
	static const char *const names[21] = {
		NULL,	       "socket",     "bind",	  "connect",	"listen",   "accept",
		"getsockname", "getpeername", "socketpair", "send",	"recv",	    "sendto",
		"recvfrom",    "shutdown",   "setsockopt", "getsockopt", "sendmsg", "recvmsg",
		"accept4",     "recvmmsg",   "sendmmsg"};
	uint32_t raw[6];
	struct arg_ctx x = context(t, c, 0, 0);
	if (c->a[0] < 1 || c->a[0] > 20 || !strace_read(&x, c->a[1], raw, sizeof raw))
		return NULL;
	c->name = names[c->a[0]];
	for (int k = 0; k < 6; k++)
		c->a[k] = raw[k];
	return strace_sig_find(c->name);
}

static void enter_known(struct strace_call *c, struct task *t, const struct syscall_desc *d)
{
	struct obs *o = t->vm->obs;
	struct tbuf b = {c->head, 0, sizeof c->head};
	const struct strace_sig *sig = o->sig[c->abi][c->nr];
	c->name = d->name;
	if (d->fn == sys_socketcall) {
		const struct strace_sig *inner = unpack_socketcall(c, t);
		sig = inner ? inner : sig;
	}
	struct arg_ctx x = context(t, c, 0, 0);
	strace_shape(&c->shape, sig, d->fmt, &x);
	for (int k = 0; k < c->shape.n; k++)
		c->entry[c->shape.index[k]] =
			strace_entry_value(&x, c->shape.kind[k], c->shape.index[k]);
	c->first_out = 0;
	while (c->first_out < c->shape.n && c->shape.kind[c->first_out] < K_FIRST_OUT)
		c->first_out++;
	tb_printf(&b, "[%d] %s(", t->tid, c->name);
	c->head_args = write_args(&b, &x, &c->shape, 0, c->first_out, 0);
}

void strace_enter(struct task *t, int abi, uint64_t nr, const uint64_t *a)
{
	struct obs *o = t->vm->obs;
	struct strace_call *c = calloc(1, sizeof *c);
	if (!c)
		return;
	c->tid = t->tid;
	c->abi = abi;
	c->nr = nr;
	memcpy(c->a, a, sizeof c->a);
	const struct syscall_desc *d = syscall_lookup(abi, nr);
	if (d)
		enter_known(c, t, d);
	else
		snprintf(c->head, sizeof c->head, "[%d] syscall_%llu(%#llx, %#llx, %#llx, ...", t->tid,
			 (unsigned long long)nr, (unsigned long long)a[0], (unsigned long long)a[1],
			 (unsigned long long)a[2]);
	c->next = o->calls;
	o->calls = c;
}

/* A call that is still open goes out as unfinished before any other line;
 * one whose task is gone will never finish and is dropped. */
void strace_flush_pending(struct vm *vm, int except_tid)
{
	struct obs *o = vm->obs;
	struct strace_call **pp = &o->calls;
	while (*pp) {
		struct strace_call *c = *pp;
		if (c->tid != except_tid && !c->shown) {
			fprintf(o->log, "%s%s <unfinished ...>\n", c->head,
				c->head_args && c->first_out < c->shape.n ? ", " : "");
			c->shown = 1;
		}
		if (c->shown && !task_find(vm, c->tid)) {
			*pp = c->next;
			free(c);
		} else {
			pp = &c->next;
		}
	}
}

static struct strace_call *take(struct obs *o, int tid)
{
	for (struct strace_call **pp = &o->calls; *pp; pp = &(*pp)->next)
		if ((*pp)->tid == tid) {
			struct strace_call *c = *pp;
			*pp = c->next;
			return c;
		}
	return NULL;
}

static const char *restart_name(int64_t ret, const char **text)
{
	switch (-ret) {
	case KERN_ERESTARTSYS: *text = "To be restarted if SA_RESTART is set"; return "ERESTARTSYS";
	case KERN_ERESTARTNOHAND: *text = "To be restarted if no handler"; return "ERESTARTNOHAND";
	default: return NULL;
	}
}

static void error_result(struct tbuf *b, int64_t ret)
{
	const char *text, *name = restart_name(ret, &text);
	if (name) {
		tb_printf(b, " = ? %s (%s)", name, text);
		return;
	}
	name = strerrorname_np((int)-ret);
	if (name)
		tb_printf(b, " = -1 %s (%s)", name, strerror((int)-ret));
	else
		tb_printf(b, " = -1 %lld", (long long)-ret);
}

/* F_GETFD and F_GETFL results are flags, named after the number. */
static void fcntl_result(struct tbuf *b, const struct arg_ctx *x)
{
	uint64_t cmd = x->a[1], v = (uint64_t)x->ret;
	if ((cmd != 1 && cmd != 3) || (cmd == 1 && !v)) {
		tb_printf(b, " = %llu", (unsigned long long)v);
		return;
	}
	tb_printf(b, v ? " = %#llx (flags " : " = %llu (flags ", (unsigned long long)v);
	if (cmd == 1) {
		tb_flags(b, fd_flags, v, "0");
	} else {
		tb_puts(b, flag_lookup(open_access, v & 3) ? flag_lookup(open_access, v & 3) : "3");
		if (v & ~3ull) {
			tb_putc(b, '|');
			tb_flags(b, open_flags, v & ~3ull, "0");
		}
	}
	tb_putc(b, ')');
}

void strace_result(struct tbuf *b, const struct arg_ctx *x, int ret_kind)
{
	int64_t ret = x->ret;
	if (ret_kind == R_EXIT || (ret == SYSCALL_REGS_SET && ret_kind == R_DEC)) {
		tb_puts(b, " = ?");
		return;
	}
	if (ret == SYSCALL_REGS_SET) {
		/* execve succeeded; sigreturn returns what the interrupted code had */
		uint64_t ax = x->t->cpu.r[R_AX];
		ret = ret_kind == R_EXECVE ? 0 : x->is64 ? (int64_t)ax : (int64_t)(int32_t)ax;
	}
	if (ret < 0 && ret >= -4095) {
		error_result(b, ret);
	} else if (ret_kind == R_HEX) {
		tb_printf(b, " = %#llx", (unsigned long long)ret);
	} else if (ret_kind == R_OCT) {
		tb_printf(b, " = %#llo", (unsigned long long)ret);
	} else if (ret_kind == R_SELECT || ret_kind == R_PSELECT || ret_kind == R_PSELECT64) {
		strace_select_result(b, x, ret_kind);
	} else if (ret_kind == R_FCNTL) {
		fcntl_result(b, x);
	} else if (ret_kind == R_TLS) {
		uint8_t raw[4];
		tb_printf(b, " = %lld", (long long)ret);
		if (strace_read(x, x->a[0], raw, 4))
			tb_printf(b, " (entry_number=%d)", (int)(raw[0] | raw[1] << 8 | raw[2] << 16 |
							      (uint32_t)raw[3] << 24));
	} else {
		tb_printf(b, " = %lld", (long long)ret);
	}
}

/* strace's line for a thread or process that ended by exit or exit_group */
static void write_exit(struct obs *o, struct task *t, const struct strace_call *c)
{
	struct process *p = t->proc;
	if (p->group_exit && !(p->wait_status & 0x7f))
		fprintf(o->log, "[%d] +++ exited with %d +++\n", p->pid, (p->wait_status >> 8) & 0xff);
	else if (!p->group_exit)
		fprintf(o->log, "[%d] +++ exited with %d +++\n", t->tid, (int)(c->a[0] & 0xff));
}

void strace_exit(struct task *t, int64_t ret)
{
	struct obs *o = t->vm->obs;
	struct strace_call *c = take(o, t->tid);
	char line[LINE_MAX_TEXT];
	struct tbuf b = TBUF_ON(line);
	if (!c)
		return;
	strace_flush_pending(t->vm, t->tid);
	struct arg_ctx x = context(t, c, ret, 1);
	if (c->shown)
		tb_printf(&b, "[%d] <... %s resumed>", t->tid, c->name ? c->name : "syscall");
	else
		tb_puts(&b, c->head);
	if (c->name)
		write_args(&b, &x, &c->shape, c->first_out, c->shape.n, c->shown ? 0 : c->head_args);
	tb_putc(&b, ')');
	strace_result(&b, &x, c->name ? c->shape.ret : R_DEC);
	if (!c->name)
		tb_puts(&b, " [unsupported]");
	fprintf(o->log, "%s\n", line);
	if (c->name && c->shape.ret == R_EXIT)
		write_exit(o, t, c);
	free(c);
}
