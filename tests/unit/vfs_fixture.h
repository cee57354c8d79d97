/* What the VFS unit tests share: a machine with one process whose ids the
 * tests switch, check(), and shorthands over fs_ops and file_ops. */
#ifndef HEXVM_TESTS_UNIT_VFS_FIXTURE_H
#define HEXVM_TESTS_UNIT_VFS_FIXTURE_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/vfs/file.h"
#include "kernel/vfs/vfs.h"
#include "kernel/vm.h"

struct fixture {
	struct vm vm;
	struct process proc;
	struct task task;
	int failures;
	int64_t rc; /* of the last fx_open */
};

static inline void fx_init(struct fixture *fx)
{
	memset(fx, 0, sizeof *fx);
	fx->vm.opt.epoch = 1893456000; /* 2030-01-01 */
	fx->task.vm = &fx->vm;
	fx->task.proc = &fx->proc;
}

static inline void fx_as(struct fixture *fx, uint32_t uid, uint32_t gid)
{
	fx->proc.uid = uid;
	fx->proc.gid = gid;
}

/* One line per check; the run fails when any did. */
static inline void check(struct fixture *fx, int ok, const char *what)
{
	printf("%s %s\n", ok ? "ok" : "FAIL", what);
	fx->failures += !ok;
}

static inline void check_rc(struct fixture *fx, int64_t got, int64_t want, const char *what)
{
	if (got == want) {
		check(fx, 1, what);
		return;
	}
	printf("FAIL %s: got %lld (%s), want %lld\n", what, (long long)got,
	       got < 0 ? strerror((int)-got) : "", (long long)want);
	fx->failures++;
}

static inline struct file *fx_open(struct fixture *fx, struct fs *fs, const char *rel, int flags,
				   int mode)
{
	struct file *f = NULL;
	fx->rc = fs->ops->open(&fx->task, fs, rel, flags, mode, &f);
	return fx->rc ? NULL : f;
}

static inline int64_t fx_read(struct file *f, void *buf, size_t n, uint64_t off)
{
	if (f->ops)
		return f->ops->pread(f, buf, n, off);
	ssize_t r = pread(f->host_fd, buf, n, (off_t)off);
	return r < 0 ? -errno : r;
}

/* Writes s as the whole of rel, creating it; 0 or -errno. */
static inline int64_t fx_put(struct fixture *fx, struct fs *fs, const char *rel, const char *s)
{
	struct file *f = fx_open(fx, fs, rel, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (!f)
		return fx->rc;
	int64_t n;
	if (f->ops)
		n = f->ops->pwrite(f, s, strlen(s), 0);
	else
		n = pwrite(f->host_fd, s, strlen(s), 0) < 0 ? -errno : 0;
	file_put(f);
	return n < 0 ? n : 0;
}

/* The contents of rel as a string ("" when it cannot be read). */
static inline const char *fx_get(struct fixture *fx, struct fs *fs, const char *rel)
{
	static char buf[4096];
	struct file *f = fx_open(fx, fs, rel, O_RDONLY, 0);
	int64_t n = f ? fx_read(f, buf, sizeof buf - 1, 0) : 0;
	buf[n > 0 ? n : 0] = 0;
	file_put(f);
	return buf;
}

static inline int fx_cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in directory file f but "." and "..", sorted, space-separated,
 * each once ("!dup" appended when one came twice). */
static inline const char *fx_list_file(struct fixture *fx, struct file *f)
{
	static char out[4096];
	char names[64][VFS_NAME_MAX + 1], *sorted[64];
	struct vfs_dirent e;
	uint64_t pos = 0;
	size_t n = 0;
	while (n < 64 && f->ops->readdir(&fx->task, f, &pos, &e) > 0)
		if (strcmp(e.name, ".") && strcmp(e.name, ".."))
			strcpy(names[n++], e.name);
	for (size_t i = 0; i < n; i++)
		sorted[i] = names[i];
	qsort(sorted, n, sizeof *sorted, fx_cmp_names);
	out[0] = 0;
	for (size_t i = 0; i < n; i++) {
		if (i && !strcmp(sorted[i], sorted[i - 1]))
			strcat(out, "!dup ");
		strcat(out, sorted[i]);
		strcat(out, i + 1 < n ? " " : "");
	}
	return out;
}

static inline const char *fx_list(struct fixture *fx, struct fs *fs, const char *rel)
{
	struct file *f = fx_open(fx, fs, rel, O_RDONLY | O_DIRECTORY, 0);
	if (!f)
		return "(cannot open)";
	const char *s = fx_list_file(fx, f);
	file_put(f);
	return s;
}

/* Every readdir cookie of rel, given back, gives the entry that followed it. */
static inline void check_cookies(struct fixture *fx, struct fs *fs, const char *rel,
				 const char *what)
{
	char names[64][VFS_NAME_MAX + 1];
	uint64_t before[64], pos = 0;
	struct vfs_dirent e;
	int n = 0, ok = 1;
	struct file *f = fx_open(fx, fs, rel, O_RDONLY | O_DIRECTORY, 0);
	for (before[0] = 0; f && n < 64 && f->ops->readdir(&fx->task, f, &pos, &e) > 0;
	     before[++n] = pos)
		strcpy(names[n], e.name);
	for (int i = n - 1; i >= 0; i--) {
		pos = before[i];
		ok &= f->ops->readdir(&fx->task, f, &pos, &e) == 1 && !strcmp(e.name, names[i]);
	}
	check(fx, f && n > 2 && ok, what);
	file_put(f);
}

static inline int fx_lstat(struct fixture *fx, struct fs *fs, const char *rel, struct stat *st)
{
	return fs->ops->lstat(&fx->task, fs, rel, st);
}

static inline void check_str(struct fixture *fx, const char *got, const char *want,
			     const char *what)
{
	if (!strcmp(got, want)) {
		check(fx, 1, what);
		return;
	}
	printf("FAIL %s: got \"%s\", want \"%s\"\n", what, got, want);
	fx->failures++;
}

#endif
