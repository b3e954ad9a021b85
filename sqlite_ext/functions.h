// sqlite_ext/functions.h — registration of Atelier's SQL functions.
//
// The same code serves every host: atelier.so calls it from its entry point,
// the server and the wasm app install it with sqlite3_auto_extension() so
// that every connection they open has the functions.
#pragma once
#include "atelier_sqlite.h"

// Registers every function on `db`, and the reports (reports.cpp); returns
// an SQLite result code.
int atelier_register_functions(sqlite3* db);
// The reports as eponymous table-valued functions: atelier_funnel(from, to [, group_by]), ...
int atelier_register_reports(sqlite3* db);

// Starts change logging on a database that has the schema (a no-op on one
// without it, or read-only); never fails the load.
void atelier_attach_sync(sqlite3* db);

// Signature of an extension entry point, for sqlite3_auto_extension().
extern "C" int atelier_auto_init(sqlite3* db, char** err, const sqlite3_api_routines* api);

// The names registered, for tests that check the exact list.
extern const char* const atelier_function_names[];
