#ifndef O2O_CPROJ_SHIM_H
#define O2O_CPROJ_SHIM_H
#include <proj.h>
#endif
