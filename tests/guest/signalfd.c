/* signalfd: blocked signals read as records (from a child's kill, and raised by the
 * process itself), poll readiness, non-blocking read with nothing pending. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    sigset_t set;
    struct signalfd_siginfo si;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, NULL);
    int fd = signalfd(-1, &set, SFD_NONBLOCK);
    printf("nothing pending: %s\n", read(fd, &si, sizeof si) < 0 && errno == EAGAIN ? "EAGAIN" : "?");
    raise(SIGUSR2);
    struct pollfd p = {fd, POLLIN, 0};
    printf("poll after raise: %d\n", poll(&p, 1, 0));
    ssize_t n = read(fd, &si, sizeof si);
    printf("read %zd: signal %u, code is SI_TKILL: %s\n", n, si.ssi_signo, si.ssi_code == SI_TKILL ? "yes" : "no");
    int blocking = signalfd(fd, &set, 0); /* the same descriptor, mask updated */
    printf("updating the mask returns the same fd: %s\n", blocking == fd ? "yes" : "no");
    int fd2 = signalfd(-1, &set, 0);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        _exit(kill(getppid(), SIGUSR1) == 0 ? 0 : 1);
    n = read(fd2, &si, sizeof si);
    printf("blocking read %zd: signal %u from the child: %s\n", n, si.ssi_signo,
           si.ssi_pid == (unsigned)pid ? "yes" : "no");
    waitpid(pid, NULL, 0);
    return 0;
}
