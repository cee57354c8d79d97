/* Control messages of sendmsg and recvmsg between the guest's layout (a
 * cmsghdr of guest longs) and the host's: SCM_RIGHTS with guest
 * descriptors (host sockets as themselves, every other description as a
 * placeholder, sys/scm_flight.h), SCM_CREDENTIALS and the rest as they are. */
#ifndef HEXVM_KERNEL_SYS_SOCKMSG_CTL_H
#define HEXVM_KERNEL_SYS_SOCKMSG_CTL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "kernel/sys/sock_ident.h"

struct file;
struct task;

#define CTL_FDS_MAX   253   /* SCM_MAX_FD */
#define CTL_GUEST_MAX 16384 /* a longer guest control buffer: ENOBUFS */
#define CTL_HOST_MAX  (CMSG_SPACE(sizeof(int) * CTL_FDS_MAX) + CTL_GUEST_MAX)

struct host_ctl {
	union {
		char buf[CTL_HOST_MAX];
		struct cmsghdr align;
	} u;
	size_t len;
	int placeholders[CTL_FDS_MAX]; /* host descriptors made for this message */
	int n_placeholders;
	int has_cred;	      /* the guest gave SCM_CREDENTIALS: */
	struct sock_cred cred; /* these, which the host sees as hexvm's own */
};

/* The guest's control buffer (control, controllen) in host form; 0 or
 * -errno (EINVAL, EBADF, ENOBUFS), with no placeholder left over. */
int ctl_to_host(struct task *t, uint64_t control, uint64_t controllen, struct host_ctl *out);
/* After the host sendmsg: whether the message went. */
void ctl_sent(struct task *t, struct host_ctl *c, int sent);

/* The received host control messages into the guest's buffer, hexvm's own
 * credentials as sender's (the guest's, or NULL: unknown), descriptors
 * installed (MSG_CMSG_CLOEXEC in flags) and those that find no room
 * dropped with MSG_CTRUNC in *msg_flags, as Linux does; *used: the bytes
 * written. 0 or -errno. */
int ctl_to_guest(struct task *t, const struct sock_cred *sender, struct msghdr *hm, uint64_t control, uint64_t controllen,
		 int flags, uint64_t *used, int *msg_flags);

#endif
