/* Helper threads for writing and restoring snapshots: page sections are
 * hashed, compressed and decompressed on every core while the calling
 * thread scans memory and writes. Jobs belong to their caller, which
 * waits for each before it reuses or frees it; a thread that waits runs
 * queued jobs itself meanwhile, so a pool with no helper threads (or none
 * at all) still finishes every job. Helpers block every signal: the host
 * signals hexvm handles reach its own thread only. */
#ifndef HEXVM_SNAP_SNAP_POOL_H
#define HEXVM_SNAP_SNAP_POOL_H

struct snap_job {
	/* worker: 0 for the thread that waits, 1.. for the helpers, so that
	 * a caller can keep one (de)compression context per thread */
	void (*run)(struct snap_job *job, int worker);
	struct snap_job *next; /* in the queue */
	int state;	       /* private to the pool */
};

struct snap_pool;

/* The number of threads a pool should have: the cores hexvm may run on,
 * at most SNAP_POOL_MAX, the calling thread included. */
#define SNAP_POOL_MAX 8
int snap_pool_cores(void);
/* A pool of threads - 1 helpers; NULL when threads <= 1 or they cannot
 * be started (the NULL pool runs each job as it is submitted). */
struct snap_pool *snap_pool_create(int threads);
void snap_pool_submit(struct snap_pool *p, struct snap_job *job);
/* Returns once job has run, running queued jobs itself until then. */
void snap_pool_wait(struct snap_pool *p, struct snap_job *job);
/* Waits for every helper to end; no job may be queued. */
void snap_pool_destroy(struct snap_pool *p);

#endif
