/* Starting a helper thread that runs at once, beside its creator. */
#ifndef INSMOD_THREAD_H
#define INSMOD_THREAD_H

#include <pthread.h>
#include <stdbool.h>

/* pthread_create(), but the new thread starts on another CPU than the
 * calling one when the process may use another: see thread.c.  Returns 0
 * or an error number, as pthread_create() does. */
int thread_start_beside(pthread_t *thread, void *(*fn)(void *), void *arg);

/* May this process run on two CPUs at once?  (Not when its affinity or
 * the machine gives it one: a helper thread would then only take turns.) */
bool thread_have_two_cpus(void);

#endif
