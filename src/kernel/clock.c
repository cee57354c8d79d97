/* Virtual clocks. By default time is a function of retired instructions (one
 * nanosecond each) plus the time the guest asked to sleep, which is skipped
 * rather than waited: the same run gives the same times. --realtime follows
 * the host clocks instead. */
#include <time.h>

#include "kernel/vm.h"

#define BOOT_UPTIME_NS 1000000000ll /* the monotonic clock starts at one second */

static int64_t host_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* Every task's count continues the machine's: the running one is ahead of
 * vm->icount until its slice ends, a waiting one behind it. */
static int64_t elapsed_ns(const struct vm *vm, const struct cpu *c)
{
	uint64_t n = vm->icount;
	if (!c && vm->current)
		c = &vm->current->cpu;
	if (c && c->icount > n)
		n = c->icount;
	return (int64_t)n + vm->clock_skip_ns;
}

int64_t vm_realtime_ns(const struct vm *vm, const struct cpu *c)
{
	if (vm->opt.realtime)
		return host_ns(CLOCK_REALTIME);
	return vm->opt.epoch * 1000000000ll + elapsed_ns(vm, c);
}

int64_t vm_monotonic_ns(const struct vm *vm, const struct cpu *c)
{
	if (vm->opt.realtime)
		return host_ns(CLOCK_MONOTONIC);
	return BOOT_UPTIME_NS + elapsed_ns(vm, c);
}
