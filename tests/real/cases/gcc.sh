# real-run: /bin/sh @CASE@
# shellcheck shell=sh
# real-needs: /usr/bin/gcc /usr/bin/sha256sum
# real-after: ./prog one two
#
# gcc compiles and links a C program: under hexvm the driver forks and executes cc1, as,
# collect2 and ld inside the guest. Two native builds give the same bytes, so the binary
# itself is compared (as a produced file); real-after runs it natively on both sides.
set -e
cat >prog.c <<'EOC'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct item { const char *name; double weight; };

static int by_weight(const void *a, const void *b)
{
    const struct item *x = a, *y = b;
    return (x->weight > y->weight) - (x->weight < y->weight);
}

static unsigned long long fib(unsigned n)
{
    unsigned long long a = 0, b = 1;
    while (n--) { unsigned long long t = a + b; a = b; b = t; }
    return a;
}

int main(int argc, char **argv)
{
    struct item items[] = { {"pear", 1.75}, {"fig", 0.25}, {"melon", 12.5}, {"apple", 2} };
    size_t n = sizeof items / sizeof items[0];
    qsort(items, n, sizeof items[0], by_weight);
    for (size_t i = 0; i < n; i++)
        printf("%-6s %6.2f\n", items[i].name, items[i].weight);
    for (int i = 0; i < argc; i++)
        printf("argv[%d] = %s\n", i, argv[i]);
    printf("fib(90) = %llu, strlen = %zu\n", fib(90), strlen(argv[0]));
    return argc == 3 ? 7 : 1;
}
EOC
gcc -O2 -Wall -o prog prog.c
gcc -O2 -c -o prog.o prog.c
gcc -O0 -S -o prog.s prog.c
echo "built: $?"
sha256sum prog prog.o prog.s
./prog a b || echo "status $?"
