/* -Z statistics: instructions, block cache, system calls by name (with the
 * unsupported ones called out), faults and signals. */
#include "cli/stats.h"

#include <stdio.h>

#include "interp/block.h"
#include "kernel/entry.h"
#include "kernel/sys/syscall.h"
#include "mem/mm.h"

static void print_syscalls(const struct vm *vm, FILE *out)
{
	static const char *const abi_names[2] = {"x86-64", "i386"};
	for (int abi = 0; abi < 2; abi++)
		for (unsigned nr = 0; nr < SYSCALL_NR_MAX; nr++) {
			uint64_t n = vm->sys.count[abi][nr];
			const struct syscall_desc *d = syscall_lookup(abi, nr);
			if (!n)
				continue;
			if (d)
				fprintf(out, "  %-24s %10llu  (%s %u)\n", d->name,
					(unsigned long long)n, abi_names[abi], nr);
			else
				fprintf(out, "  %-24s %10llu  (%s %u, unsupported: ENOSYS)\n", "?",
					(unsigned long long)n, abi_names[abi], nr);
		}
}

void stats_print(const struct vm *vm)
{
	FILE *out = vm->log;
	fprintf(out, "hexvm statistics\n");
	fprintf(out, "  guest instructions       %llu\n", (unsigned long long)vm->icount);
	fprintf(out, "  processes                %d\n", vm->next_pid - 2);
	{
		const struct block_stats *b = &vm->block_totals;
		fprintf(out, "  blocks translated        %llu (%llu instructions decoded)\n",
			(unsigned long long)b->translated, (unsigned long long)b->insns_decoded);
		fprintf(out, "  block lookups            %llu, %.2f%% from the jump cache\n",
			(unsigned long long)b->lookups,
			b->lookups ? 100.0 * (double)b->hits / (double)b->lookups : 0.0);
		fprintf(out, "  blocks invalidated       %llu\n",
			(unsigned long long)b->invalidated);
	}
	fprintf(out, "  faults                   %llu\n", (unsigned long long)vm->faults);
	fprintf(out, "  signals delivered        %llu\n",
		(unsigned long long)vm->signals_delivered);
	fprintf(out, "  unsupported syscalls     %llu\n", (unsigned long long)vm->sys.unknown);
	fprintf(out, "  system calls:\n");
	print_syscalls(vm, out);
}
