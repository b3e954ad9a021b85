// atelier/store.h — the SQLite store: small RAII helpers and the schema.
//
// The store is SQLite in every host. The schema lives in a list of numbered
// migrations (store_schema.cpp); atelier_migrations records which were
// applied. migrate() applies what is missing inside one savepoint, so a
// failure leaves the file as it was, and a second run is a no-op. A file
// whose schema is newer than this build knows is refused, never touched.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "atelier_sqlite.h"

namespace atelier {

// Throws atelier::Error("<what>: <sqlite message>") unless rc is OK/ROW/DONE.
void check(sqlite3* db, int rc, const char* what);

// Runs one or more statements; throws on failure.
void exec(sqlite3* db, const char* sql);

// Statement cache. A connection whose host owns it (the server, the app,
// the command line, tests) can keep the statements the core prepares and
// reuse them: preparing costs more than running most of them, above all for
// writes to synced tables, whose triggers are compiled into each statement.
// The host must call release_statements() before sqlite3_close(). The SQL
// extension does not enable it: the host application closes that connection.
void cache_statements(sqlite3* db);
void release_statements(sqlite3* db);

// A prepared statement. Binding is by 1-based index.
class Stmt {
public:
    Stmt(sqlite3* db, const char* sql);
    ~Stmt();
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;

    Stmt& bind(int i, int64_t v);
    Stmt& bind(int i, std::string_view v);
    Stmt& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
    Stmt& bind_null(int i);
    bool step();  // true while a row is available
    void reset();

    int64_t int64(int col) const;
    std::string text(int col) const;
    bool is_null(int col) const;
    sqlite3_stmt* raw() const { return stmt_; }

private:
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
    void* cache_ = nullptr;  // where the statement goes back to, if cached
    std::string sql_;
};

// SAVEPOINT ... RELEASE, or ROLLBACK TO on destruction without commit().
// Savepoints nest and also work inside a running statement (SQL functions).
class Savepoint {
public:
    Savepoint(sqlite3* db, const char* name);
    ~Savepoint();
    void commit();

private:
    sqlite3* db_;
    std::string name_;
    bool done_ = false;
};

// One step of the schema; the list is in store_schema.cpp.
struct Migration {
    int version;
    const char* name;
    const char* sql;
    void (*then)(sqlite3*) = nullptr;  // what SQL alone cannot do, after it
};
extern const Migration kMigrations[];
extern const int kMigrationCount;

int latest_schema_version();
// The version recorded in the file, 0 for a file without the schema.
int schema_version(sqlite3* db);
// Applies migrations up to `target` (default: latest). Returns the version.
int migrate(sqlite3* db, int target = -1);
// The bytes of a database file with the latest schema and no data but
// what the migrations themselves write: what a new replica can start from
// instead of running every migration (the server sends it to the app).
std::string empty_database_image();

}  // namespace atelier
