/* Real-time signals queue: every instance sent while blocked is delivered, each with its
 * own siginfo, in Linux's order (the thread's own before the process's, a synchronous
 * signal first, else the lowest number, instances in the order sent), while standard
 * signals merge. Handlers, sigtimedwait, signalfd reads of one and several records,
 * tgkill against kill with threads, a POSIX timer's one signal and its overruns, its
 * signal ignored and unignored, RLIMIT_SIGPENDING (0, and a few above what the user has
 * queued already: SigQ's count), SIG_IGN discarding instances, fork and exec.
 * hexvm-test: cflags=-pthread
 * The timer cases follow Linux 6.13's rules (a periodic timer's signal that is ignored
 * waits with its timer; a deleted timer's queued signal is dropped when taken). */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RT(k) (SIGRTMIN + (k))

static const char *sig_name(int sig)
{
    static char buf[4][24];
    static int next;
    static const struct {
        int sig;
        const char *name;
    } names[] = {{SIGINT, "SIGINT"},   {SIGBUS, "SIGBUS"},   {SIGUSR1, "SIGUSR1"},
                 {SIGSEGV, "SIGSEGV"}, {SIGUSR2, "SIGUSR2"}, {SIGCHLD, "SIGCHLD"}};
    char *b = buf[next++ % 4];
    snprintf(b, sizeof buf[0], "signal %d", sig);
    if (sig >= SIGRTMIN && sig <= SIGRTMAX)
        snprintf(b, sizeof buf[0], "SIGRTMIN+%d", sig - SIGRTMIN);
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (names[k].sig == sig)
            snprintf(b, sizeof buf[0], "%s", names[k].name);
    return b;
}

static const char *code_name(int code)
{
    static char buf[16];
    switch (code) {
    case SI_USER: return "SI_USER";
    case SI_QUEUE: return "SI_QUEUE";
    case SI_TKILL: return "SI_TKILL";
    case SI_TIMER: return "SI_TIMER";
    default: snprintf(buf, sizeof buf, "code %d", code); return buf;
    }
}

static int queue(int sig, int value)
{
    return sigqueue(getpid(), sig, (union sigval){.sival_int = value});
}

static long tg_queue(pid_t tid, int sig, int value)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    si.si_signo = sig;
    si.si_code = SI_QUEUE;
    si.si_pid = getpid();
    si.si_uid = getuid();
    si.si_value.sival_int = value;
    return syscall(SYS_rt_tgsigqueueinfo, getpid(), tid, sig, &si);
}

static pid_t my_tid(void) { return (pid_t)syscall(SYS_gettid); }

static void mask_of(sigset_t *set, const int *sigs, int n)
{
    sigemptyset(set);
    for (int k = 0; k < n; k++)
        sigaddset(set, sigs[k]);
}

static int take(const sigset_t *set, siginfo_t *si)
{
    struct timespec zero = {0, 0};
    return sigtimedwait(set, si, &zero);
}

static int is_pending(int sig)
{
    sigset_t p;
    sigpending(&p);
    return sigismember(&p, sig);
}

/* One taken instance: the signal, its kind, and what the kind carries. */
static void show(const char *how, int sig, const siginfo_t *si)
{
    printf("  %s %s %s", how, sig_name(sig), code_name(si->si_code));
    if (si->si_code == SI_QUEUE || si->si_code == SI_TIMER)
        printf(" value %d", si->si_value.sival_int);
    if (si->si_code != SI_TIMER)
        printf(" from %s", si->si_pid == getpid() ? "me" : si->si_pid == 0 ? "nobody" : "other");
    printf("\n");
}

static void take_all(const char *how, const sigset_t *set)
{
    siginfo_t si;
    int sig;
    while ((sig = take(set, &si)) > 0)
        show(how, sig, &si);
    printf("  then %s\n", errno == EAGAIN ? "EAGAIN" : strerror(errno));
}

/* --- handlers: what they saw, in the order they ran --- */
static struct {
    int sig, code, value, from_me;
} seen[64];
static volatile int nseen;

static void record(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    if (nseen < 64) {
        seen[nseen].sig = sig;
        seen[nseen].code = si->si_code;
        seen[nseen].value = si->si_value.sival_int;
        seen[nseen].from_me = si->si_pid == getpid();
        nseen++;
    }
}

static void send_mixed(void)
{
    queue(RT(2), 20);
    queue(RT(0), 1);
    queue(SIGUSR1, 100);
    queue(RT(2), 21);
    kill(getpid(), RT(1));
    queue(RT(0), 2);
    queue(SIGUSR1, 101); /* merged with the first: its value is lost */
    queue(RT(1), 11);
    kill(getpid(), SIGUSR2);
    queue(SIGUSR1, 102);
}

/* nested: handlers block nothing more, so each delivery lays its frame over the
 * previous one and the last taken runs first; else they block everything and run in
 * the order the signals are taken. */
static void handlers(int nested)
{
    int sigs[] = {SIGUSR1, SIGUSR2, RT(0), RT(1), RT(2)};
    sigset_t set;
    mask_of(&set, sigs, 5);
    struct sigaction sa = {.sa_sigaction = record, .sa_flags = SA_SIGINFO};
    if (nested)
        sigemptyset(&sa.sa_mask);
    else
        sigfillset(&sa.sa_mask);
    for (int k = 0; k < 5; k++)
        sigaction(sigs[k], &sa, NULL);
    sigprocmask(SIG_BLOCK, &set, NULL);
    send_mixed();
    nseen = 0;
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    printf("handlers (%s): %d ran\n", nested ? "nested" : "one at a time", nseen);
    for (int k = 0; k < nseen; k++) {
        siginfo_t si;
        memset(&si, 0, sizeof si);
        si.si_code = seen[k].code;
        si.si_value.sival_int = seen[k].value;
        si.si_pid = seen[k].from_me ? getpid() : 0;
        show("ran", seen[k].sig, &si);
    }
}

/* sigtimedwait: synchronous signals before others (even from sigqueue), then the
 * lowest number; the bit stays while an instance is left. */
static void timedwait_order(void)
{
    int sigs[] = {SIGINT, SIGBUS, SIGUSR1, SIGSEGV, RT(0), RT(1)};
    sigset_t set;
    mask_of(&set, sigs, 6);
    sigprocmask(SIG_BLOCK, &set, NULL);
    queue(RT(1), 1);
    queue(RT(0), 2);
    queue(RT(1), 3);
    queue(SIGINT, 4);
    queue(SIGBUS, 5);
    queue(SIGUSR1, 6);
    queue(SIGSEGV, 7);
    queue(RT(0), 8);
    printf("sigtimedwait, one at a time:\n");
    siginfo_t si;
    int sig;
    while ((sig = take(&set, &si)) > 0) {
        show("took", sig, &si);
        printf("    still pending: SIGRTMIN+0 %d, SIGRTMIN+1 %d\n", is_pending(RT(0)),
               is_pending(RT(1)));
    }
    printf("  then %s\n", errno == EAGAIN ? "EAGAIN" : strerror(errno));
    queue(RT(1), 9);
    sig = sigwaitinfo(&set, &si);
    show("sigwaitinfo", sig, &si);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void show_records(const struct signalfd_siginfo *r, ssize_t n)
{
    printf("  read %zd bytes:", n);
    for (ssize_t k = 0; k < n / (ssize_t)sizeof *r; k++)
        printf(" %s/%s/%d/%s", sig_name((int)r[k].ssi_signo), code_name(r[k].ssi_code),
               r[k].ssi_int,
               r[k].ssi_ptr == (uint64_t)(uint32_t)r[k].ssi_int && r[k].ssi_pid == (uint32_t)getpid() &&
                       r[k].ssi_uid == getuid()
                   ? "ok"
                   : "bad");
    printf("\n");
}

/* signalfd: a read takes as many instances as whole records fit. */
static void signalfd_reads(void)
{
    int sigs[] = {RT(0), RT(1)};
    sigset_t set;
    mask_of(&set, sigs, 2);
    sigprocmask(SIG_BLOCK, &set, NULL);
    int fd = signalfd(-1, &set, SFD_NONBLOCK);
    for (int v = 1; v <= 4; v++)
        queue(RT(1), v);
    queue(RT(0), 5);
    queue(RT(0), 6);
    queue(RT(1), 7);
    struct signalfd_siginfo r[3];
    struct pollfd p = {fd, POLLIN, 0};
    printf("signalfd: poll %d\n", poll(&p, 1, 0));
    show_records(r, read(fd, r, sizeof r));
    show_records(r, read(fd, r, sizeof r[0]));
    show_records(r, read(fd, r, sizeof r[0] * 2 + 64));
    show_records(r, read(fd, r, sizeof r));
    ssize_t n = read(fd, r, sizeof r);
    printf("  then %zd %s, poll %d\n", n, n < 0 && errno == EAGAIN ? "EAGAIN" : "?",
           poll(&p, 1, 0));
    close(fd);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* --- threads: tgkill and rt_tgsigqueueinfo reach one thread, kill and sigqueue the
 * process; a thread takes its own first. --- */
static pthread_barrier_t barrier;
static pid_t worker_tid;

static void *worker(void *arg)
{
    sigset_t *set = arg;
    worker_tid = my_tid();
    pthread_barrier_wait(&barrier); /* main sends */
    pthread_barrier_wait(&barrier);
    printf("worker takes:\n");
    take_all("took", set);
    tg_queue(my_tid(), RT(2), 99); /* never taken: it ends with the thread */
    return NULL;
}

static void threads(void)
{
    int sigs[] = {RT(0), RT(1), RT(2)};
    sigset_t set;
    mask_of(&set, sigs, 3);
    sigprocmask(SIG_BLOCK, &set, NULL);
    pthread_t th;
    pthread_barrier_init(&barrier, NULL, 2);
    pthread_create(&th, NULL, worker, &set);
    pthread_barrier_wait(&barrier);
    queue(RT(1), 1);
    tg_queue(worker_tid, RT(1), 2);
    syscall(SYS_tgkill, getpid(), worker_tid, RT(0));
    queue(RT(0), 3);
    tg_queue(my_tid(), RT(0), 4);
    printf("threads: main sees pending SIGRTMIN+0 %d SIGRTMIN+1 %d\n", is_pending(RT(0)),
           is_pending(RT(1)));
    fflush(stdout);
    pthread_barrier_wait(&barrier);
    pthread_join(th, NULL);
    printf("main takes:\n");
    take_all("took", &set);
    printf("  the worker's own SIGRTMIN+2 is not main's: %s\n", is_pending(RT(2)) ? "no" : "yes");
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static timer_t make_timer(int sig, int value, long interval_ms)
{
    timer_t id;
    struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = sig};
    ev.sigev_value.sival_int = value;
    if (timer_create(CLOCK_MONOTONIC, &ev, &id))
        perror("timer_create");
    struct itimerspec its = {{interval_ms / 1000, interval_ms % 1000 * 1000000},
                             {interval_ms / 1000, interval_ms % 1000 * 1000000}};
    timer_settime(id, 0, &its, NULL);
    return id;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, ms % 1000 * 1000000};
    while (nanosleep(&ts, &ts))
        ;
}

/* A periodic timer's signal is queued once however many periods pass while it is
 * blocked; the periods missed come as its overrun when it is taken. */
static void timer_overruns(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, RT(3));
    sigprocmask(SIG_BLOCK, &set, NULL);
    timer_t id = make_timer(RT(3), 77, 50);
    sleep_ms(275);
    queue(RT(3), 5);
    siginfo_t si;
    int sig = take(&set, &si);
    printf("timer: took %s %s value %d, overrun at least 4: %s, timer_getoverrun agrees: %s\n",
           sig_name(sig), code_name(si.si_code), si.si_value.sival_int,
           si.si_overrun >= 4 ? "yes" : "no", timer_getoverrun(id) == si.si_overrun ? "yes" : "no");
    sig = take(&set, &si);
    show("then", sig, &si);
    struct itimerspec off = {{0, 0}, {0, 0}};
    timer_settime(id, 0, &off, NULL);
    printf("  disarmed: timer_getoverrun %d\n", timer_getoverrun(id));
    take_all("took", &set);
    timer_delete(id);

    /* ignored while queued: it waits with its timer, and comes back with a handler */
    sigaddset(&set, RT(4));
    sigprocmask(SIG_BLOCK, &set, NULL);
    id = make_timer(RT(4), 88, 50);
    sleep_ms(120);
    printf("timer signal pending: %d", is_pending(RT(4)));
    signal(RT(4), SIG_IGN);
    printf(", after SIG_IGN: %d", is_pending(RT(4)));
    struct sigaction sa = {.sa_sigaction = record, .sa_flags = SA_SIGINFO};
    sigaction(RT(4), &sa, NULL);
    printf(", after a handler: %d\n", is_pending(RT(4)));
    sig = take(&set, &si);
    printf("  took %s %s value %d, overrun at least 1: %s\n", sig_name(sig),
           code_name(si.si_code), si.si_value.sival_int, si.si_overrun >= 1 ? "yes" : "no");
    timer_delete(id);

    /* deleted while queued: still pending, dropped when taken */
    timer_t once;
    struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = RT(4)};
    timer_create(CLOCK_MONOTONIC, &ev, &once);
    struct itimerspec soon = {{0, 0}, {0, 10000000}};
    timer_settime(once, 0, &soon, NULL);
    sleep_ms(30);
    timer_delete(once);
    printf("a deleted timer's signal: pending %d,", is_pending(RT(4)));
    sig = take(&set, &si);
    printf(" taken %s, pending after %d\n", sig > 0 ? "yes" : errno == EAGAIN ? "no (EAGAIN)" : "?",
           is_pending(RT(4)));
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* SigQ's count of this user's queued signals (and timers). */
static long sigq_queued(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long q = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "SigQ: %ld/", &q) == 1)
            break;
    if (f)
        fclose(f);
    return q;
}

static void set_sigpending_limit(rlim_t n)
{
    struct rlimit rl;
    getrlimit(RLIMIT_SIGPENDING, &rl);
    rl.rlim_cur = n;
    if (setrlimit(RLIMIT_SIGPENDING, &rl))
        perror("setrlimit");
}

static const char *rc_name(long rc) { return rc == 0 ? "0" : errno == EAGAIN ? "EAGAIN" : strerror(errno); }

/* Limit 0: nothing queues whatever else the user has. A real-time sigqueue or tgkill
 * fails; kill's, and a standard sigqueue, pend without their siginfo; what the kernel
 * sends of the standard signals (kill's SI_USER) keeps it. */
static void limit_zero(void)
{
    int sigs[] = {SIGUSR1, SIGUSR2, RT(0), RT(1), RT(2)};
    sigset_t set;
    mask_of(&set, sigs, 5);
    sigprocmask(SIG_BLOCK, &set, NULL);
    struct rlimit old;
    getrlimit(RLIMIT_SIGPENDING, &old);
    set_sigpending_limit(0);
    printf("RLIMIT_SIGPENDING 0: sigqueue %s", rc_name(queue(RT(0), 1)));
    printf(", tgkill %s", rc_name(syscall(SYS_tgkill, getpid(), my_tid(), RT(1))));
    printf(", rt_tgsigqueueinfo %s", rc_name(tg_queue(my_tid(), RT(1), 2)));
    printf(", kill %s", rc_name(kill(getpid(), RT(2))));
    printf(", kill again %s", rc_name(kill(getpid(), RT(2))));
    printf(", sigqueue SIGUSR1 %s", rc_name(queue(SIGUSR1, 3)));
    printf(", kill SIGUSR2 %s\n", rc_name(kill(getpid(), SIGUSR2)));
    timer_t id;
    struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = RT(0)};
    printf("  timer_create %s\n", rc_name(timer_create(CLOCK_MONOTONIC, &ev, &id)));
    take_all("took", &set);
    setrlimit(RLIMIT_SIGPENDING, &old);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* Five above what the user has queued: five sigqueues pass and the sixth fails. The
 * host's other processes of this user count too: tried again if they changed. */
static void limit_five(void)
{
    int sigs[] = {RT(0), RT(1)};
    sigset_t set;
    mask_of(&set, sigs, 2);
    sigprocmask(SIG_BLOCK, &set, NULL);
    struct rlimit old;
    getrlimit(RLIMIT_SIGPENDING, &old);
    int n = 0, at_limit = 0, err = 0;
    for (int attempt = 0; attempt < 5; attempt++) {
        long before = sigq_queued();
        set_sigpending_limit((rlim_t)before + 5);
        for (n = 0; n < 100 && queue(RT(0), n) == 0; n++)
            ;
        err = errno;
        at_limit = sigq_queued() == before + 5;
        if (n == 5 && at_limit && err == EAGAIN)
            break;
        setrlimit(RLIMIT_SIGPENDING, &old);
        siginfo_t si;
        while (take(&set, &si) > 0)
            ;
    }
    printf("RLIMIT_SIGPENDING 5 more than queued: %d queued, then %s; SigQ at the limit: %s\n",
           n, err == EAGAIN ? "EAGAIN" : strerror(err), at_limit ? "yes" : "no");
    printf("  kill %s, kill SIGRTMIN+0 again %s\n", rc_name(kill(getpid(), RT(1))),
           rc_name(kill(getpid(), RT(0))));
    take_all("took", &set);
    setrlimit(RLIMIT_SIGPENDING, &old);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* An action that ignores a signal discards its pending instances; a blocked signal is
 * queued even while ignored, and dropped when delivered. */
static void ignoring(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, RT(5));
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, NULL);
    struct sigaction sa = {.sa_sigaction = record, .sa_flags = SA_SIGINFO};
    sigaction(RT(5), &sa, NULL);
    for (int v = 0; v < 3; v++)
        queue(RT(5), v);
    printf("ignoring: 3 queued, pending %d", is_pending(RT(5)));
    signal(RT(5), SIG_IGN);
    printf(", after SIG_IGN %d", is_pending(RT(5)));
    queue(RT(5), 3);
    printf(", sent while blocked and ignored %d", is_pending(RT(5)));
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    printf(", unblocked %d\n", is_pending(RT(5)));
    sigprocmask(SIG_BLOCK, &set, NULL);
    sigaction(SIGCHLD, &sa, NULL);
    queue(SIGCHLD, 1);
    printf("  SIGCHLD with a handler, blocked: pending %d", is_pending(SIGCHLD));
    signal(SIGCHLD, SIG_DFL);
    printf(", after SIG_DFL (which ignores it) %d\n", is_pending(SIGCHLD));
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    signal(RT(5), SIG_DFL);
}

static void status_line(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, key, strlen(key)))
            printf("  %s", line);
    if (f)
        fclose(f);
}

/* The image exec starts keeps the pending instances and the mask. */
static int exec_child(void)
{
    sigset_t set, mask;
    sigemptyset(&set);
    sigaddset(&set, RT(0));
    sigaddset(&set, RT(6));
    sigprocmask(SIG_BLOCK, NULL, &mask);
    printf("after exec: SIGRTMIN+6 still blocked %d\n", sigismember(&mask, RT(6)));
    status_line("SigPnd:");
    status_line("ShdPnd:");
    take_all("took", &set);
    return 0;
}

/* A forked child starts with nothing pending. */
static void fork_exec(const char *self)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, RT(0));
    sigaddset(&set, RT(6));
    sigprocmask(SIG_BLOCK, &set, NULL);
    queue(RT(6), 61);
    queue(RT(6), 62);
    queue(RT(0), 1);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        printf("child: pending at fork %d %d\n", is_pending(RT(6)), is_pending(RT(0)));
        queue(RT(6), 71);
        queue(RT(6), 72);
        syscall(SYS_tgkill, getpid(), my_tid(), RT(0));
        fflush(stdout);
        execl(self, self, "exec-child", (char *)NULL);
        _exit(99);
    }
    int status;
    waitpid(pid, &status, 0);
    printf("parent: child exited %d; takes:\n", WEXITSTATUS(status));
    take_all("took", &set);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "exec-child"))
        return exec_child();
    setvbuf(stdout, NULL, _IOLBF, 0);
    handlers(0);
    handlers(1);
    timedwait_order();
    signalfd_reads();
    threads();
    timer_overruns();
    limit_zero();
    limit_five();
    ignoring();
    fork_exec(argv[0]);
    return 0;
}
