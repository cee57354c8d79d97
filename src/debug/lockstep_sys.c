/* System calls under lockstep. The native kernel is the world: the native
 * runs every system call, hexvm takes its result, its memory effects and its
 * changes to the mappings. It decides for every thread whether a call
 * blocks, and when it ends: a call that blocks waits in the native kernel
 * while other threads run (lockstep_threads.c), and is finished when its
 * exit stop comes. */
#if defined(__linux__) && defined(__x86_64__) /* else lockstep.c says it is not available */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

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
	K_EXIT_THREAD, /* exit: the thread ends */
	K_EXIT_GROUP,
	K_EXEC,
	K_YIELD,     /* sched_yield: the next thread gets its turn */
	K_MAPS,	     /* may change the mappings */
	K_MMAP,	     /* ... and places a new one */
	K_MREMAP,    /* ... or moves one */
	K_FORK,	     /* a new process: the native child runs unobserved */
	K_CLONE,     /* a process, or a thread */
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
	{60, 1, K_EXIT_THREAD}, {231, 252, K_EXIT_GROUP}, {59, 11, K_EXEC}, {322, 358, K_EXEC},
	{24, 158, K_YIELD},   {9, 192, K_MMAP},	   {-1, 90, K_MAPS},
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

enum clone_shape { CLONE_NONE, CLONE_PROCESS, CLONE_NEW_THREAD, CLONE_UNFOLLOWED };

/* Threads (CLONE_THREAD) are followed; a process that shares the address
 * space without being a vfork child is not. The flags come first in both
 * ABIs (clone3: first in its structure); the rest is the native kernel's
 * business, hexvm takes the new thread's registers from it. */
static enum clone_shape clone_shape(struct lockstep *ls, enum sys_kind kind,
				    const struct user_regs_struct *r, int abi)
{
	uint64_t flags = arg(r, abi, 0);
	if (kind != K_CLONE && kind != K_CLONE3)
		return CLONE_NONE;
	if (kind == K_CLONE3 && ls_native_read(ls, flags, &flags, sizeof flags))
		return CLONE_UNFOLLOWED;
	if (flags & LINUX_CLONE_THREAD)
		return CLONE_NEW_THREAD;
	if ((flags & LINUX_CLONE_VM) && !(flags & LINUX_CLONE_VFORK))
		return CLONE_UNFOLLOWED;
	return CLONE_PROCESS;
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

/* Before the call: the registers at the entry (the number in orig_rax) and
 * the memory must agree; the native kernel may then change either. */
static enum ls_outcome check_entry(struct lockstep *ls, const struct user_regs_struct *entry,
				   const char *name, int *status)
{
	struct ls_state n, h;
	char what[64], when[160];
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
	snprintf(when, sizeof when, "before %s", name);
	return ls_check_memory(ls, when, status);
}

/* After the call: the result, new mappings and the bytes the kernel wrote. */
static enum ls_outcome take_effects(struct lockstep *ls, int abi, enum sys_kind kind,
				    const struct user_regs_struct *entry,
				    const struct user_regs_struct *r)
{
	uint64_t force_lo = 0, force_hi = 0, where;
	int ok_result = !is_error(r->rax, ls->mode64);
	struct cpu *c = &ls->cur->cpu;
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
static enum ls_outcome refuse(struct lockstep *ls, const char *name, const char *what)
{
	ls_report_unfollowed(ls, "%s (%s) is not followed", name, what);
	return LS_UNFOLLOWED;
}

/* PTRACE_EVENT_CLONE: a new thread, followed from its first stop once the
 * call has returned; or a process with another exit signal than SIGCHLD,
 * which ptrace attached too, and which is let go to run unobserved. */
static int take_clone(struct lockstep *ls)
{
	unsigned long tid;
	int st;
	if (ptrace(PTRACE_GETEVENTMSG, ls->cur->tid, 0, &tid))
		return -1;
	if (ls->cur->call.starts_thread) {
		ls->cur->call.new_tid = (pid_t)tid;
		return 0;
	}
	while (waitpid((pid_t)tid, &st, __WALL) < 0)
		if (errno != EINTR)
			return -1;
	return ptrace(PTRACE_DETACH, (pid_t)tid, 0, 0) ? -1 : 0;
}

/* The new thread at its first stop (the SIGSTOP ptrace gives it, which it
 * never gets): hexvm's twin starts as a copy of its maker after the call,
 * with the native's registers (rax 0, its stack, its TLS). */
static enum ls_outcome start_thread(struct lockstep *ls, pid_t tid)
{
	struct ls_thread *maker = ls->cur, *t;
	struct ls_event ev;
	int st;
	while (waitpid(tid, &st, __WALL) < 0)
		if (errno != EINTR)
			return LS_FAILED;
	if (!(t = ls_thread_add(ls, tid, &maker->cpu)))
		return LS_FAILED;
	ls->cur = t;
	int rc = ls_native_event(ls, st, &ev);
	if (!rc && (ev.kind != EV_SIGNAL || ev.sig != SIGSTOP)) {
		ls_report_message(ls, "the new thread's first stop is not its SIGSTOP (kind %d, "
				  "signal %d)", ev.kind, ev.sig);
		rc = -1;
	}
	rc = rc || ls_take_native_regs(ls);
	ls->cur = maker;
	return rc ? LS_FAILED : LS_GO_ON;
}

/* exit (not exit_group) ends only its thread while others live on; the
 * first thread then stays a zombie until the last one ends. */
static int ends_thread_only(const struct lockstep *ls, const struct ls_event *ev)
{
	return ls->cur->call.kind == K_EXIT_THREAD && ls->nlive > 1 &&
	       (ev->kind == EV_EXITED || ev->kind == EV_ZOMBIE);
}

/* One native stop during the call; *r: the registers at an exit stop. Sets
 * *ended when the call is over: it returned, a handler was entered instead
 * (*handled: hexvm took its state), or the thread ended; otherwise the
 * thread has been resumed towards its next stop. */
static enum ls_outcome call_event(struct lockstep *ls, const struct ls_event *ev,
				  struct user_regs_struct *r, int *ended, int *handled,
				  int *status)
{
	struct ls_call *call = &ls->cur->call;
	if (ev->kind == EV_UNFOLLOWED && ev->status == PTRACE_EVENT_EXEC) {
		call->execed = 1; /* the exit stop follows */
	} else if (ev->kind == EV_UNFOLLOWED && ev->status == PTRACE_EVENT_CLONE) {
		if (take_clone(ls))
			return LS_FAILED;
	} else if (ev->kind == EV_SIGNAL) {
		enum ls_outcome o = ls_signal(ls, ev, handled, status);
		if (o != LS_GO_ON || *handled)
			return *ended = 1, o;
	} else if (ends_thread_only(ls, ev)) {
		ls_thread_gone(ls, ls->cur);
		return *ended = 1, LS_GO_ON;
	} else if (ev->kind != EV_SYSCALL) {
		return ls_end_event(ls, ev, status);
	} else if (ls_native_regs(ls, r)) {
		return LS_FAILED;
	} else if (!call->expecting_exit) {
		call->expecting_exit = 1; /* the restarted call's entry */
	} else if (!is_restart((int64_t)r->rax)) {
		return *ended = 1, LS_GO_ON;
	} else {
		call->expecting_exit = 0;
	}
	return ls_native_resume(ls, PTRACE_SYSCALL, 0) ? LS_FAILED : LS_GO_ON;
}

/* The call returned (*r: the registers at its exit stop): hexvm takes what
 * it did. */
static enum ls_outcome call_returned(struct lockstep *ls, struct user_regs_struct *r)
{
	const struct ls_call *call = &ls->cur->call;
	if (call->execed) {
		if (!ls_new_image(ls))
			return LS_GO_ON;
		ls_report_unfollowed(ls, "execve of a program lockstep cannot run");
		return LS_UNFOLLOWED;
	}
	if (call->steered) {
		/* the program's own arguments, as it passed them */
		struct user_regs_struct put = call->entry;
		put.rax = r->rax;
		put.orig_rax = r->orig_rax;
		*r = put;
		if (ls_native_set_regs(ls, r))
			return LS_FAILED;
	}
	enum ls_outcome o = take_effects(ls, call->abi, (enum sys_kind)call->kind, &call->entry, r);
	return o == LS_GO_ON && call->new_tid ? start_thread(ls, call->new_tid) : o;
}

/* After the running thread's call: the threads it woke reach their exit
 * stops and their calls end; what the kernel wrote for them, or for a
 * thread that ended (the tid it clears, the robust futexes it marks), goes
 * to hexvm. */
static enum ls_outcome after_call(struct lockstep *ls, int *status)
{
	uint64_t where;
	int woken = ls_threads_settle(ls);
	if (woken < 0)
		return LS_FAILED;
	enum ls_outcome o = woken ? ls_threads_finish(ls, status) : LS_GO_ON;
	if (o == LS_GO_ON && ls->cur->gone && ls_mirror_memory(ls, 1, &where) < 0)
		return LS_FAILED;
	return o;
}

static enum ls_wait next_event(struct lockstep *ls, struct ls_event *ev)
{
	struct ls_thread *t = ls->cur;
	if (t->has_event) {
		*ev = t->event;
		t->has_event = 0;
		return LS_WAIT_STOPPED;
	}
	/* alone, or making a process (a vfork child, unobserved, may need the
	 * int3s out until it execs): nothing else can run meanwhile */
	if (ls->nlive > 1 && !t->call.forks)
		return ls_thread_wait(ls, ev);
	return ls_native_wait(ls, ev) ? LS_WAIT_ERROR : LS_WAIT_STOPPED;
}

enum ls_outcome ls_call_run(struct lockstep *ls, int outer, int *status)
{
	struct ls_thread *t = ls->cur;
	struct user_regs_struct r;
	struct ls_event ev;
	int ended = 0, handled = 0;
	enum ls_outcome o = LS_GO_ON;
	while (o == LS_GO_ON && !ended) {
		enum ls_wait w = next_event(ls, &ev);
		if (w == LS_WAIT_ERROR)
			return LS_FAILED;
		if (w == LS_WAIT_BLOCKED)
			break;
		o = call_event(ls, &ev, &r, &ended, &handled, status);
	}
	if (t->call.forks && ls->pid > 0)
		ls_native_rebreak_all(ls);
	if (o != LS_GO_ON)
		return o;
	t->in_call = !ended;
	if (ended && !handled && !t->gone)
		o = call_returned(ls, &r);
	return o == LS_GO_ON && outer ? after_call(ls, status) : o;
}

enum ls_outcome ls_syscall(struct lockstep *ls, int *status)
{
	struct ls_thread *t = ls->cur;
	struct ls_call *call = &t->call;
	struct user_regs_struct r;
	char name[64];
	memset(call, 0, sizeof *call);
	call->abi = ls->pending_abi;
	ls->syscalls++;
	if (ls_native_regs(ls, &call->entry))
		return LS_FAILED;
	uint64_t nr = ls->mode64 ? call->entry.orig_rax : (uint32_t)call->entry.orig_rax;
	enum sys_kind kind = kind_of(call->abi, nr);
	call->kind = kind;
	name_of(call->abi, nr, name, sizeof name);
	enum ls_outcome o = check_entry(ls, &call->entry, name, status);
	if (o != LS_GO_ON)
		return o;
	enum clone_shape shape = clone_shape(ls, kind, &call->entry, call->abi);
	if (shape == CLONE_UNFOLLOWED)
		return refuse(ls, name, "a process sharing the address space");
	if (kind == K_EXEC && (ls->nlive > 1 || t->tid != ls->pid))
		return refuse(ls, name, "an execve with more than one thread");
	call->starts_thread = shape == CLONE_NEW_THREAD;
	call->forks = kind == K_FORK || shape == CLONE_PROCESS;
	r = call->entry;
	if (kind == K_RSEQ)
		r.orig_rax = -1ull; /* hexvm has no rseq either: ENOSYS on both sides */
	call->steered = steer(ls, kind, &r);
	if ((call->steered || kind == K_RSEQ) && ls_native_set_regs(ls, &r))
		return LS_FAILED;
	if (call->forks)
		ls_native_unbreak_all(ls);
	if (kind == K_YIELD)
		ls->yielded = 1;
	call->expecting_exit = 1;
	t->in_call = 1;
	if (ls_native_resume(ls, PTRACE_SYSCALL, 0))
		return LS_FAILED;
	return ls_call_run(ls, 1, status);
}

#endif
