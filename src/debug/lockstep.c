/* The lockstep differ: hexvm's side (an address space and, for each thread,
 * a CPU with hooks; no kernel), the start, the loop of either mode
 * (lockstep_step.c, lockstep_follow.c), which gives the threads their turns
 * (lockstep_threads.c), and the end. In both modes the native kernel runs
 * every system call (lockstep_sys.c) and hexvm decides CPUID and RDTSC: the
 * native is given hexvm's results, so that both take the paths hexvm's
 * processor model selects (glibc picks its string functions by CPUID; the
 * host's AVX-512 ones are not in hexvm). */
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
#include "debug/lockstep_int.h"
#include "decode/isa.h"
#include "host/fault.h"
#include "interp/block.h"
#include "interp/dispatch.h"
#include "mem/access.h"
#include "mem/mm.h"

static struct lockstep *from_cpu(struct cpu *c)
{
	return ((struct ls_thread *)((char *)c - offsetof(struct ls_thread, cpu)))->ls;
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
	/* syscall mode: the native stops there to take the result; not in
	 * writable memory, which lockstep compares */
	const struct vma *v = mm_find_vma(ls->mm, e->addr);
	if (ls->opt.mode == LOCKSTEP_SYSCALL && v && !(v->prot & GPROT_WRITE))
		ls_native_break(ls, e->addr);
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
void ls_hexvm_run(struct lockstep *ls, uint64_t limit)
{
	struct cpu *c = &ls->cur->cpu;
	uint64_t before = c->icount;
	ls->fault_sig = 0;
	c->stop = c->exit_req = 0;
	c->icount_limit = limit;
	cpu_run(c, ls->mm, on_fault);
	c->stop = 0;
	ls->insns += c->icount - before;
}

/* The native takes hexvm's result for the instruction at `at`: CPUID and
 * RDTSC registers instead of executing it, the patches of a store after
 * it executed it. -1 when hexvm did not execute that instruction next. */
int ls_native_take_external(struct lockstep *ls, uint64_t at)
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

enum ls_outcome ls_report_states(struct lockstep *ls, const char *what, uint64_t at)
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
enum ls_outcome ls_compare(struct lockstep *ls, uint64_t at, uint32_t undefined)
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
		cpu_flags_materialize(&ls->cur->cpu);
		cpu_set_eflags(&ls->cur->cpu, (uint32_t)n.flags, undefined);
	}
	return LS_GO_ON;
}

/* The native faulted on the instruction at `at`: hexvm must have too, with
 * the same signal, si_code and si_addr. Then the native delivers it. */
enum ls_outcome ls_fault(struct lockstep *ls, const struct ls_event *ev, uint64_t at,
			 int *status)
{
	char what[192];
	int entered;
	uint64_t mask = ls->mode64 ? ~0ull : 0xffffffffull;
	if (ls->fault_sig != ev->sig || ls->fault_code != ev->si_code ||
	    (ls->fault_addr & mask) != (ev->addr & mask)) {
		int n = snprintf(what, sizeof what, "the native raised signal %d (%s, code %d, "
				 "address %#" PRIx64 "), hexvm ", ev->sig, strsignal(ev->sig),
				 ev->si_code, ev->addr);
		if (ls->fault_sig)
			snprintf(what + n, sizeof what - (size_t)n,
				 "signal %d (code %d, address %#" PRIx64 ")", ls->fault_sig,
				 ls->fault_code, ls->fault_addr);
		else
			snprintf(what + n, sizeof what - (size_t)n, "did not fault");
		return ls_report_states(ls, what, at);
	}
	enum ls_outcome o = ls_compare(ls, at, 0);
	return o != LS_GO_ON ? o : ls_signal(ls, ev, &entered, status);
}

/* hexvm's side: an address space and a CPU wired to lockstep, no kernel. */
static int make_hexvm(struct lockstep *ls)
{
	if (!(ls->mm = mm_create(NULL, ls->mode64)))
		return -1;
	cpu_reset(&ls->cur->cpu, ls->mode64);
	ls->cur->cpu.icount = ls->insns;
	ls->hooks.syscall = on_syscall;
	ls->hooks.external = on_external;
	ls->cur->cpu.hooks = &ls->hooks;
	if (ls->opt.mode == LOCKSTEP_STEP)
		block_cache_set_max_insns(ls->mm->blocks, 1);
	return 0;
}

/* hexvm's image and what mirrors the native's: gone with an execve, and at
 * the end. */
static void drop_image(struct lockstep *ls)
{
	if (ls->mm)
		mm_put(ls->mm);
	ls->mm = NULL;
	ls_maps_free(&ls->maps);
	for (int k = 0; k < ls->nshared; k++)
		close(ls->shared[k].fd);
	ls->nshared = ls->nbreaks = 0; /* the int3s went with the native's image */
	ls->ext_count = ls->ext_head = 0;
	if (ls->cur)
		ls->cur->cpu.cur_block = NULL;
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
	drop_image(ls);
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
		fprintf(stderr, "hexvm: lockstep: lost control of the native process%s%s\n",
			errno ? ": " : "", errno ? strerror(errno) : "");
	ls_native_kill(ls);
	if (ls->mem_fd >= 0)
		close(ls->mem_fd);
	if (ls->pagemap_fd >= 0)
		close(ls->pagemap_fd);
	drop_image(ls);
	if (ls->sigbus_fd >= 0)
		close(ls->sigbus_fd);
	ls_threads_free(ls);
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
	ls->pending_abi = -1;
	ls->mem_fd = ls->pagemap_fd = ls->sigbus_fd = -1;
	if (!(ls->cur = ls_thread_add(ls, 0, NULL))) {
		fprintf(stderr, "hexvm: lockstep: out of memory\n");
		return finish(ls, LS_UNAVAILABLE, 0);
	}
	if (ls_check_program(path, &ls->mode64))
		return finish(ls, LS_UNAVAILABLE, 0);
	if (host_fault_init(&ls->fault_scope) || make_hexvm(ls)) {
		fprintf(stderr, "hexvm: lockstep: cannot make hexvm's address space: %s\n",
			strerror(errno));
		return finish(ls, LS_UNAVAILABLE, 0);
	}
	int spawned = ls_native_spawn(ls, path, argv, envp, msg, sizeof msg);
	ls->cur->tid = ls->pid;
	if (spawned || ls_start(ls, msg, sizeof msg)) {
		fprintf(stderr, "hexvm: lockstep: cannot trace %s: %s\n", path, msg);
		return finish(ls, LS_UNAVAILABLE, 0);
	}
	enum ls_outcome o = ls_compare(ls, ls->entry, 0);
	while (o == LS_GO_ON) {
		if (ls->opt.max_insns && ls->insns >= ls->opt.max_insns)
			o = LS_LIMIT;
		else if (ls_switch_due(ls))
			o = ls_schedule(ls, &status);
		else
			o = ls->opt.mode == LOCKSTEP_STEP ? ls_step(ls, &status)
							  : ls_interval(ls, &status);
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
