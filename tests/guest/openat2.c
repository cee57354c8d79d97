/* openat2 with its argument checks and every RESOLVE_* flag, fchmodat2,
 * and the old getdents with its own record layout, in a scratch tree:
 *   oa2/file, oa2/sub/inner, oa2/to_sub -> sub, oa2/to_abs -> /file,
 *   oa2/to_up -> ../oa2.outside, oa2.outside */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NR_OPENAT2   437
#define NR_FCHMODAT2 452

#define R_NO_XDEV	0x01
#define R_NO_MAGICLINKS 0x02
#define R_NO_SYMLINKS	0x04
#define R_BENEATH	0x08
#define R_IN_ROOT	0x10
#define R_CACHED	0x20

struct how {
	uint64_t flags, mode, resolve;
	uint64_t extra; /* a later version's field, for the size checks */
};

static const char *err_name(int e)
{
	switch (e) {
	case 0: return "ok";
	case EINVAL: return "EINVAL";
	case E2BIG: return "E2BIG";
	case EXDEV: return "EXDEV";
	case ELOOP: return "ELOOP";
	case EAGAIN: return "EAGAIN";
	case ENOENT: return "ENOENT";
	case ENOTDIR: return "ENOTDIR";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EBADF: return "EBADF";
	case EFAULT: return "EFAULT";
	default: return strerror(e);
	}
}

/* openat2's result: "ok" (closing what it opened) or the error's name */
static const char *try_open(int dirfd, const char *path, uint64_t flags, uint64_t mode,
			    uint64_t resolve, size_t size, uint64_t extra)
{
	struct how how = {flags, mode, resolve, extra};
	long fd = syscall(NR_OPENAT2, dirfd, path, &how, size);
	if (fd >= 0) {
		close((int)fd);
		return "ok";
	}
	return err_name(errno);
}

static const char *resolved(int dirfd, const char *path, uint64_t resolve)
{
	return try_open(dirfd, path, O_RDONLY, 0, resolve, 24, 0);
}

/* what an openat2 in the scratch dir finds: the file's first line */
static void show_found(int dirfd, const char *path, uint64_t resolve)
{
	struct how how = {O_RDONLY, 0, resolve, 0};
	char buf[64] = "";
	long fd = syscall(NR_OPENAT2, dirfd, path, &how, (size_t)24);
	if (fd < 0) {
		printf("  %-22s -> %s\n", path, err_name(errno));
		return;
	}
	ssize_t n = read((int)fd, buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	buf[strcspn(buf, "\n")] = 0;
	printf("  %-22s -> \"%s\"\n", path, buf);
	close((int)fd);
}

static void put_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		(void)!write(fd, text, strlen(text));
		close(fd);
	}
}

static void make_tree(void)
{
	mkdir("oa2", 0755);
	mkdir("oa2/sub", 0755);
	put_file("oa2/file", "the file\n");
	put_file("oa2/sub/inner", "inner\n");
	put_file("oa2.outside", "outside\n");
	symlink("sub", "oa2/to_sub");
	symlink("/file", "oa2/to_abs");
	symlink("../oa2.outside", "oa2/to_up");
}

static void remove_tree(void)
{
	const char *files[] = {"oa2/to_up", "oa2/to_abs", "oa2/to_sub", "oa2/sub/inner",
			       "oa2/file", "oa2.outside"};
	for (size_t k = 0; k < sizeof files / sizeof files[0]; k++)
		unlink(files[k]);
	rmdir("oa2/sub");
	rmdir("oa2");
}

static void argument_checks(int d)
{
	printf("sizes: 16 %s, 24 %s, 32 zero tail %s, 32 nonzero tail %s\n",
	       try_open(d, "file", O_RDONLY, 0, 0, 16, 0), try_open(d, "file", O_RDONLY, 0, 0, 24, 0),
	       try_open(d, "file", O_RDONLY, 0, 0, 32, 0), try_open(d, "file", O_RDONLY, 0, 0, 32, 1));
	printf("unknown flag bit %s, upper flag bits %s, unknown resolve bit %s\n",
	       try_open(d, "file", O_RDONLY | 0x80000000u, 0, 0, 24, 0),
	       try_open(d, "file", O_RDONLY | (1ull << 40), 0, 0, 24, 0),
	       try_open(d, "file", O_RDONLY, 0, 0x40, 24, 0));
	printf("mode without O_CREAT %s, mode with O_CREAT %s, mode beyond 07777 %s\n",
	       try_open(d, "file", O_RDONLY, 0644, 0, 24, 0),
	       try_open(d, "made", O_WRONLY | O_CREAT, 0600, 0, 24, 0),
	       try_open(d, "made", O_WRONLY | O_CREAT, 010000, 0, 24, 0));
	unlinkat(d, "made", 0);
	printf("BENEATH|IN_ROOT %s, O_PATH|O_RDWR %s, O_PATH|O_NOFOLLOW %s\n",
	       resolved(d, "file", R_BENEATH | R_IN_ROOT),
	       try_open(d, "file", O_PATH | O_RDWR, 0, 0, 24, 0),
	       try_open(d, "file", O_PATH | O_NOFOLLOW, 0, 0, 24, 0));
	struct how plain = {O_RDONLY, 0, 0, 0};
	long opened = syscall(NR_OPENAT2, d, "file", &plain, (size_t)24);
	int by_openat = openat(d, "file", O_RDONLY);
	printf("status flags: openat2 %#x, openat %#x\n", fcntl((int)opened, F_GETFL),
	       fcntl(by_openat, F_GETFL));
	close((int)opened);
	close(by_openat);
	printf("CACHED: plain %s, with O_CREAT %s, with O_TRUNC %s\n", resolved(d, "file", R_CACHED),
	       try_open(d, "file", O_WRONLY | O_CREAT, 0600, R_CACHED, 24, 0),
	       try_open(d, "file", O_WRONLY | O_TRUNC, 0, R_CACHED, 24, 0));
	struct how how = {O_RDONLY, 0, 0, 0};
	long fd = syscall(NR_OPENAT2, d, "file", NULL, (size_t)24);
	printf("NULL how %s", fd < 0 ? err_name(errno) : "opened");
	fd = syscall(NR_OPENAT2, 999, "file", &how, (size_t)24);
	printf(", bad fd %s\n", fd < 0 ? err_name(errno) : "opened");
}

static void scoped(int d)
{
	printf("BENEATH:\n");
	const char *paths[] = {"file",	 "sub/../file", "to_sub/inner", "to_sub/../file",
			       "../oa2/file", "/etc/hostname", "to_abs",   "to_up",
			       "sub/../../oa2/file", "."};
	for (size_t k = 0; k < sizeof paths / sizeof paths[0]; k++)
		show_found(d, paths[k], R_BENEATH);
	printf("IN_ROOT:\n");
	const char *rooted[] = {"/file", "../../file", "to_abs", "/sub/../../sub/inner", "to_up"};
	for (size_t k = 0; k < sizeof rooted / sizeof rooted[0]; k++)
		show_found(d, rooted[k], R_IN_ROOT);
	int fd = open("oa2/file", O_RDONLY);
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	printf("magic links under BENEATH %s, IN_ROOT %s\n", resolved(AT_FDCWD, path, R_BENEATH),
	       resolved(AT_FDCWD, path, R_IN_ROOT));
	close(fd);
}

static void links_and_mounts(int d)
{
	int fd = open("oa2/file", O_RDONLY);
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	printf("NO_SYMLINKS: to_sub/inner %s, sub/inner %s, to_sub with O_PATH|O_NOFOLLOW %s, "
	       "with O_NOFOLLOW %s\n",
	       resolved(d, "to_sub/inner", R_NO_SYMLINKS), resolved(d, "sub/inner", R_NO_SYMLINKS),
	       try_open(d, "to_sub", O_PATH | O_NOFOLLOW, 0, R_NO_SYMLINKS, 24, 0),
	       try_open(d, "to_sub", O_RDONLY | O_NOFOLLOW, 0, R_NO_SYMLINKS, 24, 0));
	printf("NO_MAGICLINKS: fd link %s, /proc/self/exe %s, /proc/self/status %s, "
	       "fd link with NO_SYMLINKS %s\n",
	       resolved(AT_FDCWD, path, R_NO_MAGICLINKS),
	       resolved(AT_FDCWD, "/proc/self/exe", R_NO_MAGICLINKS),
	       resolved(AT_FDCWD, "/proc/self/status", R_NO_MAGICLINKS),
	       resolved(AT_FDCWD, path, R_NO_SYMLINKS));
	printf("NO_XDEV: file %s, /proc/self/status %s, /proc from / %s\n", resolved(d, "file", R_NO_XDEV),
	       resolved(AT_FDCWD, "/proc/self/status", R_NO_XDEV), resolved(AT_FDCWD, "/proc", R_NO_XDEV));
	close(fd);
}

static void chmod2(int d)
{
	struct stat st;
	long rc = syscall(NR_FCHMODAT2, d, "file", 0600, 0x4);
	printf("fchmodat2: unknown flag %s", rc < 0 ? err_name(errno) : "ok");
	rc = syscall(NR_FCHMODAT2, d, "to_sub", 0700, AT_SYMLINK_NOFOLLOW);
	printf(", NOFOLLOW on a symlink %s", rc < 0 ? err_name(errno) : "ok");
	rc = syscall(NR_FCHMODAT2, d, "file", 0604, AT_SYMLINK_NOFOLLOW);
	fstatat(d, "file", &st, 0);
	printf(", NOFOLLOW on a file %s (mode %o)", rc < 0 ? err_name(errno) : "ok",
	       (unsigned)st.st_mode & 07777);
	int fd = openat(d, "sub/inner", O_RDONLY);
	rc = syscall(NR_FCHMODAT2, fd, "", 0640, AT_EMPTY_PATH);
	fstat(fd, &st);
	printf(", EMPTY_PATH %s (mode %o)", rc < 0 ? err_name(errno) : "ok", (unsigned)st.st_mode & 07777);
	rc = syscall(NR_FCHMODAT2, d, "to_sub", 0711, 0);
	fstatat(d, "sub", &st, 0);
	printf(", through a symlink %s (dir mode %o)\n", rc < 0 ? err_name(errno) : "ok",
	       (unsigned)st.st_mode & 07777);
	close(fd);
	fchmodat(d, "sub", 0755, 0);
}

/* struct linux_dirent: long ino, long off, u16 reclen, name, pad, type */
static void old_getdents(int d)
{
	char buf[512];
	const size_t word = sizeof(long);
	int fd = openat(d, ".", O_RDONLY | O_DIRECTORY), calls = 0, entries = 0, good = 1;
	char names[16][32];
	long n;
	printf("getdents with a buffer too small: %s\n",
	       syscall(SYS_getdents, fd, buf, (size_t)8) < 0 ? err_name(errno) : "ok");
	while ((n = syscall(SYS_getdents, fd, buf, sizeof buf)) > 0) {
		calls++;
		for (long at = 0; at < n;) {
			unsigned short reclen;
			memcpy(&reclen, buf + at + 2 * word, 2);
			const char *name = buf + at + 2 * word + 2;
			unsigned char type = (unsigned char)buf[at + reclen - 1];
			size_t want = (2 * word + 2 + strlen(name) + 2 + word - 1) & ~(word - 1);
			good &= reclen == want;
			if (entries < 16)
				snprintf(names[entries], sizeof names[0], "%.20s:%s", name,
					 type == DT_DIR ? "dir" : type == DT_LNK ? "link" : type == DT_REG ? "file" : "?");
			entries++;
			at += reclen;
		}
	}
	qsort(names, entries < 16 ? (size_t)entries : 16, sizeof names[0],
	      (int (*)(const void *, const void *))strcmp);
	printf("getdents: %d entries, records as Linux sizes them %s, end %s:", entries,
	       good ? "yes" : "NO", n == 0 ? "0" : err_name(errno));
	for (int k = 0; k < entries && k < 16; k++)
		printf(" %s", names[k]);
	printf("\n");
	lseek(fd, 0, SEEK_SET);
	int small_calls = 0, small_entries = 0;
	while ((n = syscall(SYS_getdents, fd, buf, (size_t)40)) > 0) {
		small_calls++;
		for (long at = 0; at < n; small_entries++) {
			unsigned short reclen;
			memcpy(&reclen, buf + at + 2 * word, 2);
			at += reclen;
		}
	}
	printf("getdents 40 bytes at a time: %d entries in %d calls\n", small_entries, small_calls);
	close(fd);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	remove_tree();
	make_tree();
	int d = open("oa2", O_RDONLY | O_DIRECTORY);
	argument_checks(d);
	scoped(d);
	links_and_mounts(d);
	chmod2(d);
	old_getdents(d);
	close(d);
	remove_tree();
	return 0;
}
