/* The observability state's life: made at start when -s, -Z or --trace
 * asks for it, flushed and freed at the end. */
#include "trace/obs.h"

#include <stdlib.h>
#include <time.h>

#include "trace/hooks.h"

int64_t obs_host_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int obs_create(struct vm *vm)
{
	const struct vm_options *opt = &vm->opt;
	if (!opt->trace_syscalls && !opt->stats && !opt->trace_insns)
		return 0;
	struct obs *o = calloc(1, sizeof *o);
	if (!o)
		return -1;
	vm->obs = o;
	o->log = vm->log;
	o->start_ns = obs_host_ns();
	disasm_init(&o->disasm, opt->trace_builtin);
	if ((opt->trace_syscalls && strace_init(o)) || (opt->trace_insns && itrace_init(vm))) {
		obs_destroy(vm);
		return -1;
	}
	return 0;
}

void obs_destroy(struct vm *vm)
{
	struct obs *o = vm->obs;
	if (!o)
		return;
	if (o->calls)
		strace_flush_pending(vm, 0);
	strace_free(o);
	itrace_free(o);
	disasm_close(&o->disasm);
	free(o);
	vm->obs = NULL;
}
