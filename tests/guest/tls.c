/* Thread-local storage of a static program: __thread variables with and without
 * initialisers (.tdata and .tbss), TLS arrays, the address of a TLS variable staying
 * fixed, errno (itself thread-local) after failing calls, and static initialisers of
 * ordinary data (.data, .bss, constructors). Only values and properties are printed.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static __thread int tls_init = 42;
static __thread long long tls_big = 0x1122334455667788ll;
static __thread int tls_zero;
static __thread char tls_buf[300] = "thread-local string";
static __thread int tls_arr[1000];
__thread double tls_double = 2.5;

static int data_init = 7;
static int bss_zero;
static const char rodata[] = "read-only data";
static int table[5] = {1, 2, 3, 4, 5};
static int ctor_ran;

__attribute__((constructor)) static void early(void)
{
    /* constructors run before main, with TLS already usable */
    ctor_ran = 1 + tls_init;
}

static int *__attribute__((noinline)) tls_addr(void)
{
    return &tls_init;
}

int main(void)
{
    printf("constructor ran and saw tls_init: %d\n", ctor_ran);
    printf("tls_init=%d tls_big=%llx tls_zero=%d tls_buf=\"%s\" tls_double=%g\n", tls_init,
           (unsigned long long)tls_big, tls_zero, tls_buf, tls_double);
    int zero = 1;
    for (int i = 0; i < 1000; i++)
        zero &= tls_arr[i] == 0;
    printf("tls array starts zeroed: %s\n", zero ? "yes" : "no");
    for (int i = 0; i < 1000; i++)
        tls_arr[i] = i * i;
    long sum = 0;
    for (int i = 0; i < 1000; i++)
        sum += tls_arr[i];
    printf("tls array sum: %ld\n", sum);
    tls_init += 100;
    tls_big ^= -1;
    strcat(tls_buf, " + more");
    printf("after writes: %d %llx \"%s\"\n", tls_init, (unsigned long long)tls_big, tls_buf);
    printf("TLS address stable across calls: %s\n", tls_addr() == tls_addr() ? "yes" : "no");

    /* the thread pointer: fs (x86-64) or gs (i386) based loads see the same TLS block */
    uintptr_t tp;
#ifdef __x86_64__
    __asm__("mov %%fs:0, %0" : "=r"(tp));
#else
    __asm__("mov %%gs:0, %0" : "=r"(tp));
#endif
    /* variant II TLS: the thread pointer points at itself (the TCB self pointer) and
     * the static TLS block sits just below it */
    printf("tcb self pointer points to itself: %s\n", tp != 0 && *(uintptr_t *)tp == tp ? "yes" : "no");
    printf("tls below the thread pointer: %s\n", (uintptr_t)&tls_init < tp ? "yes" : "no");

    errno = 0;
    int r = close(-1);
    printf("close(-1) = %d errno=%d (EBADF=%d)\n", r, errno, EBADF);
    errno = 0;
    r = (int)write(1, NULL, 0);
    printf("write(1, NULL, 0) = %d errno=%d\n", r, errno);
    r = (int)lseek(0, 0, 99);
    printf("lseek bad whence = %d errno=%d (EINVAL=%d)\n", r, errno, EINVAL);

    printf("data_init=%d bss_zero=%d rodata=\"%s\" table sum=%d\n", data_init, bss_zero, rodata,
           table[0] + table[1] + table[2] + table[3] + table[4]);
    data_init *= 3;
    bss_zero = -9;
    printf("after writes: data_init=%d bss_zero=%d\n", data_init, bss_zero);
    return 0;
}
