/* Descriptions that exist only inside hexvm (kernel pipes, eventfds, epoll
 * instances, memfs and overlay files, and hexvm's view of host files with
 * its offset and buffers) travelling in SCM_RIGHTS messages. The messages go
 * through host sockets, so each such description travels as a placeholder:
 * the read end of a fresh host pipe, whose identity (device, inode) names
 * the description in the machine's table of descriptions in flight. The
 * receiver's hexvm finds the placeholder in the table and installs the very
 * description (the same open file, as SCM_RIGHTS gives on Linux). The table
 * holds a reference to each; the pipe's write end, kept beside it, tells
 * when the host dropped a message unreceived (its socket closed): every read
 * end is gone, and the description is let go. A placeholder that reaches a
 * process outside the machine is a host pipe that never has data. */
#ifndef HEXVM_KERNEL_SYS_SCM_FLIGHT_H
#define HEXVM_KERNEL_SYS_SCM_FLIGHT_H

struct file;
struct vm;

/* A placeholder for f (the table takes a reference): the host descriptor
 * to send, or -errno. */
int scm_flight_send(struct vm *vm, struct file *f);
/* After the host sendmsg: the placeholder's local descriptor is closed, and
 * its entry kept (sent) or dropped with its reference (not sent). */
void scm_flight_sent(struct vm *vm, int host_fd, int sent);
/* The description a received host descriptor stands for (the table's
 * reference passes to the caller; with peek, a new one, the message keeping
 * its own), host_fd closed; or NULL when it is no placeholder of this
 * machine. */
struct file *scm_flight_receive(struct vm *vm, int host_fd, int peek);
/* Lets go the descriptions whose messages the host dropped. */
void scm_flight_reap(struct vm *vm);
/* How many descriptions are in flight. */
int scm_flight_count(const struct vm *vm);

#endif
