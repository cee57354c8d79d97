/* System call entry: registers → table row → handler → result register. */
#include <errno.h>

#include "cpu/mxcsr.h"
#include "kernel/entry.h"
#include "kernel/sys/syscall.h"
#include "kernel/task/timer.h"

/* Rows absent from an ABI (number -1) all land in the spare last slot, which
 * is never looked up; the override warnings for it are expected. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
static const struct syscall_desc table64[SYSCALL_NR_MAX + 1] = {
#define SYSCALL(name, nr64, nr32, handler, fmt)                                                    \
	[(nr64) < 0 ? SYSCALL_NR_MAX : (nr64)] = {#name, sys_##handler, fmt},
#include "kernel/sys/syscalls.tbl"
#undef SYSCALL
};
static const struct syscall_desc table32[SYSCALL_NR_MAX + 1] = {
#define SYSCALL(name, nr64, nr32, handler, fmt)                                                    \
	[(nr32) < 0 ? SYSCALL_NR_MAX : (nr32)] = {#name, sys_##handler, fmt},
#include "kernel/sys/syscalls.tbl"
#undef SYSCALL
};
#pragma GCC diagnostic pop

const struct syscall_desc *syscall_lookup(int abi, uint64_t nr)
{
	const struct syscall_desc *d;
	if (nr >= SYSCALL_NR_MAX)
		return NULL;
	d = abi == ABI_X86_64 ? &table64[nr] : &table32[nr];
	return d->fn ? d : NULL;
}

static void read_args(const struct cpu *c, enum syscall_abi abi, uint64_t *a)
{
	static const uint8_t regs64[6] = {R_DI, R_SI, R_DX, R_R10, R_R8, R_R9};
	static const uint8_t regs32[6] = {R_BX, R_CX, R_DX, R_SI, R_DI, R_BP};
	for (int k = 0; k < 6; k++)
		a[k] = abi == ABI_X86_64 ? c->r[regs64[k]] : (uint32_t)c->r[regs32[k]];
}

void kernel_syscall(struct cpu *c, enum syscall_abi abi)
{
	struct task *t = c->task;
	struct vm *vm = t->vm;
	uint64_t nr = abi == ABI_X86_64 ? c->r[R_AX] : (uint32_t)c->r[R_AX], a[6];
	const struct syscall_desc *d = syscall_lookup(abi, nr);
	char args_text[512] = "";
	int64_t ret;

	read_args(c, abi, a);
	mxcsr_unload(c); /* the kernel may read or write the guest's MXCSR */
	if (vm->opt.trace_syscalls && d)
		syscall_format_args(t, d, a, args_text, sizeof args_text);
	if (d) {
		vm->sys.count[abi][nr]++;
		ret = d->fn(t, a);
	} else {
		vm->sys.unknown++;
		if (nr < SYSCALL_NR_MAX)
			vm->sys.count[abi][nr]++;
		ret = -ENOSYS;
	}
	if (ret == -KERN_ERESTARTSYS || ret == -KERN_ERESTARTNOHAND) {
		/* what the guest sees unless signal delivery restarts the call */
		t->restart_ret = -ret;
		t->restart_nr = nr;
		ret = -EINTR;
	}
	if (vm->opt.trace_syscalls)
		syscall_trace(t, abi, nr, a, ret, args_text);
	timers_fire(t);
	mxcsr_load(c);
	if (ret == SYSCALL_REGS_SET)
		return;
	c->r[R_AX] = abi == ABI_I386 && !c->mode64 ? (uint32_t)ret : (uint64_t)ret;
}
