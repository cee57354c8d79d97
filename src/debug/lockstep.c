/* The lockstep differ's two loops. Step mode: the native takes one single
 * step, hexvm runs one instruction (blocks of one), then both states are
 * compared. Syscall mode: hexvm runs ahead at full speed to its next system
 * call, the native follows under PTRACE_SYSCALL, and the states are compared
 * there. In both, the native kernel runs every system call (lockstep_sys.c)
 * and hexvm decides CPUID and RDTSC: the native is given hexvm's results, so
 * that both take the paths hexvm's CPU model selects (glibc picks its string
 * functions by CPUID; the host's AVX-512 ones are not in hexvm). */
#include "debug/lockstep.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__linux__) && defined(__x86_64__)
#include <sys/ptrace.h>

#include "debug/lockstep_int.h"
#include "decode/decode.h"
#include "decode/isa.h"
#include "host/fault.h"
#include "interp/block.h"
#include "interp/dispatch.h"
#include "kernel/entry.h"
#include "mem/access.h"
#include "mem/mm.h"

#define PLANT_BIT 1 /* --lockstep-plant flips bit 0 of rax */

static struct lockstep *from_cpu(struct cpu *c)
{
	return (struct lockstep *)((char *)c - offsetof(struct lockstep, cpu));
}

/* hexvm's system call instructions stop hexvm; the native runs the call. */
static void on_syscall(struct cpu *c, int abi)
{
	from_cpu(c)->pending_abi = abi;
	c->exit_req = 1;
}

/* The bytes of an x87 environment image that come from the processor
 * model rather than the program: [off, off+len) pairs. */
static unsigned store_patches(const struct insn *i, uint8_t off[LS_PATCH_MAX],
			      uint8_t len[LS_PATCH_MAX])
{
	const char *m = isa_descs[i->desc].mnemonic;
	if (!strcmp(m, "fxsave")) {
		off[0] = 6, len[0] = 18;  /* FOP, FIP, FDP */
		off[1] = 28, len[1] = 4;  /* MXCSR_MASK */
		return 2;
	}
	off[0] = i->osz == OSZ_16 ? 6 : 12; /* FNSTENV, FNSAVE: FIP to FDS */
	len[0] = i->osz == OSZ_16 ? 8 : 16;
	return 1;
}

/* Results of hexvm's processor model go into the ring for the native. */
static void on_external(struct cpu *c, const struct insn *i)
{
	struct lockstep *ls = from_cpu(c);
	struct ls_external *e = &ls->ext[(ls->ext_head + ls->ext_count) % LS_EXT_MAX];
	const char *m = isa_descs[i->desc].mnemonic;
	uint8_t off[LS_PATCH_MAX], len[LS_PATCH_MAX];
	e->addr = i->addr;
	e->next = i->addr + i->len;
	e->kind = !strcmp(m, "cpuid") ? EXT_CPUID : !strcmp(m, "rdtsc") ? EXT_RDTSC : EXT_STORE;
	e->ax = c->r[R_AX], e->bx = c->r[R_BX], e->cx = c->r[R_CX], e->dx = c->r[R_DX];
	e->npatch = 0;
	if (e->kind == EXT_STORE) {
		e->at = mem_ea(c, i);
		e->npatch = store_patches(i, off, len);
		for (unsigned k = 0; k < e->npatch; k++) {
			e->patch[k].off = off[k], e->patch[k].len = len[k];
			memcpy(e->patch[k].bytes, mm_host(ls->mm, e->at + off[k]), len[k]);
		}
	}
	ls->ext_count++;
	if (ls->ext_count >= LS_EXT_MAX - BLOCK_MAX_INSNS)
		c->exit_req = 1; /* room for the rest of the block, then the native drains */
}

static void on_fault(struct cpu *c)
{
	struct lockstep *ls = from_cpu(c);
	ls->fault_sig = c->fault_sig;
	ls->fault_code = c->fault_code;
	ls->fault_addr = c->fault_addr;
	c->stop = 1;
}

/* Runs hexvm until `limit` instructions have retired, a system call
 * instruction ran, it faulted, or the ring is nearly full. */
static void hexvm_run(struct lockstep *ls, uint64_t limit)
{
	struct cpu *c = &ls->cpu;
	ls->fault_sig = 0;
	c->stop = c->exit_req = 0;
	c->icount_limit = limit;
	cpu_run(c, ls->mm, on_fault);
	c->stop = 0;
	ls->insns = c->icount;
}

/* The native takes hexvm's result for the instruction at `at`: CPUID and
 * RDTSC registers instead of executing it, the patches of a store after
 * it executed it. -1 when hexvm did not execute that instruction next. */
static int native_take_external(struct lockstep *ls, uint64_t at)
{
	struct user_regs_struct r;
	struct ls_external *e = &ls->ext[ls->ext_head];
	if (!ls->ext_count || e->addr != at || ls_native_regs(ls, &r))
		return -1;
	ls->ext_head = (ls->ext_head + 1) % LS_EXT_MAX;
	ls->ext_count--;
	for (unsigned k = 0; k < e->npatch; k++)
		if (ls_native_write(ls, e->at + e->patch[k].off, e->patch[k].bytes, e->patch[k].len))
			return -1;
	if (e->kind == EXT_STORE)
		return 0;
	r.rax = e->ax, r.rdx = e->dx;
	if (e->kind == EXT_CPUID)
		r.rbx = e->bx, r.rcx = e->cx;
	r.rip = e->next;
	return ls_native_set_regs(ls, &r);
}

static enum ls_outcome report_states(struct lockstep *ls, const char *what, uint64_t at)
{
	struct ls_state n, h;
	if (ls_state_native(ls, &n))
		return LS_FAILED;
	ls_state_hexvm(ls, &h);
	ls_report_difference(ls, what, &n, &h, at);
	return LS_DIFFERENCE;
}

/* Both states after an instruction at `at`; flags it leaves undefined are
 * not held against hexvm, and hexvm takes the native's values of them. */
static enum ls_outcome compare(struct lockstep *ls, uint64_t at, uint32_t undefined)
{
	struct ls_state n, h;
	char what[64];
	if (ls_state_native(ls, &n))
		return LS_FAILED;
	ls_state_hexvm(ls, &h);
	if (ls_state_differs(ls, &n, &h, undefined, what, sizeof what)) {
		ls_report_difference(ls, what, &n, &h, at);
		return LS_DIFFERENCE;
	}
	if ((n.flags ^ h.flags) & undefined) {
		cpu_flags_materialize(&ls->cpu);
		cpu_set_eflags(&ls->cpu, (uint32_t)n.flags, undefined);
	}
	return LS_GO_ON;
}

static const char *mnemonic(const struct ls_peek *p)
{
	return p->ok ? isa_descs[p->in.desc].mnemonic : "";
}

/* The instruction at hexvm's rip, read from its executable memory. */
static void peek(struct lockstep *ls, struct ls_peek *p)
{
	uint64_t rip = ls->cpu.rip;
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

/* POPF is not single-stepped: a stepped POPF makes the host kernel take the
 * trap flag it set for the step for the program's own, which it then leaves
 * set after the last step. The native pops its own word instead. */
static int native_popf(struct lockstep *ls, const struct ls_peek *p)
{
	const uint64_t writable = F_ARITH | F_TF | F_DF | 0x4000 /* NT */ | F_AC | F_ID;
	struct user_regs_struct r;
	uint64_t v = 0, mask = p->in.osz == OSZ_16 ? writable & 0xffff : writable;
	unsigned size = 1u << p->in.osz;
	if (ls_native_regs(ls, &r) || ls_native_read(ls, r.rsp, &v, size))
		return -1;
	r.eflags = (r.eflags & ~mask) | (v & mask);
	r.rsp += size;
	r.rip = p->in.addr + p->in.len;
	if (!ls->mode64)
		r.rsp = (uint32_t)r.rsp, r.rip = (uint32_t)r.rip;
	return ls_native_set_regs(ls, &r);
}

/* Moves the native one instruction (the one at hexvm's rip). */
static int native_advance(struct lockstep *ls, const struct ls_peek *p, struct ls_event *ev)
{
	if (is_rep_string(p))
		return ls_native_run_to(ls, p->in.addr + p->in.len, ev);
	if (ls_native_resume(ls, is_syscall_insn(p) ? PTRACE_SYSCALL : PTRACE_SINGLESTEP, 0))
		return -1;
	return ls_native_wait(ls, ev);
}

/* The native faulted on the instruction: so must hexvm, the same way. */
static enum ls_outcome step_fault(struct lockstep *ls, const struct ls_event *ev,
				  uint64_t at, int *status)
{
	char what[96];
	int entered;
	hexvm_run(ls, ls->cpu.icount + 1);
	if (ls->fault_sig != ev->sig || ls->pending_abi >= 0) {
		snprintf(what, sizeof what, "the native raised signal %d (code %d), hexvm %s%s",
			 ev->sig, ev->si_code, ls->fault_sig ? "raised signal " : "did not fault",
			 ls->fault_sig ? strsignal(ls->fault_sig) : "");
		return report_states(ls, what, at);
	}
	enum ls_outcome o = compare(ls, at, 0);
	return o != LS_GO_ON ? o : ls_signal(ls, ev, &entered, status);
}

/* hexvm faulted where the native did not: a mapping may have changed
 * under it (it is read again and the instruction retried), or hexvm is wrong. */
static int hexvm_retry(struct lockstep *ls)
{
	if (!ls->fault_sig || ls_mirror_maps(ls, 0, 0))
		return 0;
	hexvm_run(ls, ls->cpu.icount + 1);
	return !ls->fault_sig;
}

static enum ls_outcome step_executed(struct lockstep *ls, const struct ls_peek *p,
				     const struct ls_event *ev, uint64_t at, int *status)
{
	uint32_t undefined = ls_undefined_flags(p, ls->cpu.r[R_CX]);
	hexvm_run(ls, ls->cpu.icount + 1);
	if (ls->fault_sig && !hexvm_retry(ls))
		return report_states(ls, "hexvm faulted, the native executed the instruction", at);
	if ((ev->kind == EV_SYSCALL) != (ls->pending_abi >= 0))
		return report_states(ls, "only one side made a system call", at);
	if (ls->pending_abi >= 0) {
		enum ls_outcome o = ls_syscall(ls, status);
		ls->pending_abi = -1;
		if (o != LS_GO_ON)
			return o;
	}
	if (ls->ext_count && native_take_external(ls, at))
		return LS_FAILED;
	if ((!strcmp(mnemonic(p), "pushf") && fix_pushf(ls)) ||
	    (!strcmp(mnemonic(p), "popf") && native_popf(ls, p)))
		return LS_FAILED;
	if (ls->opt.plant && at == ls->opt.plant_addr)
		ls->cpu.r[R_AX] ^= PLANT_BIT;
	return compare(ls, at, undefined);
}

static enum ls_outcome step_once(struct lockstep *ls, int *status)
{
	struct ls_peek p;
	struct ls_event ev = {.kind = EV_STEP};
	int entered;
	uint64_t at = ls->cpu.rip;
	peek(ls, &p);
	/* the native does not execute these: it takes hexvm's result, or pops */
	int emulated = !strcmp(mnemonic(&p), "cpuid") || !strcmp(mnemonic(&p), "rdtsc") ||
		       !strcmp(mnemonic(&p), "popf");
	if (!emulated && native_advance(ls, &p, &ev))
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

/* Syscall mode keeps only the last block hexvm ran, up to where it stopped. */
static void trail_from_block(struct lockstep *ls)
{
	const struct block *b = ls->cpu.cur_block;
	uint8_t bytes[15];
	ls->trail_len = ls->trail_next = 0;
	for (unsigned k = 0; b && k < b->n; k++) {
		const struct insn *i = &b->insns[k];
		if (ls_hexvm_read(ls, i->addr, bytes, i->len) == 0)
			ls_trail_add(ls, i->addr, bytes, i->len);
		if (ls->fault_sig && i->addr == ls->cpu.rip)
			break;
	}
}

/* Runs the native under PTRACE_SYSCALL, handing it hexvm's CPUID/RDTSC
 * results at their breakpoints, until another stop (or, with `drain`,
 * until the ring is empty). */
static int native_follow(struct lockstep *ls, int drain, struct ls_event *ev)
{
	struct user_regs_struct r;
	for (unsigned k = 0; k < ls->ext_count; k++) {
		const struct ls_external *e = &ls->ext[(ls->ext_head + k) % LS_EXT_MAX];
		const struct vma *v = mm_find_vma(ls->mm, e->addr);
		if (v && !(v->prot & GPROT_WRITE) && ls_native_break(ls, e->addr))
			return -1;
	}
	for (;;) {
		if (drain && !ls->ext_count)
			return 0;
		if (ls_native_resume(ls, PTRACE_SYSCALL, 0) || ls_native_wait(ls, ev))
			return -1;
		/* a signal the native drops changes nothing, wherever it comes */
		if (ev->kind == EV_SIGNAL && !ls_is_fault(ev) && ls_signal_ignored(ls, ev->sig))
			continue;
		if (ev->kind != EV_BREAK)
			return 0;
		if (ls_native_regs(ls, &r))
			return -1;
		uint64_t site = r.rip - 1;
		if (!ls->ext_count || ls->ext[ls->ext_head].addr != site)
			return 0; /* hexvm did not execute it next: the paths parted */
		if (ls->ext[ls->ext_head].kind == EXT_STORE) {
			if (ls_native_step_over_break(ls, site, ev))
				return -1;
			if (ev->kind != EV_STEP)
				return 0;
		}
		if (native_take_external(ls, site))
			return -1;
	}
}

/* After a system call: signals it made pending are delivered now, where
 * hexvm stands too. */
static enum ls_outcome deliver_pending(struct lockstep *ls, int *status);

static enum ls_outcome interval_end(struct lockstep *ls, const struct ls_event *ev, int *status)
{
	int entered;
	uint64_t at = ls->cpu.rip;
	if (ev->kind == EV_BREAK)
		return report_states(ls, "the native reached a CPUID/RDTSC hexvm did not execute", at);
	if (ev->kind == EV_SIGNAL && ls_is_fault(ev)) {
		if (ls->fault_sig != ev->sig)
			return report_states(ls, "the native faulted where hexvm did not", at);
		enum ls_outcome o = compare(ls, at, 0);
		return o != LS_GO_ON ? o : ls_signal(ls, ev, &entered, status);
	}
	if (ev->kind == EV_SIGNAL) {
		ls_report_unfollowed(ls, "signal %d (%s) arrived between system calls, where syscall "
					 "mode cannot place it in hexvm; --lockstep follows it",
				     ev->sig, strsignal(ev->sig));
		return LS_UNFOLLOWED;
	}
	if (ev->kind != EV_SYSCALL)
		return ls_end_event(ls, ev, status);
	if (ls->pending_abi < 0)
		return report_states(ls, "the native made a system call where hexvm did not", at);
	enum ls_outcome o = ls_syscall(ls, status);
	ls->pending_abi = -1;
	if (o == LS_GO_ON && ls->ext_count)
		return report_states(ls, "hexvm executed a CPUID/RDTSC the native did not reach", at);
	return o == LS_GO_ON ? deliver_pending(ls, status) : o;
}

static enum ls_outcome interval(struct lockstep *ls, int *status)
{
	struct ls_event ev;
	for (;;) {
		hexvm_run(ls, UINT64_MAX);
		if (ls->pending_abi >= 0 || ls->fault_sig)
			break;
		if (native_follow(ls, 1, &ev))
			return LS_FAILED;
		if (ls->ext_count)
			return interval_end(ls, &ev, status);
	}
	trail_from_block(ls);
	if (native_follow(ls, 0, &ev))
		return LS_FAILED;
	return interval_end(ls, &ev, status);
}

/* A signal queued for the native and not blocked (ptrace tells without
 * the cost of /proc/PID/status, once per system call). */
static int signal_pending(struct lockstep *ls)
{
	siginfo_t si[32];
	uint64_t blocked;
	if (ptrace(PTRACE_GETSIGMASK, ls->pid, (void *)sizeof blocked, &blocked))
		return 0;
	for (int shared = 0; shared < 2; shared++) {
		struct __ptrace_peeksiginfo_args a = {0, shared ? PTRACE_PEEKSIGINFO_SHARED : 0, 32};
		long n = ptrace(PTRACE_PEEKSIGINFO, ls->pid, &a, si);
		for (long k = 0; k < n; k++)
			if (!((blocked >> (si[k].si_signo - 1)) & 1))
				return 1;
	}
	return 0;
}

static enum ls_outcome deliver_pending(struct lockstep *ls, int *status)
{
	struct ls_event ev;
	int entered;
	while (ls->pid > 0 && signal_pending(ls)) {
		if (ls_native_resume(ls, PTRACE_SYSCALL, 0) || ls_native_wait(ls, &ev))
			return LS_FAILED;
		if (ev.kind != EV_SIGNAL)
			return ls_end_event(ls, &ev, status);
		enum ls_outcome o = ls_signal(ls, &ev, &entered, status);
		if (o != LS_GO_ON)
			return o;
	}
	return LS_GO_ON;
}

/* hexvm's side: an address space and a CPU wired to lockstep, no kernel. */
static int make_hexvm(struct lockstep *ls)
{
	if (host_fault_init() || !(ls->mm = mm_create(ls->mode64)))
		return -1;
	cpu_reset(&ls->cpu, ls->mode64);
	ls->hooks.syscall = on_syscall;
	ls->hooks.external = on_external;
	ls->cpu.hooks = &ls->hooks;
	if (ls->opt.mode == LOCKSTEP_STEP)
		block_cache_set_max_insns(ls->mm->blocks, 1);
	return 0;
}

/* After an execve: hexvm drops the old image and starts over from the new
 * one as from the first (the same preparations, the same copy). */
int ls_new_image(struct lockstep *ls)
{
	char exe[64], path[4096], msg[256] = "cannot make its address space";
	snprintf(exe, sizeof exe, "/proc/%d/exe", (int)ls->pid);
	ssize_t n = readlink(exe, path, sizeof path - 1);
	path[n > 0 ? n : 0] = 0;
	if (n <= 0 || ls_check_program(path, &ls->mode64))
		return -1;
	mm_put(ls->mm);
	ls->mm = NULL;
	ls_maps_free(&ls->maps);
	for (int k = 0; k < ls->nshared; k++)
		close(ls->shared[k].fd);
	ls->nshared = ls->nbreaks = 0; /* the int3s went with the old image */
	ls->ext_count = ls->ext_head = 0;
	ls->cpu.cur_block = NULL;
	if (make_hexvm(ls) || ls_native_open_proc(ls, msg, sizeof msg) ||
	    ls_start(ls, msg, sizeof msg)) {
		fprintf(stderr, "hexvm: lockstep: cannot follow into %s: %s\n", path, msg);
		return -1;
	}
	return 0;
}

static int finish(struct lockstep *ls, enum ls_outcome o, int status)
{
	if (o == LS_DONE)
		fprintf(stderr,
			"hexvm: lockstep: no difference in %" PRIu64 " instructions, %" PRIu64
			" system calls and %" PRIu64 " signals (%s mode); exit status %d\n",
			ls->insns, ls->syscalls, ls->signals,
			ls->opt.mode == LOCKSTEP_STEP ? "step" : "syscall", status);
	else if (o == LS_LIMIT)
		fprintf(stderr,
			"hexvm: lockstep: no difference in the first %" PRIu64 " instructions, %" PRIu64
			" system calls and %" PRIu64 " signals (%s mode, --lockstep-max); the native "
			"ran on alone: exit status %d\n",
			ls->insns, ls->syscalls, ls->signals,
			ls->opt.mode == LOCKSTEP_STEP ? "step" : "syscall", status);
	else if (o == LS_FAILED)
		fprintf(stderr, "hexvm: lockstep: lost control of the native process: %s\n",
			strerror(errno));
	ls_native_kill(ls);
	if (ls->mem_fd >= 0)
		close(ls->mem_fd);
	if (ls->pagemap_fd >= 0)
		close(ls->pagemap_fd);
	ls_maps_free(&ls->maps);
	for (int k = 0; k < ls->nshared; k++)
		close(ls->shared[k].fd);
	if (ls->sigbus_fd >= 0)
		close(ls->sigbus_fd);
	if (ls->mm)
		mm_put(ls->mm);
	free(ls);
	switch (o) {
	case LS_DONE:
	case LS_LIMIT: return status;
	case LS_DIFFERENCE: return LOCKSTEP_EXIT_DIFFERENCE;
	case LS_UNFOLLOWED: return LOCKSTEP_EXIT_NOT_FOLLOWED;
	default: return LOCKSTEP_EXIT_UNAVAILABLE;
	}
}

int lockstep_run(const struct lockstep_options *opt, const char *path, char *const argv[],
		 char *const envp[])
{
	char msg[256];
	int status = 0;
	struct lockstep *ls = calloc(1, sizeof *ls);
	if (!ls) {
		fprintf(stderr, "hexvm: lockstep: out of memory\n");
		return LOCKSTEP_EXIT_UNAVAILABLE;
	}
	ls->opt = *opt;
	ls->path = path;
	ls->pending_abi = -1;
	ls->mem_fd = ls->pagemap_fd = ls->sigbus_fd = -1;
	if (ls_check_program(path, &ls->mode64))
		return finish(ls, LS_UNAVAILABLE, 0);
	if (make_hexvm(ls)) {
		fprintf(stderr, "hexvm: lockstep: cannot make hexvm's address space: %s\n",
			strerror(errno));
		return finish(ls, LS_UNAVAILABLE, 0);
	}
	if (ls_native_spawn(ls, path, argv, envp, msg, sizeof msg) || ls_start(ls, msg, sizeof msg)) {
		fprintf(stderr, "hexvm: lockstep: cannot trace %s: %s\n", path, msg);
		return finish(ls, LS_UNAVAILABLE, 0);
	}
	enum ls_outcome o = compare(ls, ls->entry, 0);
	while (o == LS_GO_ON) {
		if (ls->opt.max_insns && ls->insns >= ls->opt.max_insns)
			o = LS_LIMIT;
		else
			o = ls->opt.mode == LOCKSTEP_STEP ? step_once(ls, &status)
							  : interval(ls, &status);
	}
	if (o == LS_LIMIT && (status = ls_native_release(ls)) < 0)
		o = LS_FAILED;
	return finish(ls, o, status);
}

#else

int lockstep_run(const struct lockstep_options *opt, const char *path, char *const argv[],
		 char *const envp[])
{
	(void)opt, (void)argv, (void)envp;
	fprintf(stderr, "hexvm: lockstep: %s: lockstep needs an x86-64 Linux host\n", path);
	return LOCKSTEP_EXIT_UNAVAILABLE;
}

#endif
