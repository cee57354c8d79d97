/* What -Z collects while the machine runs: host time in each system call's
 * handler, errors, and the most guest memory mapped at once. The counts of
 * calls, faults and signals are kept by the kernel itself (vm.h). */
#include "kernel/entry.h"
#include "kernel/sys/syscall.h"
#include "mem/mm.h"
#include "trace/hooks.h"
#include "trace/obs.h"

int64_t stats_timed_call(struct task *t, int abi, uint64_t nr, const struct syscall_desc *d,
			 const uint64_t *a)
{
	struct obs *o = t->vm->obs;
	int64_t start = obs_host_ns();
	int64_t ret = d->fn(t, a);
	o->cost[abi][nr].ns += (uint64_t)(obs_host_ns() - start);
	return ret;
}

static uint64_t mapped_bytes(const struct mm *mm)
{
	uint64_t n = 0;
	for (const struct vma *v = mm->vmas; v; v = v->next)
		n += v->end - v->start;
	return n;
}

/* Address spaces shared by vfork or CLONE_VM count once. */
static int counted_before(const struct process *p, const struct process *upto)
{
	for (const struct process *q = p; q != upto; q = q->next)
		if (q->mm == upto->mm && q->state == PROC_LIVE)
			return 1;
	return 0;
}

void stats_sample_memory(struct vm *vm)
{
	uint64_t total = 0;
	for (const struct process *p = vm->procs; p; p = p->next)
		if (p->state == PROC_LIVE && p->mm && !counted_before(vm->procs, p))
			total += mapped_bytes(p->mm);
	if (total > vm->obs->mapped_peak)
		vm->obs->mapped_peak = total;
}

/* Mappings grow only through these calls (and the loader, which runs
 * before the first call of every image). */
static int may_map(const struct syscall_desc *d)
{
	syscall_fn *const growers[] = {sys_mmap,   sys_mmap2, sys_old_mmap, sys_mremap,
				       sys_brk,	   sys_execve, sys_execveat, sys_fork,
				       sys_vfork,  sys_clone, sys_clone3};
	for (unsigned k = 0; k < sizeof growers / sizeof growers[0]; k++)
		if (d->fn == growers[k])
			return 1;
	return 0;
}

void stats_syscall_done(struct task *t, int abi, uint64_t nr, int64_t ret)
{
	const struct syscall_desc *d = syscall_lookup(abi, nr);
	if (!d)
		return;
	if (ret < 0 && ret >= -4095)
		t->vm->obs->cost[abi][nr].errors++;
	else if (may_map(d))
		stats_sample_memory(t->vm);
}
