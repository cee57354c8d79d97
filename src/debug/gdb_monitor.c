/* `monitor` commands. Each is a row of the table below: a name, a usage
 * line and a function that prints to a FILE; a new command (such as
 * `monitor snapshot FILE`) is one more function and one more row. */
#include "debug/gdb_monitor.h"

#include <stdlib.h>
#include <string.h>

#include "debug/gdb_internal.h"
#include "interp/block.h"
#include "mem/mm.h"
#include "snap/snap.h"

static int cmd_help(struct vm *vm, const char *args, FILE *out);
static int cmd_stats(struct vm *vm, const char *args, FILE *out);
static int cmd_snapshot(struct vm *vm, const char *args, FILE *out);

static const struct gdb_monitor_cmd commands[] = {
	{"help", "help                 this list", cmd_help},
	{"stats", "stats                what the machine has done so far", cmd_stats},
	{"snapshot", "snapshot FILE        write the whole machine to FILE (hexvm restore FILE)",
	 cmd_snapshot},
};

static int cmd_help(struct vm *vm, const char *args, FILE *out)
{
	fprintf(out, "hexvm monitor commands:\n");
	for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
		fprintf(out, "  monitor %s\n", commands[k].usage);
	return 0;
}

static const char *task_state(const struct task *t)
{
	switch (t->state) {
	case TASK_RUNNABLE: return "runnable";
	case TASK_PARKED: return "in a system call";
	case TASK_STOPPED: return "stopped";
	default: return "exiting";
	}
}

static void print_processes(const struct vm *vm, FILE *out)
{
	int live = 0, zombies = 0;
	for (const struct process *p = vm->procs; p; p = p->next) {
		if (p->state == PROC_LIVE)
			live++;
		else
			zombies++;
	}
	fprintf(out, "processes            %d live, %d zombie, %d started\n", live, zombies,
		vm->next_pid - 2);
	for (const struct process *p = vm->procs; p; p = p->next)
		for (const struct task *t = p->threads; t; t = t->thread_next)
			fprintf(out,
				"  pid %d tid %d %-16.16s %-17s rip %#llx, %llu instructions\n",
				p->pid, t->tid, t->comm, task_state(t),
				(unsigned long long)t->cpu.rip, (unsigned long long)task_insns(t));
}

static void print_blocks(const struct vm *vm, FILE *out)
{
	struct block_stats live = vm->block_totals;
	for (const struct process *p = vm->procs; p; p = p->next)
		if (p->mm && p->mm->blocks)
			block_stats_add(&live, block_cache_stats(p->mm->blocks));
	fprintf(out, "blocks translated    %llu (%llu instructions decoded), %llu invalidated\n",
		(unsigned long long)live.translated, (unsigned long long)live.insns_decoded,
		(unsigned long long)live.invalidated);
}

/* Breakpoints and watchpoints, over the debugged processes. */
static void print_points(const struct gdb *g, FILE *out)
{
	int n[Z_KINDS] = {0};
	for (int k = 0; k < g->ninfs; k++)
		for (int kind = 0; kind < Z_KINDS; kind++)
			n[kind] += g->infs[k]->nwatch[kind];
	fprintf(out, "gdb points           %d breakpoints, %d watchpoints in %d processes\n",
		n[Z_SW_BREAK] + n[Z_HW_BREAK], n[Z_WRITE_WATCH] + n[Z_READ_WATCH] + n[Z_ACCESS_WATCH],
		g->ninfs);
}

static int cmd_stats(struct vm *vm, const char *args, FILE *out)
{
	uint64_t calls = 0;
	for (int abi = 0; abi < 2; abi++)
		for (int nr = 0; nr < SYSCALL_NR_MAX; nr++)
			calls += vm->sys.count[abi][nr];
	fprintf(out, "guest instructions   %llu\n", (unsigned long long)vm->icount);
	print_processes(vm, out);
	print_blocks(vm, out);
	fprintf(out, "system calls         %llu (%llu unsupported)\n", (unsigned long long)calls,
		(unsigned long long)vm->sys.unknown);
	fprintf(out, "faults               %llu\n", (unsigned long long)vm->faults);
	fprintf(out, "signals delivered    %llu\n", (unsigned long long)vm->signals_delivered);
	if (vm->gdb)
		print_points(vm->gdb, out);
	return 0;
}

/* The machine stands still while gdb has it, every thread at an instruction
 * boundary (one stopped at a system call's entry is written as it was
 * before its system call instruction), so it can be written as it is. */
static int cmd_snapshot(struct vm *vm, const char *args, FILE *out)
{
	char msg[320];
	uint64_t bytes = 0, rax, rip;
	if (!*args) {
		fprintf(out, "usage: monitor snapshot FILE\n");
		return -1;
	}
	if (vm->current && vm->current->cpu.icount > vm->icount)
		vm->icount = vm->current->cpu.icount; /* stopped inside a run: its count so far */
	struct task *entered = vm->gdb ? gdb_entry_rewind(vm->gdb, &rax, &rip) : NULL;
	int rc = snap_take(vm, args, &bytes, msg, sizeof msg);
	if (entered) {
		entered->cpu.r[R_AX] = rax;
		entered->cpu.rip = rip;
	}
	if (rc) {
		fprintf(out, "%s\n", msg);
		return -1;
	}
	fprintf(out, "snapshot written to %s (%llu instructions, %llu bytes)\n", args,
		(unsigned long long)vm->icount, (unsigned long long)bytes);
	return 0;
}

/* Console output for gdb: O packets of hex text. */
static void send_output(struct gdb *g, const char *text, size_t len)
{
	struct gdb_reply *r = malloc(sizeof *r);
	size_t chunk = (GDB_PACKET_MAX - 2) / 2;
	for (size_t at = 0; r && at < len; at += chunk) {
		r->len = 0;
		r->overflow = 0;
		reply_str(r, "O");
		reply_hex(r, text + at, len - at < chunk ? len - at : chunk);
		gdb_conn_send(&g->conn, r->buf, r->len);
	}
	free(r);
}

void gdb_monitor(struct gdb *g, const char *line)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	if (!out)
		return;
	line += strspn(line, " \t");
	size_t n = strcspn(line, " \t");
	const char *args = line + n + strspn(line + n, " \t");
	const struct gdb_monitor_cmd *cmd = NULL;
	for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
		if (strlen(commands[k].name) == n && !strncmp(line, commands[k].name, n))
			cmd = &commands[k];
	if (cmd)
		cmd->run(g->vm, args, out);
	else
		fprintf(out, "unknown monitor command '%.*s' (try: monitor help)\n", (int)n, line);
	fclose(out);
	send_output(g, text, len);
	free(text);
}
