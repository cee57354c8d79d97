/* Sending and taking signals as Linux's __send_signal_locked and
 * dequeue_signal do: a standard signal pends once, a real-time one queues
 * an instance per send, each counted against its receiver's user's
 * RLIMIT_SIGPENDING; a thread's own signals are taken before its
 * process's. */
#include <errno.h>
#include <signal.h>

#include "kernel/task/process.h"
#include "kernel/task/sched.h"
#include "kernel/task/signal.h"
#include "kernel/task/sigqueue.h"
#include "kernel/task/timer.h"

#define STOP_SIGNALS (SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU))

/* Drops the instances of mask's signals from s. A POSIX timer's goes back
 * to its timer: when the signal is being ignored, a periodic timer keeps
 * it until the action changes (Linux's sigqueue_free_ignored). */
static void discard(struct vm *vm, struct process *p, struct sigpend *s, uint64_t mask,
		    int ignoring)
{
	struct sigq_entry *e = sigq_remove(s, mask), *next;
	for (; e; e = next) {
		next = e->next;
		if (e->timer)
			ptimer_signal_discarded(p, e->info.timerid, ignoring);
		sigq_release(vm, e);
	}
}

static void discard_everywhere(struct vm *vm, struct process *p, uint64_t mask)
{
	discard(vm, p, &p->shared, mask, 1);
	for (struct task *t = p->threads; t; t = t->thread_next)
		discard(vm, p, &t->pending, mask, 1);
}

/* SIGCONT works when sent, whatever its disposition; stops and continues
 * cancel each other's pending instances (in every thread). */
static void stop_or_continue(struct vm *vm, struct process *p, int sig)
{
	uint64_t drop = (sig == SIGCONT || sig == SIGKILL) ? STOP_SIGNALS
			: (SIGBIT(sig) & STOP_SIGNALS)	   ? SIGBIT(SIGCONT)
							   : 0;
	if (!drop)
		return;
	discard_everywhere(vm, p, drop);
	if (sig == SIGCONT || sig == SIGKILL)
		process_continue(p);
}

int signal_prepare(struct task *t, int sig)
{
	struct process *p = t->proc;
	if (p->group_exit)
		return 0;
	stop_or_continue(t->vm, p, sig);
	return (t->sigmask & SIGBIT(sig)) || !signal_ignored(p, sig);
}

/* A task that may take the signal now is told to look (sigtimedwait waits
 * for blocked signals too, so a parked task always looks). */
static void notify(struct task *t, int sig)
{
	sched_signal(t);
	if (!(t->sigmask & SIGBIT(sig)))
		t->cpu.exit_req = 1;
}

/* The first thread not blocking it takes it; every parked one looks. */
static void notify_process(struct process *p, int sig)
{
	struct task *taker = NULL;
	for (struct task *t = p->threads; t; t = t->thread_next) {
		sched_signal(t);
		if (!taker && !(t->sigmask & SIGBIT(sig)))
			taker = t;
	}
	if (taker)
		taker->cpu.exit_req = 1;
}

/* What a send adds to s (p's, or one of its threads'): nothing for a
 * standard signal pending already; else an instance, if p's real user is
 * within p's limit, which what the kernel sends of the standard signals
 * (si_code >= 0) passes anyway. Past it a standard signal, or a real-time
 * one kill() sends, pends without its siginfo, and any other real-time
 * send fails (-EAGAIN). */
static int queue_instance(struct vm *vm, struct process *p, struct sigpend *s,
			  const struct siginfo_k *info)
{
	int sig = info->signo;
	if (sig < SIGRTMIN_L && (s->set & SIGBIT(sig)))
		return 0;
	int override = sig == SIGKILL || (sig < SIGRTMIN_L && info->code >= 0);
	struct sigq_entry *e = NULL;
	if (!sigq_charge(vm, p->ruid, p->rlimits[RLIMIT_SIGPENDING_L][0], override)) {
		if ((e = sigq_append(s, info))) {
			e->uid = p->ruid;
			e->charged = 1;
		} else {
			sigq_uncharge(vm, p->ruid);
		}
	}
	if (!e && sig >= SIGRTMIN_L && info->code != SI_USER)
		return -EAGAIN;
	s->set |= SIGBIT(sig);
	return 0;
}

int signal_send(struct task *t, const struct siginfo_k *info)
{
	int sig = info->signo;
	if (sig < 1 || sig > NSIG_LINUX || !signal_prepare(t, sig))
		return 0;
	int rc = queue_instance(t->vm, t->proc, &t->pending, info);
	if (!rc)
		notify(t, sig);
	return rc;
}

int signal_send_process(struct process *p, const struct siginfo_k *info)
{
	int sig = info->signo;
	if (sig < 1 || sig > NSIG_LINUX || !p->task || !signal_prepare(p->task, sig))
		return 0;
	int rc = queue_instance(p->task->vm, p, &p->shared, info);
	if (!rc)
		notify_process(p, sig);
	return rc;
}

void signal_send_sigpipe(struct task *t)
{
	struct siginfo_k info = {
		.signo = SIGPIPE, .pid = t->proc->pid, .uid = (int)t->proc->ruid, .trapno = -1};
	signal_send(t, &info);
}

int signal_queue_timer(struct task *thread, struct process *p, const struct siginfo_k *info)
{
	struct sigpend *s = thread ? &thread->pending : &p->shared;
	struct sigq_entry *e = sigq_append(s, info);
	if (!e)
		return -1;
	e->timer = 1; /* counted with its timer */
	s->set |= SIGBIT(info->signo);
	if (thread)
		notify(thread, info->signo);
	else
		notify_process(p, info->signo);
	return 0;
}

static struct sigq_entry *timer_entry(struct sigpend *s, int id)
{
	for (struct sigq_entry *e = s->head; e; e = e->next)
		if (e->timer && e->info.timerid == id)
			return e;
	return NULL;
}

struct sigq_entry *signal_find_timer(struct process *p, int id)
{
	struct sigq_entry *e = timer_entry(&p->shared, id);
	for (struct task *t = p->threads; t && !e; t = t->thread_next)
		e = timer_entry(&t->pending, id);
	return e;
}

int signal_dequeue(struct task *t, uint64_t set, struct siginfo_k *info)
{
	for (;;) {
		struct sigpend *s = &t->pending;
		int sig = sigq_next(s, set);
		if (!sig && (sig = sigq_next(&t->proc->shared, set)))
			s = &t->proc->shared;
		if (!sig)
			return 0;
		struct sigq_entry *e = sigq_take(s, sig, info);
		int timer = e && e->timer;
		if (e)
			sigq_release(t->vm, e);
		if (sig == SIGALRM)
			timer_alarm_taken(t);
		/* a timer's signal may be stale: set again or deleted since */
		if (!timer || ptimer_signal_taken(t, info))
			return sig;
	}
}

void signal_discard(struct task *t, int sig) { discard_everywhere(t->vm, t->proc, SIGBIT(sig)); }

void signal_drop_all(struct vm *vm, struct process *p, struct sigpend *s)
{
	discard(vm, p, s, ~0ull, 0);
}

void signal_drop_timer_signals(struct task *t)
{
	struct sigpend *queues[] = {&t->pending, &t->proc->shared};
	for (int k = 0; k < 2; k++) {
		struct sigq_entry *e = sigq_remove_timer_signals(queues[k]), *next;
		for (; e; e = next) {
			next = e->next;
			sigq_release(t->vm, e);
		}
	}
}

void signal_requeue(struct task *t, const struct siginfo_k *info)
{
	if (info->signo < SIGRTMIN_L) /* one instance: the one given back */
		discard(t->vm, t->proc, &t->pending, SIGBIT(info->signo), 0);
	if (sigq_push_front(&t->pending, info))
		t->pending.set |= SIGBIT(info->signo);
	sched_signal(t);
}

static void count_queue(struct vm *vm, const struct sigpend *s)
{
	for (const struct sigq_entry *e = s->head; e; e = e->next)
		if (e->charged)
			sigq_charge(vm, e->uid, 0, 1);
}

void signal_queues_restored(struct vm *vm)
{
	sigq_clear_counts(vm);
	for (struct process *p = vm->procs; p; p = p->next) {
		count_queue(vm, &p->shared);
		for (const struct task *t = p->threads; t; t = t->thread_next)
			count_queue(vm, &t->pending);
		ptimers_restored(vm, p);
	}
}
