/* Command-line options. */
#ifndef HEXVM_CLI_OPTIONS_H
#define HEXVM_CLI_OPTIONS_H

#include "debug/gdb.h"
#include "debug/lockstep.h"
#include "kernel/vm.h"
#include "snap/snap.h"

struct cli {
	struct vm_options vm;
	const char *log_path;
	const char *root_dir;	/* --root: the host directory shown as / */
	int overlay;		/* --overlay: changes go to memory, never the host */
	const char *export_dir; /* --export: where the overlay's changes are written at exit */
	struct snap_config snap; /* --snapshot-* */
	int allow_changed;	 /* restore: --allow-changed-files */
	const char *restore;	 /* `hexvm restore FILE` */
	const char *info;	 /* `hexvm snapshot info FILE` */
	struct gdb_options gdb; /* --gdb: address NULL when no debugger is wanted */
	struct lockstep_options lockstep; /* --lockstep: run natively and in hexvm, compare */
	const char *program; /* as given */
	char **argv;	     /* guest argv, NULL-terminated */
};

/* Parses argv; returns -1 after printing usage or version (exit status in
 * *status), 0 when a program is to run. */
int cli_parse(int argc, char **argv, struct cli *cli, int *status);

#endif
