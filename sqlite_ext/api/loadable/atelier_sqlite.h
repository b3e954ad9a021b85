// The SQLite C API as seen from inside the loadable extension atelier.so:
// every call goes through the host's sqlite3_api table, so the extension
// works in any process that loads it (sqlite3 shell, Python, rqlite, sqld),
// whatever copy of SQLite that process carries.
#pragma once
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3
