/* threads.c -- work shared between the caller's thread and one more. */
#include "internal.h"

#include <pthread.h>

void run_pair(void *(*work)(void *), void *first, void *second, bool parallel)
{
    pthread_t thread;
    bool started = parallel && pthread_create(&thread, NULL, work, second) == 0;
    work(first);
    if (started)
        pthread_join(thread, NULL);
    else
        work(second);
}
