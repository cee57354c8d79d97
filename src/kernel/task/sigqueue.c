/* Pending sets as singly linked queues of instances, oldest first, and the
 * per-user counts RLIMIT_SIGPENDING is checked against (a short array in
 * the vm: guests have few users). */
#include "kernel/task/sigqueue.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/task/signal.h"

#define SI_TIMER_L (-2)
#define SYNCHRONOUS_SIGNALS                                                                        \
	(SIGBIT(SIGSEGV) | SIGBIT(SIGBUS) | SIGBIT(SIGILL) | SIGBIT(SIGTRAP) | SIGBIT(SIGFPE) |    \
	 SIGBIT(SIGSYS))

static struct sigq_user *user_of(const struct vm *vm, uint32_t uid)
{
	for (int k = 0; k < vm->n_sigq_users; k++)
		if (vm->sigq_users[k].uid == uid)
			return &vm->sigq_users[k];
	return NULL;
}

int sigq_charge(struct vm *vm, uint32_t uid, uint64_t limit, int override)
{
	struct sigq_user *u = user_of(vm, uid);
	if (!u) {
		struct sigq_user *more =
			realloc(vm->sigq_users, (size_t)(vm->n_sigq_users + 1) * sizeof *more);
		if (!more)
			return -1;
		vm->sigq_users = more;
		u = &more[vm->n_sigq_users++];
		*u = (struct sigq_user){uid, 0};
	}
	if (!override && u->count + 1 > limit)
		return -1;
	u->count++;
	return 0;
}

void sigq_uncharge(struct vm *vm, uint32_t uid)
{
	struct sigq_user *u = user_of(vm, uid);
	if (u && u->count)
		u->count--;
}

uint64_t sigq_count(const struct vm *vm, uint32_t uid)
{
	const struct sigq_user *u = user_of(vm, uid);
	return u ? u->count : 0;
}

void sigq_clear_counts(struct vm *vm)
{
	free(vm->sigq_users);
	vm->sigq_users = NULL;
	vm->n_sigq_users = 0;
}

static struct sigq_entry *new_entry(const struct siginfo_k *info)
{
	struct sigq_entry *e = calloc(1, sizeof *e);
	if (e)
		e->info = *info;
	return e;
}

struct sigq_entry *sigq_append(struct sigpend *s, const struct siginfo_k *info)
{
	struct sigq_entry *e = new_entry(info);
	if (!e)
		return NULL;
	if (s->tail)
		s->tail->next = e;
	else
		s->head = e;
	s->tail = e;
	return e;
}

struct sigq_entry *sigq_push_front(struct sigpend *s, const struct siginfo_k *info)
{
	struct sigq_entry *e = new_entry(info);
	if (!e)
		return NULL;
	e->next = s->head;
	s->head = e;
	if (!s->tail)
		s->tail = e;
	return e;
}

int sigq_next(const struct sigpend *s, uint64_t set)
{
	uint64_t ready = s->set & set;
	if (ready & SYNCHRONOUS_SIGNALS)
		ready &= SYNCHRONOUS_SIGNALS;
	return ready ? __builtin_ctzll(ready) + 1 : 0;
}

/* Unlinks e, found after prev (NULL: e is the head). */
static void unlink_entry(struct sigpend *s, struct sigq_entry *prev, struct sigq_entry *e)
{
	if (prev)
		prev->next = e->next;
	else
		s->head = e->next;
	if (s->tail == e)
		s->tail = prev;
	e->next = NULL;
}

struct sigq_entry *sigq_take(struct sigpend *s, int sig, struct siginfo_k *info)
{
	struct sigq_entry *prev = NULL, *first = NULL, *first_prev = NULL, *e;
	int more = 0;
	for (e = s->head; e; prev = e, e = e->next)
		if (e->info.signo == sig) {
			if (first) {
				more = 1;
				break;
			}
			first = e;
			first_prev = prev;
		}
	if (!more)
		s->set &= ~SIGBIT(sig);
	if (!first) {
		*info = (struct siginfo_k){.signo = sig, .code = SI_USER, .trapno = -1};
		return NULL;
	}
	unlink_entry(s, first_prev, first);
	*info = first->info;
	return first;
}

/* Detaches the instances of the signals in mask (timer_signals: those with
 * si_code SI_TIMER), in order. */
static struct sigq_entry *detach(struct sigpend *s, uint64_t mask, int timer_signals)
{
	struct sigq_entry *out = NULL, **out_tail = &out, *prev = NULL, *e = s->head, *next;
	for (; e; e = next) {
		next = e->next;
		int pick = timer_signals ? e->info.code == SI_TIMER_L
					 : (mask & SIGBIT(e->info.signo)) != 0;
		if (!pick) {
			prev = e;
			continue;
		}
		unlink_entry(s, prev, e);
		*out_tail = e;
		out_tail = &e->next;
	}
	return out;
}

struct sigq_entry *sigq_remove(struct sigpend *s, uint64_t mask)
{
	s->set &= ~mask;
	return detach(s, mask, 0);
}

struct sigq_entry *sigq_remove_timer_signals(struct sigpend *s)
{
	struct sigq_entry *out = detach(s, 0, 1);
	for (const struct sigq_entry *e = out; e; e = e->next)
		s->set &= ~SIGBIT(e->info.signo);
	for (const struct sigq_entry *e = s->head; e; e = e->next)
		s->set |= SIGBIT(e->info.signo);
	return out;
}

void sigq_release(struct vm *vm, struct sigq_entry *e)
{
	if (e->charged)
		sigq_uncharge(vm, e->uid);
	free(e);
}
