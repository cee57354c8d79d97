/* Sessions, process groups, kill and SIGCHLD. The program never calls setsid/setpgid on
 * itself (under the harness it runs in `timeout`'s process group) and never sends to
 * group 0 or -1 from the main process: group-wide kills happen inside a group made by a
 * child. No ids are printed, only relations ("== the child's pid"), because the session
 * id may be 0 in a container and the new parent of an orphan may be pid 1 or a subreaper.
 * Covered: setsid (new session and group, EPERM for a group leader), setpgid (EPERM,
 * EACCES after execve, ESRCH), kill(0, sig) and kill(-pgid, sig) reaching every member,
 * kill(pid, 0), ESRCH/EINVAL, SIGCHLD siginfo for exits, stops and continues, SA_NOCLDSTOP,
 * SA_NOCLDWAIT and SIG_IGN auto-reaping, orphans (with and without a subreaper), and the
 * WUNTRACED/WCONTINUED status words of SIGSTOP/SIGCONT.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc_util.h"

#define FAR_PID 0x3fffffff /* above any pid_max */

static const char *self; /* argv[0] */

/* A child that runs fn (if any), reports 'r' on *ready, then blocks until *release is
 * written to or closed, and exits with the byte read (or 7 at EOF). fn may instead execve
 * an image that does the same with the two descriptors it is given. Returns in the parent
 * once the child has reported. */
static pid_t held_child(void (*fn)(int ready_fd, int release_fd), int *ready, int *release)
{
    int a[2], b[2];
    xpipe(a);
    xpipe(b);
    pid_t pid = xfork();
    if (pid == 0) {
        close(a[0]);
        close(b[1]);
        if (fn)
            fn(a[1], b[0]);
        xwrite(a[1], "r", 1);
        char c = xread1(b[0]);
        _exit(c ? c : 7);
    }
    close(a[1]);
    close(b[0]);
    xread1(a[0]);
    *ready = a[0];
    *release = b[1];
    return pid;
}

/* Ends a held_child: closes its descriptors and returns its status word. */
static int release(int ready, int release_fd, pid_t pid)
{
    close(release_fd);
    close(ready);
    return wait_status(pid);
}

static void do_setsid(int ready_fd, int release_fd)
{
    (void)ready_fd;
    (void)release_fd;
    pid_t r = setsid();
    printf("child: setsid returns its pid: %s, getsid(0) == pid: %s, getpgrp() == pid: %s\n",
           yes(r == getpid()), yes(getsid(0) == getpid()), yes(getpgrp() == getpid()));
    printf("child: setsid again = %s\n", err(setsid()));
    fflush(stdout);
}

static void test_sessions(void)
{
    printf("== ids, setsid, setpgid\n");
    printf("getpgid(0) == getpgrp(): %s, getsid(0) == getsid(getpid()): %s\n",
           yes(getpgid(0) == getpgrp()), yes(getsid(0) == getsid(getpid())));
    printf("getpgid(far pid) = %s\n", err(getpgid(FAR_PID)));
    printf("getsid(far pid) = %s\n", err(getsid(FAR_PID)));
    printf("setpgid(0, -1) = %s\n", err(setpgid(0, -1)));
    printf("setpgid(far pid, 0) = %s\n", err(setpgid(FAR_PID, 0)));
    pid_t pp = getppid(); /* 0 when the parent is outside our pid namespace: then skip */
    printf("setpgid(parent, 0) = %s\n", pp > 0 ? err(setpgid(pp, 0)) : "-1 ESRCH");
    int rd, rel;
    pid_t pid = held_child(do_setsid, &rd, &rel);
    printf("parent: getsid(child) == child: %s, getpgid(child) == child: %s, own sid unchanged: %s\n",
           yes(getsid(pid) == pid), yes(getpgid(pid) == pid), yes(getsid(0) != pid));
    printf("setpgid(session leader child, itself) = %s\n", err(setpgid(pid, pid)));
    printf("setpgid(0, that child's group in another session) = %s\n", err(setpgid(0, pid)));
    release(rd, rel, pid);

    pid = xfork();
    if (pid == 0) {
        printf("child: setpgid(0, 0) = %s\n", err(setpgid(0, 0)));
        printf("child: setsid as a group leader = %s\n", err(setsid()));
        exit(0);
    }
    waitpid(pid, NULL, 0);

    pid = held_child(NULL, &rd, &rel);
    printf("parent: setpgid(child, child) = %s\n", err(setpgid(pid, pid)));
    printf("getpgid(child) == child: %s\n", yes(getpgid(pid) == pid));
    printf("setpgid(child, 0) again = %s\n", err(setpgid(pid, 0)));
    printf("setpgid(child, group that does not exist) = %s\n", err(setpgid(pid, FAR_PID - 1)));
    printf("setpgid(child, own group) = %s\n", err(setpgid(pid, getpgrp())));
    printf("back in the parent's group: %s\n", yes(getpgid(pid) == getpgrp()));
    release(rd, rel, pid);
}

/* For held_child: the same in a new image of this program (main's "hold" mode). */
static void exec_hold(int ready_fd, int release_fd)
{
    char fa[16], fb[16];
    snprintf(fa, sizeof fa, "%d", ready_fd);
    snprintf(fb, sizeof fb, "%d", release_fd);
    char *argv[] = {(char *)self, "hold", fa, fb, NULL};
    char *envp[] = {NULL};
    execve(self, argv, envp);
    _exit(127);
}

static void test_exec_setpgid(void)
{
    int rd, rel;
    pid_t pid = held_child(exec_hold, &rd, &rel); /* the new image is running */
    printf("setpgid(child after execve, child) = %s\n", err(setpgid(pid, pid)));
    release(rd, rel, pid);
}

static volatile sig_atomic_t got_usr1, got_usr2;
static void on_usr(int sig)
{
    if (sig == SIGUSR1)
        got_usr1++;
    else
        got_usr2++;
}

/* The group leader: makes a group of itself and 3 members, tells the parent, sends SIGUSR1
 * to its group while the parent sends SIGUSR2 to it, and reports what each one got. */
static void group_leader(int ready_fd)
{
    setpgid(0, 0);
    sigset_t block, empty;
    sigemptyset(&empty);
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGUSR2);
    sigprocmask(SIG_BLOCK, &block, NULL);
    signal(SIGUSR1, on_usr);
    signal(SIGUSR2, on_usr);
    pid_t members[3];
    for (int i = 0; i < 3; i++) {
        members[i] = xfork();
        if (members[i] == 0) {
            while (!got_usr1 || !got_usr2)
                sigsuspend(&empty);
            _exit(10 * got_usr1 + got_usr2);
        }
    }
    printf("leader: members share its group: %s\n",
           yes(getpgid(members[0]) == getpid() && getpgid(members[2]) == getpid()));
    fflush(stdout);
    xwrite(ready_fd, "r", 1);
    kill(0, SIGUSR1);
    while (!got_usr1 || !got_usr2)
        sigsuspend(&empty);
    printf("leader: got SIGUSR1 %d, SIGUSR2 %d; members:", (int)got_usr1, (int)got_usr2);
    for (int i = 0; i < 3; i++)
        printf(" %s", exited_with(wait_status(members[i]), 11) ? "both" : "wrong");
    printf("\n");
    exit(0);
}

/* For held_child: an outsider in the main process's group that blocks both signals and,
 * once released, exits with 1 when either of them is pending. */
static void outsider_wait(int ready_fd, int release_fd)
{
    sigset_t block, pend;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGUSR2);
    sigprocmask(SIG_BLOCK, &block, NULL);
    xwrite(ready_fd, "r", 1);
    xread1(release_fd);
    sigpending(&pend);
    _exit(sigismember(&pend, SIGUSR1) || sigismember(&pend, SIGUSR2));
}

static void test_group_kill(void)
{
    printf("== kill to a process group\n");
    printf("kill(self, 0) = %s\n", err(kill(getpid(), 0)));
    printf("kill(far pid, 0) = %s\n", err(kill(FAR_PID, 0)));
    printf("kill(-far pid, 0) = %s\n", err(kill(-FAR_PID, 0)));
    printf("kill(self, 65) = %s\n", err(kill(getpid(), 65)));
    printf("kill(self, -1) = %s\n", err(kill(getpid(), -1)));
    int ord, orel, p[2];
    pid_t outsider = held_child(outsider_wait, &ord, &orel);
    xpipe(p);
    pid_t leader = xfork();
    if (leader == 0) {
        close(p[0]);
        group_leader(p[1]);
    }
    close(p[1]);
    setpgid(leader, leader); /* also done by the leader; either order works */
    xread1(p[0]);
    close(p[0]);
    /* The leader is still printing: keep the results until it is reaped. */
    const char *k0 = err(kill(-leader, 0));
    const char *kpg = err(killpg(leader, 0));
    kill(-leader, SIGUSR2);
    waitpid(leader, NULL, 0);
    printf("kill(-leader, 0) = %s\n", k0);
    printf("killpg(leader, 0) = %s\n", kpg);
    printf("kill(-leader) after the group is gone = %s\n", err(kill(-leader, SIGUSR2)));
    printf("a process outside the group got nothing: %s\n",
           yes(exited_with(release(ord, orel, outsider), 0)));
}

static volatile sig_atomic_t chld_count, chld_code, chld_status, chld_pid;
static void on_chld(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    chld_count++;
    chld_code = si->si_code;
    chld_status = si->si_status;
    chld_pid = si->si_pid;
}

static const char *code_name(int c)
{
    switch (c) {
    case CLD_EXITED: return "CLD_EXITED";
    case CLD_KILLED: return "CLD_KILLED";
    case CLD_DUMPED: return "CLD_DUMPED";
    case CLD_STOPPED: return "CLD_STOPPED";
    case CLD_CONTINUED: return "CLD_CONTINUED";
    default: return "other";
    }
}

static void set_chld(void (*fn)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    if (fn) {
        sa.sa_sigaction = fn;
        sa.sa_flags = SA_SIGINFO | flags;
    } else {
        sa.sa_handler = flags ? SIG_IGN : SIG_DFL;
    }
    sigaction(SIGCHLD, &sa, NULL);
}

/* With SIGCHLD blocked: wait up to 10 s for one and describe it. */
static void expect_sigchld(const char *what, pid_t pid)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGCHLD);
    siginfo_t si;
    struct timespec ts = {10, 0};
    int r = sigtimedwait(&s, &si, &ts);
    printf("%s: %s", what, r == SIGCHLD ? code_name(si.si_code) : "no SIGCHLD");
    if (r == SIGCHLD)
        printf(" status=%d pid matches: %s", si.si_status, yes(si.si_pid == pid));
    printf("\n");
}

static int sigchld_pending(void)
{
    sigset_t s;
    sigpending(&s);
    return sigismember(&s, SIGCHLD);
}

/* waitpid(pid, options) and describe the result. */
static void wait_show(const char *what, pid_t pid, int options)
{
    int st = 0;
    pid_t r = waitpid(pid, &st, options);
    printf("%s: ", what);
    if (r != pid)
        printf("returned %s\n", r == 0 ? "0" : err(r));
    else if (WIFSTOPPED(st))
        printf("stopped by %s (raw 0x%04x)\n", WSTOPSIG(st) == SIGSTOP ? "SIGSTOP" : "other", (unsigned)st);
    else if (WIFCONTINUED(st))
        printf("continued (raw 0x%04x)\n", (unsigned)st);
    else if (WIFSIGNALED(st))
        printf("killed by %s\n", WTERMSIG(st) == SIGKILL ? "SIGKILL" : "other");
    else
        printf("exited %d\n", WEXITSTATUS(st));
}

/* An auto-reaped child may still exist for a moment after wait has returned ECHILD (it is
 * released after its parent is woken), so poll kill(pid, 0) for up to 10 s. */
static int disappears(pid_t pid)
{
    for (int i = 0; i < 10000; i++) {
        if (kill(pid, 0) < 0 && errno == ESRCH)
            return 1;
        usleep(1000);
    }
    return 0;
}

static void test_stop_continue(void)
{
    printf("== SIGSTOP, SIGCONT and SIGCHLD\n");
    sigset_t chld, empty;
    sigemptyset(&empty);
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    set_chld(on_chld, SA_RESTART);
    int rd, rel, st = 0;
    pid_t pid = held_child(NULL, &rd, &rel);
    kill(pid, SIGSTOP);
    wait_show("waitpid(WUNTRACED)", pid, WUNTRACED);
    expect_sigchld("SIGCHLD for the stop", pid);
    wait_show("waitpid(WUNTRACED|WNOHANG) again", pid, WUNTRACED | WNOHANG);
    wait_show("waitpid(WNOHANG) without WUNTRACED", pid, WNOHANG);
    kill(pid, SIGCONT);
    wait_show("waitpid(WCONTINUED)", pid, WCONTINUED);
    expect_sigchld("SIGCHLD for the continue", pid);
    siginfo_t si;
    kill(pid, SIGSTOP);
    memset(&si, 0, sizeof si);
    waitid(P_PID, (id_t)pid, &si, WSTOPPED);
    printf("waitid(WSTOPPED): %s status SIGSTOP: %s\n", code_name(si.si_code), yes(si.si_status == SIGSTOP));
    expect_sigchld("SIGCHLD for the second stop", pid);
    kill(pid, SIGCONT);
    memset(&si, 0, sizeof si);
    waitid(P_PID, (id_t)pid, &si, WCONTINUED);
    printf("waitid(WCONTINUED): %s status SIGCONT: %s\n", code_name(si.si_code), yes(si.si_status == SIGCONT));
    expect_sigchld("SIGCHLD for the second continue", pid);

    set_chld(on_chld, SA_RESTART | SA_NOCLDSTOP);
    kill(pid, SIGSTOP);
    wait_show("SA_NOCLDSTOP: waitpid(WUNTRACED)", pid, WUNTRACED);
    printf("SA_NOCLDSTOP: SIGCHLD pending after the stop: %s\n", yes(sigchld_pending()));
    kill(pid, SIGKILL);
    wait_show("killed while stopped", pid, 0);
    expect_sigchld("SA_NOCLDSTOP: SIGCHLD for the kill", pid);
    close(rd);
    close(rel);

    printf("== SIGCHLD handler, SA_NOCLDWAIT, SIG_IGN\n");
    set_chld(on_chld, SA_RESTART);
    chld_count = 0;
    for (int i = 1; i <= 3; i++) {
        pid = xfork();
        if (pid == 0)
            _exit(i);
        int before = chld_count;
        while (chld_count == before)
            sigsuspend(&empty);
        printf("exit(%d): SIGCHLD %s status=%d pid matches: %s\n", i, code_name(chld_code),
               (int)chld_status, yes(chld_pid == pid));
        waitpid(pid, NULL, 0);
    }
    printf("handler calls: %d\n", (int)chld_count);
    sigprocmask(SIG_UNBLOCK, &chld, NULL);
    set_chld(on_chld, SA_RESTART | SA_NOCLDWAIT);
    chld_count = 0;
    pid = xfork();
    if (pid == 0)
        _exit(5);
    printf("SA_NOCLDWAIT: waitpid(-1) = %s\n", err(waitpid(-1, &st, 0)));
    printf("SA_NOCLDWAIT: handler calls %d\n", (int)chld_count);
    printf("SA_NOCLDWAIT: the child disappears: %s\n", yes(disappears(pid)));
    set_chld(NULL, 1);
    pid_t a = xfork();
    if (a == 0)
        _exit(1);
    pid = xfork();
    if (pid == 0)
        _exit(2);
    printf("SIG_IGN: waitpid(-1) = %s\n", err(waitpid(-1, &st, 0)));
    printf("SIG_IGN: waitpid(child) = %s\n", err(waitpid(pid, &st, 0)));
    printf("SIG_IGN: both children disappear: %s\n", yes(disappears(pid) && disappears(a)));
    set_chld(NULL, 0);
}

static void test_orphans(int subreaper)
{
    printf("== orphan%s\n", subreaper ? " with a subreaper" : "");
    int p[2];
    xpipe(p);
    pid_t helper = xfork(); /* the subreaper, or just the grandparent's stand-in */
    if (helper == 0) {
        if (subreaper)
            prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        pid_t me = getpid();
        pid_t mid = xfork();
        if (mid == 0) {
            pid_t g = xfork();
            if (g == 0) {
                pid_t old = getppid();
                xwrite(p[1], "r", 1); /* mid may exit now */
                for (int i = 0; i < 10000 && getppid() == old; i++)
                    usleep(1000);
                char rep[2] = {getppid() != old ? 'c' : 'u', getppid() == me ? 's' : 'n'};
                xwrite(p[1], rep, 2);
                _exit(0);
            }
            xread1(p[0]);
            _exit(0);
        }
        close(p[1]);
        waitpid(mid, NULL, 0);
        char rep[2] = {0, 0};
        if (read(p[0], rep, 2) != 2)
            rep[0] = 0;
        int st = -1;
        pid_t r = subreaper ? wait(&st) : -1;
        printf("grandchild: ppid changed: %s", yes(rep[0] == 'c'));
        if (subreaper)
            printf(", new parent is the subreaper: %s, reaped by it: %s", yes(rep[1] == 's'),
                   yes(r > 0 && WIFEXITED(st)));
        printf("\n");
        exit(0);
    }
    close(p[1]);
    close(p[0]);
    waitpid(helper, NULL, 0);
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "hold") == 0) { /* the image exec_hold starts */
        xwrite(atoi(argv[2]), "r", 1);
        xread1(atoi(argv[3]));
        return 0;
    }
    self = argv[0];
    test_sessions();
    test_exec_setpgid();
    test_group_kill();
    test_stop_continue();
    test_orphans(0);
    test_orphans(1);
    return 0;
}
