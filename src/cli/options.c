/* Parsing hexvm's options. */
#include "cli/options.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jit/jit.h"

#define HEXVM_VERSION "0.1.0"
#define DEFAULT_EPOCH 1893456000 /* 2030-01-01T00:00:00Z: later than any file */

static void usage(FILE *out)
{
	fprintf(out,
		"usage: hexvm [OPTIONS] PROGRAM [ARGS...]\n"
		"       hexvm [OPTIONS] restore FILE\n"
		"       hexvm snapshot info FILE\n"
		"Runs an i386 or x86-64 Linux program in a virtual machine.\n"
		"\n"
		"  -h, --help       this help\n"
		"  -v, --version    version and build configuration\n"
		"  -s               trace system calls strace-style, one line each\n"
		"  -Z               print statistics at exit\n"
		"  --trace          trace every instruction: address, bytes, disassembly\n"
		"                   and the registers it changed\n"
		"  --trace-from N   start the instruction trace after N instructions\n"
		"  --trace-pid P    trace the instructions of process P only\n"
		"  --trace-disasm hexvm|capstone\n"
		"                   who disassembles traces and fault reports (default:\n"
		"                   capstone when built with it; hexvm shows its decoder's view)\n"
		"  --log FILE       write traces, statistics and fault reports to FILE\n"
		"                   instead of stderr\n"
		"  --realtime       clocks follow the host instead of the virtual clock\n"
		"  --engine interp|jit  run guest code in the interpreter, or translate it\n"
		"                   to host code (jit, the default on x86-64 hosts)\n"
		"  --epoch SECONDS  virtual wall-clock time at start (default %d)\n"
		"  --seed N         seed for the guest's random numbers (default 0)\n"
		"  --root DIR       show host directory DIR as the guest's / (default: /);\n"
		"                   no path, .. or symlink leads out of it\n"
		"  --overlay        an in-memory layer over the root takes every change:\n"
		"                   the host's files stay as they are\n"
		"  --export DIR     with --overlay: write the changed files into DIR at exit\n"
		"  --gdb PORT       wait for gdb (target remote :PORT) before the first\n"
		"                   instruction; also HOST:PORT, or unix:PATH for a socket\n"
		"  --gdb-follow-fork  with --gdb, for clients without fork events: at fork,\n"
		"                   debug the child instead (gdb: set follow-fork-mode child)\n"
		"  --lockstep[=MODE]  run PROGRAM (static) natively under ptrace and in hexvm\n"
		"                   side by side and stop at the first difference; MODE step\n"
		"                   (default) compares after every instruction, syscall at\n"
		"                   system calls only. Exit status: the program's, or 120 a\n"
		"                   difference, 121 not followed (threads), 122 cannot run\n"
		"  --lockstep-max=N compare the first N instructions, then let the native\n"
		"                   run on alone and exit with its status\n"
		"\n"
		"Snapshots of the whole machine (FILE \"-\" is standard output):\n"
		"  --snapshot-at N FILE      at the first scheduler turn after N instructions\n"
		"  --snapshot-on SIG FILE    whenever hexvm receives host signal SIG (USR1, USR2)\n"
		"  --snapshot-on-exit FILE   when the machine has stopped\n"
		"  --snapshot-stop           end hexvm after a snapshot (exit status 0)\n"
		"  --snapshot-plain          write it uncompressed (default: zstd if built in)\n"
		"  --snapshot-drop-sockets   leave host sockets out instead of refusing\n"
		"  --snapshot-copy-mapped    keep pages mapped from host files by content,\n"
		"                            not by reference (restores without the files)\n"
		"  restore FILE              continue the machine in FILE (\"-\": standard\n"
		"                            input); --root and --overlay re-point its files\n"
		"  --allow-changed-files     restore although host files it uses changed\n"
		"                            (not those it holds pages of by reference)\n"
		"  snapshot info FILE        print what a snapshot holds\n"
		"\n"
		"PROGRAM is a path, or a name searched in $PATH. hexvm exits with the\n"
		"program's status, 128+N when it dies of signal N (with a fault report\n"
		"when an instruction killed it), 126 when it cannot be executed and 127\n"
		"when it is not found.\n",
		DEFAULT_EPOCH);
}

static void version(void)
{
	printf("hexvm %s\n", HEXVM_VERSION);
	printf("engines: interpreter%s\n",
	       jit_available() ? ", translator (x86-64 host code; the default)" : "");
	printf("guests: i386, x86-64 (static ELF, #! scripts)\n");
#ifdef HAVE_ZSTD
	printf("zstd: detected (snapshots are compressed)\n");
#else
	printf("zstd: not available (snapshots are written plain)\n");
#endif
#ifdef HAVE_CAPSTONE
	printf("capstone: linked (disassembles --trace and fault reports)\n");
#else
	printf("capstone: not available (hexvm's own disassembler is used)\n");
#endif
#ifdef HEXVM_NO_GDB_STUB
	printf("gdb stub: no (built with GDB_STUB=0)\n");
#else
	printf("gdb stub: yes (--gdb)\n");
#endif
}

static int numeric(const char *s, long long *out)
{
	char *end;
	*out = strtoll(s, &end, 0);
	return *s && !*end;
}

static int signal_named(const char *s)
{
	if (!strncmp(s, "SIG", 3))
		s += 3;
	if (!strcmp(s, "USR1"))
		return SIGUSR1;
	if (!strcmp(s, "USR2"))
		return SIGUSR2;
	return 0;
}

/* The --snapshot-* options and --allow-changed-files; 1 when a was one. */
static int snapshot_option(struct cli *cli, int argc, char **argv, int *k)
{
	const char *a = argv[*k];
	struct snap_config *s = &cli->snap;
	long long n;
	if (!strcmp(a, "--snapshot-at") && *k + 2 < argc && numeric(argv[*k + 1], &n) && n >= 0) {
		s->at = (uint64_t)n;
		s->at_path = argv[*k + 2];
		*k += 2;
	} else if (!strcmp(a, "--snapshot-on") && *k + 2 < argc && signal_named(argv[*k + 1])) {
		s->signal = signal_named(argv[*k + 1]);
		s->signal_path = argv[*k + 2];
		*k += 2;
	} else if (!strcmp(a, "--snapshot-on-exit") && *k + 1 < argc) {
		s->exit_path = argv[++*k];
	} else if (!strcmp(a, "--snapshot-stop")) {
		s->stop = 1;
	} else if (!strcmp(a, "--snapshot-plain")) {
		s->plain = 1;
	} else if (!strcmp(a, "--snapshot-drop-sockets")) {
		s->drop_sockets = 1;
	} else if (!strcmp(a, "--snapshot-copy-mapped")) {
		s->copy_mapped = 1;
	} else if (!strcmp(a, "--allow-changed-files")) {
		cli->allow_changed = 1;
		return 1;
	} else {
		return 0;
	}
	return 1;
}

/* `restore FILE` and `snapshot info FILE` in place of a program. */
static int subcommand(struct cli *cli, int argc, char **argv, int k)
{
	if (!strcmp(argv[k], "restore") && k + 2 == argc) {
		cli->restore = argv[k + 1];
		return 1;
	}
	if (!strcmp(argv[k], "snapshot") && k + 3 == argc && !strcmp(argv[k + 1], "info")) {
		cli->info = argv[k + 2];
		return 1;
	}
	return 0;
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
		} else if (!strcmp(a, "--trace")) {
			cli->vm.trace_insns = 1;
		} else if (!strcmp(a, "--trace-from") && k + 1 < argc && numeric(argv[k + 1], &n) &&
			   n >= 0) {
			cli->vm.trace_insns = 1;
			cli->vm.trace_from = (uint64_t)n;
			k++;
		} else if (!strcmp(a, "--trace-pid") && k + 1 < argc && numeric(argv[k + 1], &n) &&
			   n > 0) {
			cli->vm.trace_insns = 1;
			cli->vm.trace_pid = (int)n;
			k++;
		} else if (!strcmp(a, "--trace-disasm") && k + 1 < argc &&
			   (!strcmp(argv[k + 1], "hexvm") || !strcmp(argv[k + 1], "capstone"))) {
			cli->vm.trace_builtin = !strcmp(argv[++k], "hexvm");
		} else if (!strcmp(a, "--engine") && k + 1 < argc &&
			   (!strcmp(argv[k + 1], "interp") || !strcmp(argv[k + 1], "jit"))) {
			cli->vm.interp_only = !strcmp(argv[++k], "interp");
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
		} else if (snapshot_option(cli, argc, argv, &k)) {
			continue;
		} else if (!strcmp(a, "--gdb") && k + 1 < argc) {
			cli->gdb.address = argv[++k];
		} else if (!strcmp(a, "--gdb-follow-fork")) {
			cli->gdb.follow_fork = 1;
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
	if (cli->gdb.follow_fork && !cli->gdb.address) {
		fprintf(stderr, "hexvm: --gdb-follow-fork needs --gdb\n");
		*status = 2;
		return -1;
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
	if (subcommand(cli, argc, argv, k))
		return 0;
	if (cli->snap.stop && !cli->snap.at_path && !cli->snap.signal_path) {
		fprintf(stderr, "hexvm: --snapshot-stop needs --snapshot-at or --snapshot-on\n");
		*status = 2;
		return -1;
	}
	cli->program = argv[k];
	cli->argv = argv + k;
	return 0;
}
