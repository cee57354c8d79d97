/* Constant names for the -s trace, in the order strace prints them. Flag
 * tables list multi-bit values before their parts, so that the biggest
 * match is named first. */
#include "trace/strace_names.h"

#include <stdio.h>

#define END {0, NULL}

const struct flag_name open_access[] = {{0, "O_RDONLY"}, {1, "O_WRONLY"}, {2, "O_RDWR"}, END};
const struct flag_name open_flags[] = {
	{0100, "O_CREAT"},	  {0200, "O_EXCL"},	    {0400, "O_NOCTTY"},
	{01000, "O_TRUNC"},	  {02000, "O_APPEND"},	    {04000, "O_NONBLOCK"},
	{04010000, "O_SYNC"},	  {010000, "O_DSYNC"},	    {020000, "O_ASYNC"},
	{040000, "O_DIRECT"},	  {0100000, "O_LARGEFILE"}, {020200000, "O_TMPFILE"},
	{0200000, "O_DIRECTORY"}, {0400000, "O_NOFOLLOW"},  {01000000, "O_NOATIME"},
	{02000000, "O_CLOEXEC"},  {010000000, "O_PATH"},    END};
const struct flag_name at_flags[] = {{0x100, "AT_SYMLINK_NOFOLLOW"},
				     {0x200, "AT_REMOVEDIR"},
				     {0x400, "AT_SYMLINK_FOLLOW"},
				     {0x800, "AT_NO_AUTOMOUNT"},
				     {0x1000, "AT_EMPTY_PATH"},
				     {0x2000, "AT_STATX_FORCE_SYNC"},
				     {0x4000, "AT_STATX_DONT_SYNC"},
				     {0x8000, "AT_RECURSIVE"},
				     END};
const struct flag_name access_modes[] = {{4, "R_OK"}, {2, "W_OK"}, {1, "X_OK"}, END};
const struct flag_name file_types[] = {{0140000, "S_IFSOCK"}, {0120000, "S_IFLNK"},
				       {0100000, "S_IFREG"},  {060000, "S_IFBLK"},
				       {040000, "S_IFDIR"},   {020000, "S_IFCHR"},
				       {010000, "S_IFIFO"},   END};

const struct flag_name prot_flags[] = {{1, "PROT_READ"},
				       {2, "PROT_WRITE"},
				       {4, "PROT_EXEC"},
				       {8, "PROT_SEM"},
				       {0x01000000, "PROT_GROWSDOWN"},
				       {0x02000000, "PROT_GROWSUP"},
				       END};
const struct flag_name map_types[] = {
	{1, "MAP_SHARED"}, {2, "MAP_PRIVATE"}, {3, "MAP_SHARED_VALIDATE"}, END};
const struct flag_name map_flags[] = {
	{0x10, "MAP_FIXED"},	   {0x20, "MAP_ANONYMOUS"},   {0x40, "MAP_32BIT"},
	{0x100, "MAP_GROWSDOWN"},  {0x800, "MAP_DENYWRITE"},  {0x1000, "MAP_EXECUTABLE"},
	{0x2000, "MAP_LOCKED"},	   {0x4000, "MAP_NORESERVE"}, {0x8000, "MAP_POPULATE"},
	{0x10000, "MAP_NONBLOCK"}, {0x20000, "MAP_STACK"},    {0x40000, "MAP_HUGETLB"},
	{0x80000, "MAP_SYNC"},	   {0x100000, "MAP_FIXED_NOREPLACE"}, END};
const struct flag_name mremap_flags[] = {
	{1, "MREMAP_MAYMOVE"}, {2, "MREMAP_FIXED"}, {4, "MREMAP_DONTUNMAP"}, END};
const struct flag_name msync_flags[] = {{1, "MS_ASYNC"}, {2, "MS_INVALIDATE"}, {4, "MS_SYNC"}, END};
const struct flag_name madvise_advice[] = {
	{0, "MADV_NORMAL"},	{1, "MADV_RANDOM"},	  {2, "MADV_SEQUENTIAL"},
	{3, "MADV_WILLNEED"},	{4, "MADV_DONTNEED"},	  {8, "MADV_FREE"},
	{9, "MADV_REMOVE"},	{10, "MADV_DONTFORK"},	  {11, "MADV_DOFORK"},
	{12, "MADV_MERGEABLE"}, {13, "MADV_UNMERGEABLE"}, {14, "MADV_HUGEPAGE"},
	{15, "MADV_NOHUGEPAGE"}, {16, "MADV_DONTDUMP"},	  {17, "MADV_DODUMP"},
	END};

const struct flag_name clone_flags[] = {
	{0x100, "CLONE_VM"},
	{0x200, "CLONE_FS"},
	{0x400, "CLONE_FILES"},
	{0x800, "CLONE_SIGHAND"},
	{0x1000, "CLONE_PIDFD"},
	{0x2000, "CLONE_PTRACE"},
	{0x4000, "CLONE_VFORK"},
	{0x8000, "CLONE_PARENT"},
	{0x10000, "CLONE_THREAD"},
	{0x20000, "CLONE_NEWNS"},
	{0x40000, "CLONE_SYSVSEM"},
	{0x80000, "CLONE_SETTLS"},
	{0x100000, "CLONE_PARENT_SETTID"},
	{0x200000, "CLONE_CHILD_CLEARTID"},
	{0x400000, "CLONE_DETACHED"},
	{0x800000, "CLONE_UNTRACED"},
	{0x1000000, "CLONE_CHILD_SETTID"},
	{0x2000000, "CLONE_NEWCGROUP"},
	{0x4000000, "CLONE_NEWUTS"},
	{0x8000000, "CLONE_NEWIPC"},
	{0x10000000, "CLONE_NEWUSER"},
	{0x20000000, "CLONE_NEWPID"},
	{0x40000000, "CLONE_NEWNET"},
	{0x80000000, "CLONE_IO"},
	END};
const struct flag_name wait_options[] = {
	{1, "WNOHANG"},		    {2, "WSTOPPED"},	      {4, "WEXITED"},
	{8, "WCONTINUED"},	    {0x1000000, "WNOWAIT"},   {0x20000000, "__WNOTHREAD"},
	{0x40000000, "__WALL"},	    {0x80000000, "__WCLONE"}, END};
const struct flag_name waitid_types[] = {
	{0, "P_ALL"}, {1, "P_PID"}, {2, "P_PGID"}, {3, "P_PIDFD"}, END};

const struct flag_name sa_flags[] = {
	{0x04000000, "SA_RESTORER"}, {0x08000000, "SA_ONSTACK"},   {0x10000000, "SA_RESTART"},
	{0x40000000, "SA_NODEFER"},  {0x80000000, "SA_RESETHAND"}, {4, "SA_SIGINFO"},
	{1, "SA_NOCLDSTOP"},	     {2, "SA_NOCLDWAIT"},	   END};
const struct flag_name sigprocmask_how[] = {
	{0, "SIG_BLOCK"}, {1, "SIG_UNBLOCK"}, {2, "SIG_SETMASK"}, END};
/* si_code values a signal may carry that do not depend on the signal */
const struct flag_name si_codes[] = {{0, "SI_USER"},	 {0x80, "SI_KERNEL"},
				     {(uint64_t)-1, "SI_QUEUE"}, {(uint64_t)-2, "SI_TIMER"},
				     {(uint64_t)-3, "SI_MESGQ"}, {(uint64_t)-4, "SI_ASYNCIO"},
				     {(uint64_t)-5, "SI_SIGIO"}, {(uint64_t)-6, "SI_TKILL"},
				     END};

const struct flag_name fcntl_cmds[] = {
	{0, "F_DUPFD"},		 {1, "F_GETFD"},	  {2, "F_SETFD"},
	{3, "F_GETFL"},		 {4, "F_SETFL"},	  {5, "F_GETLK"},
	{6, "F_SETLK"},		 {7, "F_SETLKW"},	  {8, "F_SETOWN"},
	{9, "F_GETOWN"},	 {10, "F_SETSIG"},	  {11, "F_GETSIG"},
	{12, "F_GETLK64"},	 {13, "F_SETLK64"},	  {14, "F_SETLKW64"},
	{15, "F_SETOWN_EX"},	 {16, "F_GETOWN_EX"},	  {36, "F_OFD_GETLK"},
	{37, "F_OFD_SETLK"},	 {38, "F_OFD_SETLKW"},	  {1024, "F_SETLEASE"},
	{1025, "F_GETLEASE"},	 {1026, "F_NOTIFY"},	  {1030, "F_DUPFD_CLOEXEC"},
	{1031, "F_SETPIPE_SZ"},	 {1032, "F_GETPIPE_SZ"},  {1033, "F_ADD_SEALS"},
	{1034, "F_GET_SEALS"},	 END};
const struct flag_name fd_flags[] = {{1, "FD_CLOEXEC"}, END};
const struct flag_name ioctl_cmds[] = {
	{0x5401, "TCGETS"},	 {0x5402, "TCSETS"},	  {0x5403, "TCSETSW"},
	{0x5404, "TCSETSF"},	 {0x5405, "TCGETA"},	  {0x5406, "TCSETA"},
	{0x5407, "TCSETAW"},	 {0x5408, "TCSETAF"},	  {0x5409, "TCSBRK"},
	{0x540a, "TCXONC"},	 {0x540b, "TCFLSH"},	  {0x540c, "TIOCEXCL"},
	{0x540d, "TIOCNXCL"},	 {0x540e, "TIOCSCTTY"},	  {0x540f, "TIOCGPGRP"},
	{0x5410, "TIOCSPGRP"},	 {0x5411, "TIOCOUTQ"},	  {0x5412, "TIOCSTI"},
	{0x5413, "TIOCGWINSZ"},	 {0x5414, "TIOCSWINSZ"},  {0x5415, "TIOCMGET"},
	{0x541b, "FIONREAD"},	 {0x5421, "FIONBIO"},	  {0x5422, "TIOCNOTTY"},
	{0x5429, "TIOCGSID"},	 {0x5441, "TIOCGPTPEER"}, {0x5450, "FIONCLEX"},
	{0x5451, "FIOCLEX"},	 {0x5452, "FIOASYNC"},	  {0x5460, "FIOQSIZE"},
	{0x80045430, "TIOCGPTN"}, {0x40045431, "TIOCSPTLCK"}, END};
const struct flag_name prctl_options[] = {
	{1, "PR_SET_PDEATHSIG"},	{2, "PR_GET_PDEATHSIG"},       {3, "PR_GET_DUMPABLE"},
	{4, "PR_SET_DUMPABLE"},		{7, "PR_GET_KEEPCAPS"},	       {8, "PR_SET_KEEPCAPS"},
	{15, "PR_SET_NAME"},		{16, "PR_GET_NAME"},	       {21, "PR_GET_SECCOMP"},
	{22, "PR_SET_SECCOMP"},		{23, "PR_CAPBSET_READ"},       {29, "PR_SET_TIMERSLACK"},
	{30, "PR_GET_TIMERSLACK"},	{35, "PR_SET_MM"},	       {36, "PR_SET_CHILD_SUBREAPER"},
	{37, "PR_GET_CHILD_SUBREAPER"}, {38, "PR_SET_NO_NEW_PRIVS"},   {39, "PR_GET_NO_NEW_PRIVS"},
	{40, "PR_GET_TID_ADDRESS"},	{41, "PR_SET_THP_DISABLE"},    {42, "PR_GET_THP_DISABLE"},
	{47, "PR_CAP_AMBIENT"},		{0x53564d41, "PR_SET_VMA"},    END};
const struct flag_name futex_ops[] = {
	{0, "FUTEX_WAIT"},	      {1, "FUTEX_WAKE"},	    {2, "FUTEX_FD"},
	{3, "FUTEX_REQUEUE"},	      {4, "FUTEX_CMP_REQUEUE"},	    {5, "FUTEX_WAKE_OP"},
	{6, "FUTEX_LOCK_PI"},	      {7, "FUTEX_UNLOCK_PI"},	    {8, "FUTEX_TRYLOCK_PI"},
	{9, "FUTEX_WAIT_BITSET"},     {10, "FUTEX_WAKE_BITSET"},    {11, "FUTEX_WAIT_REQUEUE_PI"},
	{12, "FUTEX_CMP_REQUEUE_PI"}, {13, "FUTEX_LOCK_PI2"},	    END};
const struct flag_name arch_prctl_codes[] = {
	{0x1001, "ARCH_SET_GS"},     {0x1002, "ARCH_SET_FS"},	  {0x1003, "ARCH_GET_FS"},
	{0x1004, "ARCH_GET_GS"},     {0x1011, "ARCH_GET_CPUID"},  {0x1012, "ARCH_SET_CPUID"},
	{0x2001, "ARCH_MAP_VDSO_X32"}, {0x2002, "ARCH_MAP_VDSO_32"}, {0x2003, "ARCH_MAP_VDSO_64"},
	END};
const struct flag_name clock_ids[] = {
	{0, "CLOCK_REALTIME"},	      {1, "CLOCK_MONOTONIC"},	    {2, "CLOCK_PROCESS_CPUTIME_ID"},
	{3, "CLOCK_THREAD_CPUTIME_ID"}, {4, "CLOCK_MONOTONIC_RAW"}, {5, "CLOCK_REALTIME_COARSE"},
	{6, "CLOCK_MONOTONIC_COARSE"}, {7, "CLOCK_BOOTTIME"},	    {8, "CLOCK_REALTIME_ALARM"},
	{9, "CLOCK_BOOTTIME_ALARM"},  {11, "CLOCK_TAI"},	    END};
const struct flag_name whences[] = {
	{0, "SEEK_SET"}, {1, "SEEK_CUR"}, {2, "SEEK_END"}, {3, "SEEK_DATA"}, {4, "SEEK_HOLE"}, END};

const struct flag_name socket_domains[] = {
	{0, "AF_UNSPEC"},    {1, "AF_UNIX"},	  {2, "AF_INET"},    {10, "AF_INET6"},
	{16, "AF_NETLINK"},  {17, "AF_PACKET"},	  END};
const struct flag_name socket_types[] = {
	{1, "SOCK_STREAM"}, {2, "SOCK_DGRAM"},	   {3, "SOCK_RAW"},
	{4, "SOCK_RDM"},    {5, "SOCK_SEQPACKET"}, {10, "SOCK_PACKET"}, END};
const struct flag_name socket_type_flags[] = {
	{02000000, "SOCK_CLOEXEC"}, {04000, "SOCK_NONBLOCK"}, END};
const struct flag_name ip_protocols[] = {
	{0, "IPPROTO_IP"},   {1, "IPPROTO_ICMP"},    {6, "IPPROTO_TCP"},    {17, "IPPROTO_UDP"},
	{41, "IPPROTO_IPV6"}, {58, "IPPROTO_ICMPV6"}, {255, "IPPROTO_RAW"}, END};
const struct flag_name shutdown_how[] = {{0, "SHUT_RD"}, {1, "SHUT_WR"}, {2, "SHUT_RDWR"}, END};
const struct flag_name socket_levels[] = {
	{0, "SOL_IP"}, {1, "SOL_SOCKET"}, {6, "SOL_TCP"}, {17, "SOL_UDP"}, {41, "SOL_IPV6"}, END};
const struct flag_name socket_options[] = {
	{1, "SO_DEBUG"},     {2, "SO_REUSEADDR"}, {3, "SO_TYPE"},	 {4, "SO_ERROR"},
	{5, "SO_DONTROUTE"}, {6, "SO_BROADCAST"}, {7, "SO_SNDBUF"},	 {8, "SO_RCVBUF"},
	{9, "SO_KEEPALIVE"}, {10, "SO_OOBINLINE"}, {12, "SO_PRIORITY"},	 {13, "SO_LINGER"},
	{15, "SO_REUSEPORT"}, {16, "SO_PASSCRED"}, {17, "SO_PEERCRED"},	 {18, "SO_RCVLOWAT"},
	{19, "SO_SNDLOWAT"}, {20, "SO_RCVTIMEO_OLD"}, {21, "SO_SNDTIMEO_OLD"}, {30, "SO_ACCEPTCONN"},
	{38, "SO_PROTOCOL"}, {39, "SO_DOMAIN"},	   END};
const struct flag_name scm_types[] = {
	{1, "SCM_RIGHTS"}, {2, "SCM_CREDENTIALS"}, {3, "SCM_SECURITY"}, {4, "SCM_PIDFD"}, END};
const struct flag_name msg_flags[] = {
	{1, "MSG_OOB"},		{2, "MSG_PEEK"},       {4, "MSG_DONTROUTE"},
	{8, "MSG_CTRUNC"},	{0x20, "MSG_TRUNC"},   {0x40, "MSG_DONTWAIT"},
	{0x80, "MSG_EOR"},	{0x100, "MSG_WAITALL"}, {0x4000, "MSG_NOSIGNAL"},
	{0x8000, "MSG_MORE"},	{0x40000000, "MSG_CMSG_CLOEXEC"}, END};

const struct flag_name rlimit_resources[] = {
	{0, "RLIMIT_CPU"},	  {1, "RLIMIT_FSIZE"},	 {2, "RLIMIT_DATA"},  {3, "RLIMIT_STACK"},
	{4, "RLIMIT_CORE"},	  {5, "RLIMIT_RSS"},	 {6, "RLIMIT_NPROC"}, {7, "RLIMIT_NOFILE"},
	{8, "RLIMIT_MEMLOCK"},	  {9, "RLIMIT_AS"},	 {10, "RLIMIT_LOCKS"}, {11, "RLIMIT_SIGPENDING"},
	{12, "RLIMIT_MSGQUEUE"},  {13, "RLIMIT_NICE"},	 {14, "RLIMIT_RTPRIO"}, {15, "RLIMIT_RTTIME"},
	END};
const struct flag_name poll_events[] = {
	{1, "POLLIN"},	     {2, "POLLPRI"},	    {4, "POLLOUT"},	{8, "POLLERR"},
	{0x10, "POLLHUP"},   {0x20, "POLLNVAL"},    {0x40, "POLLRDNORM"}, {0x80, "POLLRDBAND"},
	{0x100, "POLLWRNORM"}, {0x200, "POLLWRBAND"}, {0x400, "POLLMSG"}, {0x2000, "POLLRDHUP"},
	END};
const struct flag_name epoll_ops[] = {
	{1, "EPOLL_CTL_ADD"}, {2, "EPOLL_CTL_DEL"}, {3, "EPOLL_CTL_MOD"}, END};
const struct flag_name epoll_events[] = {
	{1, "EPOLLIN"},		  {2, "EPOLLPRI"},	     {4, "EPOLLOUT"},
	{8, "EPOLLERR"},	  {0x10, "EPOLLHUP"},	     {0x20, "EPOLLNVAL"},
	{0x40, "EPOLLRDNORM"},	  {0x80, "EPOLLRDBAND"},     {0x100, "EPOLLWRNORM"},
	{0x200, "EPOLLWRBAND"},	  {0x400, "EPOLLMSG"},	     {0x2000, "EPOLLRDHUP"},
	{1u << 28, "EPOLLEXCLUSIVE"}, {1u << 29, "EPOLLWAKEUP"}, {1u << 30, "EPOLLONESHOT"},
	{1u << 31, "EPOLLET"},	  END};

const struct flag_name efd_flags[] = {
	{02000000, "EFD_CLOEXEC"}, {04000, "EFD_NONBLOCK"}, {1, "EFD_SEMAPHORE"}, END};
const struct flag_name grnd_flags[] = {
	{1, "GRND_NONBLOCK"}, {2, "GRND_RANDOM"}, {4, "GRND_INSECURE"}, END};
const struct flag_name flock_ops[] = {{1, "LOCK_SH"}, {2, "LOCK_EX"}, {4, "LOCK_NB"}, {8, "LOCK_UN"}, END};
const struct flag_name timer_flags[] = {{1, "TIMER_ABSTIME"}, END};
const struct flag_name itimer_which[] = {
	{0, "ITIMER_REAL"}, {1, "ITIMER_VIRTUAL"}, {2, "ITIMER_PROF"}, END};
const struct flag_name rusage_who[] = {
	{0, "RUSAGE_SELF"}, {(uint64_t)-1, "RUSAGE_CHILDREN"}, {1, "RUSAGE_THREAD"}, END};
const struct flag_name statx_masks[] = {
	{0xfff, "STATX_ALL"},	 {0x7ff, "STATX_BASIC_STATS"}, {1, "STATX_TYPE"},
	{2, "STATX_MODE"},	 {4, "STATX_NLINK"},	       {8, "STATX_UID"},
	{0x10, "STATX_GID"},	 {0x20, "STATX_ATIME"},	       {0x40, "STATX_MTIME"},
	{0x80, "STATX_CTIME"},	 {0x100, "STATX_INO"},	       {0x200, "STATX_SIZE"},
	{0x400, "STATX_BLOCKS"}, {0x800, "STATX_BTIME"},       {0x1000, "STATX_MNT_ID"},
	END};
const struct flag_name rename_flags[] = {
	{1, "RENAME_NOREPLACE"}, {2, "RENAME_EXCHANGE"}, {4, "RENAME_WHITEOUT"}, END};

const char *signal_name(int sig, int bare, char *buf, size_t size)
{
	static const char *const names[32] = {
		NULL,	"HUP",	"INT",	 "QUIT", "ILL",	   "TRAP", "ABRT", "BUS",
		"FPE",	"KILL", "USR1",	 "SEGV", "USR2",   "PIPE", "ALRM", "TERM",
		"STKFLT", "CHLD", "CONT", "STOP", "TSTP",  "TTIN", "TTOU", "URG",
		"XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO",   "PWR",  "SYS"};
	const char *pre = bare ? "" : "SIG";
	if (sig >= 1 && sig < 32)
		snprintf(buf, size, "%s%s", pre, names[sig]);
	else if (sig == 32)
		snprintf(buf, size, "%sRTMIN", pre);
	else if (sig > 32 && sig <= 64)
		snprintf(buf, size, "%sRT_%d", pre, sig - 32);
	else
		return NULL;
	return buf;
}
