/* Parsing hexvm's options. */
#include "cli/options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEXVM_VERSION "0.1.0"
#define DEFAULT_EPOCH 1893456000 /* 2030-01-01T00:00:00Z: later than any file */

static void usage(FILE *out)
{
	fprintf(out,
		"usage: hexvm [OPTIONS] PROGRAM [ARGS...]\n"
		"Runs an i386 or x86-64 Linux program in a virtual machine.\n"
		"\n"
		"  -h, --help       this help\n"
		"  -v, --version    version and build configuration\n"
		"  -s               trace system calls, one line each (to stderr or --log)\n"
		"  -Z               print statistics at exit\n"
		"  --log FILE       write traces and statistics to FILE\n"
		"  --realtime       clocks follow the host instead of the virtual clock\n"
		"  --epoch SECONDS  virtual wall-clock time at start (default %d)\n"
		"  --seed N         seed for the guest's random numbers (default 0)\n"
		"  --root DIR       show host directory DIR as the guest's / (default: /);\n"
		"                   no path, .. or symlink leads out of it\n"
		"  --overlay        an in-memory layer over the root takes every change:\n"
		"                   the host's files stay as they are\n"
		"  --export DIR     with --overlay: write the changed files into DIR at exit\n"
		"  --lockstep[=MODE]  run PROGRAM (static) natively under ptrace and in hexvm\n"
		"                   side by side and stop at the first difference; MODE step\n"
		"                   (default) compares after every instruction, syscall at\n"
		"                   system calls only. Exit status: the program's, or 120 a\n"
		"                   difference, 121 not followed (threads), 122 cannot run\n"
		"  --lockstep-max=N compare the first N instructions, then let the native\n"
		"                   run on alone and exit with its status\n"
		"\n"
		"PROGRAM is a path, or a name searched in $PATH. hexvm exits with the\n"
		"program's status, 128+N when it dies of signal N, 126 when it cannot be\n"
		"executed and 127 when it is not found.\n",
		DEFAULT_EPOCH);
}

static void version(void)
{
	printf("hexvm %s\n", HEXVM_VERSION);
	printf("engines: interpreter\n");
	printf("guests: i386, x86-64 (static ELF, #! scripts)\n");
#ifdef HAVE_ZSTD
	printf("zstd: detected (snapshots not yet built)\n");
#else
	printf("zstd: not available\n");
#endif
#ifdef HAVE_CAPSTONE
	printf("capstone: detected (traces not yet built)\n");
#else
	printf("capstone: not available\n");
#endif
}

static int numeric(const char *s, long long *out)
{
	char *end;
	*out = strtoll(s, &end, 0);
	return *s && !*end;
}

int cli_parse(int argc, char **argv, struct cli *cli, int *status)
{
	int k = 1;
	memset(cli, 0, sizeof *cli);
	cli->vm.epoch = DEFAULT_EPOCH;
	for (; k < argc && argv[k][0] == '-'; k++) {
		const char *a = argv[k];
		long long n;
		if (!strcmp(a, "--")) {
			k++;
			break;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			*status = 0;
			return -1;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--version")) {
			version();
			*status = 0;
			return -1;
		} else if (!strcmp(a, "-s")) {
			cli->vm.trace_syscalls = 1;
		} else if (!strcmp(a, "-Z")) {
			cli->vm.stats = 1;
		} else if (!strcmp(a, "--realtime")) {
			cli->vm.realtime = 1;
		} else if (!strcmp(a, "--log") && k + 1 < argc) {
			cli->log_path = argv[++k];
		} else if (!strcmp(a, "--epoch") && k + 1 < argc && numeric(argv[k + 1], &n)) {
			cli->vm.epoch = n;
			k++;
		} else if (!strcmp(a, "--root") && k + 1 < argc) {
			cli->root_dir = argv[++k];
		} else if (!strcmp(a, "--overlay")) {
			cli->overlay = 1;
		} else if (!strcmp(a, "--export") && k + 1 < argc) {
			cli->export_dir = argv[++k];
		} else if (!strcmp(a, "--lockstep") || !strcmp(a, "--lockstep=step")) {
			cli->lockstep.mode = LOCKSTEP_STEP;
		} else if (!strcmp(a, "--lockstep=syscall")) {
			cli->lockstep.mode = LOCKSTEP_SYSCALL;
		} else if (!strncmp(a, "--lockstep-max=", 15) && numeric(a + 15, &n) && n > 0) {
			cli->lockstep.max_insns = (uint64_t)n;
		} else if (!strncmp(a, "--lockstep-plant=", 17) && numeric(a + 17, &n)) {
			cli->lockstep.plant = 1; /* test hook, not in the usage */
			cli->lockstep.plant_addr = (uint64_t)n;
		} else if (!strcmp(a, "--seed") && k + 1 < argc && numeric(argv[k + 1], &n)) {
			cli->vm.seed = (uint64_t)n;
			k++;
		} else {
			fprintf(stderr, "hexvm: unknown or incomplete option '%s'\n", a);
			usage(stderr);
			*status = 2;
			return -1;
		}
	}
	if (cli->export_dir && !cli->overlay) {
		fprintf(stderr, "hexvm: --export needs --overlay\n");
		*status = 2;
		return -1;
	}
	if (cli->lockstep.mode && (cli->root_dir || cli->overlay)) {
		fprintf(stderr, "hexvm: --lockstep runs the program on the host's files: no --root "
				"or --overlay\n");
		*status = 2;
		return -1;
	}
	if (cli->lockstep.max_insns && !cli->lockstep.mode) {
		fprintf(stderr, "hexvm: --lockstep-max needs --lockstep\n");
		*status = 2;
		return -1;
	}
	if (cli->lockstep.plant && cli->lockstep.mode != LOCKSTEP_STEP) {
		fprintf(stderr, "hexvm: --lockstep-plant needs --lockstep=step\n");
		*status = 2;
		return -1;
	}
	if (k >= argc) {
		usage(stderr);
		*status = 2;
		return -1;
	}
	cli->program = argv[k];
	cli->argv = argv + k;
	return 0;
}
