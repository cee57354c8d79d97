/* gdb's `monitor` commands, run inside the stopped machine. */
#ifndef HEXVM_DEBUG_GDB_MONITOR_H
#define HEXVM_DEBUG_GDB_MONITOR_H

#include <stdio.h>

struct gdb;
struct vm;

/* One command: `monitor NAME ARGS`. It prints to out (gdb shows the text)
 * and returns 0, or non-zero after printing what went wrong. */
struct gdb_monitor_cmd {
	const char *name;
	const char *usage; /* for `monitor help` */
	int (*run)(struct vm *vm, const char *args, FILE *out);
};

/* Runs the command line and sends its output to gdb (as O packets). */
void gdb_monitor(struct gdb *g, const char *line);

#endif
