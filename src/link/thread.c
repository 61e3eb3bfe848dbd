/* The linker's helper thread lives a few milliseconds and is started
 * while its creator goes on computing.  Linux places a new thread on its
 * creator's CPU and leaves the idle CPU to find it later, often only once
 * the creator has finished: the whole time the thread was meant to save.
 * Started with its affinity excluding the creator's CPU, it runs at once
 * (figures: bench/history.md).  The thread then gives itself back every CPU the process may use, so that it
 * is not held to one if that one becomes busy. */
#include "thread.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>

struct start {
	void *(*fn)(void *);
	void *arg;
	cpu_set_t allowed;
};

static void *trampoline(void *p)
{
	struct start s = *(struct start *)p;

	free(p);
	pthread_setaffinity_np(pthread_self(), sizeof(s.allowed), &s.allowed);
	return s.fn(s.arg);
}

/* pthread_attr_setaffinity_np() is glibc's; musl (the static build) has
 * none, and there the thread simply starts where Linux puts it. */
static int attr_set_affinity(pthread_attr_t *attr, const cpu_set_t *set)
{
#ifdef __GLIBC__
	return pthread_attr_setaffinity_np(attr, sizeof(*set), set);
#else
	(void)attr;
	(void)set;
	return ENOSYS;
#endif
}

int thread_start_beside(pthread_t *thread, void *(*fn)(void *), void *arg)
{
	struct start *s = malloc(sizeof(*s));
	pthread_attr_t attr;
	cpu_set_t elsewhere;
	int cpu = sched_getcpu(), r;

	if (!s || sched_getaffinity(0, sizeof(s->allowed), &s->allowed) < 0 || cpu < 0 ||
	    CPU_COUNT(&s->allowed) < 2 || !CPU_ISSET(cpu, &s->allowed)) {
		free(s);
		return pthread_create(thread, NULL, fn, arg);
	}
	s->fn = fn;
	s->arg = arg;
	elsewhere = s->allowed;
	CPU_CLR(cpu, &elsewhere);
	if ((r = pthread_attr_init(&attr)) != 0) {
		free(s);
		return r;
	}
	r = attr_set_affinity(&attr, &elsewhere);
	if (r == 0)
		r = pthread_create(thread, &attr, trampoline, s);
	pthread_attr_destroy(&attr);
	if (r != 0) {
		free(s);
		r = pthread_create(thread, NULL, fn, arg);
	}
	return r;
}

bool thread_have_two_cpus(void)
{
	cpu_set_t allowed;

	return sched_getaffinity(0, sizeof(allowed), &allowed) < 0 || CPU_COUNT(&allowed) >= 2;
}
