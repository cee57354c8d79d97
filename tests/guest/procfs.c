/* /proc and /dev as programs use them: facts that hold natively and under hexvm alike
 * (own pid and parent, argv, environment, descriptors, maps, a zombie's state, devices). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *yes(int c) { return c ? "yes" : "no"; }

/* The whole file (generated files report size 0: read until EOF). */
static size_t slurp(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    size_t got = 0;
    if (fd < 0)
        return 0;
    for (ssize_t n; got < size - 1 && (n = read(fd, buf + got, size - 1 - got)) > 0;)
        got += (size_t)n;
    close(fd);
    buf[got] = 0;
    return got;
}

static void self_facts(int argc, char **argv)
{
    static char buf[65536];
    char path[PATH_MAX], exe[PATH_MAX], cwd[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    printf("exe link is argv[0]'s real path: %s\n", yes(realpath(argv[0], path) && !strcmp(path, exe)));
    size_t len = slurp("/proc/self/cmdline", buf, sizeof buf), want = 0;
    int same = 1;
    for (int k = 0; k < argc; k++) {
        same &= want < len && !strcmp(buf + want, argv[k]);
        want += strlen(argv[k]) + 1;
    }
    printf("cmdline is argv: %s\n", yes(same && len == want));
    len = slurp("/proc/self/environ", buf, sizeof buf);
    int found = 0;
    for (size_t at = 0; at < len; at += strlen(buf + at) + 1)
        found |= !strncmp(buf + at, "HEXVM_TEST_VAR=", 15);
    printf("environ has HEXVM_TEST_VAR: %s\n", yes(found));
    slurp("/proc/self/stat", buf, sizeof buf);
    int pid = 0, ppid = 0, fields = 2; /* pid and (comm), then one per blank */
    char state = 0, *close_paren = strrchr(buf, ')');
    sscanf(buf, "%d", &pid);
    if (close_paren)
        sscanf(close_paren + 2, "%c %d", &state, &ppid);
    for (char *p = close_paren; p && *p; p++)
        fields += *p == ' ';
    printf("stat: pid %s, ppid %s, state %c, 52 fields: %s\n", yes(pid == getpid()),
           yes(ppid == getppid()), state, yes(fields == 52));
    slurp("/proc/self/status", buf, sizeof buf);
    char line[64];
    snprintf(line, sizeof line, "\nPid:\t%d\n", getpid());
    printf("status has Name, Pid and PPid: %s\n",
           yes(!strncmp(buf, "Name:\t", 6) && strstr(buf, line) && strstr(buf, "\nPPid:\t")));
    n = readlink("/proc/self/cwd", path, sizeof path - 1);
    path[n > 0 ? n : 0] = 0;
    printf("cwd link is getcwd: %s\n", yes(getcwd(cwd, sizeof cwd) && !strcmp(cwd, path)));
    slurp("/proc/self/maps", buf, sizeof buf);
    printf("maps: the program mapped r-xp: %s, a [stack]: %s\n",
           yes(strstr(buf, "r-xp") && strstr(buf, exe)), yes(strstr(buf, "[stack]") != NULL));
}

static void fd_facts(void)
{
    char path[PATH_MAX + 16], want[PATH_MAX], cwd[PATH_MAX];
    int fd = open("here.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(path, want, sizeof want - 1);
    want[n > 0 ? n : 0] = 0;
    snprintf(path, sizeof path, "%s/here.txt", getcwd(cwd, sizeof cwd) ? cwd : "?");
    printf("fd link names the open file: %s\n", yes(!strcmp(path, want)));
    int p[2];
    if (pipe(p) == 0) {
        snprintf(path, sizeof path, "/proc/self/fd/%d", p[0]);
        n = readlink(path, want, sizeof want - 1);
        want[n > 0 ? n : 0] = 0;
        printf("a pipe's link reads pipe:[...]: %s\n", yes(!strncmp(want, "pipe:[", 6)));
        if (write(p[1], "x", 1) == 1) {
            snprintf(path, sizeof path, "/proc/self/fd/%d", p[0]);
            int again = open(path, O_RDONLY);
            char c = 0;
            printf("reopening the read end reads the pipe: %s\n",
                   yes(again >= 0 && read(again, &c, 1) == 1 && c == 'x'));
            close(again);
        }
        close(p[0]);
        close(p[1]);
    }
    struct stat a, b;
    printf("/dev/stdin is fd 0: %s\n", yes(stat("/dev/stdin", &a) == 0 && fstat(0, &b) == 0 &&
                                            a.st_ino == b.st_ino && a.st_dev == b.st_dev));
    close(fd);
}

static void zombie_facts(void)
{
    char path[64], buf[512];
    int ready[2];
    if (pipe(ready))
        return;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    /* wait until it is gone, without reaping it */
    siginfo_t si;
    waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT);
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    slurp(path, buf, sizeof buf);
    char *p = strrchr(buf, ')');
    printf("an unreaped child's state: %c\n", p ? p[2] : '?');
    waitpid(pid, NULL, 0);
    struct stat st;
    printf("and after the wait its directory: %s\n", stat(path, &st) < 0 ? strerror(errno) : "still there");
}

static void dev_facts(void)
{
    char buf[64];
    int fd = open("/dev/null", O_RDWR);
    printf("/dev/null: read %zd, write %zd\n", read(fd, buf, sizeof buf), write(fd, "abc", 3));
    close(fd);
    fd = open("/dev/zero", O_RDONLY);
    memset(buf, 1, sizeof buf);
    ssize_t n = read(fd, buf, sizeof buf);
    int zeros = n == (ssize_t)sizeof buf;
    for (int k = 0; k < n; k++)
        zeros &= buf[k] == 0;
    printf("/dev/zero reads zeros: %s\n", yes(zeros));
    close(fd);
    fd = open("/dev/full", O_WRONLY);
    printf("/dev/full write: %s\n", write(fd, "x", 1) < 0 ? strerror(errno) : "ok");
    close(fd);
    fd = open("/dev/urandom", O_RDONLY);
    printf("/dev/urandom gives 16 bytes: %s\n", yes(read(fd, buf, 16) == 16));
    close(fd);
    struct stat st;
    printf("/dev/null is a character device: %s\n",
           yes(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode)));
}

static void machine_facts(void)
{
    static char buf[65536];
    slurp("/proc/cpuinfo", buf, sizeof buf);
    printf("cpuinfo lists a processor: %s\n", yes(!strncmp(buf, "processor", 9)));
    slurp("/proc/meminfo", buf, sizeof buf);
    printf("meminfo starts with MemTotal: %s\n", yes(!strncmp(buf, "MemTotal:", 9)));
    slurp("/proc/self/mounts", buf, sizeof buf);
    printf("mounts has / and /proc: %s\n", yes(strstr(buf, " / ") && strstr(buf, " /proc proc ")));
}

int main(int argc, char **argv)
{
    self_facts(argc, argv);
    fd_facts();
    zombie_facts();
    dev_facts();
    machine_facts();
    return 0;
}
