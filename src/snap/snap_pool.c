/* A queue of jobs and the threads that run them. */
#include "snap/snap_pool.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

enum { JOB_QUEUED = 1, JOB_RUNNING, JOB_DONE };

struct helper {
	struct snap_pool *pool;
	pthread_t thread;
	int index;
};

struct snap_pool {
	pthread_mutex_t lock;
	pthread_cond_t work; /* a job was queued, or the pool is ending */
	pthread_cond_t done; /* a job finished */
	struct snap_job *head, *tail;
	int ending;
	int nhelpers;
	struct helper helpers[SNAP_POOL_MAX];
};

int snap_pool_cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
#ifdef __linux__
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) == 0)
		n = CPU_COUNT(&set);
#endif
	return n < 1 ? 1 : n > SNAP_POOL_MAX ? SNAP_POOL_MAX : (int)n;
}

/* With the lock held: the oldest queued job, taken off the queue. */
static struct snap_job *take(struct snap_pool *p)
{
	struct snap_job *job = p->head;
	if (job) {
		p->head = job->next;
		if (!p->head)
			p->tail = NULL;
		job->state = JOB_RUNNING;
	}
	return job;
}

/* With the lock held, which it drops while the job runs. */
static void run_one(struct snap_pool *p, struct snap_job *job, int worker)
{
	pthread_mutex_unlock(&p->lock);
	job->run(job, worker);
	pthread_mutex_lock(&p->lock);
	job->state = JOB_DONE;
	pthread_cond_broadcast(&p->done);
}

static void *helper_main(void *arg)
{
	struct helper *h = arg;
	struct snap_pool *p = h->pool;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct snap_job *job = take(p);
		if (job)
			run_one(p, job, h->index);
		else if (p->ending)
			break;
		else
			pthread_cond_wait(&p->work, &p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct snap_pool *snap_pool_create(int threads)
{
	if (threads <= 1)
		return NULL;
	struct snap_pool *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old); /* the helpers inherit it */
	for (int k = 1; k < threads && k <= SNAP_POOL_MAX - 1; k++) {
		struct helper *h = &p->helpers[p->nhelpers];
		*h = (struct helper){.pool = p, .index = k};
		if (pthread_create(&h->thread, NULL, helper_main, h))
			break;
		p->nhelpers++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!p->nhelpers) {
		snap_pool_destroy(p);
		return NULL;
	}
	return p;
}

void snap_pool_submit(struct snap_pool *p, struct snap_job *job)
{
	job->next = NULL;
	if (!p) {
		job->run(job, 0);
		job->state = JOB_DONE;
		return;
	}
	pthread_mutex_lock(&p->lock);
	job->state = JOB_QUEUED;
	if (p->tail)
		p->tail->next = job;
	else
		p->head = job;
	p->tail = job;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
}

void snap_pool_wait(struct snap_pool *p, struct snap_job *job)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	while (job->state != JOB_DONE) {
		struct snap_job *other = take(p);
		if (other)
			run_one(p, other, 0);
		else
			pthread_cond_wait(&p->done, &p->lock);
	}
	pthread_mutex_unlock(&p->lock);
}

void snap_pool_destroy(struct snap_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->ending = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (int k = 0; k < p->nhelpers; k++)
		pthread_join(p->helpers[k].thread, NULL);
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
