/* hexvm: run one guest program in a fresh virtual machine. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/compiler.h"
#include "cli/options.h"
#include "cli/stats.h"
#include "debug/gdb.h"
#include "host/fault.h"
#include "host/hostsplice.h"
#include "host/termsig.h"
#include "kernel/task/process.h"
#include "kernel/task/sched.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/setup.h"
#include "kernel/vfs/vfs.h"
#include "loader/loader.h"
#include "snap/snap.h"
#include "snap/snap_info.h"
#include "trace/hooks.h"

extern char **environ;

/* A name without a slash is looked up in $PATH, as a shell does. */
static const char *find_program(const char *name, char *buf, size_t size)
{
	const char *path = getenv("PATH");
	if (strchr(name, '/') || !path)
		return name;
	while (*path) {
		const char *colon = strchr(path, ':');
		size_t len = colon ? (size_t)(colon - path) : strlen(path);
		struct stat st;
		snprintf(buf, size, "%.*s/%s", (int)len, len ? path : ".", name);
		if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
			return buf;
		path += len + (colon ? 1 : 0);
	}
	return name;
}

/* The guest's standard descriptors are duplicates of hexvm's, so that the
 * guest closing them never takes hexvm's own stderr away; they are named as
 * the host names them (/dev/pts/0, pipe:[...]) where it can tell, once
 * something asks. */
static void give_std_fds(struct process *p)
{
	for (int fd = 0; fd < 3; fd++) {
		int flags = fcntl(fd, F_GETFL);
		int copy = flags < 0 ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, 3);
		if (copy < 0)
			continue;
		struct file *f = file_from_host_named(copy, flags);
		if (f) {
			f->host_role = FILE_ROLE_STDIN + fd;
			fd_install(p->fds, fd, f, 0);
		}
	}
}

/* What every machine needs from the host before it runs. 0, or an exit status. */
static int prepare(struct vm *vm, struct cli *cli)
{
	memset(vm, 0, sizeof *vm);
	vm->opt = cli->vm;
	vm->next_pid = 2; /* pid 1 is reserved for the machine's init */
	vm->log = stderr;
	vm->snap = &cli->snap;
	vm_seed(vm, vm->opt.seed);
	if (cli->log_path && !(vm->log = fopen(cli->log_path, "w"))) {
		fprintf(stderr, "hexvm: %s: %s\n", cli->log_path, strerror(errno));
		return 2;
	}
	mm_set_init(&vm->mms);
	vm->fault_scope.mms = &vm->mms;
	if (host_fault_init(&vm->fault_scope)) {
		fprintf(stderr, "hexvm: cannot install fault handlers: %s\n", strerror(errno));
		return 70;
	}
	umask(0);		  /* the guest's umask is applied by hexvm's kernel */
	signal(SIGPIPE, SIG_IGN); /* a guest's broken pipe is the guest's SIGPIPE */
	if (cli->snap.signal_path)
		hostsig_hold(cli->snap.signal);
	const char *root = cli->root_dir ? cli->root_dir : "/";
	if (!realpath(root, cli->snap.root_dir))
		snprintf(cli->snap.root_dir, sizeof cli->snap.root_dir, "%s", root);
	cli->snap.overlay = cli->overlay;
	termsig_hold();
	if (obs_create(vm)) {
		fprintf(stderr, "hexvm: cannot set up -s, -Z or --trace\n");
		return 70;
	}
	return 0;
}

/* hexvm takes its hard descriptor limit, for the host descriptors behind
 * the guest's; what it had before is the first process's, as a child of
 * its would get (0 0: unknown). */
static struct rlimit take_nofile(void)
{
	struct rlimit before = {0, 0};
	if (getrlimit(RLIMIT_NOFILE, &before) == 0) {
		struct rlimit raised = {before.rlim_max, before.rlim_max};
		setrlimit(RLIMIT_NOFILE, &raised);
	}
	return before;
}

/* The first process of a fresh machine, running cli's program. 0, or an
 * exit status. Not inlined, so that its 17 KiB of buffers are not below
 * the machine's run, on stack pages of their own. */
static NOINLINE int boot(struct vm *vm, struct cli *cli)
{
	char found[PATH_MAX], msg[512], cwd[PATH_MAX], guest_cwd[PATH_MAX];
	struct exec_error err;
	struct vfs_config fs_cfg = {cli->root_dir, cli->overlay};
	if (vfs_setup(vm, &fs_cfg, msg, sizeof msg)) {
		fprintf(stderr, "hexvm: %s\n", msg);
		return 2;
	}
	vfs_guest_path_of(&fs_cfg, getcwd(cwd, sizeof cwd) ? cwd : "/", guest_cwd, sizeof guest_cwd);
	struct process *p = process_create(vm);
	if (!p || !(p->fds = fdtable_create()) || !(p->cwd = strdup(guest_cwd)) ||
	    !(p->root = strdup("/"))) {
		fprintf(stderr, "hexvm: cannot create the first process: out of memory\n");
		return 70;
	}
	/* It belongs to the session and group of the machine (pid 1), as a
	 * program a shell starts without job control belongs to the shell's. */
	p->pgid = p->sid = vm->fg_pgid = 1;
	vm->init = p;
	give_std_fds(p);
	struct rlimit nofile = take_nofile();
	if (nofile.rlim_max)
		process_set_nofile(p, nofile.rlim_cur, nofile.rlim_max);
	const char *path = find_program(cli->program, found, sizeof found);
	if (loader_exec(vm, p, path, cli->argv, environ, &err)) {
		fprintf(stderr, "hexvm: %s: %s\n", err.path, err.msg);
		return err.status;
	}
	process_release_old_mm(p);
	sched_add(vm, p->task);
	return 0;
}

static int resume(struct vm *vm, struct cli *cli)
{
	char msg[512];
	struct restore_options opt = {cli->root_dir ? cli->snap.root_dir : NULL, cli->overlay,
				      cli->allow_changed};
	take_nofile(); /* the snapshot's processes keep their own limits */
	if (snap_restore(vm, cli->restore, &opt, msg, sizeof msg)) {
		fprintf(stderr, "hexvm: %s\n", msg);
		return 65;
	}
	return 0;
}

static int finish(struct vm *vm, struct cli *cli)
{
	char msg[512];
	snap_at_exit(vm);
	if (cli->export_dir && vfs_export(vm, cli->export_dir, msg, sizeof msg)) {
		fprintf(stderr, "hexvm: %s\n", msg);
		if (!vm->exit_status)
			vm->exit_status = 1;
	}
	if (vm->opt.stats)
		stats_print(vm);
	return vm->exit_status;
}

static int run(struct cli *cli)
{
	struct vm vm;
	char msg[512];
	int status = prepare(&vm, cli);
	if (!status)
		status = cli->restore ? resume(&vm, cli) : boot(&vm, cli);
	if (!status && cli->gdb.address && gdb_open(&vm, &cli->gdb, msg, sizeof msg)) {
		fprintf(stderr, "hexvm: %s\n", msg);
		status = 2;
	}
	if (!status) {
		sched_run(&vm);
		gdb_close(&vm);
		status = finish(&vm, cli);
	}
	obs_destroy(&vm);
	if (vm.log) {
		fflush(vm.log);
		if (vm.log != stderr)
			fclose(vm.log);
	}
	process_free_all(&vm);
	vfs_unmount_all(&vm);
	host_splice_close(vm.host_splice);
	return status;
}

int main(int argc, char **argv)
{
	struct cli cli;
	int status;
	if (cli_parse(argc, argv, &cli, &status))
		return status;
	if (cli.info)
		return snap_info(cli.info, stdout);
	if (cli.lockstep.mode) {
		char found[PATH_MAX];
		const char *path = find_program(cli.program, found, sizeof found);
		return lockstep_run(&cli.lockstep, path, cli.argv, environ);
	}
	return run(&cli);
}
