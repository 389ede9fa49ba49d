#ifndef O2O_CSPATIALITE_SHIM_H
#define O2O_CSPATIALITE_SHIM_H
#include <sqlite3.h>
#include <spatialite.h>
#endif
