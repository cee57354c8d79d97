/* execve as a static program sees it. The program re-executes itself (argv[0], which the
 * harness passes as an absolute path; /proc/self/exe is not relied upon) in a mode named
 * by the environment variable PROC_EXEC_MODE: argv and envp arrive exactly (empty strings,
 * many arguments, an arbitrary argv[0]); the errors ENOENT, ENOTDIR, EACCES and ENOEXEC
 * leave the caller running; "#!" scripts whose interpreter is this program get Linux's
 * argument list (interpreter as written, optional argument as one word, script path as
 * passed, the rest); FD_CLOEXEC descriptors close while the others survive with their offsets;
 * handled signals revert to SIG_DFL, ignored ones stay ignored, the blocked mask and the
 * pid survive. The last act is an execve of the original process itself, whose new image
 * exits with status 3. The absolute program path is never printed: it shows as <self>.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc_util.h"

#define MODE_VAR "PROC_EXEC_MODE"
#define SA_RESTORER_FLAG 0x04000000

static const char *self;

/* ------------------------------------------------------------ modes of the new image */

static void print_str(const char *label, const char *s)
{
    const char *me = getenv("SELF");
    if (me && strcmp(s, me) == 0)
        s = "<self>";
    else if (me && strncmp(s, "SELF=", 5) == 0)
        s = "SELF=<self>";
    printf("  %s \"%s\"\n", label, s);
}

static int mode_argv(int argc, char **argv, char **envp)
{
    printf("  argc=%d\n", argc);
    for (int i = 0; i < argc; i++) {
        char label[24];
        snprintf(label, sizeof label, "argv[%d]", i);
        print_str(label, argv[i]);
    }
    printf("  argv[argc] is NULL: %s\n", yes(argv[argc] == NULL));
    int n = 0;
    for (char **e = envp; *e; e++, n++)
        print_str("env", *e);
    printf("  envc=%d\n", n);
    return 0;
}

static int mode_count(int argc, char **argv, char **envp)
{
    uint32_t h = 2166136261u;
    size_t total = 0;
    int ok = 1, n = 0;
    for (int i = 1; i < argc; i++) {
        char want[32];
        snprintf(want, sizeof want, "a%d", i * 7);
        ok &= strcmp(argv[i], want) == 0;
        for (const char *p = argv[i]; *p; p++, total++)
            h = (h ^ (unsigned char)*p) * 16777619u;
    }
    for (char **e = envp; *e; e++)
        n++;
    printf("  argc=%d chars=%zu hash=%08x all as sent: %s envc=%d\n", argc, total, h, yes(ok), n);
    return 0;
}

/* argv: label=fd ... */
static int mode_fds(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        int fd = atoi(eq + 1);
        *eq = 0;
        int fl = fcntl(fd, F_GETFD);
        if (fl < 0) {
            printf("  %s: closed (%s)\n", argv[i], errname(errno));
            continue;
        }
        printf("  %s: open, FD_CLOEXEC=%s", argv[i], yes(fl & FD_CLOEXEC));
        if (fd > 2) /* stdout's offset depends on stdio buffering */
            printf(", offset=%ld", (long)lseek(fd, 0, SEEK_CUR));
        if (strcmp(argv[i], "pipe") == 0) {
            char buf[64] = {0};
            ssize_t n = read(fd, buf, sizeof buf - 1);
            printf(", read %zd \"%s\"", n, buf);
        }
        printf("\n");
    }
    return 0;
}

static const char *disposition(int sig)
{
    static char buf[64];
    struct sigaction sa;
    sigaction(sig, NULL, &sa);
    snprintf(buf, sizeof buf, "%s, flags %s", sa.sa_handler == SIG_DFL ? "SIG_DFL"
             : sa.sa_handler == SIG_IGN ? "SIG_IGN" : "a handler",
             (sa.sa_flags & ~SA_RESTORER_FLAG) == 0 ? "zero" : "non-zero");
    return buf;
}

static int mode_sigs(void)
{
    printf("  SIGUSR1 (was handled): %s\n", disposition(SIGUSR1));
    printf("  SIGTERM (was handled, SA_ONSTACK): %s\n", disposition(SIGTERM));
    printf("  SIGUSR2 (was ignored): %s\n", disposition(SIGUSR2));
    printf("  SIGCHLD (was ignored): %s\n", disposition(SIGCHLD));
    printf("  SIGPIPE (was default): %s\n", disposition(SIGPIPE));
    sigset_t m;
    sigprocmask(SIG_BLOCK, NULL, &m);
    printf("  blocked: SIGINT %s, SIGUSR1 %s, SIGHUP %s, SIGTERM %s\n", yes(sigismember(&m, SIGINT)),
           yes(sigismember(&m, SIGUSR1)), yes(sigismember(&m, SIGHUP)), yes(sigismember(&m, SIGTERM)));
    stack_t ss;
    sigaltstack(NULL, &ss);
    printf("  sigaltstack disabled: %s\n", yes(ss.ss_flags & SS_DISABLE));
    return 0;
}

static int mode_pid(char **argv)
{
    printf("  pid kept: %s, parent kept: %s\n", yes(getpid() == atoi(argv[1])),
           yes(getppid() == atoi(argv[2])));
    return 0;
}

/* ------------------------------------------------------------ the tests */

static void show_status(int st)
{
    if (WIFEXITED(st))
        printf("  -> exited %d\n", WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        printf("  -> killed by signal %d\n", WTERMSIG(st));
}

/* Fork; the child runs prep (if any), then execve(path, argv, envp). */
static void spawn(const char *path, char *const argv[], char *const envp[], void (*prep)(void))
{
    pid_t pid = xfork();
    if (pid == 0) {
        if (prep)
            prep();
        execve(path, argv, envp);
        printf("  execve failed: %s\n", errname(errno));
        exit(127);
    }
    show_status(wait_status(pid));
}

static char self_env[4096];

static void test_argv_env(void)
{
    printf("== argv and envp arrive exactly\n");
    char *argv1[] = {(char *)self, "", "two words", "", "tab\there", "last", NULL};
    char *env1[] = {MODE_VAR "=argv", "EMPTY=", "NOEQUALS", "A=1", "A=2", "", self_env, NULL};
    spawn(self, argv1, env1, NULL);
    printf("== arbitrary argv[0], no other arguments\n");
    char *argv2[] = {"fake-name", NULL};
    char *env2[] = {MODE_VAR "=argv", NULL};
    spawn(self, argv2, env2, NULL);
    printf("== many arguments\n");
    enum { N = 5000 };
    static char store[N][16];
    static char *many[N + 2];
    many[0] = (char *)self;
    for (int i = 1; i <= N; i++) {
        snprintf(store[i - 1], sizeof store[0], "a%d", i * 7);
        many[i] = store[i - 1];
    }
    many[N + 1] = NULL;
    static char envstore[300][24];
    static char *envs[302];
    envs[0] = MODE_VAR "=count";
    for (int i = 0; i < 300; i++) {
        snprintf(envstore[i], sizeof envstore[0], "VAR%d=value%d", i, i);
        envs[i + 1] = envstore[i];
    }
    envs[301] = NULL;
    spawn(self, many, envs, NULL);
}

static void write_file(const char *name, const char *text, mode_t mode)
{
    int fd = open(name, O_CREAT | O_WRONLY | O_TRUNC, 0600);
    xwrite(fd, text, strlen(text));
    close(fd);
    chmod(name, mode);
}

static void try_exec(const char *what, const char *path)
{
    char *argv[] = {(char *)path, NULL};
    char *envp[] = {MODE_VAR "=argv", NULL};
    errno = 0;
    int r = execve(path, argv, envp);
    printf("execve(%s) = %d %s\n", what, r, errname(errno));
}

static void test_errors(void)
{
    printf("== failing execve\n");
    write_file("noexec.txt", "#!/bin/sh\necho no\n", 0644);
    write_file("garbage.bin", "this is not a program\n", 0755);
    write_file("empty.bin", "", 0755);
    write_file("badinterp.sh", "#!./no-such-interpreter\n", 0755);
    write_file("loop1.sh", "#!./loop2.sh\n", 0755);
    write_file("loop2.sh", "#!./loop1.sh\n", 0755);
    mkdir("adir", 0755);
    try_exec("missing file", "./no-such-file");
    try_exec("empty path", "");
    try_exec("file as a directory", "noexec.txt/x");
    try_exec("file without x bits", "noexec.txt");
    try_exec("directory", "adir");
    try_exec("x bit, garbage contents", "garbage.bin");
    try_exec("x bit, empty file", "empty.bin");
    try_exec("script with a missing interpreter", "badinterp.sh");
    try_exec("scripts that interpret each other", "loop1.sh");
    printf("still running after the failures: yes\n");
}

static void test_scripts(void)
{
    printf("== #! scripts interpreted by this program\n");
    /* The interpreter is reached through a symlink: a "#!" line is limited to 255 bytes
     * and the harness's absolute path has no fixed length. */
    if (symlink(self, "interp") != 0)
        printf("symlink failed\n");
    write_file("opt.sh", "#!./interp  one  argument \n", 0755);
    write_file("noopt.sh", "#! ./interp\nignored\n", 0755);
    write_file("nested.sh", "#!./opt.sh nested-arg\n", 0755);
    char *envp[] = {MODE_VAR "=argv", NULL};
    char *a1[] = {"argv0-is-dropped", "x", "", "y z", NULL};
    printf("-- opt.sh (optional argument)\n");
    spawn("opt.sh", a1, envp, NULL);
    printf("-- ./noopt.sh (no optional argument)\n");
    spawn("./noopt.sh", a1, envp, NULL);
    printf("-- nested.sh (interpreter is itself a script)\n");
    spawn("nested.sh", a1, envp, NULL);
    unlink("interp");
}

static char fdargs[8][32];

static void prep_fds(void)
{
    int a = open("cloexec.txt", O_CREAT | O_RDWR | O_TRUNC | O_CLOEXEC, 0644);
    int b = open("keep.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
    xwrite(b, "keep\n", 5);
    int c = dup(b);
    fcntl(c, F_SETFD, FD_CLOEXEC);
    int d = fcntl(b, F_DUPFD_CLOEXEC, 0);
    int p[2], q[2];
    xpipe(p);
    xwrite(p[1], "through the pipe", 16);
    close(p[1]);
    if (pipe2(q, O_CLOEXEC) != 0)
        perror("pipe2");
    int g = open("keep.txt", O_RDONLY | O_CLOEXEC);
    fcntl(g, F_SETFD, 0);
    int h = dup(b);
    dup3(b, h, O_CLOEXEC);
    snprintf(fdargs[0], 32, "O_CLOEXEC=%d", a);
    snprintf(fdargs[1], 32, "plain=%d", b);
    snprintf(fdargs[2], 32, "dup+F_SETFD=%d", c);
    snprintf(fdargs[3], 32, "F_DUPFD_CLOEXEC=%d", d);
    snprintf(fdargs[4], 32, "pipe=%d", p[0]);
    snprintf(fdargs[5], 32, "pipe2(O_CLOEXEC)=%d", q[0]);
    snprintf(fdargs[6], 32, "O_CLOEXEC,cleared=%d", g);
    snprintf(fdargs[7], 32, "dup3(O_CLOEXEC)=%d", h);
    static char *argv[12];
    argv[0] = (char *)self;
    for (int i = 0; i < 8; i++)
        argv[i + 1] = fdargs[i];
    argv[9] = "stdout=1";
    argv[10] = NULL;
    char *envp[] = {MODE_VAR "=fds", NULL};
    execve(self, argv, envp);
    exit(126);
}

static void handler(int sig)
{
    (void)sig;
}

static void prep_sigs(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    static char stack[65536];
    stack_t ss = {.ss_sp = stack, .ss_size = sizeof stack, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    sa.sa_flags = SA_ONSTACK | SA_NODEFER;
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGUSR2, SIG_IGN);
    signal(SIGCHLD, SIG_IGN);
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGINT);
    sigaddset(&m, SIGUSR1);
    sigprocmask(SIG_BLOCK, &m, NULL);
}

static char pidargs[2][16];

static void prep_pid(void)
{
    snprintf(pidargs[0], 16, "%d", (int)getpid());
    snprintf(pidargs[1], 16, "%d", (int)getppid());
}

static void test_inheritance(void)
{
    printf("== descriptors across execve\n");
    char *none[] = {NULL};
    spawn(self, none, none, prep_fds);
    printf("== signal state across execve\n");
    char *argv[] = {(char *)self, NULL};
    char *envp[] = {MODE_VAR "=sigs", NULL};
    spawn(self, argv, envp, prep_sigs);
    printf("== pid across execve\n");
    char *pargv[] = {(char *)self, pidargs[0], pidargs[1], NULL};
    char *penvp[] = {MODE_VAR "=pid", NULL};
    spawn(self, pargv, penvp, prep_pid);
}

int main(int argc, char **argv, char **envp)
{
    const char *mode = getenv(MODE_VAR);
    if (mode) {
        if (strcmp(mode, "argv") == 0)
            return mode_argv(argc, argv, envp);
        if (strcmp(mode, "count") == 0)
            return mode_count(argc, argv, envp);
        if (strcmp(mode, "fds") == 0)
            return mode_fds(argc, argv);
        if (strcmp(mode, "sigs") == 0)
            return mode_sigs();
        if (strcmp(mode, "pid") == 0)
            return mode_pid(argv);
        if (strcmp(mode, "final") == 0) {
            printf("final image: argc=%d argv[1]=\"%s\"\n", argc, argc > 1 ? argv[1] : "");
            return 3;
        }
        printf("unknown mode\n");
        return 100;
    }
    self = argv[0];
    snprintf(self_env, sizeof self_env, "SELF=%s", self);
    test_argv_env();
    test_errors();
    test_scripts();
    test_inheritance();
    printf("== execve in the original process\n");
    fflush(stdout);
    char *fargv[] = {"final", "bye", NULL};
    char *fenvp[] = {MODE_VAR "=final", NULL};
    execve(self, fargv, fenvp);
    printf("final execve failed: %s\n", errname(errno));
    return 1;
}
