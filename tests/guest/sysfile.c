/* File-system system calls of a static program, run in an empty scratch directory (the
 * harness also compares the files left behind). Successful calls print their results;
 * failing calls print the errno by name. Nothing host-specific is printed: no inode
 * numbers, devices, times that were not set explicitly, or absolute paths.
 */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static const char *errname(int e)
{
    switch (e) {
    case 0: return "OK";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case EBADF: return "EBADF";
    case EISDIR: return "EISDIR";
    case ENOTDIR: return "ENOTDIR";
    case ENOTEMPTY: return "ENOTEMPTY";
    case EINVAL: return "EINVAL";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case ELOOP: return "ELOOP";
    case EFAULT: return "EFAULT";
    case ESPIPE: return "ESPIPE";
    case EXDEV: return "EXDEV";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case EMFILE: return "EMFILE";
    case ERANGE: return "ERANGE";
    case EFBIG: return "EFBIG";
    case EOVERFLOW: return "EOVERFLOW";
    default: return "other";
    }
}

/* Print "what = result" or "what = -1 ERRNO". */
static long show(const char *what, long r)
{
    if (r < 0)
        printf("%s = -1 %s\n", what, errname(errno));
    else
        printf("%s = %ld\n", what, r);
    return r;
}

static void show_stat(const char *what, const struct stat *st)
{
    const char *type = S_ISREG(st->st_mode) ? "file" : S_ISDIR(st->st_mode) ? "dir"
                       : S_ISLNK(st->st_mode) ? "symlink" : S_ISFIFO(st->st_mode) ? "fifo" : "other";
    printf("%s: %s mode=%04o size=%lld nlink=%lu blocks>0:%s\n", what, type,
           (unsigned)(st->st_mode & 07777), (long long)st->st_size, (unsigned long)st->st_nlink,
           st->st_blocks > 0 ? "yes" : "no");
}

static void stat_path(const char *path)
{
    struct stat st;
    char what[128];
    snprintf(what, sizeof what, "stat %s", path);
    if (stat(path, &st) == 0)
        show_stat(what, &st);
    else
        printf("%s = -1 %s\n", what, errname(errno));
    snprintf(what, sizeof what, "lstat %s", path);
    if (lstat(path, &st) == 0)
        show_stat(what, &st);
    else
        printf("%s = -1 %s\n", what, errname(errno));
}

static void read_back(const char *path)
{
    char buf[256];
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("read_back %s: open %s\n", path, errname(errno));
        return;
    }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n < 0) {
        printf("read_back %s: read %s\n", path, errname(errno));
        return;
    }
    printf("contents of %s (%zd bytes): \"", path, n);
    for (ssize_t i = 0; i < n; i++)
        putchar(buf[i] >= 32 && buf[i] < 127 ? buf[i] : '.');
    printf("\"\n");
}

/* ------------------------------------------------------------------ sections */

static void test_open_read_write(void)
{
    printf("== open / read / write / lseek / readv / writev / pread / pwrite\n");
    int fd = (int)show("open a.txt O_CREAT|O_WRONLY|O_TRUNC", open("a.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644));
    show("write", write(fd, "hello, file\n", 12));
    struct iovec wv[3] = {{"one ", 4}, {"", 0}, {"two\n", 4}};
    show("writev", writev(fd, wv, 3));
    show("pwrite at 2", pwrite(fd, "LL", 2, 2));
    show("lseek cur", lseek(fd, 0, SEEK_CUR));
    char c;
    show("read on O_WRONLY", read(fd, &c, 1));
    show("close", close(fd));
    show("close again", close(fd));
    read_back("a.txt");

    fd = (int)show("open a.txt O_RDWR", open("a.txt", O_RDWR));
    char buf[64];
    memset(buf, 0, sizeof buf);
    show("read 5", read(fd, buf, 5));
    printf("  got \"%s\"\n", buf);
    char b1[3] = {0}, b2[4] = {0};
    struct iovec rv[2] = {{b1, 2}, {b2, 3}};
    show("readv 2+3", readv(fd, rv, 2));
    printf("  got \"%s\" \"%s\"\n", b1, b2);
    memset(buf, 0, sizeof buf);
    show("pread 4 at 13", pread(fd, buf, 4, 13));
    printf("  got \"%s\"\n", buf);
    show("lseek cur after pread (unchanged)", lseek(fd, 0, SEEK_CUR));
    show("lseek end", lseek(fd, 0, SEEK_END));
    show("lseek end-3", lseek(fd, -3, SEEK_END));
    show("lseek negative", lseek(fd, -100, SEEK_SET));
    show("lseek bad whence", lseek(fd, 0, 99));
    show("lseek past end +10", lseek(fd, 10, SEEK_END));
    show("write after hole", write(fd, "X", 1));
    struct stat st;
    show("fstat", fstat(fd, &st));
    show_stat("  a.txt", &st);
    /* beyond 4 GiB: 64-bit offsets on both ABIs (i386 uses _llseek and pwrite64) */
    show("lseek 4GiB+5", lseek(fd, 0x100000005ll, SEEK_SET) == 0x100000005ll ? 1 : -1);
    show("pwrite at 4GiB+7", pwrite(fd, "Z", 1, 0x100000007ll));
    show("fstat", fstat(fd, &st));
    printf("  size=%lld\n", (long long)st.st_size);
    memset(buf, 0, sizeof buf);
    show("pread at 4GiB+6", pread(fd, buf, 4, 0x100000006ll));
    printf("  bytes %02x %02x\n", (unsigned char)buf[0], (unsigned char)buf[1]);
    show("ftruncate 30", ftruncate(fd, 30));
    show("ftruncate 8", ftruncate(fd, 8));
    show("ftruncate -1", ftruncate(fd, -1));
    show("close", close(fd));
    read_back("a.txt");
    show("truncate a.txt 5", truncate("a.txt", 5));
    read_back("a.txt");

    fd = (int)show("open O_APPEND", open("a.txt", O_WRONLY | O_APPEND));
    show("lseek 0", lseek(fd, 0, SEEK_SET));
    show("write (appends anyway)", write(fd, "+app", 4));
    close(fd);
    read_back("a.txt");

    show("open missing", open("missing.txt", O_RDONLY));
    show("open O_EXCL existing", open("a.txt", O_CREAT | O_EXCL | O_WRONLY, 0600));
    show("open . O_WRONLY", open(".", O_WRONLY));
    show("open a.txt O_DIRECTORY", open("a.txt", O_RDONLY | O_DIRECTORY));
    show("open a.txt/x", open("a.txt/x", O_RDONLY));
    char longname[400];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    show("open long name", open(longname, O_RDONLY));
    show("read bad fd", read(1000, buf, 1));
    int pfd[2];
    show("pipe", pipe(pfd));
    show("lseek on pipe", lseek(pfd[0], 0, SEEK_SET));
    show("write pipe", write(pfd[1], "pipe!", 5));
    memset(buf, 0, sizeof buf);
    show("read pipe", read(pfd[0], buf, sizeof buf));
    printf("  got \"%s\"\n", buf);
    /* an unmapped buffer address must come back as EFAULT, not crash anything */
    void *volatile bad = (void *)16;
    show("write from unmapped buffer", write(pfd[1], bad, 4));
    show("write pipe", write(pfd[1], "more", 4));
    show("read into unmapped buffer", read(pfd[0], bad, 4));
    close(pfd[0]);
    close(pfd[1]);
}

static void test_fd_ops(void)
{
    printf("== dup / dup2 / dup3 / fcntl\n");
    int fd = open("fd.txt", O_CREAT | O_RDWR | O_TRUNC, 0600);
    show("open fd.txt >= 3", fd >= 3 ? 1 : -1);
    int d = dup(fd);
    show("dup is the next free fd", d == fd + 1 ? 1 : -1);
    show("write via dup", write(d, "abc", 3));
    show("offset is shared", lseek(fd, 0, SEEK_CUR));
    show("dup2 onto 20", dup2(fd, 20));
    show("dup2 same fd", dup2(20, 20));
    show("dup2 bad fd", dup2(999, 21));
    show("dup3 with O_CLOEXEC onto 21", dup3(fd, 21, O_CLOEXEC));
    show("dup3 same fd", dup3(21, 21, 0));
    show("F_GETFD 21 (cloexec)", fcntl(21, F_GETFD));
    show("F_GETFD 20", fcntl(20, F_GETFD));
    show("F_SETFD 20 cloexec", fcntl(20, F_SETFD, FD_CLOEXEC));
    show("F_GETFD 20", fcntl(20, F_GETFD));
    show("F_GETFL & accmode", fcntl(fd, F_GETFL) & O_ACCMODE);
    show("F_SETFL O_APPEND", fcntl(fd, F_SETFL, O_APPEND));
    show("F_GETFL has O_APPEND", (fcntl(fd, F_GETFL) & O_APPEND) ? 1 : 0);
    show("F_DUPFD >= 30", fcntl(fd, F_DUPFD, 30));
    show("F_DUPFD_CLOEXEC >= 30", fcntl(fd, F_DUPFD_CLOEXEC, 30));
    show("F_GETFD 31", fcntl(31, F_GETFD));
    show("fcntl bad fd", fcntl(555, F_GETFD));
    show("write via 20 (append)", write(20, "xyz", 3));
    show("close 20", close(20));
    show("write via closed 20", write(20, "q", 1));
    close(21);
    close(30);
    close(31);
    close(d);
    close(fd);
    read_back("fd.txt");
}

static void test_dirs_links(void)
{
    printf("== mkdir / rmdir / rename / unlink / link / symlink / readlink / access / chmod\n");
    show("mkdir d1", mkdir("d1", 0755));
    show("mkdir d1 again", mkdir("d1", 0755));
    show("mkdir d1/sub", mkdir("d1/sub", 0700));
    show("mkdir missing/x", mkdir("missing/x", 0755));
    int fd = open("d1/f", O_CREAT | O_WRONLY, 0640);
    show("write d1/f", write(fd, "in d1\n", 6));
    close(fd);
    show("rmdir d1 (not empty)", rmdir("d1"));
    show("rmdir d1/f (not a dir)", rmdir("d1/f"));
    show("unlink d1/sub (a dir)", unlink("d1/sub"));
    show("rmdir d1/sub", rmdir("d1/sub"));
    show("rename d1/f -> g", rename("d1/f", "g"));
    show("rename missing", rename("nothing", "x"));
    show("mkdir d2", mkdir("d2", 0755));
    show("rename d2 -> d1 (empty target dir)", rename("d2", "d1"));
    show("mkdir d2", mkdir("d2", 0755));
    show("rename g over a.txt", rename("g", "a.txt"));
    read_back("a.txt");
    show("link a.txt hard", link("a.txt", "hard"));
    show("symlink a.txt soft", symlink("a.txt", "soft"));
    show("symlink to dir", symlink("d2", "dirlink"));
    stat_path("a.txt");
    stat_path("soft");
    stat_path("dirlink");
    stat_path("d2");
    stat_path("nonexistent");
    char buf[64];
    long n = show("readlink soft", readlink("soft", buf, sizeof buf));
    if (n >= 0)
        printf("  -> \"%.*s\"\n", (int)n, buf);
    n = show("readlink soft into 3 bytes", readlink("soft", buf, 3));
    if (n >= 0)
        printf("  -> \"%.*s\"\n", (int)n, buf);
    show("readlink a.txt (not a link)", readlink("a.txt", buf, sizeof buf));
    show("open soft O_NOFOLLOW", open("soft", O_RDONLY | O_NOFOLLOW));
    show("access a.txt F_OK", access("a.txt", F_OK));
    show("access a.txt R_OK|W_OK", access("a.txt", R_OK | W_OK));
    show("access missing", access("missing", F_OK));
    show("chmod a.txt 0600", chmod("a.txt", 0600));
    struct stat st;
    stat("hard", &st);
    show_stat("hard after chmod of a.txt", &st);
    fd = open("a.txt", O_RDONLY);
    show("fchmod 0644", fchmod(fd, 0644));
    /* explicit timestamps are deterministic and can be read back */
    struct timespec ts[2] = {{1000000000, 123}, {1234567890, 456000}};
    show("futimens", futimens(fd, ts));
    fstat(fd, &st);
    printf("  atime=%lld.%09ld mtime=%lld.%09ld\n", (long long)st.st_atim.tv_sec,
           st.st_atim.tv_nsec, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    close(fd);
    show("unlink hard", unlink("hard"));
    show("unlink hard again", unlink("hard"));
    stat("a.txt", &st);
    show_stat("a.txt after unlinking its hard link", &st);
}

static void test_at_and_cwd(void)
{
    printf("== openat / fstatat / mkdirat / unlinkat / renameat / chdir / getcwd\n");
    int dfd = (int)show("open d1 O_DIRECTORY", open("d1", O_RDONLY | O_DIRECTORY));
    int fd = (int)show("openat d1/at.txt", openat(dfd, "at.txt", O_CREAT | O_WRONLY, 0644));
    show("write", write(fd, "via openat\n", 11));
    close(fd);
    struct stat st;
    show("fstatat at.txt", fstatat(dfd, "at.txt", &st, 0));
    show_stat("  d1/at.txt", &st);
    show("fstatat AT_SYMLINK_NOFOLLOW ../soft", fstatat(dfd, "../soft", &st, AT_SYMLINK_NOFOLLOW));
    show_stat("  soft", &st);
    show("mkdirat d1/m", mkdirat(dfd, "m", 0755));
    show("renameat d1/at.txt -> d1/m/moved", renameat(dfd, "at.txt", dfd, "m/moved"));
    show("unlinkat d1/m (dir, no flag)", unlinkat(dfd, "m", 0));
    show("unlinkat d1/m AT_REMOVEDIR (not empty)", unlinkat(dfd, "m", AT_REMOVEDIR));
    show("openat AT_FDCWD a.txt", fd = openat(AT_FDCWD, "a.txt", O_RDONLY));
    close(fd);
    show("openat bad dirfd", openat(999, "x", O_RDONLY));
    show("openat with stdin (not a directory) as dirfd", openat(0, "x", O_RDONLY));
    char cwd[4096];
    show("getcwd", getcwd(cwd, sizeof cwd) ? 0 : -1);
    const char *base = strrchr(cwd, '/');
    printf("  basename \"%s\"\n", base ? base + 1 : cwd);
    show("getcwd tiny buffer", getcwd(cwd, 2) ? 0 : -1);
    show("chdir d1", chdir("d1"));
    show("open m/moved relative to new cwd", fd = open("m/moved", O_RDONLY));
    close(fd);
    show("fchdir back via ..", chdir(".."));
    show("chdir a.txt", chdir("a.txt"));
    show("access d1/m/moved", access("d1/m/moved", F_OK));
    close(dfd);
}

/* The directory listing, two ways: raw getdents64 records and readdir. Names sorted so
 * the order the file system returns them in does not matter. */
static int cmpstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0) {
        printf("open %s: %s\n", path, errname(errno));
        return;
    }
    char *names[64];
    int n = 0;
    /* a deliberately small buffer forces several getdents64 calls */
    unsigned char buf[128] __attribute__((aligned(8)));
    for (;;) {
        long got = syscall(SYS_getdents64, fd, buf, sizeof buf);
        if (got <= 0) {
            if (got < 0)
                printf("getdents64: %s\n", errname(errno));
            break;
        }
        for (long off = 0; off < got;) {
            unsigned short reclen;
            memcpy(&reclen, buf + off + 16, 2);
            unsigned char type = buf[off + 18];
            const char *name = (const char *)buf + off + 19;
            char *e = malloc(strlen(name) + 8);
            sprintf(e, "%s/%s", name,
                    type == DT_DIR ? "dir" : type == DT_REG ? "file" : type == DT_LNK ? "link" : "?");
            if (n < 64)
                names[n++] = e;
            off += reclen;
        }
    }
    close(fd);
    qsort(names, (size_t)n, sizeof names[0], cmpstr);
    printf("getdents64 %s:", path);
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");

    DIR *dir = opendir(path);
    n = 0;
    struct dirent *de;
    while (dir && (de = readdir(dir)) != NULL)
        if (n < 64)
            names[n++] = strdup(de->d_name);
    if (dir)
        closedir(dir);
    qsort(names, (size_t)n, sizeof names[0], cmpstr);
    printf("readdir %s:", path);
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

static void test_listing(void)
{
    printf("== directory listings\n");
    for (int i = 0; i < 12; i++) {
        char name[32];
        snprintf(name, sizeof name, "many_%02d_with_a_longer_name", i);
        close(open(name, O_CREAT | O_WRONLY, 0644));
    }
    list_dir(".");
    list_dir("d1");
    list_dir("d2");
    show("getdents64 on a file", syscall(SYS_getdents64, 0, (void *)0, 0));
}

int main(void)
{
    umask(022);
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_open_read_write();
    test_fd_ops();
    test_dirs_links();
    test_at_and_cwd();
    test_listing();
    return 0;
}
