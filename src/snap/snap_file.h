/* The snapshot container (docs/snapshot-format.md): a fixed header, then a
 * body of sections (tag, lengths, checksum, stored bytes), each stored as
 * it is or, when the build has libzstd, the writer asks for it and it
 * shrinks, as a zstd frame after a head kept as it is. A file is written
 * under a temporary name, synced and renamed into place, so a snapshot
 * either is complete or is not there; "-" writes to standard output.
 *
 * Page sections are many and large: they are hashed and compressed on
 * helper threads (snap_pool.h) while the caller goes on scanning memory,
 * and written in the order they were given. */
#ifndef HEXVM_SNAP_SNAP_FILE_H
#define HEXVM_SNAP_SNAP_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "snap/snap_buf.h"

#define SNAP_VERSION   8
#define SNAP_MAGIC_LEN 16
extern const uint8_t snap_magic[SNAP_MAGIC_LEN];

#define SNAP_HEADER_LEN	 (SNAP_MAGIC_LEN + 16)
#define SNAP_SECTION_HEADER 40
/* header flag: the writer compressed the sections zstd shrinks */
#define SNAP_FLAG_ZSTD 1u
/* section flag: what follows the head is one zstd frame */
#define SNAP_SECTION_ZSTD 1u

/* A page section holds at most this many pages (so at most as many runs). */
#define SNAP_PAGE_CHUNK 256

struct iovec;
struct snap_pool;
struct page_slot;

struct snap_writer {
	int fd;
	int to_stdout;
	char *path, *tmp_path;
	uint32_t flags;
	void *zctx; /* compression context of the calling thread, or NULL */
	struct snap_pool *pool;
	struct page_slot *slots; /* a ring of page sections on their way out */
	int nslots, first, pending;
	uint64_t file_bytes;
	uint64_t sections, compressed; /* for the report */
	int failed;
	char msg[256];
};

/* compress: use zstd if this build has it. 0, or -1 with w->msg. */
int snapw_open(struct snap_writer *w, const char *path, int compress);
/* Appends one section (tag: four characters) holding b's bytes. */
int snapw_section(struct snap_writer *w, const char *tag, const struct snap_buf *b);
/* The same for a payload of n pieces. */
int snapw_section_iov(struct snap_writer *w, const char *tag, const struct iovec *iov, int n);
/* Queues a section whose payload is head (kept as it is) and then the n
 * pieces of data (at most SNAP_PAGE_CHUNK), which must stay as they are
 * until snapw_flush, the next snapw_section or snapw_close: they are read
 * later, on other threads. The head is copied. */
int snapw_pages(struct snap_writer *w, const char *tag, const void *head, size_t head_len,
		const struct iovec *data, int n);
/* Writes every queued section. */
int snapw_flush(struct snap_writer *w);
/* Ends the body, syncs and renames into place: 0, or -1 with w->msg (and
 * nothing left behind). */
int snapw_close(struct snap_writer *w);
/* Gives up: removes the temporary file. */
void snapw_abort(struct snap_writer *w);

struct snap_section {
	char tag[5];
	uint32_t flags;
	uint64_t len;	     /* of the payload */
	uint64_t stored_len; /* of what the file holds */
	uint64_t head_len;   /* bytes of the payload stored as they are, first */
	uint64_t sum;
	uint64_t offset;       /* of its header in the body, for messages */
	const uint8_t *header; /* its header, where the checksum starts */
	const uint8_t *stored;
	uint8_t *decoded; /* the payload, when it had to be decompressed */
};

/* A snapshot read into (or mapped into) memory, its sections found. */
struct snap_image {
	uint32_t version, flags;
	uint8_t *body;
	size_t body_len;
	uint8_t *owned; /* the allocation body points into, */
	void *map;	/* or the file's mapping */
	size_t map_len;
	struct snap_section *sections;
	size_t nsections;
	uint64_t file_bytes;
};

/* Reads path ("-": standard input, whose bytes before the header are the
 * first machine's output and are copied to `passthrough`) and checks the
 * layout and every checksum but those of page sections (tag `lazy`, or
 * NULL: none), which the caller checks as it copies them out. 0, or -1
 * with a one-line reason in msg. */
int snap_image_read(struct snap_image *img, const char *path, FILE *passthrough,
		    const char *lazy, char *msg, size_t size);
void snap_image_free(struct snap_image *img);
/* 1 when the section's checksum matches its header and stored bytes. */
int snap_section_sound(const struct snap_section *s);
/* The checksum of header and stored bytes begun: a caller that copies the
 * stored bytes out adds them as it goes. */
struct snap_hasher;
void snap_section_hash_begin(const struct snap_section *s, struct snap_hasher *h);
/* The payload (decompressed the first time). NULL with msg on failure. */
const uint8_t *snap_section_payload(struct snap_section *s, char *msg, size_t size);
/* Drops what snap_section_payload decompressed. */
void snap_section_release(struct snap_section *s);
/* "corrupt section TAG at body offset N (checksum mismatch)" */
void snap_section_corrupt(const struct snap_section *s, char *msg, size_t size);

#endif
