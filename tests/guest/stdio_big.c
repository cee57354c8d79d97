/* stdio at volume and in every common format: integers of all sizes and bases, widths,
 * precisions and flags, strings, characters, pointers-free %n, doubles in %f %e %g %a
 * (which exercise the FPU/SSE paths of libc), long doubles, and a few megabytes of
 * output through both fully-buffered and unbuffered streams, plus sscanf/strtod
 * parsing back what was printed.
 */
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void integers(void)
{
    printf("== integers\n");
    static const long long v[] = {0, 1, -1, 42, -42, 127, -128, 255, 32767, -32768, 65535,
                                  INT_MAX, INT_MIN, UINT_MAX, LLONG_MAX, LLONG_MIN};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        long long x = v[i];
        printf("[%d] [%i] [%u] [%x] [%X] [%o] [%lld] [%llx] [%+d] [% d] [%8d] [%-8d|] [%08d] "
               "[%.5d] [%#x] [%#o] [%hhd] [%hd] [%zu] [%" PRId64 "] [%" PRIu64 "]\n",
               (int)x, (int)x, (unsigned)x, (unsigned)x, (unsigned)x, (unsigned)x, x,
               (unsigned long long)x, (int)x, (int)x, (int)x, (int)x, (int)x, (int)x,
               (unsigned)x, (unsigned)x, (signed char)x, (short)x, (size_t)(unsigned)x,
               (int64_t)x, (uint64_t)x);
    }
    int n1 = 0, n2 = 0;
    printf("count%n these%n\n", &n1, &n2);
    printf("%%n counted %d and %d\n", n1, n2);
    printf("[%*d] [%-*d] [%.*d]\n", 6, 42, 6, 42, 4, 7);
}

static void strings(void)
{
    printf("== strings and characters\n");
    const char *s = "hexvm";
    printf("[%s] [%10s] [%-10s] [%.3s] [%10.2s] [%c] [%3c] [%-3c] [%%]\n", s, s, s, s, s, 'x', 'y', 'z');
    char buf[64];
    size_t room = 8;
    const char *volatile first = "truncated"; /* volatile: truncation is the point */
    int n = snprintf(buf, room, "%s-%s", first, "output");
    printf("snprintf returned %d, kept \"%s\"\n", n, buf);
}

static void doubles(void)
{
    printf("== doubles\n");
    static const double v[] = {0.0, -0.0, 1.0, -1.0, 0.1, 1.0 / 3.0, 2.0 / 3.0, 3.14159265358979,
                               1e10, 1e-10, 123456789.125, 1e300, 1e-300, 5e-324, 1.7976931348623157e308,
                               0.5, 1.5, 2.5, -2.5, 1e15 + 0.3, 9.999999e22};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        double x = v[i];
        printf("[%f] [%.0f] [%.3f] [%e] [%.10e] [%g] [%.15g] [%.17g] [%a] [%12.4f] [%-12.2e|] [%+g]\n",
               x, x, x, x, x, x, x, x, x, x, x, x);
    }
    printf("[%f] [%f] [%f] [%e] [%g]\n", INFINITY, -INFINITY, NAN, INFINITY, -NAN);
    long double ld = 1.0L / 3.0L;
    printf("long double: [%Lf] [%.20Lg] [%Le]\n", ld, ld, ld * 1e100L);
    printf("float promoted: [%f] [%.9g]\n", 0.1f, 0.1f);
    double sum = 0;
    for (int i = 1; i <= 1000; i++)
        sum += 1.0 / i;
    printf("harmonic(1000) = %.15f\n", sum);
    printf("sqrt(2)=%.17g exp(1)=%.17g log(10)=%.17g sin(1)=%.17g pow(2,0.5)=%.17g\n", sqrt(2.0),
           exp(1.0), log(10.0), sin(1.0), pow(2.0, 0.5));
}

static void parsing(void)
{
    printf("== parsing back\n");
    const char *nums[] = {"0", "-17", "2147483647", "0x7fff", "1e3", "-2.5e-3", "3.14159",
                          "1e400", "nan", "-inf", "0x1.8p1", "  42abc"};
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        char *end;
        double d = strtod(nums[i], &end);
        long l = strtol(nums[i], NULL, 0);
        printf("\"%s\": strtod=%.17g (consumed %d) strtol=%ld\n", nums[i], d, (int)(end - nums[i]), l);
    }
    int a;
    double b;
    char w[16];
    int n = sscanf("12 3.5 word", "%d %lf %15s", &a, &b, w);
    printf("sscanf: %d fields: %d %g %s\n", n, a, b, w);
    /* round trip: every printed %.17g parses back to the same double */
    int exact = 1;
    double x = 0.1;
    for (int i = 0; i < 2000; i++) {
        char t[40];
        snprintf(t, sizeof t, "%.17g", x);
        exact &= strtod(t, NULL) == x;
        x = x * 1.37 + 1e-3 * i;
        if (x > 1e200)
            x = 1e-200 * i;
    }
    printf("2000 %%.17g round trips exact: %s\n", exact ? "yes" : "no");
}

/* Several megabytes through stdout: a full buffer, then line and unbuffered modes. */
static void volume(void)
{
    printf("== volume\n");
    unsigned h = 1;
    for (int i = 0; i < 40000; i++) {
        h = h * 1103515245u + 12345u;
        printf("%06d %08x %s %.4f\n", i, h, (h & 1) ? "odd" : "even", (double)(h % 100000) / 7.0);
    }
    fflush(stdout);
    static char big[1 << 20];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)('a' + i % 26);
    for (size_t i = 63; i < sizeof big; i += 64)
        big[i] = '\n';
    fwrite(big, 1, sizeof big, stdout);
    setvbuf(stdout, NULL, _IONBF, 0);
    for (int i = 0; i < 2000; i++)
        printf("unbuffered line %d\n", i);
    fputs("the end\n", stdout);
}

int main(void)
{
    integers();
    strings();
    doubles();
    parsing();
    volume();
    return 0;
}
