/* -Z statistics, written at exit: time and speed, processes and threads,
 * memory, the block cache, faults and signals by name, and system calls by
 * name with their counts, errors and host time (strace -c's table). */
#include "cli/stats.h"

#include <stdio.h>
#include <stdlib.h>

#include "interp/block.h"
#include "kernel/entry.h"
#include "kernel/sys/syscall.h"
#include "trace/obs.h"
#include "trace/strace_names.h"

struct call_row {
	const char *name; /* NULL: a number hexvm does not have */
	int abi;
	unsigned nr;
	uint64_t calls, errors, ns;
};

/* Most time first, as strace -c; then most calls. */
static int by_cost(const void *pa, const void *pb)
{
	const struct call_row *a = pa, *b = pb;
	if (a->ns != b->ns)
		return a->ns < b->ns ? 1 : -1;
	return a->calls < b->calls ? 1 : a->calls > b->calls ? -1 : 0;
}

static void print_syscalls(const struct vm *vm, FILE *out)
{
	static const char *const abi_names[2] = {"x86-64", "i386"};
	struct call_row rows[2 * SYSCALL_NR_MAX];
	size_t n = 0;
	for (int abi = 0; abi < 2; abi++)
		for (unsigned nr = 0; nr < SYSCALL_NR_MAX; nr++) {
			const struct syscall_desc *d = syscall_lookup(abi, nr);
			const struct syscall_cost *cost = &vm->obs->cost[abi][nr];
			if (vm->sys.count[abi][nr])
				rows[n++] = (struct call_row){d ? d->name : NULL, abi, nr,
							      vm->sys.count[abi][nr], cost->errors,
							      cost->ns};
		}
	qsort(rows, n, sizeof rows[0], by_cost);
	fprintf(out, "  system calls                   calls     errors   host ms\n");
	for (size_t k = 0; k < n; k++) {
		const struct call_row *r = &rows[k];
		fprintf(out, "    %-24s %9llu %10llu %9.3f  (%s %u%s)\n", r->name ? r->name : "?",
			(unsigned long long)r->calls,
			(unsigned long long)(r->name ? r->errors : r->calls), (double)r->ns / 1e6,
			abi_names[r->abi], r->nr, r->name ? "" : ", unsupported: ENOSYS");
	}
}

static void print_signals(const struct vm *vm, FILE *out)
{
	char name[16];
	const struct signal_counts *s = vm->obs->signals;
	fprintf(out, "  faults                   %llu", (unsigned long long)vm->faults);
	for (int sig = 1; sig <= NSIG_LINUX; sig++)
		if (s[sig].faults)
			fprintf(out, ", %s %llu", signal_name(sig, 0, name, sizeof name),
				(unsigned long long)s[sig].faults);
	fprintf(out, "\n  signals taken            ");
	int any = 0;
	for (int sig = 1; sig <= NSIG_LINUX; sig++)
		if (s[sig].taken) {
			fprintf(out, "%s%s %llu", any++ ? ", " : "",
				signal_name(sig, 0, name, sizeof name), (unsigned long long)s[sig].taken);
			if (s[sig].killed)
				fprintf(out, " (%llu fatal)", (unsigned long long)s[sig].killed);
		}
	fprintf(out, any ? "\n" : "none\n");
	fprintf(out, "  signal handlers run      %llu\n", (unsigned long long)vm->signals_delivered);
}

static void print_blocks(const struct block_stats *b, FILE *out)
{
	uint64_t found = b->lookups - b->translated;
	fprintf(out, "  blocks translated        %llu (%llu instructions decoded)\n",
		(unsigned long long)b->translated, (unsigned long long)b->insns_decoded);
	fprintf(out,
		"  block lookups            %llu (successor links aside): %.2f%% found decoded, "
		"%.2f%% in the jump cache\n",
		(unsigned long long)b->lookups,
		b->lookups ? 100.0 * (double)found / (double)b->lookups : 0.0,
		b->lookups ? 100.0 * (double)b->hits / (double)b->lookups : 0.0);
	fprintf(out, "  blocks invalidated       %llu\n", (unsigned long long)b->invalidated);
	if (!b->jit_blocks)
		return;
	uint64_t insns = b->jit_inline + b->jit_called;
	fprintf(out,
		"  blocks made host code    %llu (%.1f KiB; %.1f%% of their instructions inline, "
		"the rest calls), %llu exits chained, %llu buffer flushes\n",
		(unsigned long long)b->jit_blocks, (double)b->jit_bytes / 1024.0,
		insns ? 100.0 * (double)b->jit_inline / (double)insns : 0.0,
		(unsigned long long)b->jit_links, (unsigned long long)b->jit_flushes);
}

/* Private pages fork copied: at the fork itself (only what a forked child
 * forking again still shared with its parent), and later, on first touch or
 * before a change; "flattened" counts the times copy-on-write copied all it
 * had pending at once (snapshots, or short of host mappings). */
static void print_fork_copies(const struct mm_set *mms, FILE *out)
{
	fprintf(out, "  fork pages copied        %llu at fork, %llu lazily",
		(unsigned long long)mms->copied_at_fork, (unsigned long long)mms->copied_lazily);
	if (mms->flattened)
		fprintf(out, " (everything pending copied at once %llu times)",
			(unsigned long long)mms->flattened);
	fputc('\n', out);
}

void stats_print(const struct vm *vm)
{
	FILE *out = vm->log;
	double wall = (double)(obs_host_ns() - vm->obs->start_ns) / 1e9;
	fprintf(out, "hexvm statistics\n");
	fprintf(out, "  wall time                %.3f s\n", wall);
	fprintf(out, "  guest instructions       %llu (%.1f million a second)\n",
		(unsigned long long)vm->icount, wall > 0 ? (double)vm->icount / wall / 1e6 : 0.0);
	fprintf(out, "  processes created        %llu\n", (unsigned long long)vm->processes_created);
	fprintf(out, "  threads created          %llu (besides each process's first)\n",
		(unsigned long long)vm->threads_created);
	fprintf(out, "  peak guest memory        %.1f MiB mapped, all processes together\n",
		(double)vm->obs->mapped_peak / (1 << 20));
	print_fork_copies(&vm->mms, out);
	print_blocks(&vm->block_totals, out);
	print_signals(vm, out);
	fprintf(out, "  unsupported syscalls     %llu\n", (unsigned long long)vm->sys.unknown);
	print_syscalls(vm, out);
}
