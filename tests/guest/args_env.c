/* Process start-up as a static program sees it: argc/argv, the environment the harness
 * set (env -i plus a few fixed variables, which hexvm must pass through unchanged), the
 * auxiliary vector, and an exit status taken from the command line.
 * hexvm-test: args=alpha  -x "quoted" 7 last
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern char **environ;

static void print_args(int argc, char **argv)
{
    /* argv[0] is the same absolute path in both runs; print only its last component so
     * the output does not depend on the scratch location. */
    const char *slash = strrchr(argv[0], '/');
    printf("argc=%d\n", argc);
    printf("argv[0] basename=%s\n", slash ? slash + 1 : argv[0]);
    for (int i = 1; i < argc; i++)
        printf("argv[%d]=<%s> len=%zu\n", i, argv[i], strlen(argv[i]));
    printf("argv[argc] is NULL: %s\n", argv[argc] == NULL ? "yes" : "no");
}

static void print_env(void)
{
    int n = 0;
    for (char **e = environ; *e; e++, n++)
        printf("env[%d]=<%s>\n", n, *e);
    printf("env count=%d\n", n);
    const char *v = getenv("HEXVM_TEST_VAR");
    printf("getenv(HEXVM_TEST_VAR)=<%s>\n", v ? v : "(null)");
    printf("getenv(NOT_SET) is NULL: %s\n", getenv("HEXVM_NOT_SET") ? "no" : "yes");
}

static void print_auxv(void)
{
    unsigned long pagesz = getauxval(AT_PAGESZ);
    printf("AT_PAGESZ=%lu sysconf=%ld\n", pagesz, sysconf(_SC_PAGESIZE));
    const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
    printf("AT_RANDOM non-null: %s\n", rnd ? "yes" : "no");
    if (rnd) {
        /* 16 random bytes: all-zero would mean they were never filled in. */
        int nonzero = 0;
        for (int i = 0; i < 16; i++)
            nonzero |= rnd[i];
        printf("AT_RANDOM bytes not all zero: %s\n", nonzero ? "yes" : "no");
    }
    printf("AT_PHDR non-null: %s\n", getauxval(AT_PHDR) ? "yes" : "no");
    printf("AT_PHENT=%lu\n", getauxval(AT_PHENT));
    printf("AT_ENTRY non-null: %s\n", getauxval(AT_ENTRY) ? "yes" : "no");
    printf("AT_UID==getuid: %s\n", getauxval(AT_UID) == (unsigned long)getuid() ? "yes" : "no");
    printf("AT_SECURE=%lu\n", getauxval(AT_SECURE));
}

int main(int argc, char **argv)
{
    print_args(argc, argv);
    print_env();
    print_auxv();
    /* The exit status comes from the last numeric argument: 7. */
    int code = argc > 4 ? atoi(argv[4]) : 0;
    fflush(stdout);
    return code;
}
