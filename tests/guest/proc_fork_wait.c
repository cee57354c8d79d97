/* fork, vfork and the wait family as a static program sees them: fork's two return values,
 * the status words of wait4/waitpid/waitid for exits (0, 1, 255, 256 -> 0) and deaths by
 * signal (SIGKILL, SIGTERM, raise(SIGSEGV), a real null-pointer store), WNOHANG on a
 * running child, ECHILD, reaping several children with waitpid(-1), waitid with
 * WNOWAIT, zombies, copied memory, vfork + _exit / execve, and stdio buffers across fork.
 * The core-dump bit (0x80) is masked off: whether a core is written depends on the host.
 * Pids are never printed, only comparisons between them. Children print before they
 * exit and the parent waits for them before it prints again, so the order is fixed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc_util.h"

static const char *signame(int s)
{
    switch (s) {
    case SIGKILL: return "SIGKILL";
    case SIGTERM: return "SIGTERM";
    case SIGSEGV: return "SIGSEGV";
    case SIGCHLD: return "SIGCHLD";
    default: return "other";
    }
}

/* "what: exited 3 (raw 0x0300)" or "what: killed by SIGKILL (raw 0x0009)". */
static void show_status(const char *what, int st)
{
    unsigned raw = (unsigned)st & ~0x80u;
    if (WIFEXITED(st))
        printf("%s: exited %d (raw 0x%04x)\n", what, WEXITSTATUS(st), raw);
    else if (WIFSIGNALED(st))
        printf("%s: killed by %s (raw 0x%04x)\n", what, signame(WTERMSIG(st)), raw);
    else
        printf("%s: other status (raw 0x%04x)\n", what, raw);
}

static void reap(const char *what, pid_t pid)
{
    int st = 0;
    pid_t r = waitpid(pid, &st, 0);
    if (r != pid)
        printf("%s: waitpid returned %s %s\n", what, r < 0 ? "-1" : "another pid", errname(errno));
    else
        show_status(what, st);
}

/* A child that blocks until the parent closes (or writes to) the returned fd. */
static pid_t blocked_child(int *release_fd)
{
    int fds[2];
    xpipe(fds);
    pid_t pid = xfork();
    if (pid == 0) {
        close(fds[1]);
        char c = xread1(fds[0]);
        _exit(c ? c : 7);
    }
    close(fds[0]);
    *release_fd = fds[1];
    return pid;
}

static volatile int *volatile null_pointer;

static void test_fork_basics(void)
{
    printf("== fork\n");
    int fds[2];
    xpipe(fds);
    pid_t parent = getpid();
    pid_t pid = xfork();
    if (pid == 0) {
        pid_t me = getpid();
        xwrite(fds[1], &me, sizeof me);
        printf("child: fork returned 0, getppid == parent's getpid: %s, getpid differs: %s\n",
               yes(getppid() == parent), yes(me != parent));
        exit(0);
    }
    pid_t reported = 0;
    if (read(fds[0], &reported, sizeof reported) != sizeof reported)
        reported = 0;
    close(fds[0]);
    close(fds[1]);
    reap("child", pid);
    printf("parent: fork returned the child's pid: %s, getpid unchanged: %s\n",
           yes(pid > 0 && reported == pid), yes(getpid() == parent));
}

static void test_statuses(void)
{
    printf("== exit codes and signals\n");
    static const int codes[] = {0, 1, 42, 255, 256, 257, -1};
    char what[32];
    for (unsigned i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        pid_t pid = xfork();
        if (pid == 0)
            exit(codes[i]);
        snprintf(what, sizeof what, "exit(%d)", codes[i]);
        reap(what, pid);
    }
    pid_t pid = xfork();
    if (pid == 0)
        _exit(77);
    reap("_exit(77)", pid);
    static const int sigs[] = {SIGKILL, SIGTERM, SIGSEGV};
    for (unsigned i = 0; i < 3; i++) {
        pid = xfork();
        if (pid == 0) {
            raise(sigs[i]);
            _exit(1);
        }
        snprintf(what, sizeof what, "raise(%s)", signame(sigs[i]));
        reap(what, pid);
    }
    pid = xfork();
    if (pid == 0) {
        *null_pointer = 1;
        _exit(1);
    }
    reap("null-pointer store", pid);
    int rel;
    pid = blocked_child(&rel);
    kill(pid, SIGKILL);
    reap("kill(SIGKILL) by the parent", pid);
    close(rel);
    pid = blocked_child(&rel);
    kill(pid, SIGTERM);
    reap("kill(SIGTERM) by the parent", pid);
    close(rel);
    pid = blocked_child(&rel);
    int st = 0;
    printf("wait4 with rusage (blocking, child released first): ");
    xwrite(rel, "\x05", 1);
    struct rusage ru;
    memset(&ru, 0xff, sizeof ru);
    pid_t r = wait4(pid, &st, 0, &ru);
    printf("returned the pid: %s, times sane: %s, ", yes(r == pid),
           yes(ru.ru_utime.tv_sec >= 0 && ru.ru_stime.tv_sec >= 0 &&
               ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000));
    show_status("status", st);
    close(rel);
}

static void test_nohang_echild(void)
{
    printf("== WNOHANG and ECHILD\n");
    int rel, st = 0;
    pid_t pid = blocked_child(&rel);
    errno = 0;
    pid_t r = waitpid(pid, &st, WNOHANG);
    printf("waitpid(child, WNOHANG) on a running child = %d %s\n", (int)r, errname(errno));
    r = waitpid(-1, &st, WNOHANG);
    printf("waitpid(-1, WNOHANG) on a running child = %d %s\n", (int)r, errname(errno));
    siginfo_t si;
    memset(&si, 0x55, sizeof si);
    int w = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG);
    printf("waitid(WNOHANG) on a running child = %d, si_pid zeroed: %s\n", w, yes(si.si_pid == 0));
    close(rel); /* the child reads EOF and exits 7 */
    reap("released child", pid);
    errno = 0;
    r = waitpid(pid, &st, 0);
    printf("waitpid(reaped child) = %d %s\n", (int)r, errname(errno));
    errno = 0;
    r = waitpid(-1, &st, 0);
    printf("waitpid(-1) without children = %d %s\n", (int)r, errname(errno));
    errno = 0;
    r = waitpid(-1, &st, WNOHANG);
    printf("waitpid(-1, WNOHANG) without children = %d %s\n", (int)r, errname(errno));
    errno = 0;
    r = waitpid(getpid(), &st, 0);
    printf("waitpid(self) = %d %s\n", (int)r, errname(errno));
    errno = 0;
    r = waitpid(getppid(), &st, WNOHANG);
    printf("waitpid(parent) = %d %s\n", (int)r, errname(errno));
    errno = 0;
    r = waitpid(-1, &st, 0x1000); /* an unknown option bit */
    printf("waitpid(-1, bad option) = %d %s\n", (int)r, errname(errno));
    errno = 0;
    w = waitid(P_ALL, 0, &si, WNOHANG); /* none of WEXITED/WSTOPPED/WCONTINUED */
    printf("waitid without WEXITED = %d %s\n", w, errname(errno));
}

static int cmp_int(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

static void test_reap_many(void)
{
    printf("== waitpid(-1) reaping several children\n");
    enum { N = 6 };
    pid_t pids[N];
    int codes[N], matched = 0;
    for (int i = 0; i < N; i++) {
        pids[i] = xfork();
        if (pids[i] == 0)
            _exit(20 + i * 3);
    }
    for (int i = 0; i < N; i++) {
        int st = 0;
        pid_t r = waitpid(-1, &st, 0);
        codes[i] = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        for (int j = 0; j < N; j++)
            if (r == pids[j] && codes[i] == 20 + j * 3) {
                matched++;
                pids[j] = 0;
            }
    }
    qsort(codes, N, sizeof codes[0], cmp_int);
    printf("codes:");
    for (int i = 0; i < N; i++)
        printf(" %d", codes[i]);
    printf("\neach pid reaped once with its own code: %s\n", yes(matched == N));
    errno = 0;
    pid_t r = wait(NULL);
    printf("one more wait(NULL) = %d %s\n", (int)r, errname(errno));
}

static void test_waitid_zombie(void)
{
    printf("== waitid, WNOWAIT and zombies\n");
    pid_t pid = xfork();
    if (pid == 0)
        _exit(42);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    int w = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT);
    printf("waitid(WEXITED|WNOWAIT) = %d signo=%s code=%s status=%d pid matches: %s\n", w,
           signame(si.si_signo), si.si_code == CLD_EXITED ? "CLD_EXITED" : "other", si.si_status,
           yes(si.si_pid == pid));
    printf("kill(zombie, 0) = %d\n", kill(pid, 0));
    memset(&si, 0, sizeof si);
    w = waitid(P_ALL, 0, &si, WEXITED | WNOWAIT);
    printf("waitid(P_ALL, WNOWAIT) sees it again: %s\n", yes(w == 0 && si.si_pid == pid));
    memset(&si, 0, sizeof si);
    w = waitid(P_PID, (id_t)pid, &si, WEXITED);
    printf("waitid(WEXITED) reaps: %d status=%d\n", w, si.si_status);
    errno = 0;
    w = kill(pid, 0);
    printf("kill(reaped, 0) = %d %s\n", w, errname(errno));
    errno = 0;
    w = waitid(P_PID, (id_t)pid, &si, WEXITED);
    printf("waitid again = %d %s\n", w, errname(errno));

    int rel;
    pid = blocked_child(&rel);
    kill(pid, SIGKILL);
    memset(&si, 0, sizeof si);
    w = waitid(P_PID, (id_t)pid, &si, WEXITED);
    printf("waitid(killed child) = %d code=%s status=%s\n", w,
           si.si_code == CLD_KILLED ? "CLD_KILLED" : si.si_code == CLD_DUMPED ? "CLD_DUMPED" : "other",
           signame(si.si_status));
    close(rel);
}

static int global_value = 1;

static void test_memory_copy(void)
{
    printf("== memory is copied\n");
    int *heap = malloc(64 * sizeof *heap);
    int stack_value = 3;
    for (int i = 0; i < 64; i++)
        heap[i] = i;
    pid_t pid = xfork();
    if (pid == 0) {
        global_value = 100;
        stack_value = 300;
        for (int i = 0; i < 64; i++)
            heap[i] = -i;
        printf("child: global=%d stack=%d heap[5]=%d\n", global_value, stack_value, heap[5]);
        exit(0);
    }
    reap("child", pid);
    printf("parent: global=%d stack=%d heap[5]=%d\n", global_value, stack_value, heap[5]);
    free(heap);
}

static void test_vfork(const char *self)
{
    printf("== vfork\n");
    fflush(stdout);
    pid_t pid = vfork();
    if (pid == 0)
        _exit(3);
    reap("vfork + _exit(3)", pid);
    char *const args[] = {(char *)self, "exit", "9", NULL};
    char *const env[] = {NULL};
    fflush(stdout);
    pid = vfork();
    if (pid == 0) {
        execve(self, args, env);
        _exit(127);
    }
    reap("vfork + execve(self, exit 9)", pid);
}

static void test_stdio(void)
{
    printf("== stdio buffers across fork\n");
    fflush(stdout);
    /* Deliberately no fflush before these forks: the child inherits the buffered line. */
    printf("buffered before fork, the child calls _exit: printed once\n");
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    waitpid(pid, NULL, 0);
    fflush(stdout);
    printf("buffered before fork, the child calls exit: printed twice\n");
    pid = fork();
    if (pid == 0)
        exit(0);
    waitpid(pid, NULL, 0);
    printf("parent continues\n");
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "exit") == 0)
        return atoi(argv[2]);
    test_fork_basics();
    test_statuses();
    test_nohang_echild();
    test_reap_many();
    test_waitid_zombie();
    test_memory_copy();
    test_vfork(argv[0]);
    test_stdio();
    return 0;
}
