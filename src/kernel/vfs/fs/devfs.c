/* devfs: null, zero, full, random and urandom served by hexvm (the random
 * ones from the machine's seeded generator, so runs repeat), tty the
 * host's terminal, stdin/stdout/stderr/fd links into /proc/self/fd, and an
 * empty shm directory for a memfs to be mounted on.
 *
 * The devices are not seekable files (read and write, no pread): the
 * generic lseek lets character devices seek and stay at 0, as Linux's do. */
#include "kernel/vfs/fs/devfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "kernel/vfs/file.h"
#include "kernel/vfs/fs/synth.h"
#include "kernel/vm.h"

/* An open device: the machine it draws on and what fstat shows. */
struct dev_file {
	struct vm *vm;
	struct stat st;
};

static int64_t read_nothing(struct task *t, struct file *f, void *buf, size_t n) { return 0; }

static int64_t read_zeros(struct task *t, struct file *f, void *buf, size_t n)
{
	memset(buf, 0, n);
	return (int64_t)n;
}

static int64_t read_random(struct task *t, struct file *f, void *buf, size_t n)
{
	vm_random_bytes(((struct dev_file *)f->priv)->vm, buf, n);
	return (int64_t)n;
}

static int64_t write_away(struct task *t, struct file *f, const void *buf, size_t n)
{
	return (int64_t)n;
}

static int64_t write_full(struct task *t, struct file *f, const void *buf, size_t n)
{
	return -ENOSPC;
}

static int dev_stat(struct file *f, struct stat *st)
{
	*st = ((const struct dev_file *)f->priv)->st;
	return 0;
}

static void dev_release(struct file *f) { free(f->priv); }

#define DEV_OPS(r, w, sp)                                                                          \
	{                                                                                          \
		.name = "devfs", .splice = sp, .read = r, .write = w, .stat = dev_stat,            \
		.release = dev_release                                                             \
	}

/* which of them splice reads or writes is Linux's choice (null reads and
 * full writes refuse) */
static const struct file_ops null_ops = DEV_OPS(read_nothing, write_away, FILE_SPLICE_WRITE);
static const struct file_ops zero_ops =
	DEV_OPS(read_zeros, write_away, FILE_SPLICE_READ | FILE_SPLICE_WRITE);
static const struct file_ops full_ops = DEV_OPS(read_zeros, write_full, FILE_SPLICE_READ);
static const struct file_ops random_ops =
	DEV_OPS(read_random, write_away, FILE_SPLICE_READ | FILE_SPLICE_WRITE);

struct dev_node {
	const char *name;
	int mode;
	unsigned major, minor;	    /* character devices */
	const char *link;	    /* symlinks */
	const struct file_ops *ops; /* devices served here; tty has none */
};

static const struct dev_node nodes[] = {
	{"fd", S_IFLNK | 0777, 0, 0, "/proc/self/fd", NULL},
	{"full", S_IFCHR | 0666, 1, 7, NULL, &full_ops},
	{"null", S_IFCHR | 0666, 1, 3, NULL, &null_ops},
	{"random", S_IFCHR | 0666, 1, 8, NULL, &random_ops},
	{"shm", S_IFDIR | 01777, 0, 0, NULL, NULL},
	{"stderr", S_IFLNK | 0777, 0, 0, "/proc/self/fd/2", NULL},
	{"stdin", S_IFLNK | 0777, 0, 0, "/proc/self/fd/0", NULL},
	{"stdout", S_IFLNK | 0777, 0, 0, "/proc/self/fd/1", NULL},
	{"tty", S_IFCHR | 0666, 5, 0, NULL, NULL},
	{"urandom", S_IFCHR | 0666, 1, 9, NULL, &random_ops},
	{"zero", S_IFCHR | 0666, 1, 5, NULL, &zero_ops},
};

#define N_NODES	 (sizeof nodes / sizeof nodes[0])
#define ROOT_INO 1

static uint64_t node_ino(const struct dev_node *node)
{
	return node ? (uint64_t)(node - nodes) + 2 : ROOT_INO;
}

/* *node: what rel names, NULL for the root. */
static int lookup(const char *rel, const struct dev_node **node)
{
	size_t len = strcspn(rel, "/");
	*node = NULL;
	if (!*rel)
		return 0;
	for (size_t k = 0; k < N_NODES; k++)
		if (strlen(nodes[k].name) == len && !strncmp(nodes[k].name, rel, len)) {
			*node = &nodes[k];
			if (!rel[len])
				return 0;
			return S_ISDIR(nodes[k].mode) ? -ENOENT : -ENOTDIR;
		}
	return -ENOENT;
}

static void node_stat(struct task *t, const struct fs *fs, const struct dev_node *node,
		      struct stat *st)
{
	int mode = node ? node->mode : S_IFDIR | 0755;
	synth_stat(st, fs->dev, node_ino(node), mode, 0, 0, synth_boot_ns(fs->priv, t));
	if (!node)
		st->st_nlink = 3; /* with shm */
	else if (S_ISCHR(mode))
		st->st_rdev = makedev(node->major, node->minor);
}

static int d_lstat(struct task *t, struct fs *fs, const char *rel, struct stat *st)
{
	const struct dev_node *node;
	int rc = lookup(rel, &node);
	if (!rc)
		node_stat(t, fs, node, st);
	return rc;
}

static int d_readlink(struct task *t, struct fs *fs, const char *rel, char *buf, size_t size)
{
	const struct dev_node *node;
	int rc = lookup(rel, &node);
	if (rc)
		return rc;
	if (!node || !node->link)
		return -EINVAL;
	size_t len = strlen(node->link);
	if (len >= size)
		len = size - 1;
	memcpy(buf, node->link, len);
	buf[len] = 0;
	return (int)len;
}

static unsigned char dtype(int mode)
{
	return S_ISDIR(mode) ? DT_DIR : S_ISLNK(mode) ? DT_LNK : DT_CHR;
}

/* The root lists every node; shm is empty. */
static int open_dir(const struct dev_node *dir, const struct stat *st, int flags, struct file **out)
{
	struct synth_dir d = {0};
	synth_dir_add(&d, node_ino(dir), DT_DIR, ".");
	synth_dir_add(&d, ROOT_INO, DT_DIR, "..");
	for (size_t k = 0; !dir && k < N_NODES; k++)
		synth_dir_add(&d, node_ino(&nodes[k]), dtype(nodes[k].mode), nodes[k].name);
	return synth_open_dir(&d, st, flags, out);
}

/* The machine's controlling terminal is the host's (ENXIO without one). */
static int64_t open_tty(int flags, struct file **out)
{
	int host_flags = (flags & LINUX_O_ACCMODE) | O_NOCTTY | O_CLOEXEC;
	if (flags & LINUX_O_NONBLOCK)
		host_flags |= O_NONBLOCK;
	int fd = open("/dev/tty", host_flags);
	if (fd < 0)
		return -errno;
	*out = file_from_host(fd, flags, "/dev/tty");
	if (*out)
		(*out)->host_role = FILE_ROLE_TTY;
	if (!*out) {
		close(fd);
		return -ENOMEM;
	}
	return 0;
}

static int64_t d_open(struct task *t, struct fs *fs, const char *rel, int flags, int mode,
		      struct file **out)
{
	const struct dev_node *node;
	struct stat st;
	int rc = lookup(rel, &node);
	if (rc)
		return rc;
	node_stat(t, fs, node, &st);
	rc = synth_open_check(t, &st, flags);
	if (rc)
		return rc;
	if (flags & LINUX_O_PATH)
		return synth_open_path(&st, flags, out);
	if (S_ISDIR(st.st_mode))
		return open_dir(node, &st, flags, out);
	if (!node->ops)
		return open_tty(flags, out);
	struct dev_file *df = malloc(sizeof *df);
	*out = df ? file_new(node->ops, df, flags, NULL) : NULL;
	if (!*out) {
		free(df);
		return -ENOMEM;
	}
	df->vm = fs->priv;
	df->st = st;
	return 0;
}

static int d_access(struct task *t, struct fs *fs, const char *rel, int mode)
{
	struct stat st;
	int rc = d_lstat(t, fs, rel, &st);
	return rc ? rc : synth_access(t, &st, mode);
}

static void d_destroy(struct fs *fs) { free(fs); }

static const struct fs_ops devfs_ops = {
	.lstat = d_lstat,
	.readlink = d_readlink,
	.open = d_open,
	.access = d_access,
	.destroy = d_destroy,
	SYNTH_READ_ONLY_OPS,
};

struct fs *devfs_create(struct vm *vm)
{
	struct fs *fs = calloc(1, sizeof *fs);
	if (!fs)
		return NULL;
	fs->ops = &devfs_ops;
	fs->type = "devtmpfs";
	fs->dev = vfs_new_dev(vm);
	fs->priv = vm;
	return fs;
}
