/* Run as / of a small tree (natively under chroot, in hexvm under --root): every way out
 * of the root must end inside it. The tree (made by run.sh) holds this program, a file
 * /inside.txt, and the symlinks /abs -> /etc (absolute), /up -> ../../../.. (relative),
 * /loop1 <-> /loop2, /dir/back -> ../../.. and /dangling -> /no/such. The host's /etc has
 * a passwd, the tree's /etc has only marker.txt: reading a passwd means an escape. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *res(int rc) { return rc < 0 ? strerror(errno) : "ok"; }

static void try_open(const char *path)
{
    int fd = open(path, O_RDONLY);
    printf("open %-28s %s\n", path, res(fd));
    if (fd >= 0)
        close(fd);
}

static void list(const char *path)
{
    DIR *d = opendir(path);
    char names[512] = "";
    struct dirent *e;
    if (!d) {
        printf("list %-28s %s\n", path, strerror(errno));
        return;
    }
    /* sorted insertion of names, so directory order does not matter */
    const char *all[64];
    char store[64][64];
    int n = 0;
    while ((e = readdir(d)) && n < 64) {
        snprintf(store[n], sizeof store[n], "%.63s", e->d_name);
        int k = n++;
        while (k > 0 && strcmp(all[k - 1], store[n - 1]) > 0) {
            all[k] = all[k - 1];
            k--;
        }
        all[k] = store[n - 1];
    }
    closedir(d);
    for (int k = 0; k < n; k++) {
        strncat(names, all[k], sizeof names - strlen(names) - 2);
        strncat(names, " ", sizeof names - strlen(names) - 1);
    }
    printf("list %-28s %s\n", path, names);
}

int main(void)
{
    char cwd[256];
    try_open("/etc/passwd");
    try_open("/../../../etc/passwd");
    try_open("/abs/passwd");
    try_open("/up/etc/passwd");
    try_open("/dir/back/etc/passwd");
    try_open("/loop1");
    try_open("/dangling");
    printf("O_NOFOLLOW on /abs: %s\n", res(open("/abs", O_RDONLY | O_NOFOLLOW)));
    list("/");
    list("/up");
    list("/abs");
    list("/..");
    for (int k = 0; k < 8; k++)
        if (chdir("..") < 0)
            printf("chdir .. failed: %s\n", strerror(errno));
    printf("cwd after 8 x chdir(..): %s\n", getcwd(cwd, sizeof cwd) ? cwd : strerror(errno));
    int dfd = open("/dir", O_RDONLY | O_DIRECTORY);
    int fd = openat(dfd, "../../../etc/marker.txt", O_RDONLY);
    printf("openat(/dir, ../../../etc/marker.txt): %s\n", res(fd));
    printf("openat(/dir, ../../../etc/passwd): %s\n",
           res(openat(dfd, "../../../etc/passwd", O_RDONLY)));
    char link[64] = "";
    ssize_t n = readlink("/up", link, sizeof link - 1);
    printf("readlink /up: %s\n", n < 0 ? strerror(errno) : (link[n] = 0, link));
    struct stat st;
    printf("stat /up/inside.txt: %s\n", res(stat("/up/inside.txt", &st)));
    printf("mkdir /up/made: %s\n", res(mkdir("/up/made", 0755)));
    printf("/made exists inside: %s\n", stat("/made", &st) == 0 ? "yes" : "no");
    return 0;
}
