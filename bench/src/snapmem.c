/* Snapshot benchmark guest: touches MEGABYTES MiB (first argument, default 100), prints
 * one line and exits. The snapshot is taken at its end, so that restoring it runs a few
 * hundred thousand instructions at most and the restore time is the machine's.
 * KIND (second argument): "random" (default) fills the memory with pseudo-random bytes,
 * which do not compress; "text" with log lines of words and numbers, which zstd
 * (level 1) shrinks to under a third, as it does a heap of strings. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void fill_random(uint64_t *mem, size_t words, uint64_t x)
{
	for (size_t k = 0; k < words; k++)
		mem[k] = next(&x);
}

static const char *const words[] = {
	"request", "served",  "client",	 "timeout", "cache",   "miss",	  "hit",   "worker",
	"upstream", "retry",  "session", "user",    "query",   "index",	  "table", "commit",
	"rollback", "socket", "closed",	 "opened",  "warning", "error",	  "info",  "debug",
	"/api/v1/items", "/static/app.js", "/login", "/metrics", "GET", "POST", "PUT", "DELETE",
};

/* Appends n's decimal digits at p; the new end. */
static char *put_number(char *p, unsigned n)
{
	char digits[12];
	int k = 0;
	do
		digits[k++] = (char)('0' + n % 10);
	while (n /= 10);
	while (k)
		*p++ = digits[--k];
	return p;
}

static char *put_word(char *p, uint64_t r)
{
	const char *w = words[r % (sizeof words / sizeof words[0])];
	size_t n = strlen(w);
	memcpy(p, w, n);
	p[n] = ' ';
	return p + n + 1;
}

/* Lines of a made-up log: a timestamp, words and numbers. */
static void fill_text(char *mem, size_t len, uint64_t x)
{
	char line[256];
	for (size_t at = 0; at < len;) {
		uint64_t r = next(&x);
		char *p = put_number(line, 1700000000u + (unsigned)(r % 100000));
		*p++ = ' ';
		for (int k = 0; k < 5; k++)
			p = put_word(p, r >> (8 * k));
		p = put_number(p, (unsigned)(r >> 40) % 1000000);
		memcpy(p, " ms\n", 4);
		p += 4;
		size_t n = (size_t)(p - line) < len - at ? (size_t)(p - line) : len - at;
		memcpy(mem + at, line, n);
		at += n;
	}
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 100;
	int text = argc > 2 && !strcmp(argv[2], "text");
	size_t words_n = mib << 17; /* 8-byte words */
	uint64_t *mem = malloc(words_n * sizeof *mem), sum = 0;
	if (!mem)
		return 1;
	if (text)
		fill_text((char *)mem, words_n * sizeof *mem, 88172645463325252ull);
	else
		fill_random(mem, words_n, 88172645463325252ull);
	for (size_t k = 0; k < words_n; k += 4096)
		sum += mem[k];
	printf("touched %zu MiB (%s), checksum %016llx\n", mib, text ? "text" : "random",
	       (unsigned long long)sum);
	return 0;
}
