/* Terminal signals meant for the guest: Ctrl-C (SIGINT) and Ctrl-\ (SIGQUIT)
 * sent to hexvm are held by the host and handed to the guest's foreground
 * process group by the scheduler. */
#ifndef HEXVM_HOST_TERMSIG_H
#define HEXVM_HOST_TERMSIG_H

/* Blocks them, so that they wait for termsig_take. */
void termsig_hold(void);
/* A held signal (consumed), or 0 when none is waiting. */
int termsig_take(void);

/* Another host signal held the same way (--snapshot-on): blocked, then
 * taken at a scheduler turn; 1 when it had come. */
void hostsig_hold(int sig);
int hostsig_take(int sig);

#endif
