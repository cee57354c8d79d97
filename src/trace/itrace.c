/* --trace: every instruction of the traced tasks, one line each,
 *   [pid] count address: bytes  disassembly  registers it changed
 * The scheduler calls itrace_run instead of cpu_run while --trace is on, so
 * the run loop itself has no test for it. A traced task's address space
 * decodes one instruction per block, and cpu_run is asked for one block at
 * a time; until --trace-from is near, tasks run at full speed. */
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "interp/block.h"
#include "interp/dispatch.h"
#include "kernel/task/task.h"
#include "mem/mm.h"
#include "mem/uaccess.h"
#include "trace/hooks.h"
#include "trace/obs.h"
#include "trace/regs.h"
#include "trace/strace_names.h"

struct itrace {
	struct reg_snap before, after;
	int faulted; /* the instruction being stepped raised a fault */
};

int itrace_init(struct vm *vm)
{
	vm->obs->itrace = calloc(1, sizeof *vm->obs->itrace);
	return vm->obs->itrace ? 0 : -1;
}

void itrace_free(struct obs *o)
{
	free(o->itrace);
	o->itrace = NULL;
}

/* A fault while stepping: delivered as usual, then cpu_run must return
 * before it runs the handler's first instruction untraced (c->stop makes
 * it return; a task that lives on gets it back cleared). */
static void on_fault(struct cpu *c)
{
	struct task *t = c->task;
	t->vm->obs->itrace->faulted = 1;
	task_on_fault(c);
	c->stop = 1;
}

static void write_fault(struct tbuf *b, const struct cpu *c)
{
	char name[16];
	tb_printf(b, "  ! %s at %#llx", signal_name(c->fault_sig, 0, name, sizeof name),
		  (unsigned long long)c->fault_addr);
}

/* The line of one instruction, from what was read before it ran. */
static void write_line(struct task *t, uint64_t count, uint64_t rip, const uint8_t *code,
		       unsigned n)
{
	struct obs *o = t->vm->obs;
	char text[128], bytes[3 * INSN_MAX_LEN + 1], line[1024];
	struct tbuf b = TBUF_ON(line), hex = TBUF_ON(bytes);
	unsigned len = n ? disasm_insn(&o->disasm, code, n, rip, t->cpu.mode64, text, sizeof text) : 0;
	if (!n)
		strcpy(text, "(not readable)");
	for (unsigned k = 0; k < (len ? len : n); k++)
		tb_printf(&hex, k ? " %02x" : "%02x", code[k]);
	tb_printf(&b, "[%d] %llu %#llx: %-20s  %-32s", t->tid, (unsigned long long)count,
		  (unsigned long long)rip, bytes, text);
	if (o->itrace->faulted)
		write_fault(&b, &t->cpu);
	regs_diff(&b, &o->itrace->before, &o->itrace->after, t->cpu.mode64);
	while (b.len && b.p[b.len - 1] == ' ')
		b.p[--b.len] = 0;
	if (t->vm->opt.trace_syscalls)
		strace_flush_pending(t->vm, 0);
	fprintf(o->log, "%s\n", line);
}

/* Runs one instruction (one block of one), writing it when `show`. */
static void step(struct task *t, int show)
{
	struct cpu *c = &t->cpu;
	struct itrace *it = t->vm->obs->itrace;
	uint8_t code[INSN_MAX_LEN];
	uint64_t rip = c->rip, count = c->icount;
	unsigned n = 0;
	if (show) {
		while (n < INSN_MAX_LEN && copy_from_user(t->proc->mm, code + n, rip + n, 1) == 0)
			n++;
		regs_snap(&it->before, c);
	}
	it->faulted = 0;
	c->icount_limit = c->icount + 1;
	cpu_run(c, t->proc->mm, on_fault);
	if (it->faulted && t->state != TASK_DEAD)
		c->stop = 0;
	if (show) {
		regs_snap(&it->after, c);
		write_line(t, count, rip, code, n);
	}
}

static int traced(const struct task *t)
{
	return !t->vm->opt.trace_pid || t->proc->pid == t->vm->opt.trace_pid;
}

void itrace_run(struct task *t)
{
	struct cpu *c = &t->cpu;
	struct mm *mm = t->proc->mm;
	uint64_t from = t->vm->opt.trace_from;
	if (!traced(t)) {
		cpu_run(c, mm, task_on_fault);
		return;
	}
	if (c->icount + BLOCK_MAX_INSNS < from) {
		/* at full speed to a block's length before the start, which no
		 * block can overshoot */
		if (c->icount_limit > from - BLOCK_MAX_INSNS)
			c->icount_limit = from - BLOCK_MAX_INSNS;
		cpu_run(c, mm, task_on_fault);
		return;
	}
	block_cache_set_max_insns(mm->blocks, 1);
	step(t, c->icount >= from);
}
