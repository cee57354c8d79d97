/* execve and execveat: the arguments and environment are copied out of the
 * old image, the loader builds the new one; only when that succeeded does
 * the process change (close-on-exec descriptors, handled signals back to
 * their defaults, a vfork parent released). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debug/gdb.h"
#include "kernel/abi/layout.h"
#include "kernel/sys/syscall.h"
#include "kernel/task/process.h"
#include "kernel/task/sched.h"
#include "kernel/task/signal.h"
#include "kernel/task/timer.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/path.h"
#include "loader/loader.h"
#include "mem/uaccess.h"

#define ARG_STRLEN_MAX	     131072	    /* MAX_ARG_STRLEN */
#define ARG_TOTAL_MAX	     (2u << 20)	    /* a quarter of the default 8 MiB stack */
#define LINUX_AT_EMPTY_PATH  0x1000
#define LINUX_AT_SYMLINK_NOF 0x100

struct strvec {
	char **v;
	size_t n;
};

static void strvec_free(struct strvec *s)
{
	for (size_t k = 0; k < s->n; k++)
		free(s->v[k]);
	free(s->v);
}

static int strvec_push(struct strvec *s, char *str)
{
	char **v = realloc(s->v, (s->n + 2) * sizeof *v);
	if (!v) {
		free(str);
		return -ENOMEM;
	}
	s->v = v;
	s->v[s->n++] = str;
	s->v[s->n] = NULL;
	return 0;
}

/* A guest NULL-terminated array of strings; a NULL array is empty. */
static int copy_strings(struct task *t, uint64_t uvec, struct strvec *out, size_t *total)
{
	unsigned w = sys_is64(t) ? 8 : 4;
	char *buf = malloc(ARG_STRLEN_MAX + 1);
	out->v = calloc(1, sizeof *out->v); /* the terminator of an empty array */
	int rc = buf && out->v ? 0 : -ENOMEM;
	for (uint64_t k = 0; !rc && uvec; k++) {
		uint8_t raw[8];
		if (copy_from_user(t->proc->mm, raw, uvec + k * w, w)) {
			rc = -EFAULT;
			break;
		}
		uint64_t ustr = get_long(raw, 0, w == 8);
		if (!ustr)
			break;
		long len = strncpy_from_user(t->proc->mm, buf, ustr, ARG_STRLEN_MAX + 1);
		if (len < 0)
			rc = (int)len;
		else if (len > ARG_STRLEN_MAX || (*total += (size_t)len + 1 + w) > ARG_TOTAL_MAX)
			rc = -E2BIG;
		else
			rc = strvec_push(out, strdup(buf));
	}
	free(buf);
	return rc;
}

/* Handlers go back to the default; ignored signals stay ignored; flags,
 * masks and restorers are cleared for all. */
static void reset_handlers(struct process *p)
{
	for (int sig = 1; sig <= NSIG_LINUX; sig++) {
		struct k_sigaction *sa = &p->sigactions[sig];
		uint64_t keep = sa->handler == 1 ? 1 : 0;
		memset(sa, 0, sizeof *sa);
		sa->handler = keep;
	}
}

/* What changes once the new image is in place. */
static void after_exec(struct task *t)
{
	struct process *p = t->proc;
	fdtable_close_on_exec(p->fds);
	signal_drop_timer_signals(t);
	ptimers_delete_all(t->vm, p);
	p->did_exec = 1;
	p->membarrier_regs = 0; /* (a new address space) */
	p->keepcaps = 0;
	reset_handlers(p);
	t->altstack_sp = t->altstack_size = 0;
	t->clear_child_tid = 0;
	t->restart_ret = 0;
	if (p->vfork_parent) {
		sched_wake(t->vm, p);
		p->vfork_parent = NULL;
	}
	t->cpu.exit_req = 1; /* the running block belongs to the old image */
	if (GDB_ATTACHED(t->vm))
		gdb_execed(t);
}

/* execveat(fd, "", AT_EMPTY_PATH), which fexecve is: the file of fd's
 * description (a memfd too), through /dev/fd/N as Linux names it in
 * AT_EXECFN; comm is the file's own name, as Linux gives it then. */
static int exec_descriptor(struct task *t, int fd, char *path, size_t size, char *comm)
{
	struct file *f = fd_lookup(t->proc->fds, fd);
	if (!f)
		return -EBADF;
	const char *name = file_path(f);
	if (!name)
		name = "";
	const char *base = !strncmp(name, "/memfd:", 7) ? name + 1 /* its name may hold a '/' */
			   : strrchr(name, '/')		? strrchr(name, '/') + 1
							: name;
	size_t len = strlen(base);
	if (len > sizeof " (deleted)" - 1 && !strcmp(base + len - (sizeof " (deleted)" - 1), " (deleted)"))
		len -= sizeof " (deleted)" - 1;
	snprintf(comm, 16, "%.*s", (int)(len < 15 ? len : 15), base);
	snprintf(path, size, "/dev/fd/%d", fd);
	return 0;
}

static int64_t do_execve(struct task *t, int dirfd, uint64_t upath, uint64_t uargv,
			 uint64_t uenvp, int flags)
{
	char path[VFS_PATH_MAX];
	struct strvec argv = {NULL, 0}, envp = {NULL, 0};
	size_t total = 0;
	if (flags & ~(LINUX_AT_EMPTY_PATH | LINUX_AT_SYMLINK_NOF))
		return -EINVAL;
	char comm[16] = {0};
	int rc = path_copy(t, upath, path);
	if (!rc && !path[0])
		rc = flags & LINUX_AT_EMPTY_PATH ? exec_descriptor(t, dirfd, path, sizeof path, comm)
						 : -ENOENT;
	else if (!rc && path[0] != '/' && dirfd != LINUX_AT_FDCWD) {
		/* relative to a directory descriptor: the loader resolves from the
		 * working directory, so hand it the absolute path */
		struct file *f = fd_lookup(t->proc->fds, dirfd);
		char rel[VFS_PATH_MAX];
		snprintf(rel, sizeof rel, "%s", path);
		const char *dir = f ? file_path(f) : NULL;
		if (!f)
			rc = -EBADF;
		else if (!dir || dir[0] != '/')
			rc = -ENOTDIR;
		else if (snprintf(path, sizeof path, "%s/%s", dir, rel) >= (int)sizeof path)
			rc = -ENAMETOOLONG;
	}
	if (!rc)
		rc = copy_strings(t, uargv, &argv, &total);
	if (!rc)
		rc = copy_strings(t, uenvp, &envp, &total);
	if (!rc) {
		struct exec_error err;
		struct task *leader = t->proc->task;
		t->proc->task = t; /* the loader sets up the calling thread */
		if (loader_exec(t->vm, t->proc, path, argv.v, envp.v, &err)) {
			t->proc->task = leader;
			rc = -err.err;
		} else {
			process_de_thread(t->vm, t);
			after_exec(t);
			if (comm[0]) /* (the loader named it after the path) */
				memcpy(t->comm, comm, sizeof comm);
		}
	}
	strvec_free(&argv);
	strvec_free(&envp);
	return rc ? rc : SYSCALL_REGS_SET;
}

int64_t sys_execve(struct task *t, const uint64_t *a)
{
	return do_execve(t, LINUX_AT_FDCWD, a[0], a[1], a[2], 0);
}

int64_t sys_execveat(struct task *t, const uint64_t *a)
{
	return do_execve(t, (int)a[0], a[1], a[2], a[3], (int)a[4]);
}
