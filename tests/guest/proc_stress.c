/* 2000 cycles of fork + execve (of this program, in a mode that exits at once with
 * cycle % 256) + waitpid, every status checked; then 200 cycles of vfork + execve and
 * 200 of fork + _exit without exec. Only the summary is printed.
 */
/* hexvm-test: timeout=300 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc_util.h"

enum { CYCLES = 2000, VCYCLES = 200, FCYCLES = 200 };

/* vfork returns twice into this frame: keep nothing live across it (-Wclobbered). */
static __attribute__((noinline)) pid_t vfork_exec(const char *self, char *const args[], char *const envp[])
{
    pid_t pid = vfork();
    if (pid == 0) {
        execve(self, args, envp);
        _exit(254);
    }
    return pid;
}

static int vfork_cycles(const char *self, char **envp)
{
    int vok = 0;
    for (int i = 0; i < VCYCLES; i++) {
        char code[16];
        snprintf(code, sizeof code, "%d", (i * 7) % 256);
        char *args[] = {(char *)self, "exit", code, NULL};
        if (exited_with(wait_status(vfork_exec(self, args, envp)), (i * 7) % 256))
            vok++;
    }
    return vok;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "exit") == 0)
        return atoi(argv[2]);
    const char *self = argv[0];
    char *envp[] = {"STRESS=1", NULL};
    int ok = 0, bad = 0, forkfail = 0;
    fflush(stdout);
    for (int i = 0; i < CYCLES; i++) {
        char code[16];
        snprintf(code, sizeof code, "%d", i % 256);
        char *args[] = {(char *)self, "exit", code, NULL};
        pid_t pid = fork();
        if (pid < 0) {
            forkfail++;
            continue;
        }
        if (pid == 0) {
            execve(self, args, envp);
            _exit((i + 1) % 256); /* never the expected code */
        }
        int st = wait_status(pid);
        if (exited_with(st, i % 256))
            ok++;
        else if (bad++ < 5)
            fprintf(stderr, "cycle %d: status=0x%x (-1: not reaped)\n", i, (unsigned)st);
    }
    printf("fork+execve+waitpid: %d cycles, %d correct, %d wrong, %d fork failures\n", CYCLES, ok,
           bad, forkfail);

    int vok = vfork_cycles(self, envp);
    printf("vfork+execve+waitpid: %d of %d correct\n", vok, VCYCLES);

    int fok = 0;
    for (int i = 0; i < FCYCLES; i++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(i & 0x7f);
        if (exited_with(wait_status(pid), i & 0x7f))
            fok++;
    }
    printf("fork+_exit+waitpid: %d of %d correct\n", fok, FCYCLES);
    errno = 0;
    printf("no children left: %s\n", yes(wait(NULL) < 0 && errno == ECHILD));
    return bad != 0 || vok != VCYCLES || fok != FCYCLES;
}
