/* overlay over a memfs and over a host directory (which must not change),
 * and memfs_export of the upper layer. */
/* unit-sources: src/kernel/vfs/fs/memfs*.c src/kernel/vfs/fs/overlay*.c
 * unit-sources: src/kernel/vfs/fs/hostfs.c src/host/shmfd.c src/kernel/vfs/file.c src/kernel/vfs/hostcache.c src/kernel/clock.c
 * unit-sources: src/kernel/vfs/dirnames.c
 * unit-sources: src/snap/snap_buf.c src/snap/snap_ids.c
 */
#include "vfs_fixture.h"

#include <ftw.h>
#include <limits.h>

#include "kernel/vfs/fs/hostfs.h"
#include "kernel/vfs/fs/memfs.h"
#include "kernel/vfs/fs/overlay.h"
#include "kernel/vfs/pipe.h"

uint64_t vfs_new_dev(struct vm *vm) { return 0x100 + vm->next_dev++; }

/* hostfs serves FIFOs by kernel pipes, which these tests do not use */
int64_t fifo_open(struct task *t, uint64_t dev, uint64_t ino, int flags, const char *path,
		  struct file **out)
{
	return -ENXIO;
}

/* The lower tree both overlays start from. */
static void populate(struct fixture *fx, struct fs *fs)
{
	struct task *t = &fx->task;
	fs->ops->mkdir(t, fs, "etc", 0755);
	fx_put(fx, fs, "etc/passwd", "root:x:0:0");
	fx_put(fx, fs, "etc/hosts", "127.0.0.1");
	fs->ops->mkdir(t, fs, "usr", 0755);
	fs->ops->mkdir(t, fs, "usr/bin", 0751);
	fx_put(fx, fs, "usr/bin/ls", "ELF-ls");
	fx_put(fx, fs, "usr/bin/cat", "ELF-cat");
	fs->ops->mkdir(t, fs, "usr/share", 0755);
	fx_put(fx, fs, "usr/share/a", "a");
	fs->ops->mkdir(t, fs, "empty", 0755);
	fs->ops->mkdir(t, fs, "vacant", 0755);
	fs->ops->symlink(t, fs, "usr/bin", "bin");
	fs->ops->mkdir(t, fs, "opt", 0755);
	fx_put(fx, fs, "opt/tool", "tool");
}

static void test_reads(struct fixture *fx, struct fs *ov, struct fs *lower)
{
	struct stat st, lst;
	char buf[64];
	check_str(fx, fx_get(fx, ov, "etc/passwd"), "root:x:0:0", "read a lower file");
	fx_lstat(fx, ov, "etc/passwd", &st);
	fx_lstat(fx, lower, "etc/passwd", &lst);
	check(fx, st.st_dev == lst.st_dev && st.st_ino == lst.st_ino, "the lower's dev and ino");
	check_rc(fx, ov->ops->readlink(&fx->task, ov, "bin", buf, sizeof buf), 7, "readlink");
	check_str(fx, fx_list(fx, ov, ""), "bin empty etc opt usr vacant", "list the root");
	check_str(fx, fx_list(fx, ov, "usr/bin"), "cat ls", "list a lower dir");
	check_cookies(fx, ov, "usr/bin", "cookies of a lower dir");
}

static void test_copy_up(struct fixture *fx, struct fs *ov, struct fs *lower, struct fs *upper)
{
	struct stat st, lst;
	struct task *t = &fx->task;
	struct file *f = fx_open(fx, ov, "etc/passwd", O_RDWR, 0);
	check(fx, f && f->ops && f->ops->pwrite(f, "ROOT", 4, 0) == 4, "write a lower file");
	file_put(f);
	check_str(fx, fx_get(fx, ov, "etc/passwd"), "ROOT:x:0:0", "the overlay has the change");
	check_str(fx, fx_get(fx, lower, "etc/passwd"), "root:x:0:0", "the lower does not");
	fx_lstat(fx, ov, "etc/passwd", &st);
	check(fx, st.st_dev == upper->dev, "now served by the upper layer");
	fx_lstat(fx, ov, "etc", &st);
	fx_lstat(fx, lower, "etc", &lst);
	check(fx,
	      st.st_dev == upper->dev && st.st_mode == lst.st_mode &&
		      st.st_mtim.tv_nsec == lst.st_mtim.tv_nsec,
	      "the parent copied up as it was");
	f = fx_open(fx, ov, "etc/hosts", O_WRONLY | O_TRUNC, 0);
	file_put(f);
	check(fx, !fx_lstat(fx, ov, "etc/hosts", &st) && st.st_size == 0, "O_TRUNC copy-up");
	check_str(fx, fx_get(fx, lower, "etc/hosts"), "127.0.0.1", "the lower keeps its contents");
	check_rc(fx, ov->ops->chmod(t, ov, "usr/bin/ls", 0700), 0, "chmod a lower file");
	fx_lstat(fx, ov, "usr/bin/ls", &st);
	fx_lstat(fx, lower, "usr/bin/ls", &lst);
	check(fx, (st.st_mode & 0777) == 0700 && (lst.st_mode & 0777) == 0644, "mode only above");
	check_str(fx, fx_get(fx, ov, "usr/bin/ls"), "ELF-ls", "contents copied up");
	fx_lstat(fx, ov, "usr/bin", &st);
	check(fx, (st.st_mode & 0777) == 0751, "parent mode copied up");
	f = fx_open(fx, ov, "usr/bin/cat", O_RDONLY, 0);
	check_rc(fx, f && f->ops && f->ops->chmod ? f->ops->chmod(f, 0755) : -1, 0,
		 "fchmod read-only");
	fx_lstat(fx, lower, "usr/bin/cat", &lst);
	check(fx, (lst.st_mode & 0777) == 0644, "fchmod left the lower alone");
	file_put(f);
	check_rc(fx, ov->ops->link(t, ov, "usr/share/a", "usr/share/b"), 0, "link a lower file");
	check(fx, !fx_lstat(fx, ov, "usr/share/b", &st) && st.st_nlink == 2, "nlink 2 above");
	fx_put(fx, ov, "etc/new", "new");
	check_str(fx, fx_list(fx, ov, "etc"), "hosts new passwd", "merged listing, no duplicates");
	check_str(fx, fx_list(fx, ov, "usr"), "bin share", "a merged dir lists both layers");
	check_cookies(fx, ov, "usr", "cookies of a merged dir");
}

static void test_whiteouts(struct fixture *fx, struct fs *ov, struct fs *lower)
{
	struct stat st;
	struct task *t = &fx->task;
	check_rc(fx, ov->ops->unlink(t, ov, "usr/bin/cat"), 0, "unlink a lower file");
	check_rc(fx, fx_lstat(fx, ov, "usr/bin/cat", &st), -ENOENT, "gone from the overlay");
	check_rc(fx, fx_lstat(fx, lower, "usr/bin/cat", &st), 0, "still in the lower");
	check_str(fx, fx_list(fx, ov, "usr/bin"), "ls", "hidden from listings");
	check_rc(fx, fx_put(fx, ov, "usr/bin/cat", "new cat"), 0, "create over a whiteout");
	check_str(fx, fx_get(fx, ov, "usr/bin/cat"), "new cat", "the new file shows");
	check_rc(fx, ov->ops->rmdir(t, ov, "usr/share"), -ENOTEMPTY, "rmdir a full merged dir");
	ov->ops->unlink(t, ov, "usr/share/a");
	ov->ops->unlink(t, ov, "usr/share/b");
	check_str(fx, fx_list(fx, ov, "usr/share"), "", "all whited out");
	check_rc(fx, ov->ops->rmdir(t, ov, "usr/share"), 0, "then rmdir works");
	check_rc(fx, ov->ops->mkdir(t, ov, "usr/share", 0700), 0, "mkdir over the whiteout");
	check_str(fx, fx_list(fx, ov, "usr/share"), "",
		  "an opaque dir: the lower's a stays hidden");
	check_rc(fx, fx_lstat(fx, ov, "usr/share/a", &st), -ENOENT, "lookups too");
	check_rc(fx, ov->ops->rmdir(t, ov, "empty"), 0, "rmdir a lower-only dir");
	ov->ops->mkdir(t, ov, "full", 0755);
	fx_put(fx, ov, "full/y", "y");
	check_rc(fx, ov->ops->rename(t, ov, "full", "etc", 0), -ENOTEMPTY, "onto a full lower dir");
	check_rc(fx, ov->ops->rename(t, ov, "full", "vacant", 0), 0, "onto an empty lower dir");
	check_str(fx, fx_list(fx, ov, "vacant"), "y", "it replaced the lower's");
	check_rc(fx, ov->ops->mkdir(t, ov, "etc", 0755), -EEXIST, "mkdir over a lower dir");
	check_rc(fx, ov->ops->rename(t, ov, "etc/hosts", "etc/hosts2", 0), 0,
		 "rename a lower file");
	check_rc(fx, fx_lstat(fx, ov, "etc/hosts", &st), -ENOENT, "its old name is gone");
	check_rc(fx, ov->ops->rename(t, ov, "etc/passwd", "etc/new", 0), 0, "rename over a file");
	check_str(fx, fx_list(fx, ov, "etc"), "hosts2 new", "the listing follows");
	check_rc(fx, ov->ops->rename(t, ov, "usr", "usr2", 0), -EXDEV, "rename a lower dir: EXDEV");
	ov->ops->mkdir(t, ov, "mine", 0755);
	fx_put(fx, ov, "mine/x", "x");
	check_rc(fx, ov->ops->rename(t, ov, "mine", "usr/bin/mine", 0), 0, "rename an upper dir");
	check_str(fx, fx_get(fx, ov, "usr/bin/mine/x"), "x", "it moved");
	struct file *f = fx_open(fx, lower, "", O_RDONLY, 0);
	check_str(fx, fx_list_file(fx, f), "bin empty etc opt usr vacant",
		  "the lower's root as it was");
	file_put(f);
}

/* What the caller may not do leaves no copy behind. */
static void test_refusals(struct fixture *fx, struct fs *ov, struct fs *lower)
{
	struct stat st;
	struct task *t = &fx->task;
	fx_as(fx, 1000, 1000);
	check_rc(fx, ov->ops->chmod(t, ov, "opt/tool", 0777), -EPERM, "chmod another's lower file");
	fx_open(fx, ov, "opt/tool", O_WRONLY, 0);
	check_rc(fx, fx->rc, -EACCES, "open it for writing");
	check_rc(fx, ov->ops->unlink(t, ov, "opt/tool"), -EACCES, "unlink it");
	check_rc(fx, fx_put(fx, ov, "opt/new", ""), -EACCES, "create beside it");
	check_rc(fx, ov->ops->access(t, ov, "opt/tool", W_OK), -EACCES, "access W_OK");
	check_rc(fx, ov->ops->access(t, ov, "opt/tool", R_OK), 0, "access R_OK");
	check(fx,
	      !fx_lstat(fx, ov, "opt/tool", &st) && st.st_dev == lower->dev &&
		      !fx_lstat(fx, ov, "opt", &st) && st.st_dev == lower->dev,
	      "nothing was copied up");
	fx_as(fx, 0, 0);
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	return remove(path);
}

/* Runs cmd (a shell line) and gives its first output line. */
static const char *shell(const char *cmd)
{
	static char line[1024];
	FILE *p = popen(cmd, "r");
	line[0] = 0;
	if (p && fgets(line, sizeof line, p))
		line[strcspn(line, "\n")] = 0;
	if (p)
		pclose(p);
	return line;
}

/* Over a host directory: the guest changes it, the host sees nothing;
 * the export then writes the changes into a copy. */
static void test_host(struct fixture *fx, const char *dir)
{
	char host[PATH_MAX], cmd[3 * PATH_MAX];
	struct stat st;
	snprintf(host, sizeof host, "%s/host", dir);
	mkdir(host, 0755);
	struct fs *h = hostfs_create(host);
	populate(fx, h);
	h->ops->link(&fx->task, h, "etc/passwd", "etc/passwd.link");
	snprintf(cmd, sizeof cmd,
		 "cd %s && find . -printf '%%p %%i %%n %%s %%T@ %%C@ %%m %%l\\n' | sort | md5sum",
		 host);
	char before[64];
	snprintf(before, sizeof before, "%s", shell(cmd));
	struct fs *upper = memfs_create(&fx->vm);
	struct fs *ov = overlay_create(&fx->vm, upper, h);
	struct task *t = &fx->task;
	check_str(fx, fx_get(fx, ov, "etc/passwd"), "root:x:0:0", "host: read");
	check_str(fx, fx_list(fx, ov, "usr/bin"), "cat ls", "host: list");
	fx_put(fx, ov, "usr/bin/ls", "patched");
	fx_put(fx, ov, "usr/bin/new", "new");
	ov->ops->unlink(t, ov, "usr/bin/cat");
	ov->ops->chmod(t, ov, "etc/hosts", 0600);
	ov->ops->unlink(t, ov, "usr/share/a");
	ov->ops->rmdir(t, ov, "usr/share");
	ov->ops->mkdir(t, ov, "usr/share", 0755);
	fx_put(fx, ov, "usr/share/b", "b");
	ov->ops->rmdir(t, ov, "empty");
	ov->ops->symlink(t, ov, "ls", "usr/bin/ll");
	ov->ops->link(t, ov, "usr/bin/new", "usr/bin/new2");
	struct file *f = fx_open(fx, ov, "big", O_RDWR | O_CREAT, 0640);
	f->ops->pwrite(f, "end", 3, 1 << 20);
	file_put(f);
	check_str(fx, fx_list(fx, ov, "usr/bin"), "ll ls new new2", "host: merged listing");
	check_str(fx, fx_list(fx, ov, "usr/share"), "b", "host: opaque dir");
	check_str(fx, fx_get(fx, ov, "usr/bin/ls"), "patched", "host: copied-up contents");
	check(fx, strlen(before) >= 32, "the host tree's fingerprint");
	check_str(fx, shell(cmd), before, "the host tree did not change at all");
	snprintf(cmd, sizeof cmd, "cp -a %s %s/export", host, dir);
	shell(cmd);
	snprintf(host, sizeof host, "%s/export", dir);
	check_rc(fx, memfs_export(overlay_upper(ov), host), 0, "export onto a copy");
	snprintf(cmd, sizeof cmd, "cd %s && find . | LC_ALL=C sort | tr '\\n' ' '", host);
	check_str(
		fx, shell(cmd),
		". ./big ./bin ./etc ./etc/hosts ./etc/passwd ./etc/passwd.link ./opt ./opt/tool "
		"./usr ./usr/bin "
		"./usr/bin/ll ./usr/bin/ls ./usr/bin/new ./usr/bin/new2 ./usr/share ./usr/share/b "
		"./vacant ",
		"export: the merged tree");
	snprintf(cmd, sizeof cmd,
		 "cd %s && cat usr/bin/ls; stat -c %%a etc/hosts; readlink usr/bin/ll", host);
	check_str(fx, shell(cmd), "patched600", "export: contents, modes"); /* no newline in ls */
	snprintf(cmd, sizeof cmd, "%s/usr/bin/new", host);
	check(fx, !stat(cmd, &st) && st.st_nlink == 2, "export: hard links stay links");
	snprintf(cmd, sizeof cmd, "%s/big", host);
	check(fx, !stat(cmd, &st) && st.st_size == (1 << 20) + 3 && st.st_blocks < 64,
	      "export: sparse stays sparse");
	ov->ops->destroy(ov);
}

/* argv[1]: where to put scratch files (default /tmp) */
int main(int argc, char **argv)
{
	struct fixture fx;
	fx_init(&fx);
	fx_as(&fx, 0, 0);
	struct fs *lower = memfs_create(&fx.vm), *upper = memfs_create(&fx.vm);
	populate(&fx, lower);
	struct fs *ov = overlay_create(&fx.vm, upper, lower);
	check(&fx, ov && !strcmp(ov->type, "overlay") && overlay_upper(ov) == upper,
	      "overlay_create");
	test_reads(&fx, ov, lower);
	test_copy_up(&fx, ov, lower, upper);
	test_whiteouts(&fx, ov, lower);
	test_refusals(&fx, ov, lower);
	ov->ops->destroy(ov);
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/vfs_overlay.XXXXXX", argc > 1 ? argv[1] : "/tmp");
	if (mkdtemp(dir)) {
		test_host(&fx, dir);
		nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	} else {
		check(&fx, 0, "mkdtemp");
	}
	printf("%d failed\n", fx.failures);
	return fx.failures != 0;
}
