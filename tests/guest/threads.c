/* Threads: mutexes, condition variables, barriers, 64 threads at once, joins with
 * results, a robust mutex whose owner dies, a signal sent to one thread, thread-local
 * storage, and exit from one thread while the others block.
 * hexvm-test: cflags=-pthread */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MANY 64

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static pthread_barrier_t all_here;
static long counter;
static int turn;
static __thread int mine;

/* Each adds to a shared counter under the lock, then waits for its turn in id order. */
static void *in_turn(void *arg)
{
    long id = (long)arg;
    mine = (int)id;
    pthread_barrier_wait(&all_here);
    for (int i = 0; i < 1000; i++) {
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
    }
    pthread_mutex_lock(&lock);
    while (turn != id)
        pthread_cond_wait(&changed, &lock);
    turn++;
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&lock);
    return (void *)(long)(mine * 3);
}

static void many_threads(void)
{
    pthread_t th[MANY];
    pthread_barrier_init(&all_here, NULL, MANY);
    for (long i = 0; i < MANY; i++)
        if (pthread_create(&th[i], NULL, in_turn, (void *)i)) {
            printf("pthread_create failed\n");
            exit(1);
        }
    long sum = 0;
    for (int i = 0; i < MANY; i++) {
        void *r;
        pthread_join(th[i], &r);
        sum += (long)r;
    }
    printf("%d threads: counter %ld, turns %d, results sum %ld, main's tls %d\n", MANY, counter,
           turn, sum, mine);
}

static pthread_mutex_t robust;

static void *die_holding(void *arg)
{
    pthread_mutex_lock(&robust);
    return arg; /* ends without unlocking */
}

static void robust_mutex(void)
{
    pthread_mutexattr_t a;
    pthread_t th;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&robust, &a);
    pthread_create(&th, NULL, die_holding, NULL);
    pthread_join(th, NULL);
    int rc = pthread_mutex_lock(&robust);
    printf("lock after the owner died: %s\n", rc == EOWNERDEAD ? "EOWNERDEAD" : strerror(rc));
    if (rc == EOWNERDEAD) {
        pthread_mutex_consistent(&robust);
        pthread_mutex_unlock(&robust);
        printf("relock after consistent: %s\n", pthread_mutex_lock(&robust) == 0 ? "ok" : "failed");
        pthread_mutex_unlock(&robust);
    }
}

static volatile sig_atomic_t got_by;
static void on_usr1(int sig) { got_by = sig == SIGUSR1 ? (int)syscall(SYS_gettid) : -1; }

static void *wait_for_signal(void *arg)
{
    int *tid = arg;
    *tid = (int)syscall(SYS_gettid);
    while (!got_by)
        pause();
    return NULL;
}

static void signal_one_thread(void)
{
    pthread_t th;
    volatile int tid = 0;
    sigset_t set;
    signal(SIGUSR1, on_usr1);
    pthread_create(&th, NULL, wait_for_signal, (void *)&tid);
    while (!tid)
        sched_yield();
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* the main thread could not take it anyway */
    pthread_kill(th, SIGUSR1);
    printf("pending for the main thread: %s\n", sigpending(&set) == 0 && !sigismember(&set, SIGUSR1) ? "no" : "yes");
    pthread_join(th, NULL);
    printf("handled by the thread it was sent to: %s\n", got_by == tid ? "yes" : "no");
}

static void *sleeper(void *arg)
{
    pthread_mutex_lock(&lock);
    pthread_cond_wait(&changed, &lock); /* never signalled */
    return arg;
}

/* exit() from a thread while the others block ends the whole process. */
static void exit_while_blocked(void)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        pthread_t th[4];
        for (int i = 0; i < 4; i++)
            pthread_create(&th[i], NULL, sleeper, NULL);
        _exit(7);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("a process whose threads block exits: %s, status %d\n", WIFEXITED(st) ? "yes" : "no",
           WEXITSTATUS(st));
}

int main(void)
{
    many_threads();
    robust_mutex();
    signal_one_thread();
    exit_while_blocked();
    printf("getpid == gettid in main: %s\n", getpid() == syscall(SYS_gettid) ? "yes" : "no");
    return 0;
}
