/* Miscellaneous system calls of a static program. Their raw results legitimately differ
 * between a native and an emulated run (pids, times, random bytes, host names, CPU
 * identity), so only properties are printed: "succeeded", "non-decreasing", "in a
 * plausible range", "equal to the other call".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static const char *yes(int b)
{
    return b ? "yes" : "no";
}

static int64_t ns_of(const struct timespec *t)
{
    return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static void test_identity(void)
{
    printf("== identity\n");
    struct utsname u;
    int r = uname(&u);
    printf("uname succeeded: %s, sysname is Linux: %s, release non-empty: %s\n", yes(r == 0),
           yes(strcmp(u.sysname, "Linux") == 0), yes(u.release[0] != 0));
    pid_t pid = getpid();
    printf("getpid > 0: %s, stable: %s\n", yes(pid > 0), yes(getpid() == pid));
    printf("getppid > 0: %s\n", yes(getppid() > 0));
    printf("gettid == getpid (single thread): %s\n", yes(syscall(SYS_gettid) == pid));
    printf("set_tid_address returns the tid: %s\n", yes(syscall(SYS_set_tid_address, NULL) == pid));
    printf("getuid == geteuid: %s, getgid == getegid: %s\n", yes(getuid() == geteuid()),
           yes(getgid() == getegid()));
    uid_t ru, eu, su;
    printf("getresuid consistent: %s\n",
           yes(getresuid(&ru, &eu, &su) == 0 && ru == getuid() && eu == geteuid()));
    /* The session id is 0 when the session leader lives outside the pid namespace (as in CI
     * containers), so only its consistency is portable. */
    printf("getpgrp > 0: %s, getsid(0) == getsid(pid) >= 0: %s\n", yes(getpgrp() > 0),
           yes(getsid(0) >= 0 && getsid(0) == getsid(pid)));
    char name[16] = {0};
    prctl(PR_SET_NAME, "hexvm-guest", 0, 0, 0);
    prctl(PR_GET_NAME, name, 0, 0, 0);
    printf("prctl name round trip: \"%s\"\n", name);
    char padded[16]; /* all 16 bytes come back: the name, then zeros */
    memset(padded, 'x', sizeof padded);
    prctl(PR_SET_NAME, "ab", 0, 0, 0);
    prctl(PR_GET_NAME, padded, 0, 0, 0);
    printf("prctl short name:");
    for (int k = 0; k < 16; k++)
        printf(" %02x", (unsigned char)padded[k]);
    printf("\n");
#ifdef __x86_64__
    unsigned long fs = 0;
    long ar = syscall(SYS_arch_prctl, 0x1003 /* ARCH_GET_FS */, &fs);
    printf("arch_prctl(ARCH_GET_FS) succeeded: %s, fs base set (TLS): %s\n", yes(ar == 0), yes(fs != 0));
#endif
}

static void test_time(void)
{
    printf("== clocks\n");
    struct timespec a, b;
    int mono_ok = 1;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < 1000; i++) {
        clock_gettime(CLOCK_MONOTONIC, &b);
        if (ns_of(&b) < ns_of(&a))
            mono_ok = 0;
        a = b;
    }
    printf("CLOCK_MONOTONIC non-decreasing over 1000 reads: %s\n", yes(mono_ok));
    struct timespec rt = {0, 0};
    int rr = clock_gettime(CLOCK_REALTIME, &rt);
    printf("CLOCK_REALTIME succeeded: %s, after 2020: %s\n", yes(rr == 0), yes(rt.tv_sec > 1577836800));
    time_t t = time(NULL);
    printf("time() after 2020: %s, within 5 s of CLOCK_REALTIME: %s\n", yes(t > 1577836800),
           yes(t - rt.tv_sec < 5 && rt.tv_sec - t < 5));
    struct timeval tv;
    gettimeofday(&tv, NULL);
    printf("gettimeofday within 5 s: %s, usec in range: %s\n", yes(tv.tv_sec - t < 5 && t - tv.tv_sec < 5),
           yes(tv.tv_usec >= 0 && tv.tv_usec < 1000000));
    struct timespec res;
    printf("clock_getres MONOTONIC succeeded, at most 1 ms: %s\n",
           yes(clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec <= 1000000));
    struct timespec cpu;
    printf("CLOCK_PROCESS_CPUTIME_ID succeeded: %s\n", yes(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu) == 0));
    printf("bad clock id: %s\n", clock_gettime((clockid_t)12345, &cpu) < 0 && errno == EINVAL ? "EINVAL" : "other");

    clock_gettime(CLOCK_MONOTONIC, &a);
    struct timespec req = {0, 20 * 1000 * 1000}, rem = {7, 7};
    int nr = nanosleep(&req, &rem);
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("nanosleep 20 ms returned 0: %s, at least 20 ms passed: %s\n", yes(nr == 0),
           yes(ns_of(&b) - ns_of(&a) >= 20 * 1000 * 1000));
    struct timespec bad = {0, 2000000000};
    printf("nanosleep with tv_nsec out of range: %s\n", nanosleep(&bad, NULL) < 0 && errno == EINVAL ? "EINVAL" : "other");
    clock_gettime(CLOCK_MONOTONIC, &a);
    struct timespec until = a;
    until.tv_nsec += 5 * 1000 * 1000;
    if (until.tv_nsec >= 1000000000)
        until.tv_sec++, until.tv_nsec -= 1000000000;
    int cr = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("clock_nanosleep absolute returned 0: %s, deadline reached: %s\n", yes(cr == 0),
           yes(ns_of(&b) >= ns_of(&until)));
    struct tms tm;
    printf("times() succeeded: %s\n", yes(times(&tm) != (clock_t)-1));

    /* rdtsc: user-mode readable, increasing */
    uint32_t lo1, hi1, lo2, hi2;
    __asm__ volatile("rdtsc" : "=a"(lo1), "=d"(hi1));
    for (volatile int i = 0; i < 10000; i++)
        ;
    __asm__ volatile("rdtsc" : "=a"(lo2), "=d"(hi2));
    uint64_t t1 = (uint64_t)hi1 << 32 | lo1, t2 = (uint64_t)hi2 << 32 | lo2;
    printf("rdtsc increases: %s\n", yes(t2 > t1));
}

static void test_random(void)
{
    printf("== getrandom\n");
    unsigned char a[64], b[64];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    ssize_t ra = getrandom(a, sizeof a, 0), rb = getrandom(b, sizeof b, GRND_NONBLOCK);
    int nonzero = 0;
    for (size_t i = 0; i < sizeof a; i++)
        nonzero += a[i] != 0;
    printf("getrandom filled 64 bytes twice: %s, mostly non-zero: %s, calls differ: %s\n",
           yes(ra == 64 && rb == 64), yes(nonzero > 32), yes(memcmp(a, b, sizeof a) != 0));
    printf("getrandom with bad flags: %s\n", getrandom(a, 4, 0x1000) < 0 && errno == EINVAL ? "EINVAL" : "other");
}

static void test_limits(void)
{
    printf("== resource limits\n");
    struct rlimit rl = {0, 0};
    int gr = getrlimit(RLIMIT_STACK, &rl);
    printf("getrlimit(RLIMIT_STACK) succeeded: %s, cur <= max: %s\n", yes(gr == 0),
           yes(rl.rlim_cur <= rl.rlim_max));
    struct rlimit old = {0, 0}, lower;
    int pr = prlimit(0, RLIMIT_NOFILE, NULL, &old);
    printf("prlimit(RLIMIT_NOFILE) read succeeded: %s\n", yes(pr == 0));
    lower.rlim_cur = 64;
    lower.rlim_max = old.rlim_max;
    printf("lower soft NOFILE to 64: %s\n", yes(setrlimit(RLIMIT_NOFILE, &lower) == 0));
    getrlimit(RLIMIT_NOFILE, &rl);
    printf("read back soft limit: %llu\n", (unsigned long long)rl.rlim_cur);
    printf("dup2 onto fd 100 now fails with EBADF: %s\n", yes(dup2(1, 100) < 0 && errno == EBADF));
    struct rlimit bad = {10, 5};
    printf("soft above hard: %s\n", setrlimit(RLIMIT_NOFILE, &bad) < 0 && errno == EINVAL ? "EINVAL" : "other");
    setrlimit(RLIMIT_NOFILE, &old);
    struct rusage ru;
    printf("getrusage succeeded: %s\n", yes(getrusage(RUSAGE_SELF, &ru) == 0));
}

static void test_misc(void)
{
    printf("== misc\n");
    printf("sched_yield: %d\n", sched_yield());
    mode_t old = umask(027);
    mode_t back = umask(old);
    printf("umask round trip: %03o\n", (unsigned)back);
    cpu_set_t set;
    CPU_ZERO(&set);
    printf("sched_getaffinity succeeded, some CPU set: %s\n",
           yes(sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0));
    printf("sysconf(_SC_NPROCESSORS_ONLN) >= 1: %s\n", yes(sysconf(_SC_NPROCESSORS_ONLN) >= 1));
    printf("sysconf(_SC_CLK_TCK): %ld\n", sysconf(_SC_CLK_TCK));
    sigset_t s, o;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    sigprocmask(SIG_BLOCK, &s, &o);
    sigprocmask(SIG_SETMASK, &o, &s);
    printf("sigprocmask round trip: SIGUSR2 was blocked %s, now blocked %s\n",
           yes(sigismember(&s, SIGUSR2)), yes(sigismember(&o, SIGUSR2)));
    printf("unknown system call returns ENOSYS: %s\n", yes(syscall(1000) < 0 && errno == ENOSYS));
    /* cpuid itself differs between hosts and emulators; its shape does not */
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0), "c"(0));
    char vendor[13];
    memcpy(vendor, &b, 4);
    memcpy(vendor + 4, &d, 4);
    memcpy(vendor + 8, &c, 4);
    vendor[12] = 0;
    int printable = 1;
    for (int i = 0; i < 12; i++)
        printable &= vendor[i] >= 32 && vendor[i] < 127;
    printf("cpuid leaf 0: max leaf >= 1: %s, vendor printable: %s\n", yes(a >= 1), yes(printable));
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_identity();
    test_time();
    test_random();
    test_limits();
    test_misc();
    return 0;
}
