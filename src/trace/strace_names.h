/* Linux's names for the constants system calls take, as strace prints them
 * (x86 numbering, the same for both ABIs unless a table says otherwise). */
#ifndef HEXVM_TRACE_STRACE_NAMES_H
#define HEXVM_TRACE_STRACE_NAMES_H

#include "trace/tbuf.h"

extern const struct flag_name open_flags[], open_access[], at_flags[], access_modes[];
extern const struct flag_name prot_flags[], map_types[], map_flags[], mremap_flags[],
	msync_flags[], madvise_advice[];
extern const struct flag_name clone_flags[], wait_options[], waitid_types[];
extern const struct flag_name sa_flags[], sigprocmask_how[], si_codes[];
extern const struct flag_name fcntl_cmds[], fd_flags[], ioctl_cmds[], prctl_options[];
extern const struct flag_name futex_ops[], arch_prctl_codes[], clock_ids[], whences[];
extern const struct flag_name socket_domains[], socket_types[], socket_type_flags[],
	ip_protocols[], shutdown_how[], socket_levels[], socket_options[], msg_flags[],
	scm_types[];
extern const struct flag_name rlimit_resources[], poll_events[], epoll_ops[], epoll_events[];
extern const struct flag_name efd_flags[], grnd_flags[], flock_ops[], timer_flags[],
	itimer_which[], rusage_who[], statx_masks[], rename_flags[], file_types[];

/* "SIGINT" for 2; with `bare` "INT" (as in sets); NULL past 64. */
const char *signal_name(int sig, int bare, char *buf, size_t size);

#endif
