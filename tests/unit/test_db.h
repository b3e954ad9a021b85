// A fresh in-memory database with the schema, for unit tests.
#pragma once
#include "atelier_sqlite.h"
#include "store.h"

struct TestDb {
    sqlite3* db = nullptr;
    explicit TestDb(bool with_schema = true) {
        sqlite3_open(":memory:", &db);
        atelier::exec(db, "PRAGMA foreign_keys = ON");
        atelier::cache_statements(db);
        if (with_schema) atelier::migrate(db);
    }
    ~TestDb() {
        atelier::release_statements(db);
        sqlite3_close(db);
    }
    long long count(const char* sql) {
        atelier::Stmt s(db, sql);
        s.step();
        return s.int64(0);
    }
    std::string text(const char* sql) {
        atelier::Stmt s(db, sql);
        return s.step() ? s.text(0) : std::string("<no row>");
    }
};
