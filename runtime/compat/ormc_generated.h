/*
 * ormc_generated.h, installed as include/ormc_generated.h: every generated
 * header includes "ormc_generated.h"; the real one is installed in
 * include/ormc/. This one lets generated code compile with only include/
 * on its path, as it did before the headers moved.
 */
#include "ormc/ormc_generated.h"
