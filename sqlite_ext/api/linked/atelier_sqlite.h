// The SQLite C API for hosts that link SQLite in (the server, the wasm app,
// the unit tests): plain calls into the linked library.
#pragma once
#include <sqlite3.h>
