/* sqlite_ext/api/linked_table.c: the SQLite API table of the hosts that link
 * SQLite in (the server, the unit tests, the benchmarks).
 *
 * The core (shared/, sqlite_ext/) is compiled once, calling SQLite through
 * sqlite3_api as a loadable extension does. In atelier.so that pointer is
 * the loading host's table (extension.cpp); everywhere else it is this
 * table, whose entries are the linked library's own functions. The entries
 * are the ones the core's sources name (cmake/linked_api.cmake), set by
 * constant initialisation, so the table is ready before any constructor runs.
 */
#define SQLITE_CORE 1
#include <sqlite3ext.h>

static const sqlite3_api_routines linked_table = {
#include "atelier_linked_api.inc"
};

const sqlite3_api_routines *sqlite3_api = &linked_table;
