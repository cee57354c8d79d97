/* procfs and devfs driven through their fs ops, on a made-up machine of two
 * processes (pid 2 live, reading; pid 3 a zombie) with a few mappings,
 * descriptors and mounts.
 *
 * unit-sources: src/kernel/vfs/fs/procfs.c src/kernel/vfs/fs/procfs_sys.c
 * unit-sources: src/kernel/vfs/fs/procfs_pid.c src/kernel/vfs/fs/devfs.c
 * unit-sources: src/kernel/vfs/fs/synth.c src/kernel/vfs/file.c src/kernel/vfs/hostcache.c src/kernel/vfs/mount.c
 * unit-sources: src/kernel/vfs/dirnames.c src/kernel/task/sigqueue.c
 * unit-sources: src/cpu/cpuid.c src/kernel/clock.c src/kernel/random.c
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "kernel/task/process.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/fs/devfs.h"
#include "kernel/vfs/fs/procfs.h"
#include "kernel/vfs/fs/synth.h"
#include "kernel/vfs/path.h"
#include "kernel/vm.h"
#include "mem/mm.h"
#include "mem/uaccess.h"

static int failures, checks;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		checks++;                                                                          \
		if (!(cond)) {                                                                     \
			failures++;                                                                \
			fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond);                 \
		}                                                                                  \
	} while (0)

#define CHECK_STR(got, want)                                                                       \
	do {                                                                                       \
		const char *got_ = (got), *want_ = (want);                                         \
		checks++;                                                                          \
		if (!got_ || strcmp(got_, want_)) {                                                \
			failures++;                                                                \
			fprintf(stderr, "%s:%d: got \"%s\", want \"%s\"\n", __FILE__, __LINE__,    \
				got_ ? got_ : "(null)", want_);                                    \
		}                                                                                  \
	} while (0)

/* What the tested files use from the rest of hexvm, in the simplest form. */

struct process *process_find(const struct vm *vm, int pid)
{
	for (struct process *p = vm->procs; p; p = p->next)
		if (p->pid == pid)
			return p;
	return NULL;
}

const char *path_visible(const struct task *t, const char *canonical) { return canonical; }

/* Guest memory is a flat buffer at mm->base, mm->limit bytes long. */
int copy_from_user(struct mm *mm, void *dst, uint64_t src, size_t n)
{
	if (src > mm->limit || n > mm->limit - src)
		return -EFAULT;
	memcpy(dst, mm->base + src, n);
	return 0;
}

/* The machine */

#define MEM_SIZE 0x10000
#define ARGS_AT	 0x8000

struct machine {
	struct vm vm;
	struct process p2, p3;
	struct task t2;
	struct mm mm;
	struct vma vmas[6];
	struct fdtable *fds;
	struct fs *proc, *dev;
};

static void add_vma(struct machine *m, int k, uint64_t start, uint64_t end, int prot, int flags,
		    const char *name, uint64_t offset)
{
	struct vma *v = &m->vmas[k];
	*v = (struct vma){.start = start,
			  .end = end,
			  .prot = prot,
			  .flags = flags,
			  .name = (char *)name,
			  .offset = offset,
			  .share_fd = -1};
	if (k)
		m->vmas[k - 1].next = v;
}

static void setup_memory(struct machine *m)
{
	static const char args[] = "prog\0-x\0HOME=/root\0TERM=dumb";
	m->mm.base = calloc(1, MEM_SIZE);
	m->mm.limit = MEM_SIZE;
	memcpy(m->mm.base + ARGS_AT, args, sizeof args);
	m->mm.arg_start = ARGS_AT;
	m->mm.arg_end = ARGS_AT + 8;
	m->mm.env_start = ARGS_AT + 8;
	m->mm.env_end = ARGS_AT + sizeof args;
	m->mm.brk_start = 0x403000;
	m->mm.vmas = &m->vmas[0];
	add_vma(m, 0, 0x400000, 0x401000, GPROT_READ, 0, "/bin/prog", 0);
	add_vma(m, 1, 0x401000, 0x402000, GPROT_READ | GPROT_EXEC, 0, "/bin/prog", 0x1000);
	add_vma(m, 2, 0x402000, 0x403000, GPROT_READ | GPROT_WRITE, 0, "/bin/prog", 0x2000);
	add_vma(m, 3, 0x403000, 0x404000, GPROT_READ | GPROT_WRITE, VMA_ANON | VMA_HEAP, NULL, 0);
	add_vma(m, 4, 0x404000, 0x406000, GPROT_READ | GPROT_WRITE, VMA_ANON | VMA_HEAP, NULL, 0);
	add_vma(m, 5, 0x7ff000000, 0x7ff800000, GPROT_READ | GPROT_WRITE,
		VMA_ANON | VMA_STACK | VMA_GROWSDOWN, "[stack]", 0);
}

static void setup_files(struct machine *m)
{
	m->fds = fdtable_create();
	fd_install(m->fds, 0, file_from_host(-1, LINUX_O_RDWR, "/dev/tty"), 0);
	fd_install(m->fds, 1, file_from_host(-1, LINUX_O_WRONLY, "pipe:[7]"), 1);
	fd_install(m->fds, 5, file_from_host(-1, LINUX_O_RDONLY, "/etc/passwd"), 0);
	m->p2.fds = m->fds;
}

static struct machine *machine_create(uint64_t seed)
{
	struct machine *m = calloc(1, sizeof *m);
	m->vm.opt.epoch = 1893456000; /* 2030-01-01 */
	m->vm.next_pid = 4;
	vm_seed(&m->vm, seed);
	m->p2 = (struct process){.pid = 2,
				 .ppid = 1,
				 .pgid = 2,
				 .sid = 2,
				 .state = PROC_LIVE,
				 .uid = 1000,
				 .ruid = 1000,
				 .suid = 1000,
				 .gid = 1000,
				 .rgid = 1000,
				 .sgid = 1000,
				 .mode64 = 1,
				 .umask = 022,
				 .exe = "/bin/prog",
				 .cwd = "/home",
				 .root = "/",
				 .mm = &m->mm,
				 .task = &m->t2,
				 .threads = &m->t2,
				 .nthreads = 1,
				 .next = &m->p3,
				 .start_ns = 1000000000};
	m->p3 = (struct process){.pid = 3,
				 .ppid = 2,
				 .pgid = 2,
				 .sid = 2,
				 .state = PROC_ZOMBIE,
				 .uid = 1000,
				 .ruid = 1000,
				 .suid = 1000,
				 .gid = 1000,
				 .rgid = 1000,
				 .sgid = 1000,
				 .exe = "/bin/true",
				 .wait_status = 256};
	m->p2.sigactions[2].handler = 1;	 /* SIGINT ignored */
	m->p2.sigactions[15].handler = 0x401234; /* SIGTERM caught */
	m->t2.proc = &m->p2;
	m->t2.vm = &m->vm;
	m->t2.tid = 2;
	m->t2.cpu.icount = 123456789;
	strcpy(m->t2.comm, "prog");
	m->vm.procs = &m->p2;
	m->vm.tasks = &m->t2;
	setup_memory(m);
	setup_files(m);
	m->proc = procfs_create(&m->vm);
	m->dev = devfs_create(&m->vm);
	vfs_mount(&m->vm, "/", m->proc, "/host/root"); /* any fs will do for the listing */
	vfs_mount(&m->vm, "/dev", m->dev, "udev");
	vfs_mount(&m->vm, "/proc", m->proc, "proc");
	return m;
}

static void machine_free(struct machine *m)
{
	vfs_unmount_all(&m->vm);
	fdtable_put(m->fds);
	free(m->mm.base);
	free(m);
}

/* Helpers over the ops */

static int64_t open_at(struct machine *m, struct fs *fs, const char *rel, int flags,
		       struct file **f)
{
	*f = NULL;
	return fs->ops->open(&m->t2, fs, rel, flags, 0, f);
}

/* The whole file, NUL-terminated; *len without the NUL. */
static char *slurp(struct machine *m, struct fs *fs, const char *rel, size_t *len)
{
	struct file *f;
	if (open_at(m, fs, rel, LINUX_O_RDONLY, &f))
		return NULL;
	char *buf = malloc(1 << 16);
	size_t n = 0;
	int64_t got;
	while ((got = f->ops->pread(f, buf + n, 7, n)) > 0) /* small reads, as a reader might */
		n += (size_t)got;
	buf[n] = 0;
	if (len)
		*len = n;
	file_put(f);
	return buf;
}

/* The listing as "name/type name/type ...". */
static void list(struct machine *m, struct fs *fs, const char *rel, char *out, size_t size)
{
	struct file *f;
	struct vfs_dirent e;
	uint64_t pos = 0;
	out[0] = 0;
	if (open_at(m, fs, rel, LINUX_O_RDONLY | LINUX_O_DIRECTORY, &f))
		return;
	while (f->ops->readdir(&m->t2, f, &pos, &e) == 1)
		snprintf(out + strlen(out), size - strlen(out), "%s%s/%d", out[0] ? " " : "",
			 e.name, e.type);
	file_put(f);
}

static const char *link_of(struct machine *m, struct fs *fs, const char *rel)
{
	static char buf[VFS_PATH_MAX];
	int rc = fs->ops->readlink(&m->t2, fs, rel, buf, sizeof buf);
	return rc < 0 ? NULL : buf;
}

static int count_fields(const char *s)
{
	int n = 0;
	for (const char *p = s; *p && *p != '\n'; p++)
		n += (p == s || p[-1] == ' ') && *p != ' ';
	return n;
}

/* The tests */

static void test_root(struct machine *m)
{
	char buf[2048], want[2048];
	list(m, m->proc, "", buf, sizeof buf);
	snprintf(want, sizeof want,
		 "./%d ../%d cpuinfo/%d filesystems/%d loadavg/%d meminfo/%d mounts/%d self/%d "
		 "stat/%d thread-self/%d uptime/%d version/%d 2/%d 3/%d",
		 DT_DIR, DT_DIR, DT_REG, DT_REG, DT_REG, DT_REG, DT_LNK, DT_LNK, DT_REG, DT_LNK,
		 DT_REG, DT_REG, DT_DIR, DT_DIR);
	CHECK_STR(buf, want);
	CHECK_STR(link_of(m, m->proc, "self"), "2");
	CHECK_STR(link_of(m, m->proc, "thread-self"), "2/task/2");
	CHECK_STR(link_of(m, m->proc, "mounts"), "self/mounts");
	struct stat st;
	CHECK(m->proc->ops->lstat(&m->t2, m->proc, "", &st) == 0 && S_ISDIR(st.st_mode) &&
	      st.st_ino == 1 && st.st_nlink == 4);
	CHECK(m->proc->ops->lstat(&m->t2, m->proc, "4", &st) == -ENOENT);
	CHECK(m->proc->ops->lstat(&m->t2, m->proc, "02", &st) == -ENOENT);
	CHECK(m->proc->ops->lstat(&m->t2, m->proc, "cpuinfo/x", &st) == -ENOTDIR);
	CHECK(m->proc->ops->lstat(&m->t2, m->proc, "cpuinfo", &st) == 0 &&
	      st.st_mode == (S_IFREG | 0444) && st.st_uid == 0 && st.st_size == 0);
}

static void test_pid_dir(struct machine *m)
{
	char buf[2048], want[2048];
	list(m, m->proc, "2", buf, sizeof buf);
	snprintf(want, sizeof want,
		 "./%d ../%d cmdline/%d comm/%d cwd/%d environ/%d exe/%d fd/%d fdinfo/%d maps/%d "
		 "mounts/%d root/%d stat/%d statm/%d status/%d task/%d",
		 DT_DIR, DT_DIR, DT_REG, DT_REG, DT_LNK, DT_REG, DT_LNK, DT_DIR, DT_DIR, DT_REG,
		 DT_REG, DT_LNK, DT_REG, DT_REG, DT_REG, DT_DIR);
	CHECK_STR(buf, want);
	list(m, m->proc, "2/task", buf, sizeof buf);
	snprintf(want, sizeof want, "./%d ../%d 2/%d", DT_DIR, DT_DIR, DT_DIR);
	CHECK_STR(buf, want);
	list(m, m->proc, "2/task/2", buf, sizeof buf);
	CHECK(strstr(buf, "maps/") && !strstr(buf, "task/"));
	list(m, m->proc, "2/fd", buf, sizeof buf);
	snprintf(want, sizeof want, "./%d ../%d 0/%d 1/%d 5/%d", DT_DIR, DT_DIR, DT_LNK, DT_LNK,
		 DT_LNK);
	CHECK_STR(buf, want);
	list(m, m->proc, "3/fd", buf, sizeof buf); /* a zombie has none left */
	snprintf(want, sizeof want, "./%d ../%d", DT_DIR, DT_DIR);
	CHECK_STR(buf, want);
	struct stat st, st2;
	CHECK(m->proc->ops->lstat(&m->t2, m->proc, "2/maps", &st) == 0 && st.st_uid == 1000 &&
	      st.st_mtim.tv_sec == 1893456000);
	CHECK(m->proc->ops->lstat(&m->t2, m->proc, "2/task/2/maps", &st2) == 0 &&
	      st2.st_ino != st.st_ino);
	CHECK(m->proc->ops->lstat(&m->t2, m->proc, "2/task/3", &st) == -ENOENT);
	CHECK(m->proc->ops->lstat(&m->t2, m->proc, "2/task/2/task", &st) == -ENOENT);
}

static void test_links(struct machine *m)
{
	struct stat st;
	struct file *f;
	CHECK_STR(link_of(m, m->proc, "2/exe"), "/bin/prog");
	CHECK_STR(link_of(m, m->proc, "2/cwd"), "/home");
	CHECK_STR(link_of(m, m->proc, "2/root"), "/");
	CHECK(link_of(m, m->proc, "3/exe") == NULL);
	CHECK_STR(link_of(m, m->proc, "2/fd/0"), "/dev/tty");
	CHECK_STR(link_of(m, m->proc, "2/fd/1"), "pipe:[7]");
	CHECK_STR(link_of(m, m->proc, "2/task/2/fd/5"), "/etc/passwd");
	CHECK(link_of(m, m->proc, "2/fd/2") == NULL);
	CHECK(m->proc->ops->readlink(&m->t2, m->proc, "2/maps", (char[8]){0}, 8) == -EINVAL);
	CHECK(m->proc->ops->lstat(&m->t2, m->proc, "2/fd/0", &st) == 0 &&
	      st.st_mode == (S_IFLNK | 0700));
	CHECK(m->proc->ops->lstat(&m->t2, m->proc, "2/fd/1", &st) == 0 &&
	      st.st_mode == (S_IFLNK | 0300));
	CHECK(m->proc->ops->lstat(&m->t2, m->proc, "2/fd/5", &st) == 0 &&
	      st.st_mode == (S_IFLNK | 0500));
	CHECK(m->proc->ops->magic_link(&m->t2, m->proc, "2/fd/1") == VFS_MAGIC_OPENS);
	CHECK(m->proc->ops->magic_link(&m->t2, m->proc, "2/exe") == VFS_MAGIC_TEXT);
	CHECK(m->proc->ops->magic_link(&m->t2, m->proc, "self") == 0);
	CHECK(open_at(m, m->proc, "2/fd/1", LINUX_O_WRONLY, &f) == 0 && f == m->fds->files[1] &&
	      f->refs == 2);
	file_put(f);
	CHECK(open_at(m, m->proc, "2/fd/1", LINUX_O_RDONLY, &f) == -EACCES);
	CHECK(open_at(m, m->proc, "2/fd/1", LINUX_O_NOFOLLOW, &f) == -ELOOP);
	CHECK(open_at(m, m->proc, "2/fd/1", LINUX_O_NOFOLLOW | LINUX_O_PATH, &f) == 0 &&
	      f != m->fds->files[1] && f->ops->stat(f, &st) == 0 && S_ISLNK(st.st_mode));
	file_put(f);
}

static void test_open_rules(struct machine *m)
{
	struct file *f;
	CHECK(open_at(m, m->proc, "cpuinfo", LINUX_O_WRONLY, &f) == -EACCES);
	CHECK(open_at(m, m->proc, "2/status", LINUX_O_RDWR, &f) == -EACCES);
	CHECK(open_at(m, m->proc, "2", LINUX_O_WRONLY, &f) == -EISDIR);
	CHECK(open_at(m, m->proc, "2/maps", LINUX_O_DIRECTORY, &f) == -ENOTDIR);
	CHECK(open_at(m, m->proc, "2/maps", LINUX_O_CREAT | LINUX_O_EXCL, &f) == -EEXIST);
	CHECK(open_at(m, m->proc, "nothing", LINUX_O_RDONLY, &f) == -ENOENT);
	CHECK(open_at(m, m->proc, "2/fd/9", LINUX_O_RDONLY, &f) == -ENOENT);
	CHECK(m->proc->ops->mkdir(&m->t2, m->proc, "x", 0755) < 0);
	CHECK(m->proc->ops->unlink(&m->t2, m->proc, "cpuinfo") == -EPERM);
	CHECK(m->proc->ops->access(&m->t2, m->proc, "2/environ", 4) == 0);
	CHECK(m->proc->ops->access(&m->t2, m->proc, "cpuinfo", 2) == -EACCES);
	CHECK(m->proc->ops->access(&m->t2, m->proc, "2", 1) == 0);
}

static void test_maps(struct machine *m)
{
	char *maps = slurp(m, m->proc, "2/maps", NULL);
	char want[1024], pad[80];
	memset(pad, ' ', sizeof pad);
	/* names start at column 73 */
	snprintf(want, sizeof want,
		 "00400000-00401000 r--p 00000000 00:00 0%.*s/bin/prog\n"
		 "00401000-00402000 r-xp 00001000 00:00 0%.*s/bin/prog\n"
		 "00402000-00403000 rw-p 00002000 00:00 0%.*s/bin/prog\n"
		 "00403000-00406000 rw-p 00000000 00:00 0%.*s[heap]\n"
		 "7ff000000-7ff800000 rw-p 00000000 00:00 0%.*s[stack]\n",
		 34, pad, 34, pad, 34, pad, 34, pad, 32, pad);
	CHECK_STR(maps, want);
	free(maps);
}

static void test_stat_files(struct machine *m)
{
	char *stat = slurp(m, m->proc, "2/stat", NULL), *rest = stat ? strrchr(stat, ')') : NULL;
	CHECK(stat && !strncmp(stat, "2 (prog) R 1 2 2 0 -1 ", 22));
	CHECK(rest && count_fields(rest + 2) == 50); /* 52 with pid and comm */
	CHECK(rest && strchr(rest, '\n') && strchr(rest, '\n')[1] == 0);
	free(stat);
	stat = slurp(m, m->proc, "3/stat", NULL);
	rest = stat ? strrchr(stat, ')') : NULL;
	CHECK(stat && !strncmp(stat, "3 (true) Z 2 2 2 ", 17));
	CHECK(rest && count_fields(rest + 2) == 50 && strstr(rest, " 256\n"));
	free(stat);
	char *statm = slurp(m, m->proc, "2/statm", NULL);
	CHECK_STR(statm, "2054 2054 3 1 0 2052 0\n");
	free(statm);
	char *status = slurp(m, m->proc, "2/status", NULL);
	CHECK(status && strstr(status, "Name:\tprog\n") &&
	      strstr(status, "State:\tR (running)\n") && strstr(status, "Pid:\t2\nPPid:\t1\n") &&
	      strstr(status, "Uid:\t1000\t1000") && strstr(status, "VmSize:\t    8216 kB\n") &&
	      strstr(status, "Threads:\t1\n") && strstr(status, "SigIgn:\t0000000000000002\n") &&
	      strstr(status, "SigCgt:\t0000000000004000\n"));
	free(status);
	status = slurp(m, m->proc, "3/status", NULL);
	CHECK(status && strstr(status, "State:\tZ (zombie)\n") && !strstr(status, "VmSize"));
	free(status);
}

static void test_text_files(struct machine *m)
{
	size_t len;
	char *s = slurp(m, m->proc, "2/cmdline", &len);
	CHECK(s && len == 8 && !memcmp(s, "prog\0-x\0", 8));
	free(s);
	s = slurp(m, m->proc, "2/environ", &len);
	CHECK(s && len == 21 && !memcmp(s, "HOME=/root\0TERM=dumb\0", 21));
	free(s);
	/* setproctitle: one string, running on into the environment */
	m->mm.base[ARGS_AT + 4] = m->mm.base[ARGS_AT + 7] = ' ';
	s = slurp(m, m->proc, "2/cmdline", &len);
	CHECK(s && len == 19 && !memcmp(s, "prog -x HOME=/root\0", 19));
	m->mm.base[ARGS_AT + 4] = m->mm.base[ARGS_AT + 7] = 0;
	free(s);
	s = slurp(m, m->proc, "3/cmdline", &len);
	CHECK(s && len == 0);
	free(s);
	s = slurp(m, m->proc, "2/comm", NULL);
	CHECK_STR(s, "prog\n");
	free(s);
	s = slurp(m, m->proc, "2/fdinfo/1", NULL);
	/* a pipe: no O_LARGEFILE, as on Linux */
	CHECK_STR(s, "pos:\t0\nflags:\t02000001\nino:\t0\n");
	free(s);
	s = slurp(m, m->proc, "mounts", NULL);
	CHECK(s == NULL); /* a link: open sees it only with O_NOFOLLOW */
	s = slurp(m, m->proc, "2/mounts", NULL);
	CHECK_STR(s, "/host/root / proc rw,nosuid,nodev,noexec,relatime 0 0\n"
		     "udev /dev devtmpfs rw,nosuid,relatime,mode=755 0 0\n"
		     "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n");
	free(s);
}

static void test_machine_files(struct machine *m)
{
	char *s = slurp(m, m->proc, "cpuinfo", NULL);
	CHECK(s && strstr(s, "processor\t: 0\nvendor_id\t: GenuineIntel\n") &&
	      strstr(s, "model name\t: hexvm virtual x86-64 CPU\n") &&
	      strstr(s, "cache size\t: 8192 KB\n") && strstr(s, " sse2 ") &&
	      strstr(s, " sse4_1 sse4_2 ") && strstr(s, "\n\n"));
	free(s);
	s = slurp(m, m->proc, "meminfo", NULL);
	CHECK(s && !strncmp(s, "MemTotal:        4194304 kB\nMemFree:         4186088 kB\n", 56));
	free(s);
	s = slurp(m, m->proc, "uptime", NULL);
	CHECK_STR(s, "1.12 1.00\n");
	free(s);
	s = slurp(m, m->proc, "stat", NULL);
	CHECK(s && !strncmp(s, "cpu  12 0 0 100 0 0 0 0 0 0\ncpu0 12 0 0 100 ", 44) &&
	      strstr(s, "\nbtime 1893455999\nprocesses 2\nprocs_running 1\n"));
	free(s);
	s = slurp(m, m->proc, "loadavg", NULL);
	CHECK_STR(s, "0.00 0.00 0.00 1/1 3\n");
	free(s);
	s = slurp(m, m->proc, "version", NULL);
	CHECK(s && !strncmp(s, "Linux version 6.1.0-hexvm ", 26));
	free(s);
}

/* n bytes of a device */
static int64_t dev_read(struct machine *m, const char *name, uint8_t *buf, size_t n)
{
	struct file *f;
	int64_t rc = open_at(m, m->dev, name, LINUX_O_RDONLY, &f);
	if (rc)
		return rc;
	rc = f->ops->read(&m->t2, f, buf, n);
	file_put(f);
	return rc;
}

static int64_t dev_write(struct machine *m, const char *name, size_t n)
{
	struct file *f;
	static const uint8_t data[64];
	int64_t rc = open_at(m, m->dev, name, LINUX_O_WRONLY | LINUX_O_TRUNC, &f);
	if (rc)
		return rc;
	rc = f->ops->write(&m->t2, f, data, n);
	file_put(f);
	return rc;
}

static void test_devfs(struct machine *m, struct machine *twin)
{
	char buf[1024], want[1024];
	uint8_t a[64], b[64], zeros[64] = {0};
	struct stat st;
	list(m, m->dev, "", buf, sizeof buf);
	snprintf(want, sizeof want,
		 "./%d ../%d fd/%d full/%d null/%d random/%d shm/%d stderr/%d stdin/%d stdout/%d "
		 "tty/%d urandom/%d zero/%d",
		 DT_DIR, DT_DIR, DT_LNK, DT_CHR, DT_CHR, DT_CHR, DT_DIR, DT_LNK, DT_LNK, DT_LNK,
		 DT_CHR, DT_CHR, DT_CHR);
	CHECK_STR(buf, want);
	CHECK(m->dev->ops->lstat(&m->t2, m->dev, "null", &st) == 0 &&
	      st.st_mode == (S_IFCHR | 0666) && st.st_rdev == makedev(1, 3));
	CHECK(m->dev->ops->lstat(&m->t2, m->dev, "urandom", &st) == 0 &&
	      st.st_rdev == makedev(1, 9));
	CHECK(m->dev->ops->lstat(&m->t2, m->dev, "tty", &st) == 0 && st.st_rdev == makedev(5, 0));
	CHECK(m->dev->ops->lstat(&m->t2, m->dev, "null/x", &st) == -ENOTDIR);
	CHECK(m->dev->ops->lstat(&m->t2, m->dev, "nothing", &st) == -ENOENT);
	CHECK_STR(link_of(m, m->dev, "stdin"), "/proc/self/fd/0");
	CHECK_STR(link_of(m, m->dev, "fd"), "/proc/self/fd");
	CHECK(dev_read(m, "null", a, sizeof a) == 0);
	CHECK(dev_write(m, "null", 64) == 64);
	memset(a, 0xff, sizeof a);
	CHECK(dev_read(m, "zero", a, sizeof a) == 64 && !memcmp(a, zeros, 64));
	CHECK(dev_write(m, "zero", 10) == 10);
	CHECK(dev_read(m, "full", a, sizeof a) == 64 && !memcmp(a, zeros, 64));
	CHECK(dev_write(m, "full", 1) == -ENOSPC);
	CHECK(dev_read(m, "urandom", a, sizeof a) == 64 && memcmp(a, zeros, 64));
	CHECK(dev_read(twin, "urandom", b, sizeof b) == 64 && !memcmp(a, b, 64));
	CHECK(dev_read(m, "random", a, sizeof a) == 64 && memcmp(a, b, 64));
	CHECK(dev_read(twin, "random", b, sizeof b) == 64 && !memcmp(a, b, 64));
	struct file *f;
	CHECK(open_at(m, m->dev, "null", LINUX_O_RDONLY, &f) == 0 && f->ops->stat(f, &st) == 0 &&
	      st.st_rdev == makedev(1, 3));
	file_put(f);
	CHECK(open_at(m, m->dev, "stdin", LINUX_O_RDONLY | LINUX_O_NOFOLLOW, &f) == -ELOOP);
	CHECK(open_at(m, m->dev, "", LINUX_O_WRONLY, &f) == -EISDIR);
	list(m, m->dev, "shm", buf, sizeof buf);
	snprintf(want, sizeof want, "./%d ../%d", DT_DIR, DT_DIR);
	CHECK_STR(buf, want);
}

int main(void)
{
	struct machine *m = machine_create(42), *twin = machine_create(42);
	test_root(m);
	test_pid_dir(m);
	test_links(m);
	test_open_rules(m);
	test_maps(m);
	test_stat_files(m);
	test_text_files(m);
	test_machine_files(m);
	test_devfs(m, twin);
	machine_free(m);
	machine_free(twin);
	printf("vfs_procfs: %d checks, %d failed\n", checks, failures);
	return failures != 0;
}
