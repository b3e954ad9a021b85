// web/server/http_util.h — what the server's route files share.
#pragma once
#include <mutex>
#include <string>
#include <unordered_map>

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "atelier_sqlite.h"
#include "server.h"
#include "store.h"

namespace atelier {

// One connection, serialised by a mutex: SQLite writes are serial anyway,
// and reads of a studio's data are short.
struct Database {
    sqlite3* db = nullptr;
    std::mutex mu;
    ~Database() {
        release_statements(db);
        sqlite3_close(db);
    }

    // Pages rendered from the current data, reused until anything in the
    // database changes (a write here, or a commit by another process).
    struct Cached {
        int64_t stamp_changes, stamp_version;
        std::string body;
    };
    std::unordered_map<std::string, Cached> pages;
    int64_t data_version() {
        sqlite3_stmt* st = nullptr;
        sqlite3_prepare_v2(db, "PRAGMA data_version", -1, &st, nullptr);
        int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
        sqlite3_finalize(st);
        return v;
    }
    // The cached page for `key`, or nullptr. Call with `mu` held.
    const std::string* cached(const std::string& key) {
        auto it = pages.find(key);
        if (it == pages.end()) return nullptr;
        if (it->second.stamp_changes != (int64_t)sqlite3_total_changes(db) || it->second.stamp_version != data_version()) {
            pages.erase(it);
            return nullptr;
        }
        return &it->second.body;
    }
    void remember(const std::string& key, const std::string& body) {
        if (pages.size() > 2000) pages.clear();  // bounded memory
        pages[key] = Cached{(int64_t)sqlite3_total_changes(db), data_version(), body};
    }
};

inline void send_json(httplib::Response& res, int status, const nlohmann::json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json; charset=utf-8");
}

inline void send_error(httplib::Response& res, int status, const std::string& msg) {
    send_json(res, status, nlohmann::json{{"error", msg}});
}

// The manager-facing JSON API (api.cpp): log-in, sessions, API tokens and
// the conveyor's actions.
void register_api(httplib::Server& svr, Database& d, const ServeOptions& opt);

}  // namespace atelier
