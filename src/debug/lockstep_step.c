/* Step mode: the native takes one single step, hexvm runs one instruction
 * (its blocks hold one), and the two states are compared; flags the
 * instruction leaves undefined are not held against hexvm. A few
 * instructions are not single-stepped natively: CPUID and RDTSC (the native
 * takes hexvm's result), POPF and REP string instructions (run to their end
 * at full speed). */
#if defined(__linux__) && defined(__x86_64__) /* else lockstep.c says it is not available */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>

#include "debug/lockstep_int.h"
#include "decode/decode.h"
#include "decode/isa.h"
#include "mem/mm.h"

#define PLANT_BIT 1 /* --lockstep-plant flips bit 0 of rax */

static const char *mnemonic(const struct ls_peek *p)
{
	return p->ok ? isa_descs[p->in.desc].mnemonic : "";
}

/* The instruction at hexvm's rip, read from its executable memory. */
static void peek(struct lockstep *ls, struct ls_peek *p)
{
	uint64_t rip = ls->cur->cpu.rip;
	memset(p, 0, sizeof *p);
	while (p->nbytes < sizeof p->bytes) {
		uint64_t a = rip + p->nbytes;
		const struct vma *v = mm_find_vma(ls->mm, a);
		if (!v || !(v->prot & GPROT_EXEC))
			break;
		uint64_t take = v->end - a < sizeof p->bytes - p->nbytes ? v->end - a
									 : sizeof p->bytes - p->nbytes;
		memcpy(p->bytes + p->nbytes, mm_host(ls->mm, a), (size_t)take);
		p->nbytes += (unsigned)take;
	}
	p->ok = p->nbytes &&
		decode_insn(&p->in, p->bytes, p->nbytes, rip, ls->mode64) == DECODE_OK;
}

static int is_syscall_insn(const struct ls_peek *p)
{
	return !strcmp(mnemonic(p), "syscall") ||
	       (!strcmp(mnemonic(p), "int") && (p->in.imm & 0xff) == 0x80);
}

static int is_rep_string(const struct ls_peek *p)
{
	static const char *const strings[] = {"movs", "movsb", "stos", "stosb", "lods", "lodsb",
					      "cmps", "cmpsb", "scas", "scasb", "ins/outs"};
	if (!p->ok || p->in.rep == REP_NONE)
		return 0;
	for (size_t k = 0; k < sizeof strings / sizeof strings[0]; k++)
		if (!strcmp(mnemonic(p), strings[k]))
			return 1;
	return 0;
}

/* A single step with TF set makes PUSHF push TF: the native's stack gets
 * the word the program itself would have pushed. */
static int fix_pushf(struct lockstep *ls)
{
	struct user_regs_struct r;
	uint8_t b;
	if (ls_native_regs(ls, &r) || ls_native_read(ls, r.rsp + 1, &b, 1))
		return -1;
	b &= (uint8_t)~(F_TF >> 8);
	return ls_native_write(ls, r.rsp + 1, &b, 1);
}

/* Moves the native one instruction (the one at hexvm's rip). Two are run to
 * their end at full speed instead of single-stepped: a REP string
 * instruction (a step is one iteration), and POPF (a stepped POPF makes the
 * host kernel take the trap flag of the step for the program's own, which
 * it then leaves set; nor can ptrace set ID or NT for it). */
static int native_advance(struct lockstep *ls, const struct ls_peek *p, struct ls_event *ev)
{
	if (is_rep_string(p) || !strcmp(mnemonic(p), "popf"))
		return ls_native_run_to(ls, p->in.addr + p->in.len, ev);
	if (ls_native_resume(ls, is_syscall_insn(p) ? PTRACE_SYSCALL : PTRACE_SINGLESTEP, 0))
		return -1;
	return ls_native_wait(ls, ev);
}

/* The native faulted on the instruction: so must hexvm, the same way. */
static enum ls_outcome step_fault(struct lockstep *ls, const struct ls_event *ev,
				  uint64_t at, int *status)
{
	ls_hexvm_run(ls, ls->cur->cpu.icount + 1);
	return ls_fault(ls, ev, at, status);
}

/* hexvm faulted where the native did not: a mapping may have changed
 * under it (it is read again and the instruction retried), or hexvm is wrong. */
static int hexvm_retry(struct lockstep *ls)
{
	if (!ls->fault_sig || ls_mirror_maps(ls, 0, 0))
		return 0;
	ls_hexvm_run(ls, ls->cur->cpu.icount + 1);
	return !ls->fault_sig;
}

static enum ls_outcome step_executed(struct lockstep *ls, const struct ls_peek *p,
				     const struct ls_event *ev, uint64_t at, int *status)
{
	uint32_t undefined = ls_undefined_flags(p, ls->cur->cpu.r[R_CX]);
	ls_hexvm_run(ls, ls->cur->cpu.icount + 1);
	if (ls->fault_sig && !hexvm_retry(ls)) {
		char what[96];
		snprintf(what, sizeof what, "hexvm raised signal %d (%s, code %d), the native did not",
			 ls->fault_sig, strsignal(ls->fault_sig), ls->fault_code);
		return ls_report_states(ls, what, at);
	}
	if ((ev->kind == EV_SYSCALL) != (ls->pending_abi >= 0))
		return ls_report_states(ls, "only one side made a system call", at);
	if (ls->pending_abi >= 0) {
		enum ls_outcome o = ls_syscall(ls, status);
		ls->pending_abi = -1;
		if (o != LS_GO_ON || ls->cur->in_call || ls->cur->gone)
			return o; /* blocked: compared when its call ends and it has its turn */
	}
	if (ls->ext_count && ls_native_take_external(ls, at))
		return LS_FAILED;
	if (!strcmp(mnemonic(p), "pushf") && fix_pushf(ls))
		return LS_FAILED;
	if (ls->opt.plant && at == ls->opt.plant_addr)
		ls->cur->cpu.r[R_AX] ^= PLANT_BIT;
	return ls_compare(ls, at, undefined);
}

enum ls_outcome ls_step(struct lockstep *ls, int *status)
{
	struct ls_peek p;
	struct ls_event ev = {.kind = EV_STEP};
	int entered;
	uint64_t at = ls->cur->cpu.rip;
	peek(ls, &p);
	/* the native does not execute these: it takes hexvm's result */
	int external = !strcmp(mnemonic(&p), "cpuid") || !strcmp(mnemonic(&p), "rdtsc");
	if (!external && native_advance(ls, &p, &ev))
		return LS_FAILED;
	if (ev.kind == EV_SIGNAL && !ls_is_fault(&ev))
		return ls_signal(ls, &ev, &entered, status); /* before the instruction */
	if (ev.kind != EV_SIGNAL && ev.kind != EV_STEP && ev.kind != EV_SYSCALL)
		return ls_end_event(ls, &ev, status);
	ls_trail_add(ls, at, p.bytes, p.ok ? p.in.len : p.nbytes);
	if (ev.kind == EV_SIGNAL)
		return step_fault(ls, &ev, at, status);
	return step_executed(ls, &p, &ev, at, status);
}

#endif
