/* System calls under lockstep. The native kernel is the world: the native
 * runs every system call, hexvm takes its result, its memory effects and its
 * changes to the mappings (signals: lockstep_signal.c). */
#if defined(__linux__) && defined(__x86_64__) /* else lockstep.c says it is not available */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>

#include "debug/lockstep_int.h"
#include "kernel/entry.h"
#include "kernel/sys/syscall.h"
#include "mem/mm.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#define LINUX_MREMAP_MAYMOVE 1
#define LINUX_MREMAP_FIXED   2
#define LINUX_CLONE_VM	     0x100
#define LINUX_CLONE_VFORK    0x4000
#define LINUX_CLONE_THREAD   0x10000

enum sys_kind {
	K_PLAIN,
	K_EXIT,
	K_MAPS,	     /* may change the mappings */
	K_MMAP,	     /* ... and places a new one */
	K_MREMAP,    /* ... or moves one */
	K_FORK,	     /* a new process: the native child runs unobserved */
	K_CLONE,     /* a process, or a thread (not followed) */
	K_CLONE3,
	K_SIGRETURN, /* every register comes from the frame */
	K_TLS,	     /* arch_prctl, set_thread_area: segment bases */
	K_RSEQ,	     /* refused: the kernel would write its area at any time */
};

/* Numbers by ABI (x86-64, i386; -1: none). */
static const struct {
	int nr64, nr32;
	enum sys_kind kind;
} kinds[] = {
	{60, 1, K_EXIT},      {231, 252, K_EXIT},  {9, 192, K_MMAP},	  {-1, 90, K_MAPS},
	{11, 91, K_MAPS},     {10, 125, K_MAPS},   {12, 45, K_MAPS},	  {25, 163, K_MREMAP},
	{30, 397, K_MAPS},    {67, 398, K_MAPS},   {-1, 117, K_MAPS},	  {329, 380, K_MAPS},
	{57, 2, K_FORK},      {58, 190, K_FORK},   {56, 120, K_CLONE},	  {435, 435, K_CLONE3},
	{15, 173, K_SIGRETURN}, {-1, 119, K_SIGRETURN},
	{158, 384, K_TLS},    {205, 243, K_TLS},   {334, 386, K_RSEQ},
};

static enum sys_kind kind_of(int abi, uint64_t nr)
{
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
		if ((uint64_t)(abi == ABI_X86_64 ? kinds[k].nr64 : kinds[k].nr32) == nr)
			return kinds[k].kind;
	return K_PLAIN;
}

static void name_of(int abi, uint64_t nr, char *buf, size_t size)
{
	const struct syscall_desc *d = syscall_lookup(abi, nr);
	if (d)
		snprintf(buf, size, "%s", d->name);
	else
		snprintf(buf, size, "system call %" PRIu64, nr);
}

/* Argument k of the call in the native's registers. */
static uint64_t arg(const struct user_regs_struct *r, int abi, int k)
{
	const uint64_t a64[6] = {r->rdi, r->rsi, r->rdx, r->r10, r->r8, r->r9};
	const uint64_t a32[6] = {r->rbx, r->rcx, r->rdx, r->rsi, r->rdi, r->rbp};
	return abi == ABI_X86_64 ? a64[k] : (uint32_t)a32[k];
}

static int is_restart(int64_t ret)
{
	return ret == -512 || ret == -513 || ret == -514 || ret == -516;
}

static int is_error(uint64_t ret, int mode64)
{
	return mode64 ? ret > -4096ull : (uint32_t)ret > (uint32_t)-4096;
}

/* Threads share the address space behind lockstep's back: not followed. */
static int starts_thread(struct lockstep *ls, enum sys_kind kind,
			 const struct user_regs_struct *r, int abi)
{
	uint64_t flags = arg(r, abi, 0);
	if (kind == K_CLONE3 && ls_native_read(ls, flags, &flags, sizeof flags))
		return 1;
	if (kind != K_CLONE && kind != K_CLONE3)
		return 0;
	return (flags & LINUX_CLONE_THREAD) ||
	       ((flags & LINUX_CLONE_VM) && !(flags & LINUX_CLONE_VFORK));
}

/* x86-64: where the native kernel would put a new mapping (the top of the
 * address space) is outside hexvm's window, so lockstep chooses the place,
 * as hexvm's kernel would, and the native maps it there. 1: args changed. */
static int steer(struct lockstep *ls, enum sys_kind kind, struct user_regs_struct *r)
{
	if (!ls->mode64 || (kind != K_MMAP && kind != K_MREMAP))
		return 0;
	if (kind == K_MMAP) {
		uint64_t hint = r->rdi, len = PAGE_UP(r->rsi);
		if (r->r10 & (MAP_FIXED | MAP_FIXED_NOREPLACE | MAP_32BIT) || !len)
			return 0;
		if (!hint || !mm_range_free(ls->mm, PAGE_DOWN(hint), len))
			hint = mm_find_free(ls->mm, len);
		r->rdi = hint;
		r->r10 |= MAP_FIXED_NOREPLACE;
		return hint != 0;
	}
	uint64_t old = r->rdi, old_len = PAGE_UP(r->rsi), new_len = PAGE_UP(r->rdx);
	if (!(r->r10 & LINUX_MREMAP_MAYMOVE) || (r->r10 & LINUX_MREMAP_FIXED) ||
	    new_len <= old_len || mm_range_free(ls->mm, old + old_len, new_len - old_len))
		return 0;
	r->r8 = mm_find_free(ls->mm, new_len);
	r->r10 |= LINUX_MREMAP_FIXED;
	return r->r8 != 0;
}

/* Runs the call natively from its entry stop to its exit stop, through
 * restarts; a signal on the way that enters a handler ends it early
 * (*handled: hexvm took the handler's state). */
static enum ls_outcome complete(struct lockstep *ls, struct user_regs_struct *r, int *handled,
				int *execed, int *status)
{
	struct ls_event ev;
	int expecting_exit = 1;
	*handled = *execed = 0;
	for (;;) {
		if (ls_native_resume(ls, PTRACE_SYSCALL, 0) || ls_native_wait(ls, &ev))
			return LS_FAILED;
		if (ev.kind == EV_UNFOLLOWED && ev.status == PTRACE_EVENT_EXEC) {
			*execed = 1; /* the exit stop follows */
			continue;
		}
		if (ev.kind == EV_SIGNAL) {
			enum ls_outcome o = ls_signal(ls, &ev, handled, status);
			if (o != LS_GO_ON || *handled)
				return o;
			continue;
		}
		if (ev.kind != EV_SYSCALL)
			return ls_end_event(ls, &ev, status);
		if (ls_native_regs(ls, r))
			return LS_FAILED;
		if (!expecting_exit) {
			expecting_exit = 1; /* the restarted call's entry */
			continue;
		}
		if (!is_restart((int64_t)r->rax))
			return LS_GO_ON;
		expecting_exit = 0;
	}
}

/* Before the call: the registers at the entry (the number in orig_rax) and
 * the memory must agree; the native kernel may then change either. */
static enum ls_outcome check_entry(struct lockstep *ls, const struct user_regs_struct *entry,
				   const char *name)
{
	struct ls_state n, h;
	char what[64], when[160];
	uint64_t where;
	uint32_t ignore = 0;
	if (ls_state_native(ls, &n))
		return LS_FAILED;
	n.r[R_AX] = entry->orig_rax;
	ls_state_hexvm(ls, &h);
	/* Syscall mode cannot know whether an earlier instruction left the
	 * arithmetic flags undefined (which hexvm and the host may fill in
	 * differently): they are not compared, nor their copy in r11. */
	if (ls->opt.mode == LOCKSTEP_SYSCALL) {
		ignore = F_ARITH;
		n.r[R_R11] &= ls->mode64 ? ~(uint64_t)F_ARITH : ~0ull;
		h.r[R_R11] &= ls->mode64 ? ~(uint64_t)F_ARITH : ~0ull;
	}
	if (ls_state_differs(ls, &n, &h, ignore, what, sizeof what)) {
		snprintf(when, sizeof when, "%s at the entry of %s", what, name);
		ls_report_difference(ls, when, &n, &h, h.rip);
		return LS_DIFFERENCE;
	}
	int rc = ls_mirror_memory(ls, 0, &where);
	if (rc == 1) {
		snprintf(when, sizeof when, "before %s", name);
		ls_report_memory(ls, where, when);
		return LS_DIFFERENCE;
	}
	return rc < 0 ? LS_FAILED : LS_GO_ON;
}

/* After the call: the result, new mappings and the bytes the kernel wrote. */
static enum ls_outcome take_effects(struct lockstep *ls, int abi, enum sys_kind kind,
				    const struct user_regs_struct *entry,
				    const struct user_regs_struct *r)
{
	uint64_t force_lo = 0, force_hi = 0, where;
	int ok_result = !is_error(r->rax, ls->mode64);
	struct cpu *c = &ls->cpu;
	c->r[R_AX] = ls->mode64 ? r->rax : (uint32_t)r->rax;
	if (ls->mode64)
		c->r[R_R11] = r->r11; /* the flags as the native had them (see check_entry) */
	cpu_flags_materialize(c);
	cpu_set_eflags(c, (uint32_t)r->eflags, F_ARITH);
	if (kind == K_SIGRETURN || kind == K_TLS)
		if (ls_take_native_regs(ls))
			return LS_FAILED;
	/* a new mapping may replace an old one that looks the same */
	if (ok_result && (kind == K_MMAP || kind == K_MREMAP)) {
		force_lo = ls->mode64 ? r->rax : (uint32_t)r->rax;
		force_hi = force_lo + PAGE_UP(arg(entry, abi, kind == K_MMAP ? 1 : 2));
	}
	if (kind == K_MAPS || kind == K_MMAP || kind == K_MREMAP)
		if (ls_mirror_maps(ls, force_lo, force_hi))
			return LS_FAILED;
	return ls_mirror_memory(ls, 1, &where) < 0 ? LS_FAILED : LS_GO_ON;
}

/* The program leaves lockstep's reach with this call: say so. */
static enum ls_outcome refuse(struct lockstep *ls, const char *name)
{
	ls_report_unfollowed(ls, "%s (a new thread) is not followed", name);
	return LS_UNFOLLOWED;
}

enum ls_outcome ls_syscall(struct lockstep *ls, int *status)
{
	struct user_regs_struct entry, r;
	char name[64];
	int abi = ls->pending_abi, handled, execed;
	ls->syscalls++;
	if (ls_native_regs(ls, &entry))
		return LS_FAILED;
	uint64_t nr = ls->mode64 ? entry.orig_rax : (uint32_t)entry.orig_rax;
	enum sys_kind kind = kind_of(abi, nr);
	name_of(abi, nr, name, sizeof name);
	enum ls_outcome o = check_entry(ls, &entry, name);
	if (o != LS_GO_ON)
		return o;
	if (starts_thread(ls, kind, &entry, abi))
		return refuse(ls, name);
	r = entry;
	if (kind == K_RSEQ)
		r.orig_rax = -1ull; /* hexvm has no rseq either: ENOSYS on both sides */
	int steered = steer(ls, kind, &r);
	if ((steered || kind == K_RSEQ) && ls_native_set_regs(ls, &r))
		return LS_FAILED;
	int forks = kind == K_FORK || kind == K_CLONE || kind == K_CLONE3;
	if (forks)
		ls_native_unbreak_all(ls);
	o = complete(ls, &r, &handled, &execed, status);
	if (forks && ls->pid > 0)
		ls_native_rebreak_all(ls);
	if (o != LS_GO_ON || handled)
		return o;
	if (execed) {
		if (!ls_new_image(ls))
			return LS_GO_ON;
		ls_report_unfollowed(ls, "execve of a program lockstep cannot run");
		return LS_UNFOLLOWED;
	}
	if (steered) {
		/* the program's own arguments, as it passed them */
		struct user_regs_struct put = entry;
		put.rax = r.rax;
		put.orig_rax = r.orig_rax;
		r = put;
		if (ls_native_set_regs(ls, &r))
			return LS_FAILED;
	}
	return take_effects(ls, abi, kind, &entry, &r);
}

#endif
