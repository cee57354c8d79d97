/* Executes random bytes, to check that nothing a guest does can crash the emulator.
 *
 * NEVER RUN THIS NATIVELY: the random code issues random system calls. tests/fuzz/run.sh
 * runs it only under hexvm, inside a sandbox (new PID/network namespaces, no privileges).
 *
 * Usage: random_code STATEFILE START COUNT
 *
 * For attempt k = START .. START+COUNT-1: map a fresh RWX page at a fixed address, fill
 * its first 64 bytes from a generator keyed by k (the run is reproducible), and the rest
 * with a nop sled into a landing (a jump back to us) at the end of the page; reset the
 * general registers to known values (stack pointer on a private scratch stack, a few
 * pointers into a scratch data page, everything else zero, flags clear) and jump there.
 * The attempt ends when the code reaches the landing or raises SIGSEGV, SIGILL, SIGFPE,
 * SIGTRAP or SIGBUS (handlers on an alternate stack jump back), or runs for more than
 * about two timer ticks (SIGALRM).
 *
 * Progress and counts live in STATEFILE, a shared file mapping, so they survive the
 * process dying mid-attempt (random code can call exit, kill itself, block signals...):
 *   word 0: magic, word 1: the attempt in progress (or START+COUNT when done),
 *   words 2..: how many attempts ended each way (enum outcome).
 * run.sh restarts after an early death at the next attempt. At the end the counts are
 * printed. With RANDOM_CODE_TRACE set in the environment, each attempt's outcome is
 * also written to stderr as "K OUTCOME".
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

enum outcome { O_LANDED, O_SEGV, O_ILL, O_FPE, O_TRAP, O_BUS, O_TIMEOUT, O_OTHER, O_COUNT };
static const char *const outcome_names[O_COUNT] = {"landed", "SIGSEGV", "SIGILL", "SIGFPE",
                                                   "SIGTRAP", "SIGBUS", "timeout", "other"};

#define MAGIC 0x315a46564d584548ull /* "HEXVMFZ1" */
#define CODE_BYTES 64

/* ------------------------------------------------------------ the trampoline */

/* Register image loaded before the jump, in this order. */
#ifdef __x86_64__
enum { R_AX, R_BX, R_CX, R_DX, R_SI, R_DI, R_BP, R_SP, R_8, R_9, R_10, R_11, R_12, R_13, R_14, R_15, R_N };
#else
enum { R_AX, R_BX, R_CX, R_DX, R_SI, R_DI, R_BP, R_SP, R_N };
#endif
uintptr_t fz_regs[R_N];
uintptr_t fz_code;      /* where to jump */
uintptr_t fz_saved_sp;  /* our stack pointer while the random code runs */
uint16_t fz_saved_seg[4]; /* i386: ds es fs gs, restored on the way back */

/* int fz_enter(void): save callee-saved registers, load fz_regs, jump to fz_code.
 * void fz_resume(int outcome): from the landing or a signal handler, return from
 * fz_enter with OUTCOME, with a sane FPU/SSE state and DF clear. */
int fz_enter(void);
void fz_resume(int outcome);
void fz_landed(void); /* fz_resume(O_LANDED) for the landing: needs no stack */

#ifdef __x86_64__
__asm__(".text\n"
        ".globl fz_enter\n"
        "fz_enter:\n\t"
        "push %rbp\n\tpush %rbx\n\tpush %r12\n\tpush %r13\n\tpush %r14\n\tpush %r15\n\t"
        "mov %rsp, fz_saved_sp(%rip)\n\t"
        "lea fz_regs(%rip), %rax\n\t"
        "mov 7*8(%rax), %rsp\n\t"
        "push $2\n\tpopf\n\t" /* all status flags and DF clear */
        "mov 1*8(%rax), %rbx\n\tmov 2*8(%rax), %rcx\n\tmov 3*8(%rax), %rdx\n\t"
        "mov 4*8(%rax), %rsi\n\tmov 5*8(%rax), %rdi\n\tmov 6*8(%rax), %rbp\n\t"
        "mov 8*8(%rax), %r8\n\tmov 9*8(%rax), %r9\n\tmov 10*8(%rax), %r10\n\t"
        "mov 11*8(%rax), %r11\n\tmov 12*8(%rax), %r12\n\tmov 13*8(%rax), %r13\n\t"
        "mov 14*8(%rax), %r14\n\tmov 15*8(%rax), %r15\n\t"
        "mov 0*8(%rax), %rax\n\t"
        "jmp *fz_code(%rip)\n"
        ".globl fz_landed\n"
        "fz_landed:\n\t"
        "xor %edi, %edi\n"
        ".globl fz_resume\n"
        "fz_resume:\n\t"
        "mov %edi, %eax\n\t"
        "mov fz_saved_sp(%rip), %rsp\n\t"
        "cld\n\tfninit\n\t"
        "push $0x1f80\n\tldmxcsr (%rsp)\n\tpop %rcx\n\t"
        "pop %r15\n\tpop %r14\n\tpop %r13\n\tpop %r12\n\tpop %rbx\n\tpop %rbp\n\t"
        "ret\n");
#else
__asm__(".text\n"
        ".globl fz_enter\n"
        "fz_enter:\n\t"
        "push %ebp\n\tpush %ebx\n\tpush %esi\n\tpush %edi\n\t"
        "mov %ds, fz_saved_seg\n\tmov %es, fz_saved_seg+2\n\t"
        "mov %fs, fz_saved_seg+4\n\tmov %gs, fz_saved_seg+6\n\t"
        "mov %esp, fz_saved_sp\n\t"
        "mov $fz_regs, %eax\n\t"
        "mov 7*4(%eax), %esp\n\t"
        "push $2\n\tpopf\n\t"
        "mov 1*4(%eax), %ebx\n\tmov 2*4(%eax), %ecx\n\tmov 3*4(%eax), %edx\n\t"
        "mov 4*4(%eax), %esi\n\tmov 5*4(%eax), %edi\n\tmov 6*4(%eax), %ebp\n\t"
        "mov 0*4(%eax), %eax\n\t"
        "jmp *fz_code\n"
        ".globl fz_resume\n"
        "fz_resume:\n\t"
        "mov 4(%esp), %eax\n\t"
        "jmp 1f\n"
        ".globl fz_landed\n"
        "fz_landed:\n\t" /* reached with any stack: takes no argument */
        "xor %eax, %eax\n"
        "1:\n\t"
        /* segment registers first: random code may have loaded null selectors */
        "mov %ss:fz_saved_seg, %ds\n\tmov %ss:fz_saved_seg+2, %es\n\t"
        "mov fz_saved_seg+4, %fs\n\tmov fz_saved_seg+6, %gs\n\t"
        "mov fz_saved_sp, %esp\n\t"
        "cld\n\tfninit\n\t"
        "pop %edi\n\tpop %esi\n\tpop %ebx\n\tpop %ebp\n\t"
        "ret\n");
#endif

/* ------------------------------------------------------------ thread control block */

/* Random code reaches the thread control block through fs:/gs: prefixes, and i386 glibc
 * makes every system call through a pointer stored there (gs:0x10). Its first words are
 * saved at start and put back after every attempt, before the next system call. */
#define TCB_WORDS 32
static uintptr_t tcb_saved[TCB_WORDS];
#ifdef __x86_64__
#define TCB_SEG "%%fs"
#else
#define TCB_SEG "%%gs"
#endif

static void tcb_save(void)
{
    for (uintptr_t i = 0; i < TCB_WORDS; i++)
        __asm__ volatile("mov " TCB_SEG ":(%1), %0" : "=r"(tcb_saved[i]) : "r"(i * sizeof(uintptr_t)));
}

static void tcb_restore(void)
{
    for (uintptr_t i = 0; i < TCB_WORDS; i++)
        __asm__ volatile("mov %0, " TCB_SEG ":(%1)" : : "r"(tcb_saved[i]), "r"(i * sizeof(uintptr_t)) : "memory");
}

/* ------------------------------------------------------------ state */

static uint64_t *state;
static volatile sig_atomic_t in_attempt;
static volatile uint64_t current, ticks_seen_at;
static volatile int ticks_same;
static volatile sig_atomic_t idle_ticks;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
    (void)si;
    (void)uc;
    if (!in_attempt) {
        if (sig == SIGALRM) {
            idle_ticks++; /* a tick while we run our own code */
            return;
        }
        _exit(100 + sig); /* a fault in the fuzzer itself: let run.sh restart */
    }
    if (sig == SIGALRM) {
        /* a timeout needs the same attempt on two consecutive ticks */
        if (ticks_seen_at != current) {
            ticks_seen_at = current;
            ticks_same = 0;
            return;
        }
        if (++ticks_same < 2)
            return;
    }
    in_attempt = 0;
    int o = sig == SIGSEGV ? O_SEGV : sig == SIGILL ? O_ILL : sig == SIGFPE ? O_FPE
            : sig == SIGTRAP ? O_TRAP : sig == SIGBUS ? O_BUS : sig == SIGALRM ? O_TIMEOUT : O_OTHER;
    fz_resume(o);
}

static void install_handlers(void)
{
    static char altstack[256 * 1024];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    static const int sigs[] = {SIGSEGV, SIGILL, SIGFPE, SIGTRAP, SIGBUS, SIGALRM};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_signal;
        sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK | (sigs[i] == SIGALRM ? SA_RESTART : 0);
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[i], &sa, NULL);
    }
    struct itimerval it = {{0, 5000}, {0, 5000}}; /* 5 ms ticks */
    setitimer(ITIMER_REAL, &it, NULL);
}

/* ------------------------------------------------------------ code generation */

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* The landing at the end of the page: a jump to fz_landed. Everything between the
 * random bytes and the landing is a nop sled, so code that falls off its 64 bytes, or
 * jumps forward anywhere into the page, lands. */
#ifdef __x86_64__
#define LANDING_SIZE 12
#else
#define LANDING_SIZE 7
#endif
static void write_landing(unsigned char *p)
{
    size_t n = 0;
    uintptr_t target = (uintptr_t)fz_landed;
#ifdef __x86_64__
    p[n++] = 0x48; /* mov rax, imm64 */
    p[n++] = 0xb8;
    memcpy(p + n, &target, 8);
    n += 8;
#else
    p[n++] = 0xb8; /* mov eax, imm32 */
    memcpy(p + n, &target, 4);
    n += 4;
#endif
    p[n++] = 0xff; /* jmp eax / rax */
    p[n++] = 0xe0;
}

/* Append decimal V to BUF at *N. */
static void put_u64(char *buf, size_t *n, uint64_t v)
{
    char tmp[24];
    int i = 0;
    do
        tmp[i++] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    while (i > 0)
        buf[(*n)++] = tmp[--i];
}

static void put_str(char *buf, size_t *n, const char *s)
{
    while (*s)
        buf[(*n)++] = *s++;
}

/* "attempts A..B: landed=N SIGSEGV=N ..." with raw system calls only. */
static void report(uint64_t start, uint64_t count)
{
    char buf[512];
    size_t n = 0;
    put_str(buf, &n, "attempts ");
    put_u64(buf, &n, start);
    put_str(buf, &n, "..");
    put_u64(buf, &n, start + count - 1);
    put_str(buf, &n, ", totals so far:");
    for (int o = 0; o < O_COUNT; o++) {
        put_str(buf, &n, " ");
        put_str(buf, &n, outcome_names[o]);
        put_str(buf, &n, "=");
        put_u64(buf, &n, state[2 + o]);
    }
    put_str(buf, &n, "\n");
    syscall(SYS_write, 1, buf, n);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: random_code STATEFILE START COUNT\n");
        return 2;
    }
    uint64_t start = strtoull(argv[2], NULL, 10), count = strtoull(argv[3], NULL, 10);
    long page = sysconf(_SC_PAGESIZE);
    pid_t self = getpid();
    /* RANDOM_CODE_TRACE=1: one line per attempt on stderr, "K OUTCOME", for hunting */
    int trace = getenv("RANDOM_CODE_TRACE") != NULL;

    int fd = open(argv[1], O_RDWR | O_CREAT, 0644);
    if (fd < 0 || ftruncate(fd, 4096) != 0) {
        perror("state file");
        return 3;
    }
    /* the state page sits in the middle of 2 MiB of inaccessible guard, out of reach of
     * random stores near the code and data pages: BT/BTS/BTR/BTC with a register bit
     * offset reach far past their operand (a 16-bit count, 8 KiB), and attempt 364573
     * of the m32 run cleared a bit of the state page from behind a one-page guard */
    size_t guard_bytes = (size_t)1 << 20;
    unsigned char *guard = mmap(NULL, 2 * guard_bytes + (size_t)page, PROT_NONE,
                                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    state = guard == MAP_FAILED ? MAP_FAILED
            : mmap(guard + guard_bytes, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
    close(fd);
    if (state == MAP_FAILED) {
        perror("mmap state");
        return 3;
    }
    if (state[0] != MAGIC) {
        memset(state, 0, 4096);
        state[0] = MAGIC;
    }
    uint64_t counts[O_COUNT]; /* private copy: detects an attempt that changed the state */
    memcpy(counts, state + 2, sizeof counts);

    /* code page + data page (one mapping, re-created every attempt), scratch stack */
    unsigned char *code = mmap(NULL, 2 * (size_t)page, PROT_READ | PROT_WRITE | PROT_EXEC,
                               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    unsigned char *stack = mmap(NULL, 64 * 1024, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED || stack == MAP_FAILED) {
        perror("mmap");
        return 3;
    }
    unsigned char *data = code + page;
    tcb_save();
    install_handlers();
    /* Endless loops in random code end only through the timer: say so when its signal
     * does not reach a busy guest (then only run.sh's stall watchdog ends them). */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do
        clock_gettime(CLOCK_MONOTONIC, &t1);
    while (idle_ticks == 0 && (t1.tv_sec - t0.tv_sec) * 1000000000ll + (t1.tv_nsec - t0.tv_nsec) < 1000000000ll);
    if (idle_ticks == 0) {
        static const char msg[] = "random_code: no SIGALRM within 1 s of a 5 ms interval timer\n";
        syscall(SYS_write, 2, msg, sizeof msg - 1);
    }

    for (uint64_t k = start; k < start + count; k++) {
        state[1] = k;
        current = k;
        /* fresh mapping: undo whatever the previous attempt did to it */
        if (mmap(code, 2 * (size_t)page, PROT_READ | PROT_WRITE | PROT_EXEC,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != code)
            _exit(4);
        uint64_t seed = k * 0x2545f4914f6cdd1dull + 1;
        for (int i = 0; i < CODE_BYTES; i += 8) {
            uint64_t r = splitmix(&seed);
            memcpy(code + i, &r, 8);
        }
        memset(code + CODE_BYTES, 0x90, (size_t)page - CODE_BYTES - LANDING_SIZE);
        write_landing(code + page - LANDING_SIZE);

        /* Known registers. The exit-status registers (rdi, ebx) stay zero so that a
         * random exit call ends with status 0, never one that looks like a crash. */
        memset(fz_regs, 0, sizeof fz_regs);
        fz_regs[R_CX] = 0x40; /* bounded loop/rep counts */
        fz_regs[R_SI] = (uintptr_t)(data + 64);
        fz_regs[R_BP] = (uintptr_t)(stack + 40 * 1024);
        fz_regs[R_SP] = (uintptr_t)(stack + 32 * 1024);
        fz_code = (uintptr_t)code;

        in_attempt = 1;
        int o = fz_enter();
        in_attempt = 0;
        tcb_restore();
        if (o < 0 || o >= O_COUNT)
            o = O_OTHER;
        /* a fork from random code: the child stops here, quietly */
        if (getpid() != self)
            _exit(0);
        if (memcmp(counts, state + 2, sizeof counts) != 0 || state[1] != k) {
            char line[80];
            size_t n = 0;
            put_str(line, &n, "random_code: attempt ");
            put_u64(line, &n, k);
            put_str(line, &n, " changed the state page; repaired\n");
            syscall(SYS_write, 2, line, n);
            memcpy(state + 2, counts, sizeof counts);
            state[1] = k;
        }
        counts[o]++;
        state[2 + o]++;
        if (trace) {
            char line[64];
            size_t n = 0;
            put_u64(line, &n, k);
            put_str(line, &n, " ");
            put_str(line, &n, outcome_names[o]);
            put_str(line, &n, "\n");
            syscall(SYS_write, 2, line, n);
        }
    }
    state[1] = start + count;
    report(start, count);
    /* random code may have broken the thread pointer (arch_prctl, set_thread_area), so
     * nothing that touches libc's thread-local state runs after the attempts: no stdio,
     * no exit handlers */
    _exit(0);
}
