/* Starting a program: read the file, follow #! lines, validate and map the
 * ELF image, build the stack, set the registers. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/compiler.h"
#include "cpu/cpuid.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/path.h"
#include "kernel/vfs/vfs.h"
#include "kernel/vm.h"
#include "loader/loader.h"
#include "mem/mm.h"

#define SCRIPT_DEPTH_MAX 4
#define SCRIPT_LINE_MAX	 256
#define STACK_SIZE	 (8ull << 20)
#define PIE_BASE_64	 0xa00000000ull
#define PIE_BASE_32	 0x56555000ull
#define STACK_TOP_32	 0xffffe000ull

static int fail_errno(struct exec_error *err, int e)
{
	snprintf(err->msg, sizeof err->msg, "%s", strerror(e));
	err->err = e;
	err->status = e == ENOENT || e == ENOTDIR ? 127 : 126;
	return -1;
}

/* The program file, mapped read-only (or read, where mapping fails). */
struct file_image {
	uint8_t *data;
	size_t size;
	int mapped;
	int host_fd; /* a host file's own descriptor (elf_image.host_fd), or -1 */
	char canonical[VFS_PATH_MAX]; /* the resolved guest path, for /proc/PID/exe */
};

static void release_file(struct file_image *f)
{
	if (f->mapped)
		munmap(f->data, f->size);
	else
		free(f->data);
	if (f->host_fd >= 0)
		close(f->host_fd);
}

static int64_t read_at(struct file *f, void *buf, size_t n, uint64_t off)
{
	if (f->ops)
		return f->ops->pread ? f->ops->pread(f, buf, n, off) : -EINVAL;
	ssize_t got = pread(f->host_fd, buf, n, (off_t)off);
	return got < 0 ? -errno : got;
}

/* A host file is mapped (which spares copying the whole file only to copy
 * its segments again); a file hexvm serves itself, or one the host cannot
 * map, is read. */
static int load_contents(struct file *f, struct file_image *img)
{
	img->mapped = 0;
	img->host_fd = -1;
	if (!f->ops && img->size) {
		void *p = mmap(NULL, img->size, PROT_READ, MAP_PRIVATE, f->host_fd, 0);
		if (p != MAP_FAILED) {
			img->data = p;
			img->mapped = 1;
			img->host_fd = fcntl(f->host_fd, F_DUPFD_CLOEXEC, 0);
			return 0;
		}
	}
	img->data = malloc(img->size ? img->size : 1);
	size_t got = 0;
	while (img->data && got < img->size) {
		int64_t n = read_at(f, img->data + got, img->size - got, got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (img->data && got == img->size)
		return 0;
	free(img->data);
	return -EIO;
}

/* Whether p may run a file of this owner and mode: root any with an x bit. */
static int may_run(const struct process *p, const struct stat *st)
{
	unsigned mode = (unsigned)st->st_mode;
	if (p->uid == 0)
		return (mode & 0111) != 0;
	unsigned bits = p->uid == st->st_uid ? mode >> 6 : p->gid == st->st_gid ? mode >> 3 : mode;
	return (bits & 1) != 0;
}

/* A magic link (/proc/PID/fd/N, /dev/fd/N): the file a description is,
 * a memfd among them, named as the description names it. */
static int open_described(struct task *t, struct vpath *vp, struct file_image *img,
			  struct exec_error *err)
{
	struct stat st;
	struct file *f;
	int64_t opened = path_open(t, vp, O_RDONLY, 0, &f);
	if (opened < 0)
		return fail_errno(err, (int)-opened);
	int rc = f->ops ? (f->ops->stat ? f->ops->stat(f, &st) : -EACCES)
			: (fstat(f->host_fd, &st) ? -errno : 0);
	if (!rc && (!S_ISREG(st.st_mode) || !may_run(t->proc, &st)))
		rc = -EACCES;
	if (!rc) {
		img->size = (size_t)st.st_size;
		rc = load_contents(f, img);
	}
	const char *named = file_path(f);
	if (!rc)
		snprintf(img->canonical, sizeof img->canonical, "%s", named ? named : vp->path);
	file_put(f);
	return rc ? fail_errno(err, -rc) : 0;
}

/* execve wants a regular file the caller may execute (any x bit, for root). */
static int open_file(struct process *p, const char *path, struct file_image *img,
		     struct exec_error *err)
{
	struct task *t = p->task;
	struct vpath vp;
	struct stat st;
	struct file *f;
	int rc = vfs_resolve(t, NULL, path, 0, &vp);
	if (!rc && vp.magic)
		return open_described(t, &vp, img, err);
	if (!rc)
		rc = vfs_lstat(t, &vp, &st);
	if (rc)
		return fail_errno(err, -rc);
	if (S_ISDIR(st.st_mode)) {
		fail_errno(err, EISDIR);
		err->err = EACCES; /* what execve says; people get the reason */
		return -1;
	}
	if (!S_ISREG(st.st_mode) || vp.mnt->fs->ops->access(t, vp.mnt->fs, vp.rel, X_OK))
		return fail_errno(err, EACCES);
	int64_t opened = path_open(t, &vp, O_RDONLY, 0, &f);
	if (opened < 0)
		return fail_errno(err, (int)-opened);
	img->size = (size_t)st.st_size;
	rc = load_contents(f, img);
	file_put(f);
	if (rc)
		return fail_errno(err, -rc);
	snprintf(img->canonical, sizeof img->canonical, "%s", vp.path);
	return 0;
}

/* Splits a #! line as Linux does: the interpreter, then everything after the
 * following blanks as one optional argument. */
static int parse_shebang(const uint8_t *data, size_t size, char *interp, char **arg)
{
	char line[SCRIPT_LINE_MAX];
	size_t n = size < sizeof line - 1 ? size : sizeof line - 1;
	memcpy(line, data, n);
	line[n] = 0;
	char *nl = strchr(line, '\n');
	if (nl)
		*nl = 0;
	char *p = line + 2;
	while (*p == ' ' || *p == '\t')
		p++;
	char *name = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (*p)
		*p++ = 0;
	while (*p == ' ' || *p == '\t')
		p++;
	size_t end = strlen(p);
	while (end && (p[end - 1] == ' ' || p[end - 1] == '\t'))
		p[--end] = 0;
	if (!*name)
		return -1;
	strcpy(interp, name);
	*arg = *p ? strdup(p) : NULL;
	return 0;
}

/* PT_INTERP: the dynamic linker, an ET_DYN of the program's class, mapped
 * where mmap would have put it; *base is AT_BASE, *entry the first rip.
 * Not inlined: its 12 KiB of buffers would deepen every exec's stack. */
static NOINLINE int map_interp(struct process *p, struct mm *mm, const struct elf_image *img,
		      uint64_t *base, uint64_t *entry, struct exec_error *err)
{
	char path[4097];
	struct file_image f;
	struct elf_image ii;
	struct exec_error ierr;
	uint64_t lo, hi, end;
	memcpy(path, img->data + img->interp_off, (size_t)img->interp_len);
	path[img->interp_len] = 0;
	if (open_file(p, path, &f, &ierr)) {
		elf_fail(err, "bad ELF interpreter %.200s: %.40s", path, ierr.msg);
		err->err = ierr.err;
		return -1;
	}
	int rc = elf_check(&ii, f.data, f.size, &ierr);
	ii.host_fd = f.host_fd;
	if (!rc && (!ii.pie || ii.is64 != img->is64 || ii.interp_len))
		rc = elf_fail(&ierr, "not a dynamic linker of this class");
	if (!rc) {
		elf_span(&ii, &lo, &hi);
		uint64_t at = mm_find_free(mm, hi - lo);
		*base = at - lo;
		*entry = ii.entry + *base;
		rc = at ? elf_map(mm, &ii, *base, f.canonical, &end, &ierr)
			: elf_fail(&ierr, "no room for it");
	}
	release_file(&f);
	if (rc) {
		elf_fail(err, "bad ELF interpreter %.200s: %.40s", path, ierr.msg);
		err->err = ELIBBAD;
	}
	return rc;
}

/* path: as given (AT_EXECFN); canonical: the resolved file (mapping names). */
static int exec_image(struct vm *vm, struct process *p, const char *path, const char *canonical,
		      const struct elf_image *img, char *const argv[], char *const envp[],
		      struct exec_error *err)
{
	struct mm *mm = mm_create(&vm->mms, img->is64);
	uint64_t bias = img->pie ? (img->is64 ? PIE_BASE_64 : PIE_BASE_32) : 0, end;
	if (!mm)
		return fail_errno(err, ENOMEM);
	uint64_t interp_base = 0, entry = img->entry + bias;
	mm->sink = &vm->block_totals;
	if (elf_map(mm, img, bias, canonical, &end, err) ||
	    (img->interp_len && map_interp(p, mm, img, &interp_base, &entry, err))) {
		mm_put(mm);
		return -1;
	}
	uint64_t top = img->is64 ? MM_WINDOW_64 - PAGE_SIZE_G : STACK_TOP_32;
	if (mm_map(mm, top - STACK_SIZE, STACK_SIZE, GPROT_READ | GPROT_WRITE,
		   VMA_ANON | VMA_STACK | VMA_GROWSDOWN, "[stack]", 0)) {
		mm_put(mm);
		return fail_errno(err, ENOMEM);
	}
	struct stack_layout lay = {
		.phdr = elf_phdr_addr(img, bias),
		.phnum = img->phnum,
		.phent = img->phentsize,
		.entry = img->entry + bias,
		.base = interp_base,
		.execfn = path,
		.platform = img->is64 ? "x86_64" : "i686",
		.uid = p->uid,
		.gid = p->gid,
		.hwcap = cpuid_query(1, 0).edx,
	};
	vm_random_bytes(vm, lay.random, sizeof lay.random);
	struct mm *old = p->mm;
	int old_mode = p->mode64;
	p->mm = mm;
	p->mode64 = img->is64;
	uint64_t sp = stack_build(p, top, top - STACK_SIZE, argv, envp, &lay);
	if (!sp) {
		p->mm = old;
		p->mode64 = old_mode;
		mm_put(mm);
		elf_fail(err, "arguments and environment too large");
		err->err = E2BIG;
		return -1;
	}
	/* The old image may be the one running this call: it goes after the slice. */
	if (p->old_mm)
		mm_put(p->old_mm);
	p->old_mm = old;
	mm->brk_start = mm->brk = end;
	struct cpu *c = &p->task->cpu;
	cpu_reset(c, img->is64);
	c->rip = entry;
	c->r[R_SP] = sp;
	return 0;
}

static int exec_depth(struct vm *vm, struct process *p, const char *path, char *const argv[],
		      char *const envp[], struct exec_error *err, int depth)
{
	struct file_image file;
	snprintf(err->path, sizeof err->path, "%s", path);
	if (open_file(p, path, &file, err))
		return -1;
	const uint8_t *data = file.data;
	size_t size = file.size;
	int rc;
	if (size >= 2 && data[0] == '#' && data[1] == '!') {
		char interp[SCRIPT_LINE_MAX], *arg = NULL;
		if (depth >= SCRIPT_DEPTH_MAX || parse_shebang(data, size, interp, &arg)) {
			release_file(&file);
			return depth >= SCRIPT_DEPTH_MAX ? fail_errno(err, ELOOP)
							 : elf_fail(err, "empty #! line");
		}
		size_t argc = 0;
		while (argv[argc])
			argc++;
		char **nargv = calloc(argc + 3, sizeof *nargv);
		size_t n = 0;
		nargv[n++] = interp;
		if (arg)
			nargv[n++] = arg;
		nargv[n++] = (char *)path;
		for (size_t k = 1; k < argc; k++)
			nargv[n++] = argv[k];
		rc = exec_depth(vm, p, interp, nargv, envp, err, depth + 1);
		if (rc && err->status == 127) {
			snprintf(err->msg, sizeof err->msg,
				 "bad interpreter %.200s: No such file or directory", interp);
			snprintf(err->path, sizeof err->path, "%s", path);
			err->status = 126;
		}
		free(nargv);
		free(arg);
		release_file(&file);
		return rc;
	}
	struct elf_image img;
	rc = elf_check(&img, data, size, err);
	img.host_fd = file.host_fd;
	if (!rc)
		rc = exec_image(vm, p, path, file.canonical, &img, argv, envp, err);
	if (!rc) {
		free(p->exe);
		p->exe = strdup(file.canonical);
	}
	release_file(&file);
	return rc;
}

/* comm: the base name of what was executed, as Linux takes it */
static void set_comm(struct task *t, const char *path)
{
	const char *base = strrchr(path, '/');
	memset(t->comm, 0, sizeof t->comm);
	snprintf(t->comm, sizeof t->comm, "%.15s", base ? base + 1 : path);
}

int loader_exec(struct vm *vm, struct process *p, const char *path, char *const argv[],
		char *const envp[], struct exec_error *err)
{
	int rc = exec_depth(vm, p, path, argv, envp, err, 0);
	if (!rc)
		set_comm(p->task, path);
	return rc;
}
