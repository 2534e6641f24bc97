/*
 * ormc.h, installed as include/ormc.h: the runtime's headers install under
 * include/ormc/ (pkg-config --cflags ormc and the CMake targets put that
 * directory on the include path). This one stays at the top for code that
 * has only include/ on its path and writes #include <ormc.h>, as before
 * the headers moved.
 */
#include "ormc/ormc.h"
