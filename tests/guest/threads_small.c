/* A few threads, briefly: one blocks reading an empty pipe until the main thread writes
 * and answers through a condition variable, two add to a counter under one mutex (one
 * yields holding it, so that the other waits for it), one takes a signal sent to it
 * alone while it waits in sigsuspend, the main thread spins a while for one to start,
 * and the process ends while that one still blocks in read. Short enough for lockstep's
 * step mode (tests/lockstep), where threads.c is too long.
 * hexvm-test: cflags=-pthread */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static int handoff[2], never_written[2];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t answered = PTHREAD_COND_INITIALIZER;
static char answer;
static long counter;
static volatile int waiter_tid, blocker_started;
static volatile sig_atomic_t signalled_tid;

/* Thread 2 (lockstep's plant test plants a wrong result at its first instruction). */
static void *reader(void *arg)
{
    char c;
    if (read(handoff[0], &c, 1) != 1)
        return NULL;
    pthread_mutex_lock(&lock);
    answer = (char)(c + 1);
    pthread_cond_signal(&answered);
    pthread_mutex_unlock(&lock);
    return arg;
}

static void *adder(void *arg)
{
    for (int i = 0; i < 300; i++) {
        pthread_mutex_lock(&lock);
        counter += (long)arg;
        if (i == 100)
            sched_yield();
        pthread_mutex_unlock(&lock);
    }
    return (void *)((long)arg * 10);
}

static void on_usr1(int sig)
{
    (void)sig;
    signalled_tid = (int)syscall(SYS_gettid);
}

static void *waiter(void *arg)
{
    sigset_t none;
    sigemptyset(&none);
    waiter_tid = (int)syscall(SYS_gettid);
    while (!signalled_tid)
        sigsuspend(&none);
    return arg;
}

static void *blocker(void *arg)
{
    char c;
    blocker_started = 1;
    return read(never_written[0], &c, 1) == 1 ? arg : NULL;
}

static void start(pthread_t *th, void *(*fn)(void *), long arg)
{
    if (pthread_create(th, NULL, fn, (void *)arg)) {
        printf("pthread_create failed\n");
        exit(1);
    }
}

static void pipe_and_condvar(void)
{
    pthread_t th;
    void *res;
    start(&th, reader, 5);
    sched_yield();
    if (write(handoff[1], "a", 1) != 1)
        exit(2);
    pthread_mutex_lock(&lock);
    while (!answer)
        pthread_cond_wait(&answered, &lock);
    pthread_mutex_unlock(&lock);
    pthread_join(th, &res);
    printf("reader answered %c and returned %ld\n", answer, (long)res);
}

static void contended_mutex(void)
{
    pthread_t one, two;
    void *r1, *r2;
    start(&one, adder, 1);
    start(&two, adder, 2);
    pthread_join(one, &r1);
    pthread_join(two, &r2);
    printf("counter %ld, the adders returned %ld and %ld\n", counter, (long)r1, (long)r2);
}

static void signal_to_one_thread(void)
{
    pthread_t th;
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    signal(SIGUSR1, on_usr1);
    pthread_sigmask(SIG_BLOCK, &usr1, NULL); /* the waiter inherits it, and unblocks it waiting */
    start(&th, waiter, 0);
    while (!waiter_tid)
        sched_yield();
    pthread_kill(th, SIGUSR1);
    pthread_join(th, NULL);
    printf("the signal was handled by its thread: %s\n",
           signalled_tid == waiter_tid ? "yes" : "no");
}

int main(void)
{
    pthread_t th;
    if (pipe(handoff) || pipe(never_written))
        return 3;
    pipe_and_condvar();
    contended_mutex();
    signal_to_one_thread();
    start(&th, blocker, 0);
    /* without a system call: only a scheduler that takes the turn away lets it start */
    for (long spins = 0; !blocker_started && spins < 50000; spins++)
        ;
    while (!blocker_started)
        sched_yield();
    printf("ending while a thread blocks in read\n");
    return 0;
}
