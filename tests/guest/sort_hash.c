/* A compute-heavy workload: 100k pseudo-random integers from a fixed LCG, sorted with
 * qsort and with a hand-written merge sort and heap sort (different branch and memory
 * patterns), checked for order, and reduced to hashes; plus a hash table of strings
 * with chaining, and 64-bit multiply/rotate mixing. Prints only derived values.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 100000

static uint32_t lcg_state = 12345;
static uint32_t lcg(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static uint64_t fnv1a(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 1099511628211ull;
    return h;
}

static void merge_sort(int *a, int *tmp, size_t n)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    merge_sort(a, tmp, h);
    merge_sort(a + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
    while (i < h)
        tmp[k++] = a[i++];
    while (j < n)
        tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}

static void sift(int *a, size_t start, size_t n)
{
    size_t root = start;
    while (2 * root + 1 < n) {
        size_t child = 2 * root + 1;
        if (child + 1 < n && a[child] < a[child + 1])
            child++;
        if (a[root] >= a[child])
            return;
        int t = a[root];
        a[root] = a[child];
        a[child] = t;
        root = child;
    }
}

static void heap_sort(int *a, size_t n)
{
    for (size_t s = n / 2; s-- > 0;)
        sift(a, s, n);
    for (size_t end = n; end-- > 1;) {
        int t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift(a, 0, end);
    }
}

static int sorted(const int *a, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (a[i - 1] > a[i])
            return 0;
    return 1;
}

struct entry {
    char key[16];
    int count;
    struct entry *next;
};

static void hash_table(void)
{
    enum { BUCKETS = 1024 };
    static struct entry *buckets[BUCKETS];
    static struct entry pool[20000];
    size_t used = 0;
    lcg_state = 777;
    for (int i = 0; i < 50000; i++) {
        char key[16];
        snprintf(key, sizeof key, "k%u", lcg() % 15000);
        uint64_t h = fnv1a(key, strlen(key)) % BUCKETS;
        struct entry *e = buckets[h];
        while (e && strcmp(e->key, key) != 0)
            e = e->next;
        if (!e) {
            e = &pool[used++];
            strcpy(e->key, key);
            e->next = buckets[h];
            buckets[h] = e;
        }
        e->count++;
    }
    int longest = 0, most = 0;
    const char *most_key = "";
    for (int b = 0; b < BUCKETS; b++) {
        int len = 0;
        for (struct entry *e = buckets[b]; e; e = e->next) {
            len++;
            if (e->count > most || (e->count == most && strcmp(e->key, most_key) < 0))
                most = e->count, most_key = e->key;
        }
        if (len > longest)
            longest = len;
    }
    printf("hash table: %zu distinct keys, longest chain %d, most frequent %s x%d\n", used,
           longest, most_key, most);
}

static void mixing(void)
{
    uint64_t x = 0x9e3779b97f4a7c15ull, acc = 0;
    for (int i = 0; i < 1000000; i++) {
        x ^= x >> 30;
        x *= 0xbf58476d1ce4e5b9ull;
        x ^= x >> 27;
        x *= 0x94d049bb133111ebull;
        x ^= x >> 31;
        acc += (x << 7 | x >> 57) ^ (uint64_t)i;
    }
    printf("splitmix chain: %016llx %016llx\n", (unsigned long long)x, (unsigned long long)acc);
}

int main(void)
{
    int *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b), *c = malloc(N * sizeof *c);
    int *tmp = malloc(N * sizeof *tmp);
    for (int i = 0; i < N; i++)
        a[i] = (int)(lcg() >> 1) - (1 << 30);
    memcpy(b, a, N * sizeof *a);
    memcpy(c, a, N * sizeof *a);
    printf("input hash: %016llx\n", (unsigned long long)fnv1a(a, N * sizeof *a));
    qsort(a, N, sizeof *a, cmp_int);
    merge_sort(b, tmp, N);
    heap_sort(c, N);
    printf("qsort sorted: %s, hash %016llx\n", sorted(a, N) ? "yes" : "no",
           (unsigned long long)fnv1a(a, N * sizeof *a));
    printf("merge sort agrees: %s, heap sort agrees: %s\n",
           memcmp(a, b, N * sizeof *a) == 0 ? "yes" : "no", memcmp(a, c, N * sizeof *a) == 0 ? "yes" : "no");
    printf("min %d median %d max %d\n", a[0], a[N / 2], a[N - 1]);
    long long sum = 0;
    for (int i = 0; i < N; i++)
        sum += a[i];
    printf("sum %lld\n", sum);
    hash_table();
    mixing();
    free(a);
    free(b);
    free(c);
    free(tmp);
    return 0;
}
