// web/server/http_util.h — what the server's route files share.
#pragma once
#include <mutex>
#include <string>

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "atelier_sqlite.h"
#include "server.h"

namespace atelier {

// One connection, serialised by a mutex: SQLite writes are serial anyway,
// and reads of a studio's data are short.
struct Database {
    sqlite3* db = nullptr;
    std::mutex mu;
    ~Database() { sqlite3_close(db); }
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
