// sqlite_ext/extension.cpp — the entry point of the loadable extension atelier.so.
//
//   sqlite3 app.db '.load ./atelier' 'SELECT atelier_migrate()'
//   python3 -c "import sqlite3; c = sqlite3.connect('app.db'); c.enable_load_extension(True); c.load_extension('./atelier')"
//
// All logic lives in functions.cpp and the core; this file only binds the
// host's API table and registers.
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

#include "functions.h"

extern "C" __attribute__((visibility("default"))) int sqlite3_atelier_init(sqlite3* db, char** err,
                                                                            const sqlite3_api_routines* api) {
    SQLITE_EXTENSION_INIT2(api);
    int rc = atelier_register_functions(db);
    if (rc != SQLITE_OK) {
        if (err) *err = sqlite3_mprintf("atelier: registering SQL functions failed: %s", sqlite3_errstr(rc));
        return rc;
    }
    // On a database with the schema, writes are logged for sync from now on.
    atelier_attach_sync(db);
    return SQLITE_OK;
}
