/* sort: libc qsort and a hand-written merge sort over pseudo-random ints.
 *
 * usage: sort [N]   (default 750000 elements, sorted twice by each method)
 *
 * qsort spends its time in indirect calls to a comparator (call/ret, the
 * return-address path of an emulator's block chaining) and in libc's own
 * code; the merge sort is a data-dependent-branch and load/store workload in
 * code we control. Both results are checked against each other and folded
 * into a checksum, so a mis-sorted array is visible. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t lcg_state = 777u;
static uint32_t lcg_next(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state;
}

/* Signed keys with many duplicates, so comparisons and stability matter. */
static void fill(int32_t *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        a[i] = (int32_t)(lcg_next() ^ (lcg_next() >> 7)) % 1000003;
}

static int cmp_int(const void *pa, const void *pb)
{
    int32_t a = *(const int32_t *)pa, b = *(const int32_t *)pb;
    return (a > b) - (a < b);
}

/* Top-down merge sort, insertion sort below a small cutoff (as real ones do),
 * ping-ponging between the array and a scratch buffer. */
static void insertion_sort(int32_t *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        int32_t v = a[i];
        size_t j = i;
        while (j > 0 && a[j - 1] > v) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = v;
    }
}

static void merge_sort_rec(int32_t *a, int32_t *tmp, size_t n)
{
    if (n <= 16) {
        insertion_sort(a, n);
        return;
    }
    size_t h = n / 2;
    merge_sort_rec(a, tmp, h);
    merge_sort_rec(a + h, tmp, n - h);
    if (a[h - 1] <= a[h])
        return; /* already in order: common with many duplicates */
    memcpy(tmp, a, h * sizeof *a);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        a[k++] = (tmp[i] <= a[j]) ? tmp[i++] : a[j++];
    while (i < h)
        a[k++] = tmp[i++];
}

/* Order-sensitive digest of a sorted array. */
static uint64_t digest(const int32_t *a, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint32_t)a[i]) * 1099511628211ull;
    return h;
}

static size_t unsorted_pairs(const int32_t *a, size_t n)
{
    size_t bad = 0;
    for (size_t i = 1; i < n; i++)
        bad += a[i - 1] > a[i];
    return bad;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoul(argv[1], NULL, 0) : 750000;
    int32_t *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    int32_t *tmp = malloc((n / 2 + 1) * sizeof *tmp);
    if (!a || !b || !tmp) {
        fputs("sort: out of memory\n", stderr);
        return 1;
    }
    uint64_t sum = 0;
    size_t bad = 0, mismatch = 0;
    for (int pass = 0; pass < 2; pass++) {
        fill(a, n);
        memcpy(b, a, n * sizeof *a);
        qsort(a, n, sizeof *a, cmp_int);
        merge_sort_rec(b, tmp, n);
        bad += unsorted_pairs(a, n) + unsorted_pairs(b, n);
        mismatch += memcmp(a, b, n * sizeof *a) != 0;
        sum ^= digest(a, n) + (uint64_t)pass;
    }
    printf("sort n=%zu unsorted=%zu mismatch=%zu min=%d max=%d median=%d\n", n, bad, mismatch,
           n ? a[0] : 0, n ? a[n - 1] : 0, n ? a[n / 2] : 0);
    printf("checksum %016llx\n", (unsigned long long)sum);
    free(a);
    free(b);
    free(tmp);
    return bad || mismatch;
}
