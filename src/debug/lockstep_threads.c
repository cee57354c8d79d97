/* The program's threads under lockstep, and lockstep as their scheduler.
 *
 * One thread runs at a time, the same one on both sides: the native threads
 * that are not running stand in ptrace stops, so the native interleaving is
 * the one lockstep chooses. A thread gives way when its quantum of
 * instructions is over (step mode: at any instruction; syscall mode: at its
 * next system call), when it calls sched_yield, when it ends, or when a
 * call blocks in the native kernel; the next thread that can run, in the
 * order they were made, gets the turn.
 *
 * The native kernel decides everything else, as for one thread: whether a
 * call blocks (futex, a pipe, join), when it is woken, and with what result.
 * A blocked thread's native twin sleeps in the host kernel while the others
 * run. Nothing in the program but a system call can wake it, so after every
 * call of the running thread the blocked ones are looked at (settle): one
 * that was woken is waited for until it reaches its exit stop, and its call
 * is finished there, as it would have been without the wait. A call that
 * something outside the program ends (a timer, another process) may end
 * while another thread runs: its bytes are taken at the next comparison of
 * the memory instead of being compared. */
#if defined(__linux__) && defined(__x86_64__) /* else lockstep.c says it is not available */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "debug/lockstep_int.h"

struct ls_thread *ls_thread_add(struct lockstep *ls, pid_t tid, const struct cpu *like)
{
	if (ls->nthreads == ls->threads_cap) {
		int cap = ls->threads_cap ? 2 * ls->threads_cap : 8;
		struct ls_thread **v = realloc(ls->threads, (size_t)cap * sizeof *v);
		if (!v)
			return NULL;
		ls->threads = v, ls->threads_cap = cap;
	}
	struct ls_thread *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	if (like)
		t->cpu = *like;
	t->cpu.cur_block = NULL;
	t->ls = ls;
	t->tid = tid;
	t->number = ++ls->threads_made;
	t->stat_fd = -1;
	ls->threads[ls->nthreads++] = t;
	ls->nlive++;
	return t;
}

static void thread_free(struct ls_thread *t)
{
	if (t->stat_fd >= 0)
		close(t->stat_fd);
	free(t);
}

/* The first thread may end before the others (pthread_exit in main): the
 * /proc files are then read through a live thread. */
void ls_thread_gone(struct lockstep *ls, struct ls_thread *t)
{
	char msg[128];
	if (t->gone)
		return;
	t->gone = 1;
	t->in_call = t->has_event = 0;
	ls->nlive--;
	if (t->tid != ls->proc_pid)
		return;
	for (int k = 0; k < ls->nthreads; k++)
		if (!ls->threads[k]->gone) {
			ls->proc_pid = ls->threads[k]->tid;
			ls_native_open_proc(ls, msg, sizeof msg);
			return;
		}
}

/* Threads that ended leave the table, except the running one. */
static void drop_gone(struct lockstep *ls)
{
	int n = 0;
	for (int k = 0; k < ls->nthreads; k++) {
		struct ls_thread *t = ls->threads[k];
		if (t->gone && t != ls->cur)
			thread_free(t);
		else
			ls->threads[n++] = t;
	}
	ls->nthreads = n;
}

void ls_threads_free(struct lockstep *ls)
{
	for (int k = 0; k < ls->nthreads; k++)
		thread_free(ls->threads[k]);
	free(ls->threads);
	ls->threads = NULL;
	ls->nthreads = ls->threads_cap = ls->nlive = 0;
	ls->cur = NULL;
}

const char *ls_thread_label(const struct lockstep *ls, char *buf, size_t size)
{
	buf[0] = 0;
	if (ls->threads_made > 1 && ls->cur)
		snprintf(buf, size, " in thread %d", ls->cur->number);
	return buf;
}

/* The scheduling state the host kernel shows for the thread ('R', 'S',
 * 'D', 't', 'Z' ...); 0 when it cannot be read. */
static char native_state(struct lockstep *ls, struct ls_thread *t)
{
	char buf[512];
	if (t->stat_fd < 0) {
		snprintf(buf, sizeof buf, "/proc/%d/task/%d/stat", (int)ls->pid, (int)t->tid);
		t->stat_fd = open(buf, O_RDONLY | O_CLOEXEC);
	}
	ssize_t n = t->stat_fd < 0 ? -1 : pread(t->stat_fd, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	const char *paren = strrchr(buf, ')'); /* the command name may hold anything */
	return paren && paren[1] == ' ' ? paren[2] : 0;
}

/* Short waits while the native kernel works: a few yields, then sleeps
 * that grow to two thirds of a millisecond. */
static void wait_a_little(unsigned round)
{
	if (round < 16) {
		sched_yield();
		return;
	}
	struct timespec ts = {0, 10000L << (round < 22 ? round - 16 : 6)};
	nanosleep(&ts, NULL);
}

/* Sleeping ('S') in the kernel is blocked: only another thread's call, or
 * something outside, ends that. Running, uninterruptible disk waits and the
 * like end by themselves. The first thread, ended before the others, stays
 * a zombie that waitpid does not report until the process ends. */
enum ls_wait ls_thread_wait(struct lockstep *ls, struct ls_event *ev)
{
	struct ls_thread *t = ls->cur;
	int st, zombie_seen = 0;
	for (unsigned round = 0;; round++) {
		pid_t got = waitpid(t->tid, &st, __WALL | WNOHANG);
		if (got == t->tid)
			return ls_native_event(ls, st, ev) ? LS_WAIT_ERROR : LS_WAIT_STOPPED;
		if (got < 0 && errno != EINTR)
			return LS_WAIT_ERROR;
		char state = native_state(ls, t);
		if (state == 'S')
			return LS_WAIT_BLOCKED;
		if (state == 'Z' && t->tid == ls->pid) {
			if (zombie_seen) { /* and waitpid had nothing after it was one */
				memset(ev, 0, sizeof *ev);
				ev->kind = EV_ZOMBIE;
				return LS_WAIT_STOPPED;
			}
			zombie_seen = 1;
			continue;
		}
		if (!state)
			return LS_WAIT_ERROR;
		wait_a_little(round);
	}
}

/* ls_thread_wait for `t`, which need not be the current thread. */
static enum ls_wait wait_for(struct lockstep *ls, struct ls_thread *t, struct ls_event *ev)
{
	struct ls_thread *running = ls->cur;
	ls->cur = t;
	enum ls_wait w = ls_thread_wait(ls, ev);
	ls->cur = running;
	return w;
}

int ls_threads_settle(struct lockstep *ls)
{
	int collected = 0;
	for (int k = 0; k < ls->nthreads; k++) {
		struct ls_thread *t = ls->threads[k];
		if (t->gone || !t->in_call || t->has_event || t == ls->cur)
			continue;
		enum ls_wait w = wait_for(ls, t, &t->event);
		if (w == LS_WAIT_ERROR)
			return -1;
		if (w == LS_WAIT_STOPPED)
			t->has_event = 1, collected++;
	}
	return collected;
}

enum ls_outcome ls_threads_finish(struct lockstep *ls, int *status)
{
	struct ls_thread *running = ls->cur;
	for (int k = 0; k < ls->nthreads; k++) {
		struct ls_thread *t = ls->threads[k];
		if (t->gone || !t->has_event || t == running)
			continue;
		ls->cur = t;
		enum ls_outcome o = ls_call_run(ls, 0, status);
		if (o != LS_GO_ON)
			return o; /* the report named t */
		ls->cur = running;
	}
	return LS_GO_ON;
}

/* A call that ended while the running thread ran wrote its bytes at a time
 * lockstep cannot place: when the memory differs then, the difference is
 * taken, not reported. */
enum ls_outcome ls_check_memory(struct lockstep *ls, const char *when, int *status)
{
	uint64_t where;
	int ended = ls_threads_settle(ls);
	if (ended < 0)
		return LS_FAILED;
	int rc = ls_mirror_memory(ls, 0, &where);
	if (rc == 1 && !ended && (ended = ls_threads_settle(ls)) < 0)
		return LS_FAILED; /* one may have ended during the comparison */
	if (rc == 1 && ended)
		rc = ls_mirror_memory(ls, 1, &where);
	if (rc == 1) {
		ls_report_memory(ls, where, when);
		return LS_DIFFERENCE;
	}
	if (rc < 0)
		return LS_FAILED;
	return ended ? ls_threads_finish(ls, status) : LS_GO_ON;
}

int ls_switch_due(const struct lockstep *ls)
{
	const struct ls_thread *t = ls->cur;
	return t->gone || t->in_call || ls->yielded ||
	       (ls->nlive > 1 && ls->insns - ls->slice_start >= LS_QUANTUM);
}

/* The next thread after index `from` that can run, `from` itself last. */
static struct ls_thread *next_ready(struct lockstep *ls, int from)
{
	for (int k = 1; k <= ls->nthreads; k++) {
		struct ls_thread *t = ls->threads[(from + k) % ls->nthreads];
		if (!t->gone && !t->in_call)
			return t;
	}
	return NULL;
}

/* Every thread is blocked: the first stop of any of them. */
static enum ls_outcome wait_any(struct lockstep *ls, int *status)
{
	struct ls_event ev;
	int st;
	pid_t got;
	while ((got = waitpid(-1, &st, __WALL)) < 0)
		if (errno != EINTR)
			return LS_FAILED;
	struct ls_thread *t = NULL, *running = ls->cur;
	for (int k = 0; k < ls->nthreads && !t; k++)
		if (ls->threads[k]->tid == got && !ls->threads[k]->gone)
			t = ls->threads[k];
	if (!t) {
		ls_report_message(ls, "a stop of native thread %d, which lockstep does not know",
				  (int)got);
		return LS_FAILED;
	}
	ls->cur = t;
	int rc = ls_native_event(ls, st, &ev);
	if (rc == 0 && t->in_call) {
		t->event = ev, t->has_event = 1;
		ls->cur = running;
		return LS_GO_ON;
	}
	return rc ? LS_FAILED : ls_end_event(ls, &ev, status);
}

static int index_of(const struct lockstep *ls, const struct ls_thread *t)
{
	for (int k = 0; k < ls->nthreads; k++)
		if (ls->threads[k] == t)
			return k;
	return 0;
}

enum ls_outcome ls_schedule(struct lockstep *ls, int *status)
{
	struct ls_thread *from = ls->cur, *next;
	enum ls_outcome o = LS_GO_ON;
	char when[64];
	if (ls->opt.mode == LOCKSTEP_STEP && !from->gone && !from->in_call && !ls->yielded) {
		/* its quantum is over between system calls */
		snprintf(when, sizeof when, "when thread %d gave way", from->number);
		o = ls_check_memory(ls, when, status);
	}
	while (o == LS_GO_ON) {
		if (ls_threads_settle(ls) < 0)
			return LS_FAILED;
		o = ls_threads_finish(ls, status);
		if (o != LS_GO_ON || (next = next_ready(ls, index_of(ls, from))))
			break;
		o = wait_any(ls, status);
	}
	if (o != LS_GO_ON)
		return o;
	ls->cur = next;
	drop_gone(ls);
	ls->slice_start = ls->insns;
	ls->yielded = 0;
	o = ls_compare(ls, next->cpu.rip, 0);
	if (o == LS_GO_ON && ls->opt.mode == LOCKSTEP_SYSCALL)
		o = ls_deliver_pending(ls, status);
	return o;
}

#endif
