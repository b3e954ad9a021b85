// atelier/store.cpp — see store.h.
#include "store.h"

#include <memory>
#include <string>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "error.h"

namespace atelier {

void check(sqlite3* db, int rc, const char* what) {
    if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return;
    throw DbError(std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
}

void exec(sqlite3* db, const char* sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        std::string msg = err ? err : sqlite3_errstr(rc);
        sqlite3_free(err);
        throw DbError("sqlite: " + msg);
    }
}

namespace {

struct StatementCache {
    std::unordered_map<std::string, std::vector<sqlite3_stmt*>> idle;
};
std::mutex g_cache_mu;
std::unordered_map<sqlite3*, std::unique_ptr<StatementCache>> g_caches;

}  // namespace

void cache_statements(sqlite3* db) {
    std::lock_guard<std::mutex> lock(g_cache_mu);
    auto& c = g_caches[db];
    if (!c) c = std::make_unique<StatementCache>();
}

void release_statements(sqlite3* db) {
    std::unique_ptr<StatementCache> c;
    {
        std::lock_guard<std::mutex> lock(g_cache_mu);
        auto it = g_caches.find(db);
        if (it == g_caches.end()) return;
        c = std::move(it->second);
        g_caches.erase(it);
    }
    for (auto& kv : c->idle)
        for (sqlite3_stmt* st : kv.second) sqlite3_finalize(st);
}

Stmt::Stmt(sqlite3* db, const char* sql) : db_(db) {
    {
        std::lock_guard<std::mutex> lock(g_cache_mu);
        auto it = g_caches.find(db);
        if (it != g_caches.end()) {
            cache_ = it->second.get();
            sql_ = sql;
            auto& idle = it->second->idle[sql_];
            if (!idle.empty()) {
                stmt_ = idle.back();
                idle.pop_back();
                return;
            }
        }
    }
    check(db, sqlite3_prepare_v3(db, sql, -1, cache_ ? SQLITE_PREPARE_PERSISTENT : 0, &stmt_, nullptr), "sqlite prepare");
}
Stmt::~Stmt() {
    if (cache_ && stmt_) {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
        std::lock_guard<std::mutex> lock(g_cache_mu);
        auto it = g_caches.find(db_);
        // The cache may have been released meanwhile; then the statement goes.
        if (it != g_caches.end() && it->second.get() == cache_) {
            auto& idle = it->second->idle[sql_];
            if (idle.size() < 4) {
                idle.push_back(stmt_);
                return;
            }
        }
    }
    sqlite3_finalize(stmt_);
}

Stmt& Stmt::bind(int i, int64_t v) {
    check(db_, sqlite3_bind_int64(stmt_, i, v), "sqlite bind");
    return *this;
}
Stmt& Stmt::bind(int i, std::string_view v) {
    check(db_, sqlite3_bind_text(stmt_, i, v.data(), (int)v.size(), SQLITE_TRANSIENT), "sqlite bind");
    return *this;
}
Stmt& Stmt::bind_null(int i) {
    check(db_, sqlite3_bind_null(stmt_, i), "sqlite bind");
    return *this;
}
bool Stmt::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    check(db_, rc, "sqlite");
    return false;
}
void Stmt::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}
int64_t Stmt::int64(int col) const { return sqlite3_column_int64(stmt_, col); }
std::string Stmt::text(int col) const {
    const unsigned char* t = sqlite3_column_text(stmt_, col);
    return t ? std::string((const char*)t, (size_t)sqlite3_column_bytes(stmt_, col)) : std::string();
}
bool Stmt::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

Savepoint::Savepoint(sqlite3* db, const char* name) : db_(db), name_(name) {
    char* err = nullptr;
    if (sqlite3_exec(db_, ("SAVEPOINT " + name_).c_str(), nullptr, nullptr, &err) == SQLITE_OK) return;
    std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    // SQLite opens no savepoint while a write statement is running, which is
    // the case of a writing SQL function called inside INSERT … SELECT or
    // UPDATE: say how to call it instead.
    if (msg.find("statements in progress") != std::string::npos)
        throw Error("call this function from a plain SELECT, not inside INSERT, UPDATE or DELETE: SQLite cannot open"
                    " a savepoint while a write statement runs", ErrorKind::conflict);
    throw DbError("savepoint: " + msg);
}
Savepoint::~Savepoint() {
    if (done_) return;
    sqlite3_exec(db_, ("ROLLBACK TO " + name_ + "; RELEASE " + name_).c_str(), nullptr, nullptr, nullptr);
}
void Savepoint::commit() {
    exec(db_, ("RELEASE " + name_).c_str());
    done_ = true;
}

int latest_schema_version() { return kMigrations[kMigrationCount - 1].version; }

int schema_version(sqlite3* db) {
    Stmt has(db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name='atelier_migrations'");
    if (!has.step()) return 0;
    Stmt v(db, "SELECT coalesce(max(version), 0) FROM atelier_migrations");
    v.step();
    return (int)v.int64(0);
}

int migrate(sqlite3* db, int target) {
    int latest = latest_schema_version();
    if (target < 0) target = latest;
    if (target > latest)
        throw Error("migrate: target version " + std::to_string(target) + " is beyond the latest known (" +
                    std::to_string(latest) + ")");
    exec(db, "PRAGMA foreign_keys = ON");
    int current = schema_version(db);
    if (current > latest)
        throw Error("migrate: the database has schema version " + std::to_string(current) +
                    ", newer than this build of Atelier knows (" + std::to_string(latest) +
                    "); upgrade Atelier");
    if (current >= target) return current;

    Savepoint sp(db, "atelier_migrate");
    exec(db,
         "CREATE TABLE IF NOT EXISTS atelier_migrations ("
         " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
    for (int i = 0; i < kMigrationCount; ++i) {
        const Migration& m = kMigrations[i];
        if (m.version <= current || m.version > target) continue;
        try {
            exec(db, m.sql);
        } catch (const Error& e) {
            throw Error("migrate: version " + std::to_string(m.version) + " (" + m.name + "): " + e.what());
        }
        Stmt ins(db,
                 "INSERT INTO atelier_migrations(version, name, applied_at)"
                 " VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ','now'))");
        ins.bind(1, (int64_t)m.version).bind(2, m.name).step();
        // What SQL alone cannot do runs on the schema it has just made.
        if (m.then) {
            try {
                m.then(db);
            } catch (const Error& e) {
                throw Error("migrate: version " + std::to_string(m.version) + " (" + m.name + "): " + e.what());
            }
        }
    }
    sp.commit();
    return target;
}

std::string empty_database_image() {
    sqlite3* db = nullptr;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
        sqlite3_close(db);
        throw Error("empty database: cannot open one in memory");
    }
    std::unique_ptr<sqlite3, int (*)(sqlite3*)> closer(db, sqlite3_close);
    migrate(db);
    exec(db, "VACUUM");  // the pages the migrations' table rebuilds freed
    sqlite3_int64 size = 0;
    unsigned char* bytes = sqlite3_serialize(db, "main", &size, 0);
    if (!bytes) throw Error("empty database: cannot serialize it");
    std::string out(reinterpret_cast<const char*>(bytes), (size_t)size);
    sqlite3_free(bytes);
    return out;
}

}  // namespace atelier
