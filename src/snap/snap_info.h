/* `hexvm snapshot info FILE`: what a snapshot holds. */
#ifndef HEXVM_SNAP_SNAP_INFO_H
#define HEXVM_SNAP_SNAP_INFO_H

#include <stdio.h>

struct snap_save;
struct snap_buf;

/* Prints the header, the sections and the summary the writer left; an exit
 * status (0, or 65 for a snapshot that cannot be read). */
int snap_info(const char *path, FILE *out);
/* The INFO section's text: processes, memory and files, as saved. */
void snap_put_summary(struct snap_save *s, struct snap_buf *b);

#endif
