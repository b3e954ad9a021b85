// web/server/api.cpp — the manager-facing JSON API.
//
//   POST /api/login                      {email, password} → session cookie + {csrf_token}
//   POST /api/logout
//   POST /api/tokens                     {name, device, expires_in_days} → {token}: an API token (for the
//                                        app's sync: bound to its device id), shown once; 365 days by default
//   GET  /api/tokens, GET /api/sessions  live API tokens and sessions (the owner: everyone's), each with an id
//   DELETE /api/tokens/<id>, /api/sessions/<id>   revoke one
//   POST /api/sync/push                  a bundle of the device's changes → {applied, duplicates, refusals, ...}
//   GET  /api/sync/pull?since=N[&limit=M] the changes after watermark N (not the device's own) as a bundle
//   GET  /api/sync/status[?digest=1]     the server's device id, schema, last change, digest
//   GET  /api/leads[?limit=N]            the leads
//   GET  /api/leads/<id>                 a lead with its history, brief, estimates and documents
//   POST /api/leads/<id>/move            {to, reason}
//   PUT  /api/leads/<id>/brief           {template, answers, submit}
//   POST /api/leads/<id>/send-brief      {template} → {token, url}
//   POST /api/leads/<id>/estimates       {start_date, discount, overrides} → {id, estimate}
//   POST /api/estimates/<id>/proposal    → {id, url}
//   POST /api/proposals/<id>/contract    → {id, url}
//   POST /api/contracts/<id>/invoices    {issued_on, due_days} → {ids, urls}
//   POST /api/invoices/<id>/issue        {issued_on, due_days} → {number, url}: a planned invoice (a later
//                                        payment of the schedule) issued, due counted from today
//   POST /api/invoices/<id>/payments     {amount_minor, reference, received_on, method} → {status}
//   GET  /api/documents/<kind>/<id>?lang=ru|fr|en   the document's HTML
//   PUT  /api/numbering/<series>         {prefix, year, width, from_year} → {sample}: the owner sets how proposals,
//                                        contracts or invoices are numbered from that year on
//   GET  /api/outbox                     queued and sent notifications
//   POST /api/users                      {email, name, password, role}: the owner adds a manager (or owner)
//
// Every call but log-in needs a session cookie (and X-CSRF-Token on writes)
// or "Authorization: Bearer <API token>". Errors are {"error": "..."} with
// the core's message, which names the field; every write is one transaction.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>

#include "auth.h"
#include "error.h"
#include "http_util.h"
#include "ids.h"
#include "json_in.h"
#include "leads.h"
#include "links.h"
#include "pipeline.h"
#include "store.h"
#include "workflow.h"
#include "documents.h"
#include "numbering.h"
#include "sync.h"

namespace atelier {

namespace {

using nlohmann::json;
using Handler = std::function<void(const httplib::Request&, httplib::Response&, const auth::Principal&)>;

std::string cookie(const httplib::Request& req, const std::string& name) {
    const std::string c = req.get_header_value("Cookie");
    size_t pos = 0;
    while (pos < c.size()) {
        size_t end = c.find(';', pos);
        if (end == std::string::npos) end = c.size();
        std::string part = c.substr(pos, end - pos);
        size_t a = part.find_first_not_of(' ');
        if (a != std::string::npos) part = part.substr(a);
        if (part.compare(0, name.size() + 1, name + "=") == 0) return part.substr(name.size() + 1);
        pos = end + 1;
    }
    return "";
}

json body_json(const httplib::Request& req) {
    if (req.body.empty()) return json::object();
    json j = parse_json(req.body, "request: body", kApiBodyMax);
    if (!j.is_object()) throw Error("request: body: expected a JSON object");
    return j;
}

// Failed log-ins in a 15-minute window, per address and per account: past
// the limit, log-in answers 429 without checking the password. Bounded memory.
class LoginThrottle {
public:
    static constexpr int kPerAddress = 10, kPerAccount = 20;
    // Seconds to wait, or 0.
    int wait(const std::string& addr, const std::string& email) {
        std::lock_guard<std::mutex> lock(mu_);
        auto now = std::chrono::steady_clock::now();
        int w = 0;
        for (auto* m : {&by_addr_, &by_account_}) {
            const std::string& key = m == &by_addr_ ? addr : email;
            int limit = m == &by_addr_ ? kPerAddress : kPerAccount;
            auto it = m->find(key);
            if (it == m->end()) continue;
            if (now - it->second.start >= kWindow) { m->erase(it); continue; }
            if (it->second.failures >= limit)
                w = std::max(w, (int)std::chrono::duration_cast<std::chrono::seconds>(it->second.start + kWindow - now).count() + 1);
        }
        return w;
    }
    void failed(const std::string& addr, const std::string& email) {
        std::lock_guard<std::mutex> lock(mu_);
        auto now = std::chrono::steady_clock::now();
        for (auto* m : {&by_addr_, &by_account_}) {
            if (m->size() > 100000) m->clear();
            Window& w = (*m)[m == &by_addr_ ? addr : email];
            if (now - w.start >= kWindow) w = Window{now, 0};
            ++w.failures;
        }
    }
    void succeeded(const std::string& email) {
        std::lock_guard<std::mutex> lock(mu_);
        by_account_.erase(email);
    }

private:
    static constexpr std::chrono::minutes kWindow{15};
    struct Window {
        std::chrono::steady_clock::time_point start{};
        int failures = 0;
    };
    std::mutex mu_;
    std::map<std::string, Window> by_addr_, by_account_;
};

// At most two password checks at a time: each takes 64 MiB.
class Gate {
public:
    explicit Gate(int n) : free_(n) {}
    void enter() {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return free_ > 0; });
        --free_;
    }
    void leave() {
        { std::lock_guard<std::mutex> lock(mu_); ++free_; }
        cv_.notify_one();
    }

private:
    std::mutex mu_;
    std::condition_variable cv_;
    int free_;
};

std::string str_field(const json& j, const char* key, bool required, const std::string& dflt = "") {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
        if (required) throw Error(std::string(key) + ": required");
        return dflt;
    }
    if (!it->is_string()) throw Error(std::string(key) + ": expected a string");
    return it->get<std::string>();
}

int64_t int_field(const json& j, const char* key, bool required, int64_t dflt = 0) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
        if (required) throw Error(std::string(key) + ": required");
        return dflt;
    }
    if (!it->is_number_integer()) throw Error(std::string(key) + ": expected an integer");
    return it->get<int64_t>();
}

// Runs a write in one transaction; core errors become 400 (404 for a missing id).
void guarded_write(Database& d, httplib::Response& res, const std::function<void()>& f) {
    std::lock_guard<std::mutex> lock(d.mu);
    try {
        Savepoint sp(d.db, "api");
        f();
        sp.commit();
    } catch (const Error& e) {
        std::string msg = e.what();
        bool missing = msg.find(": no ") != std::string::npos && msg.find(" with id ") != std::string::npos;
        send_error(res, missing ? 404 : 400, msg);
    }
}

json lead_detail(sqlite3* db, const std::string& id) {
    Stmt q(db, "SELECT l.id, c.name, c.company, c.email, c.phone, l.source, l.title, l.stage, l.lost_reason, l.lang,"
               " l.amount_minor, l.currency, l.utm_json, l.created_at, l.updated_at, l.notes"
               " FROM leads l JOIN clients c ON c.id = l.client_id WHERE l.id = ?1");
    q.bind(1, id);
    if (!q.step()) throw Error("lead_id: no lead with id \"" + id + "\"");
    json j = {{"id", q.text(0)}, {"client", q.text(1)}, {"company", q.text(2)}, {"email", q.text(3)}, {"phone", q.text(4)},
              {"source", q.text(5)}, {"title", q.text(6)}, {"stage", q.text(7)},
              {"lost_reason", q.is_null(8) ? json(nullptr) : json(q.text(8))}, {"lang", q.text(9)},
              {"amount_minor", q.int64(10)}, {"currency", q.text(11)}, {"utm", json::parse(q.text(12))},
              {"created_at", q.text(13)}, {"updated_at", q.text(14)}, {"notes", q.text(15)}};
    json events = json::array();
    Stmt e(db, "SELECT from_stage, to_stage, at, actor, reason FROM stage_events WHERE lead_id = ?1 ORDER BY at, rowid");
    e.bind(1, id);
    while (e.step())
        events.push_back({{"from", e.is_null(0) ? json(nullptr) : json(e.text(0))}, {"to", e.text(1)}, {"at", e.text(2)},
                          {"actor", e.text(3)}, {"reason", e.is_null(4) ? json(nullptr) : json(e.text(4))}});
    j["events"] = events;
    Stmt b(db, "SELECT b.id, bt.code, b.status, b.answers_json FROM briefs b JOIN brief_templates bt ON bt.id = b.template_id"
               " WHERE b.lead_id = ?1 ORDER BY b.updated_at DESC LIMIT 1");
    b.bind(1, id);
    j["brief"] = b.step() ? json{{"id", b.text(0)}, {"template", b.text(1)}, {"status", b.text(2)}, {"answers", json::parse(b.text(3))}}
                          : json(nullptr);
    json docs = json::array();
    Stmt dq(db, "SELECT 'estimate', id, version, NULL, NULL, total_minor, created_at FROM estimates WHERE lead_id = ?1"
                " UNION ALL SELECT 'proposal', id, version, status, number, NULL, created_at FROM proposals WHERE lead_id = ?1"
                " UNION ALL SELECT 'contract', id, version, status, number, NULL, created_at FROM contracts WHERE lead_id = ?1"
                " UNION ALL SELECT 'invoice', id, 1, status, number, total_minor, created_at FROM invoices WHERE lead_id = ?1"
                " ORDER BY 7");
    dq.bind(1, id);
    while (dq.step()) {
        json doc = {{"kind", dq.text(0)}, {"id", dq.text(1)}, {"version", dq.int64(2)}};
        if (!dq.is_null(3)) doc["status"] = dq.text(3);
        if (!dq.is_null(4)) doc["number"] = dq.text(4);
        if (!dq.is_null(5)) doc["total_minor"] = dq.int64(5);
        docs.push_back(doc);
    }
    j["documents"] = docs;
    return j;
}

}  // namespace

std::optional<auth::Principal> principal_of(Database& d, const httplib::Request& req) {
    std::lock_guard<std::mutex> lock(d.mu);
    const std::string bearer = req.get_header_value("Authorization");
    if (bearer.rfind("Bearer ", 0) == 0) return auth::from_api_token(d.db, bearer.substr(7), now_iso());
    return auth::from_session(d.db, cookie(req, "atelier_session"), now_iso());
}

void register_api(httplib::Server& svr, Database& d, const ServeOptions& opt) {
    const bool secure = opt.base_url.rfind("https://", 0) == 0;

    auto authed = [&d](Handler h) {
        return [&d, h](const httplib::Request& req, httplib::Response& res) {
            std::optional<auth::Principal> p = principal_of(d, req);
            if (!p) return send_error(res, 401, "authentication required: log in, or send an API token");
            bool unsafe = req.method != "GET" && req.method != "HEAD";
            if (unsafe && !p->csrf.empty() && req.get_header_value("X-CSRF-Token") != p->csrf)
                return send_error(res, 403, "X-CSRF-Token: missing or wrong");
            try {
                h(req, res, *p);
            } catch (const Error& e) {
                send_error(res, 400, e.what());
            }
        };
    };

    static LoginThrottle throttle;
    static Gate password_checks(2);
    svr.Post("/api/login", [&d, &opt, secure](const httplib::Request& req, httplib::Response& res) {
        try {
            json b = body_json(req);
            std::string email = str_field(b, "email", true), password = str_field(b, "password", true);
            if (email.size() > 254 || password.size() > 1024) throw Error("login: wrong e-mail or password");
            const std::string addr = client_addr(req, opt);
            if (int wait = throttle.wait(addr, email)) {
                res.set_header("Retry-After", std::to_string(wait));
                return send_error(res, 429, "login: too many failed attempts: try again in " + std::to_string(wait) + " s");
            }
            auth::Account account;
            {
                std::lock_guard<std::mutex> lock(d.mu);
                account = auth::find_account(d.db, email);
            }
            password_checks.enter();
            bool ok = auth::check_password(account, password);
            password_checks.leave();
            if (!ok) {
                throttle.failed(addr, email);
                return send_error(res, 401, "login: wrong e-mail or password");
            }
            throttle.succeeded(email);
            std::lock_guard<std::mutex> lock(d.mu);
            auth::Session s = auth::open_session(d.db, account.user_id, addr, now_iso());
            res.set_header("Set-Cookie", "atelier_session=" + s.token + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=1209600" +
                                             (secure ? "; Secure" : ""));
            send_json(res, 200, json{{"csrf_token", s.csrf}, {"email", email}});
        } catch (const Error& e) {
            std::string msg = e.what();
            send_error(res, msg.find("login:") != std::string::npos ? 401 : 400, msg);
        }
    });
    svr.Post("/api/logout", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal&) {
        std::lock_guard<std::mutex> lock(d.mu);
        auth::logout(d.db, cookie(req, "atelier_session"));
        res.set_header("Set-Cookie", "atelier_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
        send_json(res, 200, json{{"ok", true}});
    }));
    svr.Post("/api/tokens", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        json b = body_json(req);
        std::string name = str_field(b, "name", false, "app");
        std::string device = str_field(b, "device", false, "");
        int64_t days = int_field(b, "expires_in_days", false, 365);
        if (days < 1 || days > 730) throw Error("expires_in_days: expected a number of days from 1 to 730");
        if (!device.empty() && (device.size() != 16 || device.find_first_not_of("0123456789abcdef") != std::string::npos))
            throw Error("device: expected 16 lower-case hex digits (the app's sync device id)");
        std::lock_guard<std::mutex> lock(d.mu);
        if (!device.empty() && device == sync::device_id(d.db)) throw Error("device: this is the server's own device id");
        const std::string now = now_iso();
        std::string token = auth::create_api_token(d.db, p.user_id, name, now, device, (int)days);
        send_json(res, 201, json{{"token", token}, {"server_device", sync::device_id(d.db)}});
    }));
    // Sessions and API tokens: the owner sees and revokes everyone's, a
    // manager their own.
    svr.Get("/api/sessions", authed([&d](const httplib::Request&, httplib::Response& res, const auth::Principal& p) {
        std::lock_guard<std::mutex> lock(d.mu);
        send_json(res, 200, auth::list_sessions(d.db, p.role == "owner" ? "" : p.user_id, now_iso()));
    }));
    svr.Get("/api/tokens", authed([&d](const httplib::Request&, httplib::Response& res, const auth::Principal& p) {
        std::lock_guard<std::mutex> lock(d.mu);
        send_json(res, 200, auth::list_api_tokens(d.db, p.role == "owner" ? "" : p.user_id, now_iso()));
    }));
    svr.Delete(R"(/api/sessions/([0-9a-f]{16}))", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        std::lock_guard<std::mutex> lock(d.mu);
        if (!auth::revoke_session(d.db, req.matches[1].str(), p.role == "owner" ? "" : p.user_id))
            return send_error(res, 404, "session: no such session");
        send_json(res, 200, json{{"revoked", true}});
    }));
    svr.Delete(R"(/api/tokens/([0-9a-f]{16}))", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        std::lock_guard<std::mutex> lock(d.mu);
        if (!auth::revoke_api_token(d.db, req.matches[1].str(), p.role == "owner" ? "" : p.user_id, now_iso()))
            return send_error(res, 404, "token: no such API token");
        send_json(res, 200, json{{"revoked", true}});
    }));
    // Sync. A push is one transaction: all of it or nothing; resending it is
    // harmless (changes already here are counted as duplicates).
    svr.Post("/api/sync/push", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        if (p.device.empty())
            return send_error(res, 403, "sync push needs the API token of a device (POST /api/tokens with {\"device\": ...})");
        sync::ApplyOptions o;
        o.device = p.device;
        std::lock_guard<std::mutex> lock(d.mu);
        try {
            sync::ApplyResult r = sync::apply(d.db, req.body, o);
            res.status = 200;
            res.set_content(r.json(), "application/json; charset=utf-8");
        } catch (const Error& e) {
            send_error(res, 422, e.what());
        }
    }));
    svr.Get("/api/sync/pull", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        auto num = [&](const char* key, int64_t dflt, int64_t lo, int64_t hi) -> int64_t {
            if (!req.has_param(key)) return dflt;
            const std::string v = req.get_param_value(key);
            char* end = nullptr;
            long long n = std::strtoll(v.c_str(), &end, 10);
            if (v.empty() || *end || n < lo || n > hi)
                throw Error(std::string(key) + ": expected an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
            return n;
        };
        sync::ExportOptions o;
        o.since = num("since", 0, 0, INT64_MAX);
        o.limit = num("limit", 5000, 1, 100000);
        o.skip_device = p.device;
        std::lock_guard<std::mutex> lock(d.mu);
        res.status = 200;
        res.set_content(sync::export_changes(d.db, o), "application/json; charset=utf-8");
    }));
    svr.Get("/api/sync/status", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal&) {
        std::lock_guard<std::mutex> lock(d.mu);
        Stmt q(d.db, "SELECT coalesce(max(seq), 0) FROM change_log");
        q.step();
        json out{{"device", sync::device_id(d.db)}, {"schema", schema_version(d.db)}, {"seq", q.int64(0)}};
        if (req.has_param("digest")) out["digest"] = sync::digest(d.db);
        send_json(res, 200, out);
    }));
    svr.Get("/api/leads", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal&) {
        int64_t limit = -1;
        if (req.has_param("limit")) {
            const std::string v = req.get_param_value("limit");
            char* end = nullptr;
            long long n = std::strtoll(v.c_str(), &end, 10);
            if (v.empty() || *end || n < 0) return send_error(res, 400, "limit: expected a non-negative integer");
            limit = n;
        }
        std::lock_guard<std::mutex> lock(d.mu);
        send_json(res, 200, leads_json(d.db, limit));
    }));
    svr.Get(R"(/api/leads/([A-Za-z0-9-]{1,64}))", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal&) {
        std::lock_guard<std::mutex> lock(d.mu);
        try {
            send_json(res, 200, lead_detail(d.db, req.matches[1].str()));
        } catch (const Error& e) {
            send_error(res, 404, e.what());
        }
    }));
    svr.Post(R"(/api/leads/([A-Za-z0-9-]{1,64})/move)", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        json b = body_json(req);
        std::string to = str_field(b, "to", true), reason = str_field(b, "reason", false);
        guarded_write(d, res, [&] {
            auto r = move_lead(d.db, req.matches[1].str(), to, p.email, reason, now_iso());
            send_json(res, 200, json{{"event_id", r.event_id}, {"from", r.from}, {"to", r.to}});
        });
    }));
    svr.Put(R"(/api/leads/([A-Za-z0-9-]{1,64})/brief)", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        json b = body_json(req);
        std::string tpl = str_field(b, "template", false, "corporate");
        if (!b.contains("answers") || !b["answers"].is_object()) return send_error(res, 400, "answers: expected a JSON object");
        bool submit = b.value("submit", false);
        guarded_write(d, res, [&] {
            send_json(res, 200, json{{"id", save_brief(d.db, req.matches[1].str(), tpl, b["answers"], submit, p.email, now_iso())}});
        });
    }));
    svr.Post(R"(/api/leads/([A-Za-z0-9-]{1,64})/send-brief)", authed([&d, &opt](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        json b = body_json(req);
        std::string tpl = str_field(b, "template", false, "corporate");
        guarded_write(d, res, [&] {
            std::string token = send_brief(d.db, req.matches[1].str(), tpl, opt.base_url, p.email, now_iso());
            send_json(res, 200, json{{"token", token}, {"url", opt.base_url + "/c/" + token}});
        });
    }));
    svr.Post(R"(/api/leads/([A-Za-z0-9-]{1,64})/estimates)", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        json b = body_json(req);
        guarded_write(d, res, [&] {
            std::string id = estimate_lead(d.db, req.matches[1].str(), b, p.email, now_iso());
            Stmt q(d.db, "SELECT body_json FROM estimates WHERE id = ?1");
            q.bind(1, id).step();
            send_json(res, 201, json{{"id", id}, {"estimate", json::parse(q.text(0))}});
        });
    }));
    svr.Post(R"(/api/estimates/([A-Za-z0-9-]{1,64})/proposal)", authed([&d, &opt](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        guarded_write(d, res, [&] {
            std::string id = create_proposal(d.db, req.matches[1].str(), p.email, now_iso());
            std::string token = link_for(d.db, "proposal", id, now_iso());
            send_json(res, 201, json{{"id", id}, {"url", opt.base_url + "/c/" + token}});
        });
    }));
    svr.Post(R"(/api/proposals/([A-Za-z0-9-]{1,64})/contract)", authed([&d, &opt](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        guarded_write(d, res, [&] {
            std::string id = create_contract(d.db, req.matches[1].str(), p.email, now_iso());
            std::string token = link_for(d.db, "contract", id, now_iso());
            send_json(res, 201, json{{"id", id}, {"url", opt.base_url + "/c/" + token}});
        });
    }));
    svr.Post(R"(/api/contracts/([A-Za-z0-9-]{1,64})/invoices)", authed([&d, &opt](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        json b = body_json(req);
        std::string issued = str_field(b, "issued_on", false, now_iso().substr(0, 10));
        int64_t due = int_field(b, "due_days", false, 5);
        guarded_write(d, res, [&] {
            auto ids = create_invoices(d.db, req.matches[1].str(), issued, (int)due, p.email, now_iso());
            json urls = json::array();
            for (const auto& id : ids) urls.push_back(opt.base_url + "/c/" + link_for(d.db, "invoice", id, now_iso()));
            send_json(res, 201, json{{"ids", ids}, {"urls", urls}});
        });
    }));
    svr.Post(R"(/api/invoices/([A-Za-z0-9-]{1,64})/issue)", authed([&d, &opt](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        json b = body_json(req);
        std::string issued = str_field(b, "issued_on", false, now_iso().substr(0, 10));
        int64_t due = int_field(b, "due_days", false, 5);
        guarded_write(d, res, [&] {
            std::string number = issue_invoice(d.db, req.matches[1].str(), issued, (int)due, p.email, now_iso());
            send_json(res, 200, json{{"number", number}, {"url", opt.base_url + "/c/" + link_for(d.db, "invoice", req.matches[1].str(), now_iso())}});
        });
    }));
    svr.Post(R"(/api/invoices/([A-Za-z0-9-]{1,64})/payments)", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal&) {
        json b = body_json(req);
        int64_t amount = int_field(b, "amount_minor", true);
        std::string reference = str_field(b, "reference", true);
        std::string received = str_field(b, "received_on", false, now_iso().substr(0, 10));
        std::string method = str_field(b, "method", false, "bank_transfer");
        guarded_write(d, res, [&] {
            send_json(res, 200, json{{"status", record_payment(d.db, req.matches[1].str(), amount, reference, received, method, now_iso())}});
        });
    }));
    svr.Get(R"(/api/documents/(proposal|contract|invoice)/([A-Za-z0-9-]{1,64}))", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal&) {
        std::lock_guard<std::mutex> lock(d.mu);
        try {
            Lang lang = parse_lang(req.has_param("lang") ? req.get_param_value("lang") : "ru", "lang");
            res.set_content(document_html(d.db, req.matches[1].str(), req.matches[2].str(), lang), "text/html; charset=utf-8");
        } catch (const Error& e) {
            std::string msg = e.what();
            send_error(res, msg.find(" with id ") != std::string::npos ? 404 : 400, msg);
        }
    }));
    svr.Put(R"(/api/numbering/(proposal|contract|invoice))", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        if (p.role != "owner") return send_error(res, 403, "only the owner sets how documents are numbered");
        json b = body_json(req);
        std::string prefix = str_field(b, "prefix", false, "");
        auto year = b.find("year");
        if (year != b.end() && !year->is_boolean()) throw Error("year: expected true or false");
        int64_t width = int_field(b, "width", false, 4);
        int64_t from = int_field(b, "from_year", false, std::stoi(now_iso().substr(0, 4)));
        guarded_write(d, res, [&] {
            std::string sample = set_number_format(d.db, req.matches[1].str(), prefix, year == b.end() || year->get<bool>(), (int)width, (int)from);
            send_json(res, 200, json{{"sample", sample}});
        });
    }));
    svr.Post("/api/users", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        if (p.role != "owner") return send_error(res, 403, "only the owner adds accounts");
        json b = body_json(req);
        std::string email = str_field(b, "email", true), name = str_field(b, "name", false, email);
        std::string password = str_field(b, "password", true), role = str_field(b, "role", false, "manager");
        if (email.find('@') == std::string::npos || email.size() > 254) return send_error(res, 400, "email: \"" + email + "\" is not an e-mail address");
        if (password.size() < 10) return send_error(res, 400, "password: at least 10 characters");
        if (role != "manager" && role != "owner") return send_error(res, 400, "role: expected manager or owner");
        std::string hash = auth::hash_password(password);
        guarded_write(d, res, [&] {
            Stmt dup(d.db, "SELECT 1 FROM users WHERE email = ?1");
            dup.bind(1, email);
            if (dup.step()) throw Error("email: an account with \"" + email + "\" exists already");
            std::string id = new_uuid();
            Stmt ins(d.db, "INSERT INTO users(id, studio_id, email, name, role, password_hash, created_at)"
                           " VALUES (?1, (SELECT id FROM studio ORDER BY created_at LIMIT 1), ?2, ?3, ?4, ?5, ?6)");
            ins.bind(1, id).bind(2, email).bind(3, name).bind(4, role).bind(5, hash).bind(6, now_iso()).step();
            send_json(res, 201, json{{"id", id}, {"email", email}, {"role", role}});
        });
    }));
    svr.Get("/api/outbox", authed([&d](const httplib::Request&, httplib::Response& res, const auth::Principal&) {
        std::lock_guard<std::mutex> lock(d.mu);
        Stmt q(d.db, "SELECT id, lead_id, rule, channel, recipient, subject, status, attempts, created_at FROM notifications ORDER BY created_at DESC LIMIT 500");
        json out = json::array();
        while (q.step())
            out.push_back({{"id", q.text(0)}, {"lead_id", q.text(1)}, {"rule", q.text(2)}, {"channel", q.text(3)},
                           {"recipient", q.text(4)}, {"subject", q.text(5)}, {"status", q.text(6)},
                           {"attempts", q.int64(7)}, {"created_at", q.text(8)}});
        send_json(res, 200, out);
    }));
}

}  // namespace atelier
