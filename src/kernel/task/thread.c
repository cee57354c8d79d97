/* The end of a thread, as pthreads sees it: the tid word cleared (joiners
 * wait on it) and robust mutexes handed on. */
#include "kernel/task/thread.h"

#include "kernel/abi/layout.h"
#include "kernel/sys/syscall.h"
#include "kernel/task/sched.h"
#include "mem/mm.h"
#include "mem/uaccess.h"

#define FUTEX_WAITERS	 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
#define FUTEX_TID_MASK	 0x3fffffffu
#define ROBUST_LIST_MAX	 2048 /* Linux's ROBUST_LIST_LIMIT: a cycle ends the walk */

static int get_word(struct mm *mm, uint64_t addr, int is64, uint64_t *v)
{
	uint8_t raw[8];
	if (copy_from_user(mm, raw, addr, is64 ? 8 : 4))
		return -1;
	*v = get_long(raw, 0, is64);
	return 0;
}

/* A futex word held by the dead thread: owner died, one waiter woken. */
static void release_robust(struct task *t, struct mm *mm, uint64_t word_addr)
{
	uint8_t raw[4];
	if (word_addr & 3 || copy_from_user(mm, raw, word_addr, 4))
		return;
	uint32_t v = get32(raw, 0);
	if ((v & FUTEX_TID_MASK) != (uint32_t)t->tid)
		return;
	put32(raw, 0, (v & FUTEX_WAITERS) | FUTEX_OWNER_DIED);
	if (copy_to_user(mm, word_addr, raw, 4))
		return;
	if (v & FUTEX_WAITERS)
		sched_wake_some(t->vm, sys_futex_key(mm, word_addr), 1);
}

/* struct robust_list_head { next; long futex_offset; list_op_pending; },
 * entries linked by their first word, the list ending at the head. */
static void walk_robust_list(struct task *t, struct mm *mm)
{
	int is64 = t->proc->mode64;
	uint64_t head = t->robust_list, w = is64 ? 8 : 4, next, offset, pending;
	if (!head || get_word(mm, head, is64, &next) || get_word(mm, head + w, is64, &offset) ||
	    get_word(mm, head + 2 * w, is64, &pending))
		return;
	if (!is64)
		offset = (uint64_t)(int64_t)(int32_t)offset;
	for (int k = 0; next != head && next && k < ROBUST_LIST_MAX; k++) {
		uint64_t entry = next;
		if (get_word(mm, entry, is64, &next))
			break;
		if (entry != pending)
			release_robust(t, mm, entry + offset);
	}
	if (pending)
		release_robust(t, mm, pending + offset);
}

void thread_release(struct task *t)
{
	struct mm *mm = t->proc->mm;
	if (!mm || t->proc->nthreads <= 1)
		return; /* nobody is left to see it */
	walk_robust_list(t, mm);
	if (t->clear_child_tid) {
		uint8_t zero[4] = {0};
		if (!copy_to_user(mm, t->clear_child_tid, zero, 4))
			sched_wake_some(t->vm, sys_futex_key(mm, t->clear_child_tid), 1);
	}
}
