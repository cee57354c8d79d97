/* Credentials and the permission rule of kill: a child that gives up root can no
 * longer signal root's processes, nor take root back. Only meaningful when run as root
 * (as the test machines are); otherwise it says so, on both sides alike. */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc_util.h"

static const char *res(int rc) { return rc < 0 ? strerror(errno) : "ok"; }

int main(void)
{
    uid_t r, e, s;
    printf("real == effective: %s\n", yes(getuid() == geteuid()));
    if (geteuid() != 0) {
        printf("not root: the rest needs root\n");
        return 0;
    }
    int hold[2];
    xpipe(hold);
    pid_t a = xfork();
    if (a == 0) {
        char c;
        close(hold[1]);
        _exit(read(hold[0], &c, 1) == 0 ? 0 : 1);
    }
    pid_t b = xfork();
    if (b == 0) {
        printf("setresuid(65534 x3): %s\n", res(setresuid(65534, 65534, 65534)));
        getresuid(&r, &e, &s);
        printf("ids now %u %u %u\n", (unsigned)r, (unsigned)e, (unsigned)s);
        printf("kill(root's child, 0): %s\n", res(kill(a, 0)));
        printf("kill(root's child, SIGTERM): %s\n", res(kill(a, SIGTERM)));
        printf("kill(own parent, 0): %s\n", res(kill(getppid(), 0)));
        printf("kill(self, 0): %s\n", res(kill(getpid(), 0)));
        printf("setuid(0): %s\n", res(setuid(0)));
        printf("setgroups(0): %s\n", res(setgroups(0, NULL)));
        fflush(stdout);
        _exit(0);
    }
    wait_status(b);
    close(hold[1]);
    printf("root's child was not disturbed: %s\n", yes(exited_with(wait_status(a), 0)));
    printf("setreuid(-1, 1000) then back: %s, ", res(setreuid((uid_t)-1, 1000)));
    printf("%s\n", res(setreuid((uid_t)-1, 0)));
    getresuid(&r, &e, &s);
    printf("ids %u %u %u\n", (unsigned)r, (unsigned)e, (unsigned)s);
    return 0;
}
