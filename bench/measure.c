/* measure: run a command N times; report the median wall time and peak RSS.
 *
 * usage: measure [-n RUNS] [-b BUDGET_S] [-t TIMEOUT_S] [-o OUT] [-e ERR] -- CMD [ARGS...]
 *
 *   -n RUNS       how many times to run CMD (default 3)
 *   -b BUDGET_S   start no further run once the runs so far took this long in
 *                 total (default 0: no budget); keeps a slow target from
 *                 eating the whole benchmark's time, at the cost of fewer runs
 *   -t TIMEOUT_S  per-run limit in seconds, SIGKILL after it (default 0: none)
 *   -o OUT        the first run's standard output goes here (default: none is
 *                 kept); every later run's must be byte-identical to it
 *   -e ERR        every run's standard error goes here, appended (default /dev/null)
 *
 *   -p BASE       paired: run BASE with CMD's arguments too, the two taking
 *                 turns (which goes first alternates), RUNS pairs, standard
 *                 output to /dev/null; see below
 *
 * Prints one line of key=value fields on stdout, e.g.
 *   status=ok runs=3 median_s=0.512345 min_s=0.50 max_s=0.53 maxrss_kb=1880 cpu_s=0.51
 * (cpu_s: the median of the runs' user plus system CPU time, which a busy
 * machine disturbs less than the wall time)
 * status is one of ok, exit:N, signal:N, timeout, unstable (outputs of two
 * runs differ), spawn:ERRNO-TEXT. It stops at the first failed run; the times
 * then cover the runs that succeeded. Exit status is 0 only for status=ok.
 *
 * With -p, the line is
 *   status=ok pairs=400 base_median_s=… median_s=… diff_median_s=…
 *   diff_trimmed_s=… cpu_diff_median_s=… cpu_diff_trimmed_s=…
 * where diff is CMD's time minus BASE's within each pair (trimmed: the mean
 * without the lowest and highest tenth). On a machine whose speed drifts by
 * a third from one minute to the next, two medians measured apart differ by
 * more than a small change to CMD; the two runs of a pair see the same
 * machine, so their difference does not drift with it.
 *
 * Written for bench/run.sh so the benchmark depends on no GNU time or
 * hyperfine: wall time is CLOCK_MONOTONIC around spawn..wait4, and peak RSS is
 * the child's own ru_maxrss from wait4 (so for `hexvm prog` it is hexvm's, the
 * emulator plus its guest, and for a native run the program's).
 *
 * Standard output goes into a memory file (memfd) that measure reads back,
 * not into a file on disk: on ext4, opening a file that holds data with
 * O_TRUNC, writing it and closing it starts the file's writeback at the
 * close (auto_da_alloc), which added 0.23 ms to every run of a static hello
 * here, native or not. A pipe costs a wake-up of its reader at each write;
 * the memory file costs what /dev/null does. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static volatile sig_atomic_t child_pid;
static volatile sig_atomic_t timed_out;

/* SIGALRM handler: the run took too long; kill it so wait4 returns. */
static void on_alarm(int sig)
{
    (void)sig;
    timed_out = 1;
    if (child_pid > 0)
        kill((pid_t)child_pid, SIGKILL);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median of v[0..n) (n > 0), which it sorts. */
static double median_of(double *v, unsigned n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The mean of sorted v[0..n) without its lowest and highest tenth. */
static double trimmed_mean(const double *v, unsigned n)
{
    double sum = 0;
    unsigned from = n / 10, to = n - n / 10;
    for (unsigned k = from; k < to; k++)
        sum += v[k];
    return sum / (to - from);
}

/* A run's standard output, read back from the memory file. */
struct output {
    char *data;
    size_t len, cap;
};

/* Reads the memory file fd (its whole size) into o. 0, or -1. */
static int read_back(int fd, struct output *o)
{
    struct stat st;
    if (fstat(fd, &st) || st.st_size < 0)
        return -1;
    size_t size = (size_t)st.st_size;
    if (size > o->cap) {
        char *more = realloc(o->data, size);
        if (!more)
            return -1;
        o->data = more;
        o->cap = size;
    }
    o->len = 0;
    while (o->len < size) {
        ssize_t n = pread(fd, o->data + o->len, size - o->len, (off_t)o->len);
        if (n <= 0)
            return -1;
        o->len += (size_t)n;
    }
    return 0;
}

static int write_file(const char *path, const struct output *o)
{
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(o->data, 1, o->len, f) == o->len;
    if (f && fclose(f))
        ok = 0;
    return ok ? 0 : -1;
}

/* One run: spawn with stdout into the memory file out_fd (read back into
 * `out`; -1: to /dev/null) and stderr appended to `err`, wait, time it.
 * Returns 0 on exit status 0 and writes a status text into `status`
 * otherwise. */
static int run_once(char **cmd, int out_fd, struct output *out, const char *err,
                    unsigned timeout_s, double *wall, double *cpu, long *maxrss_kb, char *status,
                    size_t status_len)
{
    if (out_fd >= 0 && (ftruncate(out_fd, 0) || lseek(out_fd, 0, SEEK_SET))) {
        snprintf(status, status_len, "memfd:%s", strerror(errno));
        return -1;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (out_fd >= 0)
        posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
    else
        posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, err, O_WRONLY | O_CREAT | O_APPEND,
                                     0644);
    pid_t pid;
    timed_out = 0;
    double t0 = now_s();
    int rc = posix_spawnp(&pid, cmd[0], &fa, NULL, cmd, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        snprintf(status, status_len, "spawn:%s", strerror(rc));
        /* Keep the status one word: run.sh splits the line on spaces. */
        for (char *p = status; *p; p++)
            if (*p == ' ')
                *p = '-';
        return -1;
    }
    child_pid = pid;
    if (timeout_s)
        alarm(timeout_s);
    int wstatus;
    struct rusage ru;
    pid_t got;
    do
        got = wait4(pid, &wstatus, 0, &ru);
    while (got < 0 && errno == EINTR);
    double t1 = now_s();
    alarm(0);
    child_pid = 0;
    if (got < 0) {
        snprintf(status, status_len, "wait:%s", strerror(errno));
        return -1;
    }
    *wall = t1 - t0;
    *cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
    *maxrss_kb = ru.ru_maxrss;
    if (timed_out) {
        snprintf(status, status_len, "timeout");
        return -1;
    }
    if (WIFSIGNALED(wstatus)) {
        snprintf(status, status_len, "signal:%d", WTERMSIG(wstatus));
        return -1;
    }
    if (WEXITSTATUS(wstatus) != 0) {
        snprintf(status, status_len, "exit:%d", WEXITSTATUS(wstatus));
        return -1;
    }
    if (out_fd >= 0 && read_back(out_fd, out)) {
        snprintf(status, status_len, "read-back");
        return -1;
    }
    return 0;
}

static void usage(void)
{
    fputs("usage: measure [-n RUNS] [-b BUDGET_S] [-t TIMEOUT_S] [-o OUT] [-e ERR] [-p BASE] "
          "-- CMD [ARGS...]\n",
          stderr);
    exit(2);
}

/* -p: RUNS pairs of BASE and CMD; prints the paired line. 0, or 1 when a
 * run failed (its status printed). */
static int measure_pairs(const char *base, char **cmd, unsigned runs, unsigned timeout_s,
                         const char *err)
{
    unsigned argc = 0;
    while (cmd[argc])
        argc++;
    char **base_cmd = calloc(argc + 1, sizeof *base_cmd);
    double *v[4]; /* BASE's wall, CMD's wall, and CMD - BASE: wall, cpu */
    for (int k = 0; k < 4; k++)
        v[k] = calloc(runs, sizeof *v[k]);
    if (!base_cmd || !v[0] || !v[1] || !v[2] || !v[3])
        return 2;
    memcpy(base_cmd, cmd, argc * sizeof *cmd);
    base_cmd[0] = (char *)base;
    char status[64] = "ok";
    for (unsigned r = 0; r < runs; r++) {
        double wall[2], cpu[2];
        for (int turn = 0; turn < 2; turn++) {
            int which = (int)(r % 2) ^ turn; /* 0: BASE, 1: CMD */
            long rss;
            if (run_once(which ? cmd : base_cmd, -1, NULL, err, timeout_s, &wall[which],
                         &cpu[which], &rss, status, sizeof status)) {
                printf("status=%s pairs=%u\n", status, r);
                return 1;
            }
        }
        v[0][r] = wall[0];
        v[1][r] = wall[1];
        v[2][r] = wall[1] - wall[0];
        v[3][r] = cpu[1] - cpu[0];
    }
    double base_median = median_of(v[0], runs), median = median_of(v[1], runs);
    double diff = median_of(v[2], runs), cpu_diff = median_of(v[3], runs);
    printf("status=ok pairs=%u base_median_s=%.6f median_s=%.6f diff_median_s=%.6f "
           "diff_trimmed_s=%.6f cpu_diff_median_s=%.6f cpu_diff_trimmed_s=%.6f\n",
           runs, base_median, median, diff, trimmed_mean(v[2], runs), cpu_diff,
           trimmed_mean(v[3], runs));
    return 0;
}

int main(int argc, char **argv)
{
    unsigned runs = 3, timeout_s = 0;
    double budget_s = 0;
    const char *out = NULL, *err = "/dev/null", *base = NULL;
    int opt;
    /* '+': stop at the first non-option so CMD's own flags are left alone. */
    while ((opt = getopt(argc, argv, "+n:b:t:o:e:p:")) != -1) {
        switch (opt) {
        case 'n':
            runs = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 'b':
            budget_s = strtod(optarg, NULL);
            break;
        case 't':
            timeout_s = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 'o':
            out = optarg;
            break;
        case 'e':
            err = optarg;
            break;
        case 'p':
            base = optarg;
            break;
        default:
            usage();
        }
    }
    if (optind >= argc || runs == 0)
        usage();
    char **cmd = argv + optind;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm; /* no SA_RESTART: wait4 must see EINTR */
    sigaction(SIGALRM, &sa, NULL);
    if (base)
        return measure_pairs(base, cmd, runs, timeout_s, err);

    /* The first run's output is OUT; the rest must match it, so that an
     * emulator that is nondeterministic between runs is caught too. */
    struct output first = {0}, again = {0};
    int out_fd = out ? memfd_create("measure-stdout", MFD_CLOEXEC) : -1;
    if (out && out_fd < 0) {
        perror("measure: memfd_create");
        return 2;
    }
    double *walls = calloc(runs, sizeof *walls), *cpus = calloc(runs, sizeof *cpus);
    if (!walls || !cpus)
        return 2;
    long peak_kb = 0;
    double spent_s = 0;
    unsigned done = 0;
    char status[64] = "ok";
    for (unsigned r = 0; r < runs; r++) {
        double wall = 0, cpu = 0;
        long rss = 0;
        struct output *o = r == 0 ? &first : &again;
        int rc = run_once(cmd, out_fd, o, err, timeout_s, &wall, &cpu, &rss, status,
                          sizeof status);
        if (rss > peak_kb)
            peak_kb = rss;
        if (rc != 0)
            break;
        if (r == 0 && out && write_file(out, &first)) {
            snprintf(status, sizeof status, "write:%s", out);
            break;
        }
        if (r > 0 && out &&
            (again.len != first.len || (first.len && memcmp(again.data, first.data, first.len)))) {
            snprintf(status, sizeof status, "unstable");
            break;
        }
        cpus[done] = cpu;
        walls[done++] = wall;
        spent_s += wall;
        if (budget_s > 0 && spent_s >= budget_s)
            break;
    }
    free(first.data);
    free(again.data);

    double median = 0, lo = 0, hi = 0, cpu_median = 0;
    if (done) {
        median = median_of(walls, done);
        cpu_median = median_of(cpus, done);
        lo = walls[0];
        hi = walls[done - 1];
    }
    printf("status=%s runs=%u median_s=%.6f min_s=%.6f max_s=%.6f maxrss_kb=%ld cpu_s=%.6f\n",
           status, done, median, lo, hi, peak_kb, cpu_median);
    free(walls);
    free(cpus);
    return strcmp(status, "ok") == 0 ? 0 : 1;
}
