/*
 * clock.c: the current time as an ormc_time.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include "ormc.h"

#include <time.h>

ormc_time ormc_time_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (ormc_time)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
