/* The fault report:
 *   process 2 (crash), thread 2, x86-64, after 61234 instructions
 *   signal SIGSEGV (SEGV_MAPERR), address 0
 *   instruction at 0x401745: c7 00 2a 00 00 00  mov dword ptr [rax], 0x2a
 *   registers: ...
 *   last taken branches, oldest first: 0x401730 -> 0x401740 ...
 *   memory map: 00400000-00401000 r--p 00000000 /tmp/crash ...
 * Everything comes from the dead task's state, which stays until it is
 * reaped. */
#include "trace/fault_report.h"

#include <signal.h>
#include <string.h>

#include "decode/decode.h"
#include "mem/mm.h"
#include "mem/uaccess.h"
#include "trace/disasm.h"
#include "trace/obs.h"
#include "trace/regs.h"
#include "trace/strace.h"
#include "trace/strace_names.h"

/* The readable bytes at addr, at most INSN_MAX_LEN. */
static unsigned read_code(struct mm *mm, uint64_t addr, uint8_t *buf)
{
	unsigned n = 0;
	while (n < INSN_MAX_LEN && copy_from_user(mm, buf + n, addr + n, 1) == 0)
		n++;
	return n;
}

static void write_instruction(FILE *out, struct task *t, struct disasm *d, uint64_t rip)
{
	uint8_t code[INSN_MAX_LEN];
	char text[128], other[128];
	unsigned n = read_code(t->proc->mm, rip, code);
	fprintf(out, "  instruction at %#llx:", (unsigned long long)rip);
	if (!n) {
		fprintf(out, " not readable\n");
		return;
	}
	unsigned len = disasm_insn(d, code, n, rip, t->cpu.mode64, text, sizeof text);
	for (unsigned k = 0; k < (len ? len : n); k++)
		fprintf(out, " %02x", code[k]);
	fprintf(out, "  %s\n", text);
	/* bytes hexvm does not decode: undefined, or an instruction it lacks */
	if (!disasm_hexvm(code, n, rip, t->cpu.mode64, other, sizeof other)) {
		fprintf(out, "  hexvm's decoder has no instruction here%s%s\n",
			len ? ": not implemented, capstone reads it as " : " (undefined)",
			len ? text : "");
	}
}

#define BRANCHES_SHOWN 16

/* Whether a block exit from the instruction at `from` to `to` was a taken
 * branch rather than a fall-through (a not-taken jump, a call into the
 * kernel, a block's size limit): the instruction's length tells. */
static int taken(struct task *t, uint64_t from, uint64_t to)
{
	uint8_t code[INSN_MAX_LEN];
	struct insn i;
	unsigned n = read_code(t->proc->mm, from, code);
	if (!n || decode_insn(&i, code, n, from, t->cpu.mode64) != DECODE_OK)
		return 1; /* changed since it ran: show it */
	return to != (t->cpu.mode64 ? from + i.len : (uint32_t)(from + i.len));
}

static void write_branches(FILE *out, struct task *t)
{
	const struct cpu *c = &t->cpu;
	uint64_t picked[BRANCHES_SHOWN], n = 0, oldest = 0;
	if (c->branch_count > CPU_BRANCHES)
		oldest = c->branch_count - CPU_BRANCHES;
	for (uint64_t k = c->branch_count; k > oldest && n < BRANCHES_SHOWN; k--) {
		uint64_t slot = (k - 1) % CPU_BRANCHES;
		if (taken(t, c->branch_from[slot], c->branch_to[slot]))
			picked[n++] = slot;
	}
	fprintf(out, "  last %llu taken branches, oldest first:\n", (unsigned long long)n);
	while (n--)
		fprintf(out, "    %#llx -> %#llx\n", (unsigned long long)c->branch_from[picked[n]],
			(unsigned long long)c->branch_to[picked[n]]);
}

static void write_map(FILE *out, const struct mm *mm, uint64_t rip, uint64_t fault_addr, int fault)
{
	fprintf(out, "  memory map:\n");
	for (const struct vma *v = mm->vmas; v; v = v->next) {
		const char *name = v->name      ? v->name
				   : v->flags & VMA_HEAP ? "[heap]"
				   : v->flags & VMA_STACK ? "[stack]"
							 : "";
		fprintf(out, "    %08llx-%08llx %c%c%c%c %08llx %s%s%s\n", (unsigned long long)v->start,
			(unsigned long long)v->end, v->prot & GPROT_READ ? 'r' : '-',
			v->prot & GPROT_WRITE ? 'w' : '-', v->prot & GPROT_EXEC ? 'x' : '-',
			v->flags & VMA_SHARED ? 's' : 'p',
			(unsigned long long)(v->flags & VMA_ANON ? 0 : v->offset), name,
			rip - v->start < v->end - v->start ? "  <- rip" : "",
			fault && fault_addr - v->start < v->end - v->start ? "  <- fault address" : "");
	}
}

static void write_cause(FILE *out, struct task *t, const struct siginfo_k *info)
{
	struct process *p = t->proc;
	char line[256];
	struct tbuf b = TBUF_ON(line);
	fprintf(out, "  process %d (%s), thread %d, %s, after %llu instructions of the machine\n",
		p->pid, t->comm, t->tid, t->cpu.mode64 ? "x86-64" : "i386",
		(unsigned long long)t->cpu.icount);
	strace_siginfo(&b, info);
	fprintf(out, "  signal %s\n", line);
}

void fault_report(struct task *t, const struct siginfo_k *info)
{
	struct vm *vm = t->vm;
	FILE *out = vm->log;
	struct disasm own, *d = vm->obs ? &vm->obs->disasm : &own;
	char name[16];
	if (!vm->obs)
		disasm_init(&own, vm->opt.trace_builtin);
	if (out != stderr) /* the summary went to stderr: the log gets its own */
		fprintf(out, "hexvm: process %d killed by %s at %#llx\n", t->proc->pid,
			signal_name(info->signo, 0, name, sizeof name), (unsigned long long)t->cpu.rip);
	write_cause(out, t, info);
	write_instruction(out, t, d, t->cpu.rip);
	fprintf(out, "  registers:\n");
	regs_dump(out, &t->cpu, "    ");
	write_branches(out, t);
	if (t->proc->mm)
		write_map(out, t->proc->mm, t->cpu.rip, info->addr,
			  info->signo == SIGSEGV || info->signo == SIGBUS);
	fflush(out);
	if (d == &own)
		disasm_close(&own);
}
