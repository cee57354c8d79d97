/* The scheduler loop: turns by instruction quantum, parked calls tried again
 * when woken, and idling: waiting on host descriptors, or skipping virtual
 * time to the next timer when nothing else can happen. */
#include "kernel/task/sched.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "debug/gdb.h"
#include "interp/dispatch.h"
#include "host/termsig.h"
#include "kernel/entry.h"
#include "kernel/sys/scm_flight.h"
#include "kernel/task/cpuclock.h"
#include "kernel/task/process.h"
#include "kernel/task/signal.h"
#include "kernel/task/task.h"
#include "kernel/task/timer.h"
#include "kernel/vfs/hostcache.h"
#include "snap/snap.h"
#include "trace/hooks.h"

#define HOST_WAITERS_MAX   64
#define HOST_WAIT_SLICE_MS 100
#define SI_KERNEL_L	   0x80

void sched_add(struct vm *vm, struct task *t)
{
	struct task **pp = &vm->tasks;
	while (*pp)
		pp = &(*pp)->next;
	t->next = NULL;
	t->state = TASK_RUNNABLE;
	*pp = t;
}

static int64_t park(struct task *t, const void *obj, int64_t deadline, int64_t intr)
{
	struct parked_call *pc = &t->park;
	pc->obj = obj;
	pc->deadline = deadline;
	pc->intr = intr;
	pc->woken = 0;
	t->state = TASK_PARKED;
	t->cpu.exit_req = 1;
	return -KERN_EPARK;
}

int64_t sched_park(struct task *t, const void *obj, int64_t intr)
{
	t->park.n_host = 0;
	return park(t, obj, 0, intr);
}

int64_t sched_park_until(struct task *t, const void *obj, int64_t deadline_ns, int64_t intr)
{
	t->park.n_host = 0;
	return park(t, obj, deadline_ns > 0 ? deadline_ns : 1, intr);
}

int64_t sched_park_host(struct task *t, int fd, short events, int64_t intr)
{
	t->park.n_host = 1;
	t->park.host_fd[0] = fd;
	t->park.host_events[0] = events;
	return park(t, NULL, 0, intr);
}

int64_t sched_park_poll(struct task *t, const struct pollfd *host, int n, int64_t deadline_ns,
			int64_t intr)
{
	struct parked_call *pc = &t->park;
	pc->n_host = n < PARK_HOST_FDS ? n : PARK_HOST_FDS;
	for (int k = 0; k < pc->n_host; k++) {
		pc->host_fd[k] = host[k].fd;
		pc->host_events[k] = host[k].events;
	}
	return park(t, SCHED_ANY(t->vm), deadline_ns, intr);
}

void sched_wake(struct vm *vm, const void *obj)
{
	for (struct task *t = vm->tasks; t; t = t->next)
		if (t->state == TASK_PARKED && (t->park.obj == obj || t->park.obj == SCHED_ANY(vm)))
			t->park.woken = 1;
}

int sched_wake_some(struct vm *vm, const void *obj, int max)
{
	int n = 0;
	for (struct task *t = vm->tasks; t && n < max; t = t->next)
		if (t->state == TASK_PARKED && t->park.obj == obj && !t->park.woken) {
			t->park.woken = 1;
			n++;
		}
	return n;
}

int sched_requeue(struct vm *vm, const void *from, const void *to, int max)
{
	int n = 0;
	for (struct task *t = vm->tasks; t && n < max; t = t->next)
		if (t->state == TASK_PARKED && t->park.obj == from && !t->park.woken) {
			t->park.obj = to;
			n++;
		}
	return n;
}

void sched_signal(struct task *t)
{
	if (t->state == TASK_PARKED)
		t->park.woken = 1;
}

static int may_go_on(const struct task *t, int64_t now)
{
	const struct parked_call *pc = &t->park;
	if (GDB_ATTACHED(t->vm) && !gdb_may_run(t->vm, t))
		return 0;
	if (t->state == TASK_RUNNABLE)
		return 1;
	if (t->state != TASK_PARKED)
		return 0;
	return pc->woken || (pc->intr && (task_pending(t) & ~t->sigmask)) ||
	       (pc->deadline && now >= pc->deadline);
}

/* The next task after `from` in turn order that can go on. */
static struct task *pick(struct vm *vm, struct task *from)
{
	int64_t now = vm_now_ns(vm);
	struct task *start = from ? from : vm->tasks;
	struct task *t = start;
	do {
		if (may_go_on(t, now))
			return t;
		t = t->next ? t->next : vm->tasks;
	} while (t != start);
	return NULL;
}

/* The earliest time a timer or a parked call's deadline comes due; 0: none. */
static int64_t next_event(const struct vm *vm)
{
	int64_t next = 0;
	for (const struct process *p = vm->procs; p; p = p->next)
		if (p->state == PROC_LIVE && p->alarm_at && (!next || p->alarm_at < next))
			next = p->alarm_at;
	for (const struct task *t = vm->tasks; t; t = t->next)
		if (t->state == TASK_PARKED && t->park.deadline && (!next || t->park.deadline < next))
			next = t->park.deadline;
	int64_t tfd = timerfd_next_expiry(vm), pt = ptimers_next_expiry(vm);
	if (tfd && (!next || tfd < next))
		next = tfd;
	return pt && (!next || pt < next) ? pt : next;
}

static void fire_timers(struct vm *vm)
{
	int64_t now = vm_now_ns(vm);
	if (vm->timerfds)
		timerfd_wake_expired(vm);
	ptimers_fire(vm, now);
	for (struct process *p = vm->procs; p; p = p->next)
		if (p->state == PROC_LIVE && p->task && p->alarm_at && now >= p->alarm_at)
			timers_fire(p->task);
}

/* Polls the host descriptors parked tasks wait for, waking the ready ones;
 * the number woken. */
static int poll_host(struct vm *vm, int timeout_ms)
{
	struct pollfd pfd[HOST_WAITERS_MAX];
	struct task *who[HOST_WAITERS_MAX];
	int n = 0, woken = 0;
	for (struct task *t = vm->tasks; t; t = t->next) {
		if (t->state != TASK_PARKED || t->park.woken)
			continue;
		for (int k = 0; k < t->park.n_host && n < HOST_WAITERS_MAX; k++) {
			pfd[n] = (struct pollfd){t->park.host_fd[k], t->park.host_events[k], 0};
			who[n++] = t;
		}
	}
	if (!n || poll(pfd, (nfds_t)n, timeout_ms) <= 0)
		return 0;
	for (int k = 0; k < n; k++)
		if (pfd[k].revents) {
			who[k]->park.woken = 1;
			woken++;
		}
	return woken;
}

static int host_waiters(const struct vm *vm)
{
	for (const struct task *t = vm->tasks; t; t = t->next)
		if (t->state == TASK_PARKED && t->park.n_host)
			return 1;
	return 0;
}

static void report_deadlock(struct vm *vm)
{
	fprintf(stderr, "hexvm: deadlock: every guest process waits for something that cannot "
			"happen:");
	for (const struct task *t = vm->tasks; t; t = t->next)
		fprintf(stderr, " pid %d (%s)", t->proc->pid,
			t->state == TASK_STOPPED ? "stopped" : "in a system call");
	fputc('\n', stderr);
	vm->exit_status = 125;
	vm->halted = 1;
}

/* Ctrl-C and Ctrl-\ at hexvm reach the guest's foreground process group. */
static void forward_terminal_signals(struct vm *vm)
{
	int sig = termsig_take();
	if (!sig)
		return;
	for (struct process *p = vm->procs; p; p = p->next)
		if (p->pgid == vm->fg_pgid && p->task) {
			struct siginfo_k info = {.signo = sig, .code = SI_KERNEL_L, .trapno = -1};
			signal_send_process(p, &info);
		}
}

/* Nothing can run: wait for the host, or let virtual time pass. A wait for
 * the host alone looks up now and then for a terminal signal. */
static void idle(struct vm *vm)
{
	int64_t now = vm_now_ns(vm), next = next_event(vm);
	if (host_waiters(vm)) {
		int timeout = HOST_WAIT_SLICE_MS;
		if (next)
			timeout = vm->opt.realtime ? (int)((next - now) / 1000000) + 1 : 0;
		if (timeout > HOST_WAIT_SLICE_MS)
			timeout = HOST_WAIT_SLICE_MS;
		if (poll_host(vm, timeout) > 0 || !next || vm->opt.realtime)
			return; /* (real time passed by itself) */
	}
	if (!next) {
		if (!(GDB_ATTACHED(vm) && gdb_idle(vm)))
			report_deadlock(vm);
		return;
	}
	if (next <= now)
		return;
	if (vm->opt.realtime) {
		struct timespec ts = {(time_t)((next - now) / 1000000000), (long)((next - now) % 1000000000)};
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	} else {
		vm->clock_skip_ns += next - now;
	}
}

/* How far task t may run: a quantum, less when a timer or deadline comes
 * sooner, or a wait or timer on a CPU clock that t's running advances
 * (virtual time is instructions, so the count is exact). */
static uint64_t slice_end(struct vm *vm, const struct task *t)
{
	uint64_t end = vm->icount + SCHED_QUANTUM, cpu = cpuclock_budget(vm, t);
	int64_t next = vm->opt.realtime ? 0 : next_event(vm);
	if (next) {
		int64_t left = next - vm_now_ns(vm);
		uint64_t at = vm->icount + (uint64_t)(left > 0 ? left : 0);
		if (at < end)
			end = at;
	}
	if (cpu < end - vm->icount)
		end = vm->icount + (cpu ? cpu : 1);
	return end;
}

static void run_slice(struct vm *vm, struct task *t)
{
	struct cpu *c = &t->cpu;
	vm->current = t;
	c->icount = t->slice_start = vm->icount;
	if (t->state == TASK_PARKED && !syscall_resume(t))
		return;
	uint64_t end = slice_end(vm, t);
	task_return_to_user(t);
	t->yield = 0;
	while (t->state == TASK_RUNNABLE && c->icount < end && !t->yield) {
		c->icount_limit = end;
		c->use_jit = !vm->opt.interp_only;
		if (GDB_ATTACHED(vm) && !gdb_before_run(vm, t))
			break;
		if (vm->opt.trace_insns)
			itrace_run(t); /* one instruction at a time while traced */
		else
			cpu_run(c, t->proc->mm, task_on_fault);
		vm->icount = c->icount;
		process_release_old_mm(t->proc);
		if (t->state == TASK_RUNNABLE)
			task_return_to_user(t);
	}
	vm->icount = c->icount;
	t->insns += c->icount - t->slice_start;
	t->slice_start = c->icount;
	cpuclock_after_slice(vm, t);
	if (vm->hostcaches)
		hostcache_sync_all(vm); /* what hosts see of the files lags one turn at most */
}

void sched_run(struct vm *vm)
{
	while (vm->tasks && !vm->halted) {
		if (vm->scm_flights)
			scm_flight_reap(vm); /* messages dropped with their sockets */
		if (vm->snap && snap_poll(vm))
			break;
		if (GDB_ATTACHED(vm) && gdb_poll(vm))
			continue; /* gdb had the machine: start the turn afresh */
		forward_terminal_signals(vm);
		fire_timers(vm);
		if (host_waiters(vm))
			poll_host(vm, 0);
		struct task *t = pick(vm, vm->sched_next);
		if (!t) {
			idle(vm);
			continue;
		}
		run_slice(vm, t);
		vm->sched_next = t->next;
		if (t->state == TASK_DEAD) {
			task_reap(vm, t);
			vm->sched_next = NULL; /* its siblings may have gone with it: start over */
		}
	}
}
