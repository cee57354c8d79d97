/* Reading the snapshot container: the header, then every section's place
 * and checksum before anything of them is used. A file is mapped, not
 * read; standard input is read whole. */
#include "snap/snap_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "snap/snap_zstd.h"

#define SECTIONS_MAX (1u << 24)

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

static int check_header(struct snap_image *img, const uint8_t *h, size_t n, char *msg,
			size_t size)
{
	if (n < SNAP_MAGIC_LEN || memcmp(h, snap_magic, SNAP_MAGIC_LEN)) {
		snprintf(msg, size, "not a hexvm snapshot (wrong magic)");
		return -1;
	}
	if (n < SNAP_HEADER_LEN) {
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

void snap_section_hash_begin(const struct snap_section *s, struct snap_hasher *h)
{
	snap_hash_init(h);
	snap_hash_update(h, s->header, 32);
}

int snap_section_sound(const struct snap_section *s)
{
	struct snap_hasher h;
	snap_section_hash_begin(s, &h);
	snap_hash_update(&h, s->stored, (size_t)s->stored_len);
	return snap_hash_final(&h) == s->sum;
}

void snap_section_corrupt(const struct snap_section *s, char *msg, size_t size)
{
	snprintf(msg, size, "corrupt section %s at body offset %llu (checksum mismatch)", s->tag,
		 (unsigned long long)s->offset);
}

static struct snap_section *add_section(struct snap_image *img)
{
	if (img->nsections >= SECTIONS_MAX)
		return NULL;
	if (!(img->nsections & (img->nsections + 1))) {
		void *ns = realloc(img->sections, (img->nsections * 2 + 1) * sizeof *img->sections);
		if (!ns)
			return NULL;
		img->sections = ns;
	}
	struct snap_section *s = &img->sections[img->nsections++];
	memset(s, 0, sizeof *s);
	return s;
}

/* The fields of the section header at h (room: the bytes from h to the
 * end of the body); what is out of place is reported as what it most
 * likely is, a cut-off file. */
static int parse_header(struct snap_section *s, const uint8_t *h, size_t room, char *msg,
			size_t size)
{
	memcpy(s->tag, h, 4);
	s->tag[4] = 0;
	s->flags = (uint32_t)snap_get_le(h + 4, 4);
	s->len = snap_get_le(h + 8, 8);
	s->stored_len = snap_get_le(h + 16, 8);
	s->head_len = snap_get_le(h + 24, 8);
	s->sum = snap_get_le(h + 32, 8);
	s->header = h;
	s->stored = h + SNAP_SECTION_HEADER;
	if (s->stored_len > room - SNAP_SECTION_HEADER) {
		snprintf(msg, size, "truncated: section %.4s (at body offset %llu) ends past the end "
				    "of the snapshot", s->tag, (unsigned long long)s->offset);
		return -1;
	}
	int zstd = (s->flags & SNAP_SECTION_ZSTD) != 0;
	if ((s->flags & ~SNAP_SECTION_ZSTD) || s->head_len > s->stored_len ||
	    s->head_len > s->len || (!zstd && s->stored_len != s->len)) {
		if (!snap_section_sound(s))
			snap_section_corrupt(s, msg, size);
		else
			snprintf(msg, size, "section %s has impossible lengths or flags", s->tag);
		return -1;
	}
	if (zstd && !snapz_available()) {
		snprintf(msg, size, "compressed with zstd, which this hexvm was built without");
		return -1;
	}
	return 0;
}

static int split_sections(struct snap_image *img, const char *lazy, char *msg, size_t size)
{
	for (size_t at = 0;;) {
		if (img->body_len - at < SNAP_SECTION_HEADER) {
			snprintf(msg, size, "truncated: the snapshot ends before its last section");
			return -1;
		}
		struct snap_section *s = add_section(img);
		if (!s) {
			snprintf(msg, size, "out of memory");
			return -1;
		}
		s->offset = at;
		if (parse_header(s, img->body + at, img->body_len - at, msg, size))
			return -1;
		if (!(lazy && !strcmp(s->tag, lazy)) && !snap_section_sound(s)) {
			snap_section_corrupt(s, msg, size);
			return -1;
		}
		if (!strcmp(s->tag, "END!")) {
			img->nsections--; /* the end is no section of the machine */
			return 0;
		}
		at += SNAP_SECTION_HEADER + s->stored_len;
	}
}

const uint8_t *snap_section_payload(struct snap_section *s, char *msg, size_t size)
{
	if (!(s->flags & SNAP_SECTION_ZSTD) || s->decoded)
		return s->decoded ? s->decoded : s->stored;
	void *dctx = snapz_dctx_new();
	s->decoded = malloc(s->len ? (size_t)s->len : 1);
	struct iovec out[2] = {{s->decoded, (size_t)s->head_len},
			       {s->decoded + s->head_len, (size_t)(s->len - s->head_len)}};
	char why[128] = "out of memory";
	if (s->decoded)
		memcpy(s->decoded, s->stored, (size_t)s->head_len);
	if (!dctx || !s->decoded ||
	    snapz_decompress(dctx, out + 1, 1, s->stored + s->head_len,
			     (size_t)(s->stored_len - s->head_len), why, sizeof why)) {
		snprintf(msg, size, "section %s: %s", s->tag, why);
		snap_section_release(s);
	}
	snapz_dctx_free(dctx);
	return s->decoded;
}

void snap_section_release(struct snap_section *s)
{
	free(s->decoded);
	s->decoded = NULL;
}

/* A snapshot in a regular file is mapped, not read: restoring copies each
 * page once, from the host's page cache into the guest. */
static int map_file(struct snap_image *img, int fd, char *msg, size_t size)
{
	struct stat st;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size < SNAP_HEADER_LEN)
		return 1; /* read it the general way (which reports what is wrong) */
	void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED)
		return 1;
	madvise(m, (size_t)st.st_size, MADV_WILLNEED);
	img->map = m;
	img->map_len = (size_t)st.st_size;
	img->file_bytes = (uint64_t)st.st_size;
	if (check_header(img, m, img->map_len, msg, size))
		return -1;
	img->body = (uint8_t *)m + SNAP_HEADER_LEN;
	img->body_len = (size_t)st.st_size - SNAP_HEADER_LEN;
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
	img->owned = raw;
	img->file_bytes = n - start;
	if (check_header(img, raw + start, n - start, msg, size))
		return -1;
	img->body = raw + start + SNAP_HEADER_LEN;
	img->body_len = n - start - SNAP_HEADER_LEN;
	return 0;
}

int snap_image_read(struct snap_image *img, const char *path, FILE *passthrough,
		    const char *lazy, char *msg, size_t size)
{
	memset(img, 0, sizeof *img);
	int is_stdin = !strcmp(path, "-");
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(msg, size, "%s", strerror(errno));
		return -1;
	}
	int rc = is_stdin ? 1 : map_file(img, fd, msg, size);
	if (rc > 0)
		rc = read_stream(img, fd, is_stdin, passthrough, msg, size);
	if (!is_stdin)
		close(fd);
	if (!rc)
		rc = split_sections(img, lazy, msg, size);
	if (rc)
		snap_image_free(img);
	return rc;
}

void snap_image_free(struct snap_image *img)
{
	for (size_t k = 0; k < img->nsections; k++)
		snap_section_release(&img->sections[k]);
	free(img->owned);
	if (img->map)
		munmap(img->map, img->map_len);
	free(img->sections);
	memset(img, 0, sizeof *img);
}
