// web/server/http_util.h — what the server's route files share.
#pragma once
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "atelier_sqlite.h"
#include "auth.h"
#include "conveyor.h"
#include "projects.h"
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
        std::string until;  // an ISO time it is good until (exclusive); empty: no bound
    };
    std::unordered_map<std::string, Cached> pages;
    // Writes that change no page (a client link's view count) are not
    // counted against the cache.
    int64_t unseen_changes = 0;
    int64_t changes() { return (int64_t)sqlite3_total_changes(db) - unseen_changes; }
    int64_t data_version() {
        Stmt q(db, "PRAGMA data_version");
        return q.step() ? q.int64(0) : -1;
    }
    // Openings of client pages not yet recorded: a GET writes nothing; the
    // automation loop records them together within a second (and the
    // server on its way out). Call with `mu` held.
    struct Views {
        int64_t count = 0;
        std::string first, last;
    };
    std::unordered_map<std::string, Views> views;  // by token
    void note_view(const std::string& token, const std::string& at) {
        Views& v = views[token];
        if (v.count++ == 0) v.first = at;
        v.last = at;
        if (views.size() >= 1000) flush_views();
    }
    void flush_views();
    // The cached page for `key`, or nullptr. Call with `mu` held.
    // `now` (ISO) is checked against the entry's bound, if it has one.
    const std::string* cached(const std::string& key, const std::string& now = {}) {
        auto it = pages.find(key);
        if (it == pages.end()) return nullptr;
        if (it->second.stamp_changes != changes() || it->second.stamp_version != data_version() ||
            (!it->second.until.empty() && !(now < it->second.until))) {
            pages.erase(it);
            return nullptr;
        }
        return &it->second.body;
    }
    void remember(const std::string& key, const std::string& body, const std::string& until = {}) {
        if (pages.size() > 4000) pages.clear();  // bounded memory
        pages[key] = Cached{changes(), data_version(), body, until};
    }
};

// The visitor's address: the peer's, or, when the peer is one of the
// --trusted-proxy addresses, the last address in X-Forwarded-For that is not
// a trusted proxy itself.
std::string client_addr(const httplib::Request& req, const ServeOptions& opt);

// Body limits per route, enforced before the body is read (Content-Length)
// and while it is read (routes that read it themselves).
constexpr size_t kAnonymousBodyMax = 64u << 10;  // intake, log-in
constexpr size_t kApiBodyMax = 4u << 20;         // the manager's JSON API
constexpr size_t kSyncBodyMax = 64u << 20;       // a sync push of ~100,000 changes
constexpr size_t kBriefFormMax = 8u << 20;       // the brief form: below this, its template decides

inline void send_json(httplib::Response& res, int status, const nlohmann::json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json; charset=utf-8");
}

inline void send_error(httplib::Response& res, int status, const std::string& msg) {
    send_json(res, status, nlohmann::json{{"error", msg}});
}

// A file the client sent (projects::FileMeta), stored in `folder` under its
// id: raster images inline with their type, everything else as an
// attachment of no executable type; a sandbox policy either way. 404 if it
// is gone from the disk.
void send_stored_file(httplib::Response& res, const std::string& folder, const projects::FileMeta& f);

// The manager or API token behind a request (session cookie or Bearer), if any.
std::optional<auth::Principal> principal_of(Database& d, const httplib::Request& req);
// The person behind a request, as the conveyor records them (channel "api").
Actor actor_of(sqlite3* db, const auth::Principal& p);

// The manager-facing JSON API (api.cpp): log-in, sessions, API tokens and
// the conveyor's actions.
void register_api(httplib::Server& svr, Database& d, const ServeOptions& opt);

}  // namespace atelier
