// libFuzzer target: a sync bundle, as a replica or an HTTP push would send it,
// merged into a database with the schema and the demo data. Every input is
// applied in a savepoint that is rolled back, so runs stay independent.
#include <cstdint>
#include <string_view>

#include "atelier_sqlite.h"
#include "demo.h"
#include "error.h"
#include "store.h"
#include "sync.h"

namespace {

sqlite3* database() {
    static sqlite3* db = [] {
        sqlite3* d = nullptr;
        sqlite3_open(":memory:", &d);
        atelier::exec(d, "PRAGMA foreign_keys = ON");
        atelier::cache_statements(d);
        atelier::migrate(d);
        atelier::seed_demo(d);
        atelier::sync::attach(d);
        return d;
    }();
    return db;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    sqlite3* db = database();
    atelier::exec(db, "SAVEPOINT fuzz");
    try {
        atelier::sync::apply(db, std::string_view((const char*)data, size));
    } catch (const atelier::Error&) {
    }
    atelier::exec(db, "ROLLBACK TO fuzz; RELEASE fuzz");
    return 0;
}
