/* procfs: the tree. A path inside /proc names a node (the root, a
 * machine-wide file, a process directory or something in it); nodes are
 * made from the process table on every lookup, never stored, so they cannot
 * go stale. Files are generated at open (procfs_sys.c, procfs_pid.c).
 *
 * Links: self, thread-self and mounts (-> self/mounts) at the root;
 * PID/exe, cwd and root are ordinary symlinks whose text is the path;
 * PID/fd/N are magic: opening one gives the descriptor's own open file. */
#include "kernel/vfs/fs/procfs.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/task/process.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/fs/procfs_gen.h"
#include "kernel/vfs/path.h"
#include "kernel/vm.h"

enum entry_kind { E_FILE, E_LINK, E_FD_DIR, E_FDINFO_DIR, E_TASK_DIR };

struct entry {
	const char *name;
	enum entry_kind kind;
	int perm;
	void (*gen)(const struct proc_ctx *c, struct sbuf *b);		       /* E_FILE */
	const char *(*link)(const struct proc_ctx *c, char *tmp, size_t size); /* E_LINK */
};

enum node_kind { N_ROOT, N_ROOT_ENTRY, N_PID_DIR, N_TID_DIR, N_PID_ENTRY, N_FD, N_FDINFO };

struct node {
	enum node_kind kind;
	const struct entry *e; /* N_ROOT_ENTRY, N_PID_ENTRY */
	struct process *p;     /* from N_PID_DIR on */
	int fd;		       /* N_FD, N_FDINFO */
	int in_task;	       /* under PID/task/TID/, which holds PID/'s entries but task */
	struct task *thread;   /* that TID (NULL: a zombie's leader, which has none left) */
};

static const char *link_self(const struct proc_ctx *c, char *tmp, size_t size)
{
	snprintf(tmp, size, "%d", c->t->proc->pid);
	return tmp;
}

static const char *link_thread_self(const struct proc_ctx *c, char *tmp, size_t size)
{
	snprintf(tmp, size, "%d/task/%d", c->t->proc->pid, c->t->tid);
	return tmp;
}

static const char *link_mounts(const struct proc_ctx *c, char *tmp, size_t size)
{
	return "self/mounts";
}

/* A zombie has no image or directories left: its links lead nowhere. */
static const char *link_exe(const struct proc_ctx *c, char *tmp, size_t size)
{
	return c->p->state == PROC_LIVE && c->p->exe ? path_visible(c->t, c->p->exe) : NULL;
}

static const char *link_cwd(const struct proc_ctx *c, char *tmp, size_t size)
{
	if (c->p->state != PROC_LIVE)
		return NULL;
	return c->p->cwd ? path_visible(c->t, c->p->cwd) : "/";
}

static const char *link_root(const struct proc_ctx *c, char *tmp, size_t size)
{
	if (c->p->state != PROC_LIVE)
		return NULL;
	return c->p->root ? path_visible(c->t, c->p->root) : "/";
}

static const struct entry root_entries[] = {
	{"cpuinfo", E_FILE, 0444, proc_cpuinfo, NULL},
	{"filesystems", E_FILE, 0444, proc_filesystems, NULL},
	{"loadavg", E_FILE, 0444, proc_loadavg, NULL},
	{"meminfo", E_FILE, 0444, proc_meminfo, NULL},
	{"mounts", E_LINK, 0777, NULL, link_mounts},
	{"self", E_LINK, 0777, NULL, link_self},
	{"stat", E_FILE, 0444, proc_stat, NULL},
	{"thread-self", E_LINK, 0777, NULL, link_thread_self},
	{"uptime", E_FILE, 0444, proc_uptime, NULL},
	{"version", E_FILE, 0444, proc_version, NULL},
};

static const struct entry pid_entries[] = {
	{"cmdline", E_FILE, 0444, pid_cmdline, NULL}, {"comm", E_FILE, 0644, pid_comm, NULL},
	{"cwd", E_LINK, 0777, NULL, link_cwd},	      {"environ", E_FILE, 0400, pid_environ, NULL},
	{"exe", E_LINK, 0777, NULL, link_exe},	      {"fd", E_FD_DIR, 0500, NULL, NULL},
	{"fdinfo", E_FDINFO_DIR, 0500, NULL, NULL},   {"maps", E_FILE, 0444, pid_maps, NULL},
	{"mounts", E_FILE, 0444, proc_mounts, NULL},  {"root", E_LINK, 0777, NULL, link_root},
	{"stat", E_FILE, 0444, pid_stat, NULL},	      {"statm", E_FILE, 0444, pid_statm, NULL},
	{"status", E_FILE, 0444, pid_status, NULL},   {"task", E_TASK_DIR, 0555, NULL, NULL},
};

#define N_ROOT_ENTRIES (sizeof root_entries / sizeof root_entries[0])
#define N_PID_ENTRIES  (sizeof pid_entries / sizeof pid_entries[0])

/* A pid or descriptor number as Linux reads one: decimal, no leading zero. */
static int parse_number(const char *s)
{
	long v = 0;
	if (!*s || (s[0] == '0' && s[1]))
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 99999999)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return (int)v;
}

/* Moves the next component of *rel into name; 0 when none is left. */
static int take(const char **rel, char *name)
{
	size_t n = strcspn(*rel, "/");
	if (!n)
		return 0;
	if (n > VFS_NAME_MAX)
		n = VFS_NAME_MAX;
	memcpy(name, *rel, n);
	name[n] = 0;
	*rel += strcspn(*rel, "/");
	*rel += **rel == '/';
	return 1;
}

static const struct entry *find_entry(const struct entry *tab, size_t n, const char *name,
				      int in_task)
{
	for (size_t k = 0; k < n; k++)
		if (!strcmp(tab[k].name, name) && !(in_task && tab[k].kind == E_TASK_DIR))
			return &tab[k];
	return NULL;
}

static int lookup_in_pid(const char *rel, struct node *n)
{
	char name[VFS_NAME_MAX + 1];
	if (!take(&rel, name))
		return 0;
	n->e = find_entry(pid_entries, N_PID_ENTRIES, name, n->in_task);
	if (!n->e)
		return -ENOENT;
	n->kind = N_PID_ENTRY;
	if (!take(&rel, name))
		return 0;
	switch (n->e->kind) {
	case E_FD_DIR:
	case E_FDINFO_DIR:
		n->kind = n->e->kind == E_FD_DIR ? N_FD : N_FDINFO;
		n->fd = parse_number(name);
		if (!n->p->fds || !fd_lookup(n->p->fds, n->fd))
			return -ENOENT;
		return *rel ? -ENOTDIR : 0;
	case E_TASK_DIR: { /* a directory per live thread */
		int tid = parse_number(name), found = n->p->state == PROC_ZOMBIE && tid == n->p->pid;
		for (struct task *t = n->p->threads; t && !found; t = t->thread_next)
			if ((found = t->tid == tid))
				n->thread = t;
		if (!found)
			return -ENOENT;
		n->kind = N_TID_DIR;
		n->e = NULL;
		n->in_task = 1;
		return lookup_in_pid(rel, n);
	}
	default: return -ENOTDIR;
	}
}

static int lookup(struct vm *vm, const char *rel, struct node *n)
{
	char name[VFS_NAME_MAX + 1];
	memset(n, 0, sizeof *n);
	n->kind = N_ROOT;
	if (!take(&rel, name))
		return 0;
	int pid = parse_number(name);
	if (pid < 0) {
		n->kind = N_ROOT_ENTRY;
		n->e = find_entry(root_entries, N_ROOT_ENTRIES, name, 0);
		return !n->e ? -ENOENT : *rel ? -ENOTDIR : 0;
	}
	n->kind = N_PID_DIR;
	n->p = process_find(vm, pid);
	return n->p ? lookup_in_pid(rel, n) : -ENOENT;
}

/* Stable numbers: the pid in the high bits, the node below. */
static uint64_t node_ino(const struct node *n)
{
	uint64_t base = n->p ? (uint64_t)n->p->pid << 16 : 0, task = n->in_task ? 0x4000 : 0;
	switch (n->kind) {
	case N_ROOT: return 1;
	case N_ROOT_ENTRY: return 0x10 + (uint64_t)(n->e - root_entries);
	case N_PID_DIR: return base | 1;
	case N_TID_DIR: return base | 2;
	case N_PID_ENTRY: return base | task | (0x10 + (uint64_t)(n->e - pid_entries));
	case N_FD: return base | task | (0x1000 + (uint64_t)n->fd);
	case N_FDINFO: return base | task | (0x2000 + (uint64_t)n->fd);
	}
	return 0;
}

static int entry_type(const struct entry *e)
{
	switch (e->kind) {
	case E_FILE: return S_IFREG;
	case E_LINK: return S_IFLNK;
	default: return S_IFDIR;
	}
}

/* As Linux: a descriptor's link allows what its open file allows. */
static int fd_link_mode(const struct file *f)
{
	int acc = f->flags & LINUX_O_ACCMODE, mode = S_IFLNK;
	if (f->flags & LINUX_O_PATH)
		return mode;
	if (acc != LINUX_O_WRONLY)
		mode |= 0500;
	if (acc != LINUX_O_RDONLY)
		mode |= 0300;
	return mode;
}

static int node_mode(const struct node *n)
{
	switch (n->kind) {
	case N_ROOT:
	case N_PID_DIR:
	case N_TID_DIR: return S_IFDIR | 0555;
	case N_ROOT_ENTRY:
	case N_PID_ENTRY: return entry_type(n->e) | n->e->perm;
	case N_FD: return fd_link_mode(fd_lookup(n->p->fds, n->fd));
	case N_FDINFO: return S_IFREG | 0444;
	}
	return 0;
}

/* Directories count their subdirectories in their links, as find expects. */
static void node_stat(const struct proc_ctx *c, const struct fs *fs, const struct node *n,
		      struct stat *st)
{
	int mode = node_mode(n);
	uint32_t uid = n->p ? n->p->uid : 0, gid = n->p ? n->p->gid : 0;
	int64_t when = synth_boot_ns(c->vm, c->t) + (n->p ? n->p->start_ns : 0);
	synth_stat(st, fs->dev, node_ino(n), mode, uid, gid, when);
	if (n->kind == N_ROOT)
		for (const struct process *p = c->vm->procs; p; p = p->next)
			st->st_nlink++;
	else if (n->kind == N_PID_DIR || n->kind == N_TID_DIR)
		st->st_nlink = n->in_task ? 4 : 5;
	else if (n->kind == N_PID_ENTRY && n->e->kind == E_TASK_DIR)
		st->st_nlink = 3;
	else if (n->kind == N_FD)
		st->st_size = 64;
}

static unsigned char node_dtype(const struct node *n)
{
	int mode = node_mode(n);
	return S_ISDIR(mode) ? DT_DIR : S_ISLNK(mode) ? DT_LNK : DT_REG;
}

static void add(struct synth_dir *d, const struct node *n, const char *name)
{
	synth_dir_add(d, node_ino(n), node_dtype(n), name);
}

static void add_number(struct synth_dir *d, const struct node *n, int number)
{
	char name[16];
	snprintf(name, sizeof name, "%d", number);
	add(d, n, name);
}

/* The directory holding directory n, for its "..". */
static struct node parent_of(const struct node *n)
{
	struct node up = *n;
	if (n->kind == N_PID_ENTRY) {
		up.kind = n->in_task ? N_TID_DIR : N_PID_DIR;
		up.e = NULL;
	} else if (n->kind == N_TID_DIR) {
		up.kind = N_PID_ENTRY;
		up.e = find_entry(pid_entries, N_PID_ENTRIES, "task", 0);
		up.in_task = 0;
	} else {
		memset(&up, 0, sizeof up);
	}
	return up;
}

static void list_children(struct vm *vm, const struct node *dir, struct synth_dir *d)
{
	struct node n = *dir;
	if (dir->kind == N_ROOT) {
		n.kind = N_ROOT_ENTRY;
		for (size_t k = 0; k < N_ROOT_ENTRIES; k++) {
			n.e = &root_entries[k];
			add(d, &n, n.e->name);
		}
		n.kind = N_PID_DIR;
		for (n.p = vm->procs; n.p; n.p = n.p->next)
			add_number(d, &n, n.p->pid);
		return;
	}
	if (dir->kind == N_PID_DIR || dir->kind == N_TID_DIR) {
		n.kind = N_PID_ENTRY;
		for (size_t k = 0; k < N_PID_ENTRIES; k++) {
			n.e = &pid_entries[k];
			if (!(dir->in_task && n.e->kind == E_TASK_DIR))
				add(d, &n, n.e->name);
		}
		return;
	}
	if (dir->e->kind == E_TASK_DIR) {
		n.kind = N_TID_DIR;
		n.in_task = 1;
		if (!dir->p->threads)
			add_number(d, &n, dir->p->pid);
		for (const struct task *t = dir->p->threads; t; t = t->thread_next)
			add_number(d, &n, t->tid);
		return;
	}
	n.kind = dir->e->kind == E_FD_DIR ? N_FD : N_FDINFO;
	for (n.fd = 0; dir->p->fds && n.fd < dir->p->fds->size; n.fd++)
		if (dir->p->fds->files[n.fd])
			add_number(d, &n, n.fd);
}

static int64_t open_dir(const struct proc_ctx *c, const struct node *n, const struct stat *st,
			int flags, struct file **out)
{
	struct synth_dir d = {0};
	struct node up = parent_of(n);
	synth_dir_add(&d, node_ino(n), DT_DIR, ".");
	synth_dir_add(&d, node_ino(&up), DT_DIR, "..");
	list_children(c->vm, n, &d);
	return synth_open_dir(&d, st, flags, out);
}

/* Linux opens the object anew, a new description with its own offset;
 * so does hexvm for files that say how (a memfd). Otherwise it gives the
 * descriptor's own open file description, offset and status flags shared.
 * That is what /dev/stdin and the like need, and the only way to objects
 * without a name (pipes). An access the description does not allow is
 * refused rather than failing at every transfer. */
static int64_t open_fd_target(const struct node *n, int flags, struct file **out)
{
	struct file *f = fd_lookup(n->p->fds, n->fd);
	int want = flags & LINUX_O_ACCMODE, have = f->flags & LINUX_O_ACCMODE;
	if (f->ops && f->ops->reopen && !(flags & LINUX_O_PATH)) {
		*out = f->ops->reopen(f, flags);
		return *out ? 0 : -ENOMEM;
	}
	if (!(flags & LINUX_O_PATH) && want != have && have != LINUX_O_RDWR)
		return -EACCES;
	*out = file_get(f);
	return 0;
}

static int64_t p_open(struct task *t, struct fs *fs, const char *rel, int flags, int mode,
		      struct file **out)
{
	struct node n;
	struct stat st;
	int rc = lookup(fs->priv, rel, &n);
	if (rc)
		return rc;
	/* a link reaching open was followed as magic, unless O_NOFOLLOW kept it */
	if (n.kind == N_FD && !(flags & LINUX_O_NOFOLLOW))
		return open_fd_target(&n, flags, out);
	struct proc_ctx c = {.vm = fs->priv, .t = t, .p = n.p, .thread = n.thread, .fd = n.fd};
	node_stat(&c, fs, &n, &st);
	rc = synth_open_check(t, &st, flags);
	if (rc)
		return rc;
	if (flags & LINUX_O_PATH)
		return synth_open_path(&st, flags, out);
	if (flags & LINUX_O_ACCMODE) /* nothing here takes writes */
		return -EACCES;
	if (S_ISDIR(st.st_mode))
		return open_dir(&c, &n, &st, flags, out);
	struct sbuf b = {0};
	if (n.kind == N_FDINFO)
		pid_fdinfo(&c, &b);
	else
		n.e->gen(&c, &b);
	/* Linux splices the files at the top (and the mount lists), not the
	 * other per-process ones */
	int spliced = n.kind == N_ROOT_ENTRY || (n.e && n.e->gen == proc_mounts);
	return synth_open_text(&b, &st, flags, spliced, out);
}

static int p_lstat(struct task *t, struct fs *fs, const char *rel, struct stat *st)
{
	struct node n;
	int rc = lookup(fs->priv, rel, &n);
	struct proc_ctx c = {.vm = fs->priv, .t = t, .p = n.p, .thread = n.thread, .fd = n.fd};
	if (!rc)
		node_stat(&c, fs, &n, st);
	return rc;
}

static int p_readlink(struct task *t, struct fs *fs, const char *rel, char *buf, size_t size)
{
	struct node n;
	char tmp[32];
	const char *text = NULL;
	int rc = lookup(fs->priv, rel, &n);
	struct proc_ctx c = {.vm = fs->priv, .t = t, .p = n.p, .thread = n.thread, .fd = n.fd};
	if (rc)
		return rc;
	if (n.kind == N_FD) {
		const char *path = file_path(fd_lookup(n.p->fds, n.fd));
		text = path ? path_visible(t, path) : "anon_inode:[unknown]";
	} else if (n.e && n.e->kind == E_LINK) {
		text = n.e->link(&c, tmp, sizeof tmp);
		if (!text)
			return -ENOENT;
	} else {
		return -EINVAL;
	}
	size_t len = strlen(text);
	if (len >= size)
		len = size - 1;
	memcpy(buf, text, len);
	buf[len] = 0;
	return (int)len;
}

static int p_access(struct task *t, struct fs *fs, const char *rel, int mode)
{
	struct stat st;
	int rc = p_lstat(t, fs, rel, &st);
	return rc ? rc : synth_access(t, &st, mode);
}

static int p_magic_link(struct task *t, struct fs *fs, const char *rel)
{
	struct node n;
	if (lookup(fs->priv, rel, &n))
		return 0;
	if (n.kind == N_FD)
		return VFS_MAGIC_OPENS;
	/* PID/cwd, exe and root; the links at the top (self...) are plain */
	return n.kind == N_PID_ENTRY && n.e->kind == E_LINK ? VFS_MAGIC_TEXT : 0;
}

static void p_destroy(struct fs *fs) { free(fs); }

static const struct fs_ops procfs_ops = {
	.lstat = p_lstat,
	.readlink = p_readlink,
	.open = p_open,
	.access = p_access,
	.magic_link = p_magic_link,
	.destroy = p_destroy,
	SYNTH_READ_ONLY_OPS,
};

struct fs *procfs_create(struct vm *vm)
{
	struct fs *fs = calloc(1, sizeof *fs);
	if (!fs)
		return NULL;
	fs->ops = &procfs_ops;
	fs->type = "proc";
	fs->dev = vfs_new_dev(vm);
	fs->priv = vm;
	return fs;
}
