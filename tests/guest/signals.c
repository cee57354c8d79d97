/* Signal delivery as a static program sees it: handlers with SA_SIGINFO (si_signo,
 * si_code), blocking and pending signals, SA_RESETHAND, SA_NODEFER and sa_mask, nesting,
 * SIG_IGN, sigaltstack, handlers that edit the saved context and return (rt_sigreturn
 * must restore the edited registers), synchronous faults (ud2, int3, null pointer),
 * timers (setitimer + sigsuspend), EINTR from a blocking read, sigtimedwait, and as
 * the last act abort(): the program dies of SIGABRT (exit status 134 in both runs).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>

#ifdef __x86_64__
#define REG_PC REG_RIP
#define REG_ACC REG_RAX
#else
#define REG_PC REG_EIP
#define REG_ACC REG_EAX
#endif

static volatile sig_atomic_t hits, depth, max_depth, last_signo, last_code, pid_matches;
static volatile sig_atomic_t order[8], norder;

static void counting_handler(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    hits++;
    last_signo = si->si_signo;
    last_code = si->si_code;
    pid_matches = si->si_pid == getpid();
    if (norder < 8)
        order[norder++] = sig;
}

static void install(int sig, void (*fn)(int, siginfo_t *, void *), int flags, int mask_sig)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    if (mask_sig)
        sigaddset(&sa.sa_mask, mask_sig);
    if (sigaction(sig, &sa, NULL) != 0)
        printf("sigaction(%d) failed\n", sig);
}

static const char *code_name(int code)
{
    switch (code) {
    case SI_USER: return "SI_USER";
    case SI_TKILL: return "SI_TKILL";
    case SI_KERNEL: return "SI_KERNEL";
    case SI_TIMER: return "SI_TIMER";
    default: return "other";
    }
}

static void test_basic(void)
{
    printf("== handlers, siginfo\n");
    install(SIGUSR1, counting_handler, 0, 0);
    hits = 0;
    raise(SIGUSR1);
    printf("raise: handler ran %d time(s), si_signo=%d, si_code=%s, si_pid is ours: %s\n",
           (int)hits, (int)last_signo, code_name(last_code), pid_matches ? "yes" : "no");
    kill(getpid(), SIGUSR1);
    printf("kill: handler ran %d time(s), si_code=%s\n", (int)hits, code_name(last_code));
    struct sigaction old;
    sigaction(SIGUSR1, NULL, &old);
    printf("sigaction reads back the handler: %s, SA_SIGINFO kept: %s\n",
           old.sa_sigaction == counting_handler ? "yes" : "no",
           (old.sa_flags & SA_SIGINFO) ? "yes" : "no");
    signal(SIGUSR1, SIG_IGN);
    raise(SIGUSR1);
    printf("SIG_IGN: handler count still %d\n", (int)hits);
    printf("sigaction on SIGKILL refused: %s\n",
           sigaction(SIGKILL, &old, NULL) < 0 && errno == EINVAL ? "EINVAL" : "other");
    printf("bad signal number: %s\n", sigaction(99, &old, NULL) < 0 && errno == EINVAL ? "EINVAL" : "other");
}

static void test_blocking(void)
{
    printf("== blocking and pending\n");
    install(SIGUSR2, counting_handler, 0, 0);
    hits = 0;
    norder = 0;
    sigset_t s, pend;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    sigprocmask(SIG_BLOCK, &s, NULL);
    raise(SIGUSR2);
    raise(SIGUSR2); /* standard signals do not queue: still one pending */
    sigpending(&pend);
    printf("blocked: handler ran %d times, pending: %s\n", (int)hits,
           sigismember(&pend, SIGUSR2) ? "yes" : "no");
    sigprocmask(SIG_UNBLOCK, &s, NULL);
    printf("after unblock: handler ran %d time(s)\n", (int)hits);
    sigpending(&pend);
    printf("pending now: %s\n", sigismember(&pend, SIGUSR2) ? "yes" : "no");

    /* sigtimedwait takes a blocked pending signal without running the handler */
    sigprocmask(SIG_BLOCK, &s, NULL);
    raise(SIGUSR2);
    siginfo_t si;
    struct timespec ts = {1, 0};
    int got = sigtimedwait(&s, &si, &ts);
    printf("sigtimedwait returned SIGUSR2: %s, handler ran: %d\n", got == SIGUSR2 ? "yes" : "no", (int)hits);
    struct timespec zero = {0, 0};
    got = sigtimedwait(&s, &si, &zero);
    printf("sigtimedwait with nothing pending: %s\n", got < 0 && errno == EAGAIN ? "EAGAIN" : "other");
    sigprocmask(SIG_UNBLOCK, &s, NULL);
}

static void nesting_handler(int sig, siginfo_t *si, void *uc)
{
    (void)si;
    (void)uc;
    depth++;
    if (depth > max_depth)
        max_depth = depth;
    if (norder < 8)
        order[norder++] = sig;
    if (hits++ == 0)
        raise(sig); /* re-raise once from inside the handler */
    depth--;
}

static void raise_usr2_handler(int sig, siginfo_t *si, void *uc)
{
    (void)si;
    (void)uc;
    if (norder < 8)
        order[norder++] = sig;
    raise(SIGUSR2);
    if (norder < 8)
        order[norder++] = 1000; /* end of the SIGUSR1 handler */
}

static void test_nesting(void)
{
    printf("== SA_NODEFER, sa_mask, SA_RESETHAND\n");
    install(SIGUSR1, nesting_handler, 0, 0);
    hits = depth = max_depth = 0;
    raise(SIGUSR1);
    printf("without SA_NODEFER: ran %d times, max nesting %d\n", (int)hits, (int)max_depth);
    install(SIGUSR1, nesting_handler, SA_NODEFER, 0);
    hits = depth = max_depth = 0;
    raise(SIGUSR1);
    printf("with SA_NODEFER: ran %d times, max nesting %d\n", (int)hits, (int)max_depth);

    /* sa_mask: SIGUSR2 raised inside the SIGUSR1 handler waits until it returns when it
     * is in sa_mask, and runs at once when it is not */
    install(SIGUSR2, counting_handler, 0, 0);
    for (int masked = 0; masked < 2; masked++) {
        install(SIGUSR1, raise_usr2_handler, 0, masked ? SIGUSR2 : 0);
        norder = 0;
        raise(SIGUSR1);
        printf("%s: order", masked ? "SIGUSR2 in sa_mask" : "SIGUSR2 not masked");
        for (int i = 0; i < norder; i++)
            printf(" %s", order[i] == SIGUSR1 ? "usr1-start" : order[i] == SIGUSR2 ? "usr2" : "usr1-end");
        printf("\n");
    }
    struct sigaction sa;
    sigaction(SIGUSR1, NULL, &sa);
    printf("sa_mask reads back with SIGUSR2: %s\n", sigismember(&sa.sa_mask, SIGUSR2) ? "yes" : "no");

    install(SIGURG, counting_handler, SA_RESETHAND, 0);
    hits = 0;
    raise(SIGURG);
    raise(SIGURG); /* default action of SIGURG is to ignore it */
    sigaction(SIGURG, NULL, &sa);
    printf("SA_RESETHAND: ran %d time(s), disposition now default: %s\n", (int)hits,
           sa.sa_handler == SIG_DFL ? "yes" : "no");
}

/* ----------------------------------------------------------- alternate stack */

static char altstack[64 * 1024];
static volatile int on_alt;

static void alt_handler(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)si;
    (void)uc;
    char here;
    on_alt = &here >= altstack && &here < altstack + sizeof altstack;
    stack_t cur;
    sigaltstack(NULL, &cur);
    if (!(cur.ss_flags & SS_ONSTACK))
        on_alt |= 2;
}

static void test_altstack(void)
{
    printf("== sigaltstack\n");
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    printf("sigaltstack: %d\n", sigaltstack(&ss, NULL));
    install(SIGUSR1, alt_handler, SA_ONSTACK, 0);
    on_alt = 0;
    raise(SIGUSR1);
    printf("handler ran on the alternate stack: %s, SS_ONSTACK reported: %s\n",
           (on_alt & 1) ? "yes" : "no", (on_alt & 2) ? "no" : "yes");
    install(SIGUSR1, alt_handler, 0, 0);
    on_alt = 0;
    raise(SIGUSR1);
    printf("without SA_ONSTACK on the normal stack: %s\n", (on_alt & 1) ? "no" : "yes");
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, NULL);
}

/* ------------------------------------------------- faults and context editing */

static volatile uintptr_t fault_pc;
static volatile int fault_sig, fault_code;

/* SIGILL from ud2: skip the 2-byte instruction and put 77 in the accumulator. */
static void skip_ud2(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    fault_sig = sig;
    fault_code = si->si_code;
    fault_pc = (uintptr_t)uc->uc_mcontext.gregs[REG_PC];
    uc->uc_mcontext.gregs[REG_PC] += 2;
    uc->uc_mcontext.gregs[REG_ACC] = 77;
}

static void note_trap(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    fault_sig = sig;
    fault_code = si->si_code;
    fault_pc = (uintptr_t)uc->uc_mcontext.gregs[REG_PC];
}

static sigjmp_buf jb;
static void jump_out(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    fault_sig = sig;
    fault_code = si->si_code;
    fault_pc = (uintptr_t)si->si_addr;
    siglongjmp(jb, 1);
}

static void test_faults(void)
{
    printf("== synchronous faults\n");
    install(SIGILL, skip_ud2, 0, 0);
    uintptr_t at;
    long acc = 5;
#ifdef __x86_64__
    __asm__ volatile("lea 1f(%%rip), %[at]\n1:\tud2" : [at] "=&r"(at), "+a"(acc) : : "memory");
#else
    __asm__ volatile("movl $1f, %[at]\n1:\tud2" : [at] "=&r"(at), "+a"(acc) : : "memory");
#endif
    printf("ud2: SIGILL=%s ILL_ILLOPN=%s pc at ud2: %s, resumed after it with eax=%ld\n",
           fault_sig == SIGILL ? "yes" : "no", fault_code == ILL_ILLOPN ? "yes" : "no",
           fault_pc == at ? "yes" : "no", acc);

    install(SIGTRAP, note_trap, 0, 0);
    fault_sig = 0;
#ifdef __x86_64__
    __asm__ volatile("lea 1f(%%rip), %[at]\n\tint3\n1:" : [at] "=&r"(at) : : "memory");
#else
    __asm__ volatile("movl $1f, %[at]\n\tint3\n1:" : [at] "=&r"(at) : : "memory");
#endif
    printf("int3: SIGTRAP=%s, pc after the int3: %s, si_code SI_KERNEL: %s\n",
           fault_sig == SIGTRAP ? "yes" : "no", fault_pc == at ? "yes" : "no",
           fault_code == SI_KERNEL ? "yes" : "no");

    install(SIGSEGV, jump_out, 0, 0);
    fault_sig = 0;
    if (sigsetjmp(jb, 1) == 0) {
        volatile int *volatile np = (int *)8;
        *np = 1;
        printf("null store did not fault\n");
    } else {
        printf("store to address 8: SIGSEGV=%s SEGV_MAPERR=%s si_addr=8: %s\n",
               fault_sig == SIGSEGV ? "yes" : "no", fault_code == SEGV_MAPERR ? "yes" : "no",
               fault_pc == 8 ? "yes" : "no");
    }
    /* a second fault after siglongjmp: the mask was restored, so it is delivered again */
    fault_sig = 0;
    if (sigsetjmp(jb, 1) == 0) {
        volatile char *volatile np = (char *)0;
        (void)*np;
        printf("null load did not fault\n");
    } else {
        printf("second fault delivered too: %s\n", fault_sig == SIGSEGV ? "yes" : "no");
    }
    /* a privileged instruction: #GP, reported as SIGSEGV with si_code SI_KERNEL */
    fault_sig = 0;
    if (sigsetjmp(jb, 1) == 0) {
        __asm__ volatile("hlt");
        printf("hlt did not fault\n");
    } else {
        printf("hlt: SIGSEGV=%s si_code=SI_KERNEL: %s\n", fault_sig == SIGSEGV ? "yes" : "no",
               fault_code == SI_KERNEL ? "yes" : "no");
    }
    signal(SIGSEGV, SIG_DFL);
}

/* ------------------------------------------------------------------- timers */

static void test_timers(void)
{
    printf("== timers\n");
    install(SIGALRM, counting_handler, 0, 0);
    hits = 0;
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGALRM);
    sigprocmask(SIG_BLOCK, &block, &old);
    struct itimerval it = {{0, 0}, {0, 20000}};
    setitimer(ITIMER_REAL, &it, NULL);
    sigset_t wait_mask = old;
    sigdelset(&wait_mask, SIGALRM);
    int r = sigsuspend(&wait_mask);
    printf("sigsuspend returned -1 EINTR: %s, SIGALRM handled: %d, si_code=%s\n",
           r == -1 && errno == EINTR ? "yes" : "no", (int)hits, code_name(last_code));
    sigprocmask(SIG_SETMASK, &old, NULL);

    /* a blocking read interrupted by a signal whose handler lacks SA_RESTART */
    int p[2];
    if (pipe(p) == 0) {
        struct itimerval it2 = {{0, 0}, {0, 30000}};
        setitimer(ITIMER_REAL, &it2, NULL);
        char c;
        ssize_t n = read(p[0], &c, 1);
        printf("read on an empty pipe interrupted: %s\n", n < 0 && errno == EINTR ? "EINTR" : "other");
        close(p[0]);
        close(p[1]);
    }
    printf("alarm(0) with no alarm pending: %u\n", alarm(0));
    alarm(100);
    printf("alarm(0) after alarm(100) returns about 100: %s\n", alarm(0) > 95 ? "yes" : "no");
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_basic();
    test_blocking();
    test_nesting();
    test_altstack();
    test_faults();
    test_timers();
    printf("== abort(): the process dies of SIGABRT now\n");
    fflush(stdout);
    abort();
}
