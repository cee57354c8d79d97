/* The machine's filesystems at start: the root (a host directory, perhaps
 * under an in-memory overlay), /proc and /dev. */
#ifndef HEXVM_KERNEL_VFS_SETUP_H
#define HEXVM_KERNEL_VFS_SETUP_H

#include <stddef.h>

struct vm;

struct vfs_config {
	const char *root_dir; /* NULL: the host's / */
	int overlay;
};

/* 0, or -1 with a message for people in msg. */
int vfs_setup(struct vm *vm, const struct vfs_config *cfg, char *msg, size_t size);
/* --export: writes the overlay's changes into host_dir (files, directories,
 * symlinks with their modes; what was removed is removed there). 0, or -1
 * with a message. */
int vfs_export(struct vm *vm, const char *host_dir, char *msg, size_t size);
/* The guest path of host directory dir under the root, or "/" when it is
 * outside (for the first process's working directory). */
void vfs_guest_path_of(const struct vfs_config *cfg, const char *dir, char *out, size_t size);

#endif
