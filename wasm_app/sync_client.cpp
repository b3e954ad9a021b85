// wasm_app/sync_client.cpp — see sync_client.h.
#include "json_in.h"
#include "sync_client.h"

#include "ids.h"
#include "platform_web.h"
#include "store.h"
#include "sync.h"

namespace app {

namespace {

SyncClient g_sync;
constexpr int kPollMs = 30000;        // pull what others did, while idle
constexpr int kRetryMs = 15000;       // after a failure
constexpr int kAfterChangeMs = 1500;  // a burst of edits goes in one push
constexpr int64_t kPushLimit = 2000;  // changes per request
constexpr int64_t kPullLimit = 5000;
constexpr size_t kKeptRefusals = 50;

using nlohmann::json;

std::string meta(Db& db, const char* key, const char* fallback = "") {
    return atelier::sync::meta(db.raw(), key, fallback);
}

std::string error_of(int status, const std::string& body) {
    if (status == 0) return "no connection to the server";
    json j = atelier::parse_json_or_discard(body);
    if (j.is_object() && j.contains("error") && j["error"].is_string()) return j["error"].get<std::string>();
    return "the server answered " + std::to_string(status);
}

}  // namespace

SyncClient& sync_client() { return g_sync; }

bool SyncClient::connected(Db& db) const { return db.is_open() && !atelier::sync::meta(db.raw(), "token").empty(); }

void SyncClient::refresh(Db& db) {
    if (pending_generation_ == db.generation()) return;
    pending_count_ = atelier::sync::pending_changes(db.raw());
    connected_ = connected(db);
    last_sync_ = meta(db, "last_sync");
    pending_generation_ = db.generation();
}

const std::string& SyncClient::last_sync(Db& db) {
    refresh(db);
    return last_sync_;
}

void SyncClient::send(Step step, const char* method, const std::string& url, const json& headers, const std::string& body) {
    step_ = step;
    ++request_id_;
    web::http(request_id_, method, url, headers.dump(), body.empty() && std::string(method) == "GET" ? nullptr : &body);
}

void SyncClient::connect(Db& db, const std::string& email, const std::string& password) {
    if (!db.is_open()) return;
    error_.clear();
    atelier::sync::set_meta(db.raw(), "email", email);
    send(Step::login, "POST", "/api/login", json{{"content-type", "application/json"}},
         json{{"email", email}, {"password", password}}.dump());
}

void SyncClient::disconnect(Db& db) {
    atelier::sync::set_meta(db.raw(), "token", "");
    step_ = Step::idle;
    ++request_id_;  // an answer in flight is ignored
    error_.clear();
    due_ms_ = 0;
}

void SyncClient::request(Db& db, int delay_ms) {
    if (!connected(db)) return;
    double due = web::now_ms() + delay_ms;
    if (due_ms_ == 0 || due < due_ms_) {
        due_ms_ = due;
        web::set_timer(delay_ms);
    }
}

void SyncClient::note_commit(Db& db) {
    if (connected(db) && !busy() && pending(db) > 0) request(db, kAfterChangeMs);
}

void SyncClient::on_timer(Db& db) {
    if (!connected(db) || busy()) return;
    if (due_ms_ > 0 && web::now_ms() < due_ms_ - 50) return;  // an earlier timer; the due one follows
    start(db);
}

void SyncClient::start(Db& db) {
    due_ms_ = 0;
    if (!web::online()) return;  // the browser's 'online' event starts it again
    push(db);
}

void SyncClient::push(Db& db) {
    atelier::sync::ExportOptions o;
    o.since = std::stoll(meta(db, "pushed_seq", "0"));
    o.limit = kPushLimit;
    o.own_only = true;
    std::string bundle = atelier::sync::export_changes(db.raw(), o);
    json head = atelier::parse_json(bundle, "sync: bundle", size_t(256) << 20);
    if (head["changes"].empty()) return pull(db);
    pending_until_ = head["until"].get<int64_t>();
    send(Step::push, "POST", "/api/sync/push",
         json{{"content-type", "application/json"}, {"authorization", "Bearer " + meta(db, "token")}}, bundle);
}

void SyncClient::pull(Db& db) {
    send(Step::pull, "GET", "/api/sync/pull?since=" + meta(db, "pulled_seq", "0") + "&limit=" + std::to_string(kPullLimit),
         json{{"authorization", "Bearer " + meta(db, "token")}}, "");
}

void SyncClient::finish(Db& db, const std::string& error) {
    step_ = Step::idle;
    error_ = error;
    if (error.empty()) atelier::sync::set_meta(db.raw(), "last_sync", atelier::now_iso());
    if (!web::online()) {
        due_ms_ = 0;  // the 'online' event restarts
    } else {
        due_ms_ = 0;
        request(db, error.empty() ? kPollMs : kRetryMs);
    }
    web::wake(2);
}

void SyncClient::add_refusal(Db& db, const json& r) {
    json all = atelier::parse_json_or_discard(meta(db, "refusals", "[]"));
    if (!all.is_array()) all = json::array();
    json x = r;
    x["at"] = atelier::now_iso();
    all.push_back(x);
    while (all.size() > kKeptRefusals) all.erase(all.begin());
    atelier::sync::set_meta(db.raw(), "refusals", all.dump());
}

namespace {
// Requests of the bank screen and of files are numbered apart from the sync's.
constexpr int kBankIds = 1 << 24;
constexpr int kFileIds = 1 << 25;
}  // namespace

void SyncClient::fetch_file(Db& db, const std::string& file_id, const std::string& name) {
    file_state_ = "loading";
    web::fetch_file(kFileIds + ++file_request_, "/api/files/" + file_id, json{{"authorization", "Bearer " + meta(db, "token")}}.dump(), name);
}

void SyncClient::upload_statement(Db& db) {
    bank_error_.clear();
    bank_deciding_.clear();
    web::upload_file(kBankIds + ++bank_request_, "/api/bank/import",
                     json{{"authorization", "Bearer " + meta(db, "token")}, {"content-type", "application/octet-stream"}}.dump(), ".txt,.csv");
}

void SyncClient::decide_line(Db& db, const std::string& line_id, const std::string& invoice_id) {
    bank_error_.clear();
    bank_deciding_ = line_id;
    const std::string body = invoice_id.empty() ? "{}" : json{{"invoice_id", invoice_id}}.dump();
    web::http(kBankIds + ++bank_request_, "POST", "/api/bank/lines/" + line_id + (invoice_id.empty() ? "/ignore" : "/confirm"),
              json{{"authorization", "Bearer " + meta(db, "token")}, {"content-type", "application/json"}}.dump(), &body);
}

void SyncClient::on_http(Db& db, int id, int status, const std::string& body) {
    if (id >= kFileIds) {
        if (id == kFileIds + file_request_) file_state_ = status == 200 ? "done" : error_of(status, body);
        web::wake(2);
        return;
    }
    if (id >= kBankIds) {
        if (id != kBankIds + bank_request_) return;
        if (status != 200) {
            bank_error_ = error_of(status, body);
        } else if (bank_deciding_.empty()) {
            bank_result_ = atelier::parse_json_or_discard(body);
            if (!bank_result_.is_object()) bank_result_ = nullptr, bank_error_ = "server: answer: not JSON";
        } else if (bank_result_.is_object()) {
            // The line is decided: it leaves the list of those waiting.
            for (json& item : bank_result_["items"])
                if (item.value("id", "") == bank_deciding_) item["status"] = body.find("\"ignored\"") != std::string::npos ? "ignored" : "recorded";
        }
        bank_deciding_.clear();
        request(db, 0);  // the payments come back with the next pull
        web::wake(2);
        return;
    }
    if (id != request_id_ || !db.is_open()) return;
    try {
        switch (step_) {
            case Step::idle: return;
            case Step::login: {
                if (status != 200) return finish(db, error_of(status, body));
                json answer = atelier::parse_json(body, "server: answer");
                csrf_ = answer.value("csrf_token", "");
                // Who logged in: this device's acts are recorded under that person.
                if (answer.contains("user") && answer["user"].is_object()) {
                    const json& u = answer["user"];
                    atelier::sync::set_meta(db.raw(), "user_id", u.value("id", ""));
                    atelier::sync::set_meta(db.raw(), "user_name", u.value("name", ""));
                    atelier::sync::set_meta(db.raw(), "user_role", u.value("role", ""));
                }
                send(Step::token, "POST", "/api/tokens",
                     json{{"content-type", "application/json"}, {"x-csrf-token", csrf_}},
                     json{{"name", "Atelier app " + atelier::sync::device_id(db.raw())},
                          {"device", atelier::sync::device_id(db.raw())}}.dump());
                return;
            }
            case Step::token: {
                if (status != 201) return finish(db, error_of(status, body));
                json j = atelier::parse_json(body, "server: answer");
                atelier::sync::set_meta(db.raw(), "token", j.value("token", ""));
                atelier::sync::set_meta(db.raw(), "server_device", j.value("server_device", ""));
                step_ = Step::idle;
                start(db);
                web::wake(2);
                return;
            }
            case Step::push: {
                if (status == 401) {
                    atelier::sync::set_meta(db.raw(), "token", "");
                    return finish(db, "the server no longer accepts this app's token: connect again");
                }
                if (status == 422) {
                    // The batch was refused whole: it stays unsynced (and can be
                    // downloaded); what comes from the server still arrives.
                    std::string why = error_of(status, body);
                    add_refusal(db, json{{"reason", why}});
                    error_ = why;
                    pull(db);
                    return;
                }
                if (status != 200) return finish(db, error_of(status, body));
                json r = atelier::parse_json(body, "server: answer");
                atelier::sync::set_meta(db.raw(), "pushed_seq", std::to_string(pending_until_));
                for (const json& x : r["refusals"]) add_refusal(db, x);
                web::wake(2);
                push(db);  // more of this device's changes, or on to the pull
                return;
            }
            case Step::pull: {
                if (status != 200) return finish(db, error_of(status, body));
                atelier::sync::ApplyResult r = atelier::sync::apply(db.raw(), body);
                atelier::sync::set_meta(db.raw(), "pulled_seq", std::to_string(r.until));
                if (r.applied > 0) web::wake(2);
                if (r.more) return pull(db);
                // Whether the server sends the outbox (a mail server is set up).
                send(Step::mail, "GET", "/api/outbox/settings", json{{"authorization", "Bearer " + meta(db, "token")}}, "");
                return;
            }
            case Step::mail: {
                if (status == 200) {
                    json m = atelier::parse_json(body, "server: answer");
                    atelier::sync::set_meta(db.raw(), "mail_sending", m.value("sending", false) ? "1" : "0");
                }
                std::string kept = error_;  // a refused push stays visible
                finish(db, kept);
                return;
            }
        }
    } catch (const std::exception& e) {
        finish(db, e.what());
    }
}

std::string SyncClient::export_unsynced(Db& db) {
    atelier::sync::ExportOptions o;
    o.since = std::stoll(meta(db, "pushed_seq", "0"));
    o.own_only = true;
    return atelier::sync::export_changes(db.raw(), o);
}

int64_t SyncClient::pending(Db& db) {
    if (!db.is_open()) return 0;
    refresh(db);
    return pending_count_;
}

json SyncClient::status(Db& db) {
    if (!db.is_open()) return json::object();
    json refusals = atelier::parse_json_or_discard(meta(db, "refusals", "[]"));
    return json{{"connected", connected(db)},
                {"email", meta(db, "email")},
                {"device", atelier::sync::device_id(db.raw())},
                {"server_device", meta(db, "server_device")},
                {"pending", pending(db)},
                {"pushed_seq", std::stoll(meta(db, "pushed_seq", "0"))},
                {"pulled_seq", std::stoll(meta(db, "pulled_seq", "0"))},
                {"last_sync", meta(db, "last_sync")},
                {"busy", busy()},
                {"mail_sending", meta(db, "mail_sending")},
                {"error", error_},
                {"bank", {{"result", bank_result_}, {"error", bank_error_}}},
                {"refusals", refusals.is_array() ? refusals : json::array()}};
}

}  // namespace app
