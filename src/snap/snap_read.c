/* Reading the snapshot container: header, optional zstd body, sections
 * checked one by one before anything of them is used. */
#include "snap/snap_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef HAVE_ZSTD
#include <zstd.h>
#endif

#define HEADER_LEN     (SNAP_MAGIC_LEN + 16)
#define SECTION_HEADER 24
#define SECTIONS_MAX   (1u << 24)

/* All of fd into a malloc'd buffer. */
static int slurp(int fd, uint8_t **out, size_t *len)
{
	size_t cap = 1 << 20, n = 0;
	uint8_t *b = malloc(cap);
	for (;;) {
		if (!b)
			return -ENOMEM;
		if (n == cap) {
			uint8_t *nb = realloc(b, cap *= 2);
			if (!nb) {
				free(b);
				return -ENOMEM;
			}
			b = nb;
		}
		ssize_t k = read(fd, b + n, cap - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			int err = errno;
			free(b);
			return -err;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	*out = b;
	*len = n;
	return 0;
}

/* Standard input may start with what the first machine's guest printed
 * before the snapshot on the same stream: hand that on, keep the rest. */
static size_t skip_to_magic(const uint8_t *b, size_t n, FILE *passthrough)
{
	size_t at = 0;
	while (at + SNAP_MAGIC_LEN <= n && memcmp(b + at, snap_magic, SNAP_MAGIC_LEN)) {
		const uint8_t *next = memchr(b + at + 1, snap_magic[0], n - at - 1);
		at = next ? (size_t)(next - b) : n;
	}
	if (at >= n || at + SNAP_MAGIC_LEN > n)
		return 0; /* no header anywhere: report it as the usual wrong magic */
	if (passthrough && at) {
		fwrite(b, 1, at, passthrough);
		fflush(passthrough);
	}
	return at;
}

static int decompress(struct snap_image *img, const uint8_t *src, size_t n, char *msg,
		      size_t size)
{
#ifdef HAVE_ZSTD
	struct snap_buf out = {0};
	ZSTD_DCtx *dz = ZSTD_createDCtx();
	ZSTD_inBuffer in = {src, n, 0};
	size_t rc = 1;
	while (dz && !out.oom && (in.pos < in.size || rc != 0)) {
		size_t room = out.cap - out.len;
		if (room < (1 << 20)) {
			size_t want = out.cap ? out.cap : (1 << 22);
			uint8_t *d = realloc(out.data, out.cap + want);
			if (!d) {
				out.oom = 1;
				break;
			}
			out.data = d;
			out.cap += want;
			room = out.cap - out.len;
		}
		ZSTD_outBuffer ob = {out.data + out.len, room, 0};
		size_t before = in.pos;
		rc = ZSTD_decompressStream(dz, &ob, &in);
		out.len += ob.pos;
		if (ZSTD_isError(rc)) {
			snprintf(msg, size, "corrupt compressed data: %s", ZSTD_getErrorName(rc));
			goto fail;
		}
		if (in.pos == in.size && ob.pos == 0 && before == in.pos && rc != 0) {
			snprintf(msg, size, "truncated: the compressed data ends early");
			goto fail;
		}
	}
	ZSTD_freeDCtx(dz);
	if (!dz || out.oom) {
		snprintf(msg, size, "out of memory");
		sb_free(&out);
		return -1;
	}
	img->owned = img->body = out.data;
	img->body_len = out.len;
	return 0;
fail:
	ZSTD_freeDCtx(dz);
	sb_free(&out);
	return -1;
#else
	(void)img, (void)src, (void)n;
	snprintf(msg, size, "compressed with zstd, which this hexvm was built without");
	return -1;
#endif
}

static int check_header(struct snap_image *img, const uint8_t *h, size_t n, char *msg,
			size_t size)
{
	if (n < SNAP_MAGIC_LEN || memcmp(h, snap_magic, SNAP_MAGIC_LEN)) {
		snprintf(msg, size, "not a hexvm snapshot (wrong magic)");
		return -1;
	}
	if (n < HEADER_LEN) {
		snprintf(msg, size, "truncated: the header ends early");
		return -1;
	}
	/* the version first: another version's header may be laid out otherwise */
	img->version = (uint32_t)snap_get_le(h + SNAP_MAGIC_LEN, 4);
	img->flags = (uint32_t)snap_get_le(h + SNAP_MAGIC_LEN + 4, 4);
	if (img->version != SNAP_VERSION) {
		snprintf(msg, size, "snapshot format version %u; this hexvm reads version %u",
			 img->version, SNAP_VERSION);
		return -1;
	}
	if (snap_get_le(h + SNAP_MAGIC_LEN + 8, 8) != snap_hash(h, SNAP_MAGIC_LEN + 8)) {
		snprintf(msg, size, "corrupt header (checksum mismatch)");
		return -1;
	}
	if (img->flags & ~SNAP_FLAG_ZSTD) {
		snprintf(msg, size, "unknown header flags 0x%x", img->flags);
		return -1;
	}
	return 0;
}

static int add_section(struct snap_image *img, const uint8_t *at, uint64_t len)
{
	if (img->nsections >= SECTIONS_MAX)
		return -1;
	if (!(img->nsections & (img->nsections + 1))) {
		void *ns = realloc(img->sections, (img->nsections * 2 + 1) * sizeof *img->sections);
		if (!ns)
			return -1;
		img->sections = ns;
	}
	struct snap_section *s = &img->sections[img->nsections++];
	memcpy(s->tag, at, 4);
	s->tag[4] = 0;
	s->data = at + SECTION_HEADER;
	s->len = len;
	return 0;
}

static int split_sections(struct snap_image *img, char *msg, size_t size)
{
	size_t at = 0;
	for (;;) {
		if (img->body_len - at < SECTION_HEADER) {
			snprintf(msg, size, "truncated: the snapshot ends before its last section");
			return -1;
		}
		const uint8_t *h = img->body + at;
		uint64_t len = snap_get_le(h + 8, 8);
		if (len > img->body_len - at - SECTION_HEADER) {
			snprintf(msg, size, "truncated: section %.4s (at body offset %zu) ends past "
					    "the end of the snapshot", (const char *)h, at);
			return -1;
		}
		if (snap_get_le(h + 16, 8) != snap_hash(h + SECTION_HEADER, len)) {
			snprintf(msg, size, "corrupt section %.4s at body offset %zu (checksum "
					    "mismatch)", (const char *)h, at);
			return -1;
		}
		if (!memcmp(h, "END!", 4))
			return 0;
		if (add_section(img, h, len)) {
			snprintf(msg, size, "out of memory");
			return -1;
		}
		at += SECTION_HEADER + len;
	}
}

/* A plain snapshot in a regular file is mapped, not read: restoring copies
 * each page once, from the host's page cache into the guest. */
static int map_plain(struct snap_image *img, int fd, char *msg, size_t size)
{
	struct stat st;
	uint8_t h[HEADER_LEN];
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size < HEADER_LEN ||
	    pread(fd, h, sizeof h, 0) != (ssize_t)sizeof h || check_header(img, h, sizeof h, msg, size) ||
	    (img->flags & SNAP_FLAG_ZSTD))
		return 1; /* read it the general way (which reports what is wrong) */
	void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED)
		return 1;
	madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
	img->map = m;
	img->map_len = (size_t)st.st_size;
	img->body = (uint8_t *)m + HEADER_LEN;
	img->body_len = (size_t)st.st_size - HEADER_LEN;
	img->file_bytes = (uint64_t)st.st_size;
	return 0;
}

static int read_stream(struct snap_image *img, int fd, int is_stdin, FILE *passthrough, char *msg,
		       size_t size)
{
	uint8_t *raw = NULL;
	size_t n = 0;
	int rc = slurp(fd, &raw, &n);
	if (rc) {
		snprintf(msg, size, "%s", strerror(-rc));
		return -1;
	}
	size_t start = is_stdin ? skip_to_magic(raw, n, passthrough) : 0;
	img->file_bytes = n - start;
	if (check_header(img, raw + start, n - start, msg, size)) {
		free(raw);
		return -1;
	}
	const uint8_t *body = raw + start + HEADER_LEN;
	size_t body_len = n - start - HEADER_LEN;
	if (img->flags & SNAP_FLAG_ZSTD) {
		rc = decompress(img, body, body_len, msg, size);
		free(raw);
		return rc;
	}
	img->owned = raw;
	img->body = (uint8_t *)body;
	img->body_len = body_len;
	return 0;
}

int snap_image_read(struct snap_image *img, const char *path, FILE *passthrough, char *msg,
		    size_t size)
{
	memset(img, 0, sizeof *img);
	int is_stdin = !strcmp(path, "-");
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(msg, size, "%s", strerror(errno));
		return -1;
	}
	int rc = !is_stdin && !map_plain(img, fd, msg, size) ? 0
		 : read_stream(img, fd, is_stdin, passthrough, msg, size);
	if (!is_stdin)
		close(fd);
	if (!rc)
		rc = split_sections(img, msg, size);
	if (rc)
		snap_image_free(img);
	return rc;
}

void snap_image_free(struct snap_image *img)
{
	free(img->owned);
	if (img->map)
		munmap(img->map, img->map_len);
	free(img->sections);
	memset(img, 0, sizeof *img);
}
