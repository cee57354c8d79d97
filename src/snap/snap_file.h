/* The snapshot container (docs/snapshot-format.md): a fixed header, then a
 * body of sections (tag, length, checksum, payload), zstd-compressed when
 * the build has libzstd and the writer asks for it. A file is written under
 * a temporary name, synced and renamed into place, so a snapshot either is
 * complete or is not there; "-" writes to standard output. */
#ifndef HEXVM_SNAP_SNAP_FILE_H
#define HEXVM_SNAP_SNAP_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "snap/snap_buf.h"

#define SNAP_VERSION 3
#define SNAP_MAGIC_LEN 16
extern const uint8_t snap_magic[SNAP_MAGIC_LEN];

#define SNAP_FLAG_ZSTD 1u

struct snap_writer {
	int fd;
	int to_stdout;
	char *path, *tmp_path;
	uint32_t flags;
	void *zstd; /* ZSTD_CCtx when compressing */
	uint8_t *zbuf;
	size_t zbuf_size;
	uint64_t file_bytes;
	int failed;
	char msg[256];
};

/* compress: use zstd if this build has it. 0, or -1 with w->msg. */
int snapw_open(struct snap_writer *w, const char *path, int compress);
/* Appends one section (tag: four characters) holding b's bytes. */
int snapw_section(struct snap_writer *w, const char *tag, const struct snap_buf *b);
struct iovec;
/* The same for a section whose payload is n pieces, written without
 * copying them (page runs straight from guest memory). */
int snapw_section_iov(struct snap_writer *w, const char *tag, const struct iovec *iov, int n);
/* Ends the body, syncs and renames into place: 0, or -1 with w->msg (and
 * nothing left behind). */
int snapw_close(struct snap_writer *w);
/* Gives up: removes the temporary file. */
void snapw_abort(struct snap_writer *w);

struct snap_section {
	char tag[5];
	const uint8_t *data;
	uint64_t len;
};

/* A snapshot read into memory, sections checked. */
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
 * first machine's output and are copied to `passthrough`). 0, or -1 with a
 * one-line reason in msg. */
int snap_image_read(struct snap_image *img, const char *path, FILE *passthrough, char *msg,
		    size_t size);
void snap_image_free(struct snap_image *img);

#endif
