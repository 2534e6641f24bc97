/*
 * ormc_test_env.c: what the test environment says, without the runtime, so
 * that the harness's own tests (tests/harness) can use it too.
 */
#include "ormc_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *ormc_test_pg_url(void)
{
    const char *url = getenv("ORMC_TEST_PG_URL");
    return url && *url ? url : NULL;
}

bool ormc_test_via_pgbouncer(void)
{
    const char *v = getenv("ORMC_TEST_VIA_PGBOUNCER");
    return v && strcmp(v, "1") == 0;
}

bool ormc_test_in_ci(void)
{
    const char *ci = getenv("CI");
    return ci && strcmp(ci, "true") == 0;
}

int ormc_test_pg_missing(const char *what)
{
    if (ormc_test_in_ci()) {
        fprintf(stderr,
                "FAIL: %s needs PostgreSQL but ORMC_TEST_PG_URL is not set "
                "(run the suite through tests/with-postgres; CI=true makes "
                "this a failure)\n",
                what);
        return 1;
    }
    fprintf(stderr,
            "\n*** SKIPPED: %s on PostgreSQL: ORMC_TEST_PG_URL is not set. "
            "Run `make test` to start a server. ***\n\n",
            what);
    return 0;
}
