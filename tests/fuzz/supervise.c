/* supervise SECONDS STALL WATCHFILE OUTFILE ERRFILE PROGRAM [ARGS...]
 *
 * Host-side helper of the fuzz suite (built with the host compiler, never a guest).
 * Runs PROGRAM directly (no shell in between) in its own process group with stdin from
 * /dev/null and stdout/stderr into the two files, kills the whole group after SECONDS,
 * or when the 8 bytes at offset 8 of WATCHFILE (the fuzzer's attempt counter) have not
 * changed for STALL seconds (0: no such watch), and prints one line saying how it ended:
 *     exit N      it called exit(N)
 *     signal N    it was killed by signal N (for hexvm itself: a host crash)
 *     timeout     it ran out of time and was killed
 *     stalled     it made no progress for STALL seconds and was killed
 * A shell reports both "exit 139" and "killed by SIGSEGV" as 139; the fuzz suite must
 * tell them apart, hence this helper.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t ticked;

static void on_alarm(int sig)
{
    (void)sig;
    ticked = 1;
}

/* The watched counter, or all ones when it cannot be read (not yet created). */
static unsigned long long watched(const char *path)
{
    unsigned long long v = ~0ull;
    int fd = open(path, O_RDONLY);
    if (fd >= 0) {
        if (pread(fd, &v, sizeof v, 8) != (ssize_t)sizeof v)
            v = ~0ull;
        close(fd);
    }
    return v;
}

int main(int argc, char **argv)
{
    if (argc < 7) {
        fprintf(stderr, "usage: supervise SECONDS STALL WATCHFILE OUTFILE ERRFILE PROGRAM [ARGS...]\n");
        return 2;
    }
    unsigned seconds = (unsigned)strtoul(argv[1], NULL, 10);
    unsigned stall = (unsigned)strtoul(argv[2], NULL, 10);
    const char *watch = argv[3];
    argv += 2; /* from here on as before: OUTFILE ERRFILE PROGRAM... at argv[2..] */
    pid_t pid = fork();
    if (pid < 0) {
        perror("supervise: fork");
        return 2;
    }
    if (pid == 0) {
        setpgid(0, 0);
        int in = open("/dev/null", O_RDONLY);
        int out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || out < 0 || err < 0) {
            perror("supervise: open");
            _exit(125);
        }
        dup2(in, 0);
        dup2(out, 1);
        dup2(err, 2);
        execv(argv[4], argv + 4);
        perror("supervise: exec");
        _exit(126);
    }
    setpgid(pid, pid); /* also here, so the group exists before any kill below */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm; /* no SA_RESTART: waitpid must return EINTR */
    sigaction(SIGALRM, &sa, NULL);
    unsigned elapsed = 0, unchanged = 0;
    unsigned long long last = watched(watch);
    alarm(1); /* one-second ticks: check the time limit and the progress */
    int status;
    for (;;) {
        pid_t r = waitpid(pid, &status, 0);
        if (r == pid)
            break;
        if (r < 0 && errno == EINTR && ticked) {
            ticked = 0;
            elapsed++;
            unsigned long long now = watched(watch);
            unchanged = now == last ? unchanged + 1 : 0;
            last = now;
            const char *why = elapsed >= seconds ? "timeout"
                              : stall && unchanged >= stall ? "stalled" : NULL;
            if (why) {
                kill(-pid, SIGKILL);
                waitpid(pid, &status, 0);
                printf("%s\n", why);
                return 0;
            }
            alarm(1);
            continue;
        }
        if (r < 0 && errno != EINTR) {
            perror("supervise: waitpid");
            return 2;
        }
    }
    kill(-pid, SIGKILL); /* leftovers of the group (a forked guest), if any */
    if (WIFEXITED(status))
        printf("exit %d\n", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        printf("signal %d\n", WTERMSIG(status));
    else
        printf("unknown %#x\n", status);
    return 0;
}
