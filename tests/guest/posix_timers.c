/* POSIX timers: a periodic timer's signal with its value (SI_TIMER), disarming with
 * the old setting read back, deletion, and a SIGEV_NONE timer seen by timer_gettime. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t hits, last_value, last_code;
static void on_timer(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    if (sig == SIGRTMIN) {
        hits++;
        last_value = si->si_value.sival_int;
        last_code = si->si_code;
    }
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_timer;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGRTMIN, &sa, NULL);
    struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGRTMIN};
    ev.sigev_value.sival_int = 42;
    timer_t t;
    printf("create: %d\n", timer_create(CLOCK_MONOTONIC, &ev, &t));
    struct itimerspec its = {{0, 5000000}, {0, 5000000}};
    printf("settime: %d\n", timer_settime(t, 0, &its, NULL));
    while (hits < 3)
        pause();
    printf("three expirations: value %d, code is SI_TIMER: %s\n", (int)last_value,
           last_code == SI_TIMER ? "yes" : "no");
    struct itimerspec off = {{0, 0}, {0, 0}}, old;
    timer_settime(t, 0, &off, &old);
    printf("disarmed; it had an interval of %ld ns\n", old.it_interval.tv_nsec);
    struct itimerspec now;
    timer_gettime(t, &now);
    printf("after disarming: %lld.%09ld\n", (long long)now.it_value.tv_sec, now.it_value.tv_nsec);
    int first = timer_delete(t);
    int again = timer_delete(t);
    printf("delete: %d, delete again: %s\n", first, again < 0 && errno == EINVAL ? "EINVAL" : "?");
    struct sigevent none = {.sigev_notify = SIGEV_NONE};
    timer_t quiet;
    timer_create(CLOCK_MONOTONIC, &none, &quiet);
    struct itimerspec ten_s = {{0, 0}, {10, 0}};
    timer_settime(quiet, 0, &ten_s, NULL);
    timer_gettime(quiet, &now);
    printf("SIGEV_NONE timer still to run: %s\n", now.it_value.tv_sec >= 9 ? "yes" : "no");
    return 0;
}
