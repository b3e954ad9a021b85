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
//   GET  /api/leads/<id>                 the lead_view: contacts, message, UTM, owner, brief, estimates,
//                                        documents with links, payments, events, next_action
//   GET  /api/lost-reasons               the reasons a lead can be lost (data)
//   POST /api/leads/<id>/move            {to, reason}: won and lost follow their own rules
//   POST /api/leads/<id>/won             {reason}: every invoice paid, or the owner with a reason
//   POST /api/leads/<id>/lost            {reason: a code of /api/lost-reasons, text}
//   PUT  /api/leads/<id>/owner           {user_id}
//   PUT  /api/leads/<id>/brief           {template, answers, submit}
//   POST /api/leads/<id>/send-brief      {template} → {token, url}
//   POST /api/leads/<id>/estimates       {start_date, discount, overrides} → {id, estimate}
//   POST /api/estimates/<id>/proposal    → {id, url}
//   POST /api/proposals/<id>/accept      {channel: phone|email|paper, name, note}: an acceptance the manager
//                                        records (the client's own is on its page) → the contract {id, url}
//   POST /api/proposals/<id>/contract    → {id, url}: the contract of an accepted proposal
//   POST /api/contracts/<id>/sign        {channel, name, note} → the invoices of the schedule {ids, urls}
//   POST /api/invoices/<id>/issue        {issued_on, due_days} → {number, url}: a planned invoice (a later
//                                        payment of the schedule) issued, due counted from today
//   POST /api/invoices/<id>/payments     {amount_minor (0 or absent: the rest), reference, received_on, method} → {status}
//   PUT  /api/invoices/<id>/payment-url  {url}: where the client pays online ("" clears it)
//   PUT  /api/leads/<id>/requisites      the client's legal details (requisites.h), checked
//   GET  /api/studio/requisites, PUT (the owner)   the studio's legal details per country
//   GET  /api/calendar/<country>[?year=2027]       the days that differ from Monday–Friday
//   PUT  /api/calendar/<country>/<YYYY-MM-DD>      {working: true|false, name}: a holiday, a worked Saturday
//   POST /api/payments/webhook           a payment provider's notice (no session: signed with the studio's
//                                        secret, header X-Atelier-Signature: sha256=<hex HMAC-SHA256 of the body>)
//                                        {provider, payment_id, invoice, amount_minor, currency, paid_on}
//                                        → {status, duplicate}; the same payment_id twice records one payment
//   GET  /api/payments/webhook           the owner: {url, secret, header} to give the provider
//   POST /api/bank/import[?mapping=NAME&name=FILE]  the statement file as the body (1CClientBankExchange,
//                                        or CSV read by a saved mapping) → {recorded, partial, to_confirm,
//                                        unmatched, duplicates, items}
//   GET  /api/bank/lines[?status=to_confirm|unmatched|recorded|ignored]
//   POST /api/bank/lines/<id>/confirm    {invoice_id}: the manager's match → the payment
//   POST /api/bank/lines/<id>/ignore     set aside (not a client's payment)
//   PUT  /api/bank/mappings/<name>       a bank's CSV columns (see payments_in.h)
//   POST /api/payments/webhook/secret    the owner: a new secret (the old one stops working)
//
// A transition answers with what it did ({"event_id", "kind", "stage": {from, to}, "made"}) merged with
// the fields above. Errors carry the core's kind: invalid 400, not_found 404, conflict 409, forbidden 403.
//   GET  /api/documents/<kind>/<id>?lang=ru|fr|en   the document's HTML
//   GET  /api/contracts/<id>/act[?stage=S&lang=L]    the act of completed work of a done stage (or, without
//                                        a stage, of the whole project once its last stage is done)
//   POST /api/contracts/<id>/acts        {stage} ("" or absent: the whole project) → {id, number, url}: the act
//                                        issued and frozen (again: the same act)
//   POST /api/acts/<id>/sign             {channel: phone|email|paper, name, note}: a signature the manager records
//   GET  /api/documents/act/<id>         an issued act's frozen HTML
//   PUT  /api/numbering/<series>         {prefix, year, width, from_year} → {sample}: the owner sets how proposals,
//                                        contracts or invoices are numbered from that year on
//   GET  /api/outbox[?lead=ID&status=S]  the messages the rules made and what became of them
//   GET  /api/outbox/settings            {sending: whether a mail server is configured, ...}
//   GET  /api/outbox/upcoming[?days=7]   what is scheduled, soonest first
//   POST /api/outbox/<id>/resend|cancel  a failed message again; a scheduled one not at all
//   POST /api/<kind>s/<id>/send          the document's link to the client by e-mail now
//   GET  /api/rules, PUT /api/rules/<code> {spec, enabled, position}: the notification rules (the owner edits)
//   GET  /api/rules/<code>/preview?lead=ID  the message as it would go to that lead now
//   GET  /api/tasks, POST /api/tasks {lead_id, title, due_at}, POST /api/tasks/<id>/done|snooze {until}
//   POST /api/leads/<id>/notes           {text}: a note in the lead's journal
//   PUT  /api/leads/<id>/contacts        {client_name, company, email, phone}: the client's contacts corrected
//   POST /api/leads/<id>/stages/<stage>/complete  a production stage done: the payments due at its end issued
//   GET  /api/waiting[?owner=<user id>]  the leads whose next step is the manager's, longest waiting first
//   POST /api/users                      {email, name, password, role}: the owner adds a manager (or owner)
//
// Every call but log-in needs a session cookie (and X-CSRF-Token on writes)
// or "Authorization: Bearer <API token>". Errors are {"error": "..."} with
// the core's message, which names the field; every write is one transaction.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>

#include "auth.h"
#include "error.h"
#include "analytics.h"
#include "projects.h"
#include "uploads.h"
#include "support.h"
#include "http_util.h"
#include "metrics.h"
#include "ids.h"
#include "json_in.h"
#include "leads.h"
#include "links.h"
#include "pipeline.h"
#include "store.h"
#include "workflow.h"
#include "conveyor.h"
#include "payments_in.h"
#include "calendar.h"
#include "automation.h"
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

// Runs a write in one transaction; a core error answers with its kind's status.
void guarded_write(Database& d, httplib::Response& res, const std::function<void()>& f) {
    std::lock_guard<std::mutex> lock(d.mu);
    try {
        Savepoint sp(d.db, "api");
        f();
        sp.commit();
    } catch (const DbError&) {
        throw;  // logged by the server, "internal error" to the caller
    } catch (const Error& e) {
        send_error(res, http_status(e.kind), e.what());
    }
}

Acceptance recorded_acceptance(const json& b) {
    Acceptance a;
    a.channel = str_field(b, "channel", true);
    a.name = str_field(b, "name", true);
    a.note = str_field(b, "note", false);
    return a;
}

json with(json base, const Outcome& o) {
    json j = o.json();
    for (auto it = base.begin(); it != base.end(); ++it) j[it.key()] = it.value();
    return j;
}

}  // namespace

// The person behind a request, as the conveyor records them.
Actor actor_of(sqlite3* db, const auth::Principal& p) {
    Stmt q(db, "SELECT name FROM users WHERE id = ?1");
    q.bind(1, p.user_id);
    std::string name = q.step() && !q.text(0).empty() ? q.text(0) : p.email;
    return Actor{p.user_id, name, "api", p.role == "owner"};
}

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
            if (email.size() > 254 || password.size() > 1024) return send_error(res, 401, "login: wrong e-mail or password");
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
            // Who logged in: the app records its acts under this person.
            Stmt u(d.db, "SELECT name, role FROM users WHERE id = ?1");
            u.bind(1, account.user_id);
            json user = {{"id", account.user_id}, {"email", email}, {"name", email}, {"role", "manager"}};
            if (u.step()) user["name"] = u.text(0).empty() ? email : u.text(0), user["role"] = u.text(1);
            send_json(res, 200, json{{"csrf_token", s.csrf}, {"email", email}, {"user", user}});
        } catch (const Error& e) {
            send_error(res, http_status(e.kind), e.what());
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
        o.owner = p.role == "owner";
        std::lock_guard<std::mutex> lock(d.mu);
        try {
            sync::ApplyResult r = sync::apply(d.db, req.body, o);
            metrics::sync_merged(r.applied, (int64_t)r.refusals.size());
            res.status = 200;
            res.set_content(r.json(), "application/json; charset=utf-8");
        } catch (const Error& e) {
            metrics::log_failure("sync", e.what(), {{"device", p.device}});
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
            send_json(res, 200, lead_view(d.db, req.matches[1].str(), now_iso().substr(0, 10)));
        } catch (const Error& e) {
            send_error(res, http_status(e.kind), e.what());
        }
    }));
    svr.Get("/api/lost-reasons", authed([&d](const httplib::Request&, httplib::Response& res, const auth::Principal&) {
        std::lock_guard<std::mutex> lock(d.mu);
        send_json(res, 200, lost_reasons(d.db));
    }));
    svr.Post(R"(/api/leads/([A-Za-z0-9-]{1,64})/won)", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        json b = body_json(req);
        std::string reason = str_field(b, "reason", false);
        guarded_write(d, res, [&] { send_json(res, 200, conveyor::win(d.db, req.matches[1].str(), reason, actor_of(d.db, p), now_iso()).json()); });
    }));
    svr.Post(R"(/api/leads/([A-Za-z0-9-]{1,64})/lost)", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        json b = body_json(req);
        std::string reason = str_field(b, "reason", true), text = str_field(b, "text", false);
        guarded_write(d, res, [&] {
            send_json(res, 200, conveyor::lose(d.db, req.matches[1].str(), reason, text, actor_of(d.db, p), now_iso()).json());
        });
    }));
    svr.Put(R"(/api/leads/([A-Za-z0-9-]{1,64})/contacts)", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        json b = body_json(req);
        guarded_write(d, res, [&] { send_json(res, 200, conveyor::edit_contacts(d.db, req.matches[1].str(), b, actor_of(d.db, p), now_iso()).json()); });
    }));
    svr.Put(R"(/api/leads/([A-Za-z0-9-]{1,64})/owner)", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        json b = body_json(req);
        std::string user = str_field(b, "user_id", true);
        guarded_write(d, res, [&] {
            Stmt u(d.db, "SELECT name, email FROM users WHERE id = ?1");
            u.bind(1, user);
            if (!u.step()) throw not_found("owner: user_id", "user", user);
            std::string name = u.text(0).empty() ? u.text(1) : u.text(0);
            send_json(res, 200, conveyor::set_owner(d.db, req.matches[1].str(), user, name, actor_of(d.db, p), now_iso()).json());
        });
    }));
    svr.Post(R"(/api/leads/([A-Za-z0-9-]{1,64})/move)", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        json b = body_json(req);
        std::string to = str_field(b, "to", true), reason = str_field(b, "reason", false);
        guarded_write(d, res, [&] {
            Outcome o = conveyor::move(d.db, req.matches[1].str(), to, reason, actor_of(d.db, p), now_iso());
            send_json(res, 200, with(json{{"from", o.stage_from}, {"to", o.stage_to}}, o));
        });
    }));
    svr.Put(R"(/api/leads/([A-Za-z0-9-]{1,64})/brief)", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        json b = body_json(req);
        std::string tpl = str_field(b, "template", false, "corporate");
        if (!b.contains("answers") || !b["answers"].is_object()) return send_error(res, 400, "answers: expected a JSON object");
        bool submit = b.value("submit", false);
        guarded_write(d, res, [&] {
            Outcome o = conveyor::save_brief(d.db, req.matches[1].str(), tpl, b["answers"], submit, actor_of(d.db, p), now_iso());
            send_json(res, 200, with(json{{"id", o.made["brief_id"]}}, o));
        });
    }));
    svr.Post(R"(/api/leads/([A-Za-z0-9-]{1,64})/send-brief)", authed([&d, &opt](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        json b = body_json(req);
        std::string tpl = str_field(b, "template", false, "corporate");
        guarded_write(d, res, [&] {
            Outcome o = conveyor::send_brief(d.db, req.matches[1].str(), tpl, opt.base_url, actor_of(d.db, p), now_iso());
            std::string token = o.made["token"];
            send_json(res, 200, with(json{{"token", token}, {"url", opt.base_url + "/c/" + token}}, o));
        });
    }));
    svr.Post(R"(/api/leads/([A-Za-z0-9-]{1,64})/estimates)", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        json b = body_json(req);
        guarded_write(d, res, [&] {
            Outcome o = conveyor::estimate(d.db, req.matches[1].str(), b, actor_of(d.db, p), now_iso());
            std::string id = o.made["estimate_id"];
            Stmt q(d.db, "SELECT body_json FROM estimates WHERE id = ?1");
            q.bind(1, id).step();
            send_json(res, 201, with(json{{"id", id}, {"estimate", json::parse(q.text(0))}}, o));
        });
    }));
    svr.Post(R"(/api/estimates/([A-Za-z0-9-]{1,64})/proposal)", authed([&d, &opt](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        guarded_write(d, res, [&] {
            Outcome o = conveyor::propose(d.db, req.matches[1].str(), actor_of(d.db, p), now_iso());
            std::string id = o.made["proposal_id"];
            std::string token = link_for(d.db, "proposal", id, now_iso());
            send_json(res, 201, with(json{{"id", id}, {"url", opt.base_url + "/c/" + token}}, o));
        });
    }));
    svr.Post(R"(/api/proposals/([A-Za-z0-9-]{1,64})/accept)", authed([&d, &opt](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        json b = body_json(req);
        Acceptance how = recorded_acceptance(b);
        guarded_write(d, res, [&] {
            Outcome o = conveyor::accept(d.db, req.matches[1].str(), how, actor_of(d.db, p), now_iso());
            std::string id = o.made["contract_id"];
            std::string token = link_for(d.db, "contract", id, now_iso());
            send_json(res, 200, with(json{{"id", id}, {"url", opt.base_url + "/c/" + token}}, o));
        });
    }));
    svr.Post(R"(/api/contracts/([A-Za-z0-9-]{1,64})/sign)", authed([&d, &opt](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        json b = body_json(req);
        Acceptance how = recorded_acceptance(b);
        guarded_write(d, res, [&] {
            Outcome o = conveyor::sign(d.db, req.matches[1].str(), how, actor_of(d.db, p), now_iso());
            json urls = json::array();
            for (const auto& id : o.made["invoice_ids"]) urls.push_back(opt.base_url + "/c/" + link_for(d.db, "invoice", id.get<std::string>(), now_iso()));
            send_json(res, 200, with(json{{"ids", o.made["invoice_ids"]}, {"urls", urls}}, o));
        });
    }));
    svr.Post(R"(/api/contracts/([A-Za-z0-9-]{1,64})/acts)", authed([&d, &opt](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        json b = body_json(req);
        std::string stage = b.is_object() && b.contains("stage") && b["stage"].is_string() ? b["stage"].get<std::string>() : "";
        if (b.is_object() && b.contains("stage") && !b["stage"].is_string()) return send_error(res, 400, "act: stage: expected a stage id");
        guarded_write(d, res, [&] {
            Outcome o = conveyor::issue_act(d.db, req.matches[1].str(), stage, actor_of(d.db, p), now_iso());
            std::string id = o.made["act_id"];
            std::string token = link_for(d.db, "act", id, now_iso());
            send_json(res, o.event_id.empty() ? 200 : 201, with(json{{"id", id}, {"number", o.made["number"]}, {"url", opt.base_url + "/c/" + token}}, o));
        });
    }));
    svr.Post(R"(/api/acts/([A-Za-z0-9-]{1,64})/sign)", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        json b = body_json(req);
        Acceptance how = recorded_acceptance(b);
        guarded_write(d, res, [&] {
            Outcome o = conveyor::sign_act(d.db, req.matches[1].str(), how, actor_of(d.db, p), now_iso());
            send_json(res, 200, o.json());
        });
    }));
    svr.Post(R"(/api/proposals/([A-Za-z0-9-]{1,64})/contract)", authed([&d, &opt](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        guarded_write(d, res, [&] {
            std::string id = create_contract(d.db, req.matches[1].str(), p.user_id, now_iso());
            std::string token = link_for(d.db, "contract", id, now_iso());
            send_json(res, 201, json{{"id", id}, {"url", opt.base_url + "/c/" + token}});
        });
    }));
    svr.Post(R"(/api/invoices/([A-Za-z0-9-]{1,64})/issue)", authed([&d, &opt](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        json b = body_json(req);
        std::string issued = str_field(b, "issued_on", false, now_iso().substr(0, 10));
        int64_t due = int_field(b, "due_days", false, kInvoiceDueDays);
        guarded_write(d, res, [&] {
            Outcome o = conveyor::issue(d.db, req.matches[1].str(), actor_of(d.db, p), now_iso(), issued, (int)due);
            send_json(res, 200, with(json{{"number", o.made["number"]}, {"url", opt.base_url + "/c/" + link_for(d.db, "invoice", req.matches[1].str(), now_iso())}}, o));
        });
    }));
    svr.Post(R"(/api/invoices/([A-Za-z0-9-]{1,64})/payments)", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        json b = body_json(req);
        int64_t amount = int_field(b, "amount_minor", false, 0);
        std::string reference = str_field(b, "reference", false);
        std::string received = str_field(b, "received_on", false, now_iso().substr(0, 10));
        std::string method = str_field(b, "method", false, "bank_transfer");
        guarded_write(d, res, [&] {
            Outcome o = conveyor::pay(d.db, req.matches[1].str(), amount, reference, received, method, actor_of(d.db, p), now_iso());
            send_json(res, 200, with(json{{"status", o.made["status"]}}, o));
        });
    }));
    svr.Put(R"(/api/leads/([A-Za-z0-9-]{1,64})/requisites)", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        json b = body_json(req);
        guarded_write(d, res, [&] { send_json(res, 200, conveyor::set_requisites(d.db, req.matches[1].str(), b, actor_of(d.db, p), now_iso()).json()); });
    }));
    svr.Get("/api/studio/requisites", authed([&d](const httplib::Request&, httplib::Response& res, const auth::Principal&) {
        std::lock_guard<std::mutex> lock(d.mu);
        send_json(res, 200, studio_requisites(d.db));
    }));
    svr.Put("/api/studio/requisites", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        if (p.role != "owner") return send_error(res, 403, "only the owner changes the studio's legal details");
        json b = body_json(req);
        guarded_write(d, res, [&] {
            set_studio_requisites(d.db, b);
            send_json(res, 200, studio_requisites(d.db));
        });
    }));
    svr.Get(R"(/api/calendar/([a-z]{2}))", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal&) {
        const std::string year = req.has_param("year") ? req.get_param_value("year") : "";
        if (!year.empty() && (year.size() != 4 || year.find_first_not_of("0123456789") != std::string::npos))
            return send_error(res, 400, "year: expected four digits");
        std::lock_guard<std::mutex> lock(d.mu);
        Stmt q(d.db, "SELECT day, working, name FROM calendar_days WHERE country = ?1 AND (?2 = '' OR substr(day, 1, 4) = ?2) ORDER BY day");
        q.bind(1, req.matches[1].str()).bind(2, year);
        json out = json::array();
        while (q.step()) out.push_back({{"day", q.text(0)}, {"working", q.int64(1) != 0}, {"name", q.text(2)}});
        send_json(res, 200, out);
    }));
    svr.Put(R"(/api/calendar/([a-z]{2})/(\d{4}-\d{2}-\d{2}))", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal&) {
        json b = body_json(req);
        auto w = b.find("working");
        if (w == b.end() || !w->is_boolean()) return send_error(res, 400, "working: expected true (a working day) or false (a day off)");
        std::string name = str_field(b, "name", false);
        guarded_write(d, res, [&] {
            set_calendar_day(d.db, req.matches[1].str(), req.matches[2].str(), w->get<bool>(), name);
            send_json(res, 200, json{{"day", req.matches[2].str()}, {"working", w->get<bool>()}, {"name", name}});
        });
    }));
    svr.Put(R"(/api/invoices/([A-Za-z0-9-]{1,64})/payment-url)", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal&) {
        json b = body_json(req);
        std::string url = str_field(b, "url", true);
        guarded_write(d, res, [&] {
            payments_in::set_payment_url(d.db, req.matches[1].str(), url, now_iso());
            send_json(res, 200, json{{"payment_url", url}});
        });
    }));
    // The provider's notice: no session, the signature is the credential.
    svr.Post("/api/payments/webhook", [&d](const httplib::Request& req, httplib::Response& res) {
        std::string secret;
        {
            std::lock_guard<std::mutex> lock(d.mu);
            secret = payments_in::webhook_secret(d.db);
        }
        if (!auth::signature_ok(secret, req.body, req.get_header_value("X-Atelier-Signature")))
            return send_error(res, 401, "X-Atelier-Signature: missing or wrong: expected sha256=<hex HMAC-SHA256 of the body with the studio's webhook secret>");
        try {
            payments_in::Notice n = payments_in::parse_notice(body_json(req));
            guarded_write(d, res, [&] {
                Outcome o = payments_in::apply_notice(d.db, n, now_iso());
                send_json(res, 200, with(json{{"status", o.made["status"]}, {"duplicate", o.made.value("duplicate", false)}}, o));
            });
        } catch (const DbError&) {
            throw;
        } catch (const Error& e) {
            send_error(res, http_status(e.kind), e.what());
        }
    });
    svr.Post("/api/bank/import", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        const std::string mapping = req.get_param_value("mapping");
        const std::string name = req.has_param("name") ? clip_utf8(req.get_param_value("name"), 120) : "upload";
        guarded_write(d, res, [&] {
            std::vector<payments_in::BankLine> lines =
                mapping.empty() ? payments_in::parse_1c(req.body) : payments_in::parse_csv(req.body, payments_in::csv_mapping(d.db, mapping));
            send_json(res, 200, payments_in::import_statement(d.db, lines, name, actor_of(d.db, p), now_iso()));
        });
    }));
    svr.Get("/api/bank/lines", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal&) {
        std::string status = req.has_param("status") ? req.get_param_value("status") : "to_confirm";
        if (status != "to_confirm" && status != "unmatched" && status != "recorded" && status != "ignored")
            return send_error(res, 400, "status: expected to_confirm, unmatched, recorded or ignored");
        std::lock_guard<std::mutex> lock(d.mu);
        send_json(res, 200, payments_in::bank_lines(d.db, status));
    }));
    svr.Post(R"(/api/bank/lines/([A-Za-z0-9-]{1,64})/(confirm|ignore))", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        json b = body_json(req);
        const bool confirm = req.matches[2].str() == "confirm";
        std::string invoice = confirm ? str_field(b, "invoice_id", true) : "";
        guarded_write(d, res, [&] {
            if (confirm) {
                Outcome o = payments_in::confirm_line(d.db, req.matches[1].str(), invoice, actor_of(d.db, p), now_iso());
                send_json(res, 200, with(json{{"status", o.made["status"]}}, o));
            } else {
                payments_in::ignore_line(d.db, req.matches[1].str(), now_iso());
                send_json(res, 200, json{{"status", "ignored"}});
            }
        });
    }));
    svr.Put(R"(/api/bank/mappings/([A-Za-z0-9_.-]{1,64}))", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal&) {
        json b = body_json(req);
        guarded_write(d, res, [&] {
            payments_in::save_csv_mapping(d.db, req.matches[1].str(), b);
            send_json(res, 200, json{{"name", req.matches[1].str()}});
        });
    }));
    svr.Get("/api/payments/webhook", authed([&d, &opt](const httplib::Request&, httplib::Response& res, const auth::Principal& p) {
        if (p.role != "owner") return send_error(res, 403, "only the owner sees the payment webhook's secret");
        std::lock_guard<std::mutex> lock(d.mu);
        send_json(res, 200, json{{"url", opt.base_url + "/api/payments/webhook"}, {"secret", payments_in::webhook_secret(d.db)},
                                 {"header", "X-Atelier-Signature"}, {"signature", "sha256=<hex HMAC-SHA256 of the request body>"}});
    }));
    svr.Post("/api/payments/webhook/secret", authed([&d](const httplib::Request&, httplib::Response& res, const auth::Principal& p) {
        if (p.role != "owner") return send_error(res, 403, "only the owner changes the payment webhook's secret");
        std::lock_guard<std::mutex> lock(d.mu);
        send_json(res, 200, json{{"secret", payments_in::webhook_secret(d.db, true)}});
    }));
    svr.Get(R"(/api/documents/(proposal|contract|invoice|act)/([A-Za-z0-9-]{1,64}))", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal&) {
        std::lock_guard<std::mutex> lock(d.mu);
        try {
            Lang lang = parse_lang(req.has_param("lang") ? req.get_param_value("lang") : "ru", "lang");
            res.set_content(document_html(d.db, req.matches[1].str(), req.matches[2].str(), lang), "text/html; charset=utf-8");
        } catch (const Error& e) {
            send_error(res, http_status(e.kind), e.what());
        }
    }));
    svr.Get(R"(/api/contracts/([A-Za-z0-9-]{1,64})/act)", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal&) {
        std::lock_guard<std::mutex> lock(d.mu);
        try {
            Lang lang = parse_lang(req.has_param("lang") ? req.get_param_value("lang") : "ru", "lang");
            std::string stage = req.get_param_value("stage");
            if (stage.find('/') != std::string::npos) throw Error("stage: not a stage id");
            std::string id = req.matches[1].str() + (stage.empty() ? "" : "/" + stage);
            res.set_content(document_html(d.db, "act", id, lang), "text/html; charset=utf-8");
        } catch (const Error& e) {
            send_error(res, http_status(e.kind), e.what());
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
    svr.Get("/api/outbox", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal&) {
        std::lock_guard<std::mutex> lock(d.mu);
        send_json(res, 200, automation::outbox(d.db, req.get_param_value("lead"), req.get_param_value("status"), 500));
    }));
    svr.Get("/api/outbox/settings", authed([&opt](const httplib::Request&, httplib::Response& res, const auth::Principal&) {
        send_json(res, 200, json{{"sending", !opt.smtp_url.empty()}, {"smtp_url", opt.smtp_url}, {"mail_from", opt.mail_from}});
    }));
    svr.Get("/api/outbox/upcoming", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal&) {
        int64_t days = req.has_param("days") ? std::atoll(req.get_param_value("days").c_str()) : 7;
        std::lock_guard<std::mutex> lock(d.mu);
        send_json(res, 200, automation::upcoming(d.db, now_iso(), (int)std::clamp<int64_t>(days, 1, 366)));
    }));
    svr.Post(R"(/api/outbox/([A-Za-z0-9-]{1,64})/(resend|cancel))", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        guarded_write(d, res, [&] {
            if (req.matches[2].str() == "resend") automation::resend(d.db, req.matches[1].str(), now_iso());
            else automation::cancel(d.db, req.matches[1].str(), now_iso(), actor_of(d.db, p).name);
            Stmt q(d.db, "SELECT status FROM outbox WHERE id = ?1");
            q.bind(1, req.matches[1].str()).step();
            send_json(res, 200, json{{"id", req.matches[1].str()}, {"status", q.text(0)}});
        });
    }));
    svr.Post(R"(/api/(proposal|contract|invoice|act)s/([A-Za-z0-9-]{1,64})/send)", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        guarded_write(d, res, [&] {
            Outcome o = automation::send_document(d.db, req.matches[1].str(), req.matches[2].str(), actor_of(d.db, p), now_iso());
            send_json(res, 200, o.json());
        });
    }));
    svr.Get("/api/rules", authed([&d](const httplib::Request&, httplib::Response& res, const auth::Principal&) {
        std::lock_guard<std::mutex> lock(d.mu);
        send_json(res, 200, automation::rules(d.db));
    }));
    svr.Put(R"(/api/rules/([a-z0-9_-]{1,64}))", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        if (p.role != "owner") return send_error(res, 403, "rule: only the owner changes the notification rules");
        json b = body_json(req);
        if (!b.is_object()) return send_error(res, 400, "rule: expected an object");
        b["code"] = req.matches[1].str();
        guarded_write(d, res, [&] { send_json(res, 200, automation::set_rule(d.db, b, now_iso())); });
    }));
    svr.Get(R"(/api/rules/([a-z0-9_-]{1,64})/preview)", authed([&d, &opt](const httplib::Request& req, httplib::Response& res, const auth::Principal&) {
        std::lock_guard<std::mutex> lock(d.mu);
        try {
            send_json(res, 200, automation::preview(d.db, req.matches[1].str(), req.get_param_value("lead"), now_iso(), opt.base_url));
        } catch (const Error& e) {
            send_error(res, http_status(e.kind), e.what());
        }
    }));
    svr.Post(R"(/api/leads/([A-Za-z0-9-]{1,64})/notes)", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        json b = body_json(req);
        std::string text = str_field(b, "text", true);
        guarded_write(d, res, [&] { send_json(res, 201, conveyor::note(d.db, req.matches[1].str(), text, actor_of(d.db, p), now_iso()).json()); });
    }));
    svr.Post(R"(/api/leads/([A-Za-z0-9-]{1,64})/stages/([a-z0-9_]{1,64})/complete)", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        guarded_write(d, res, [&] {
            send_json(res, 200, conveyor::complete_stage(d.db, req.matches[1].str(), req.matches[2].str(), actor_of(d.db, p), now_iso()).json());
        });
    }));
    // Projects (projects.h): the project a signed contract opened, its stages
    // and the materials asked of the client; the client's page by link.
    //   GET  /api/projects                          every project, newest first, with its current stage
    //   GET  /api/projects/<id or lead id>          the project: stages, requests, page token
    //   POST /api/projects/<id>/link                the client's page: {"url"}
    //   POST /api/projects/<id>/requests            {"title", "stage", "due_on"} → 201 {"id"}
    //   POST /api/project_stages/<id>/move          {"start": "2027-01-11"}: the later stages follow
    //   POST /api/project_stages/<id>/status        {"status": "waiting_client"}
    //   POST /api/project_stages/<id>               {"owner_id", "owner_name", "checklist", "client_provides"}
    svr.Get("/api/projects", authed([&d](const httplib::Request&, httplib::Response& res, const auth::Principal&) {
        std::lock_guard<std::mutex> lock(d.mu);
        json out = json::array();
        Stmt q(d.db, "SELECT p.id, p.lead_id, cl.name, p.status, p.started_on, s.stage, s.name, s.status, s.planned_end,"
                     " (SELECT max(planned_end) FROM project_stages x WHERE x.project_id = p.id)"
                     " FROM projects p JOIN leads l ON l.id = p.lead_id JOIN clients cl ON cl.id = l.client_id"
                     " LEFT JOIN project_stages s ON s.id = (SELECT id FROM project_stages y WHERE y.project_id = p.id AND y.status != 'done' ORDER BY position LIMIT 1)"
                     " ORDER BY p.created_at DESC");
        while (q.step())
            out.push_back({{"id", q.text(0)}, {"lead_id", q.text(1)}, {"client", q.text(2)}, {"status", q.text(3)}, {"started_on", q.text(4)},
                           {"stage", q.is_null(5) ? json(nullptr) : json(q.text(5))}, {"stage_name", q.is_null(6) ? json(nullptr) : json(q.text(6))},
                           {"stage_status", q.is_null(7) ? json(nullptr) : json(q.text(7))}, {"stage_end", q.is_null(8) ? json(nullptr) : json(q.text(8))},
                           {"planned_end", q.is_null(9) ? json(nullptr) : json(q.text(9))}});
        send_json(res, 200, out);
    }));
    svr.Get(R"(/api/projects/([A-Za-z0-9-]{1,64}))", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal&) {
        std::lock_guard<std::mutex> lock(d.mu);
        try {
            send_json(res, 200, projects::view(d.db, req.matches[1].str()));
        } catch (const Error& e) {
            send_error(res, http_status(e.kind), e.what());
        }
    }));
    //   GET  /api/files/<id>                        a file the client sent (as on the client's page)
    svr.Get(R"(/api/files/([0-9a-f-]{36}))", authed([&d, &opt](const httplib::Request& req, httplib::Response& res, const auth::Principal&) {
        std::optional<projects::FileMeta> f;
        {
            std::lock_guard<std::mutex> lock(d.mu);
            f = projects::file(d.db, req.matches[1].str());
        }
        if (!f) return send_error(res, 404, "file: no file with id \"" + req.matches[1].str() + "\"");
        send_stored_file(res, uploads::folder_of(opt.db_path), *f);
    }));
    svr.Post(R"(/api/projects/([A-Za-z0-9-]{1,64})/link)", authed([&d, &opt](const httplib::Request& req, httplib::Response& res, const auth::Principal&) {
        guarded_write(d, res, [&] {
            const std::string id = projects::view(d.db, req.matches[1].str())["id"];
            send_json(res, 200, json{{"url", opt.base_url + "/c/" + link_for(d.db, "project", id, now_iso())}});
        });
    }));
    svr.Post(R"(/api/projects/([A-Za-z0-9-]{1,64})/requests)", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        json b = body_json(req);
        const std::string title = str_field(b, "title", true), stage = str_field(b, "stage", false), due = str_field(b, "due_on", false);
        guarded_write(d, res, [&] {
            send_json(res, 201, json{{"id", projects::request_material(d.db, req.matches[1].str(), stage, title, due, actor_of(d.db, p), now_iso())}});
        });
    }));
    // Support after launch (support.h):
    //   GET  /api/projects/<id>/support             {"retainer", "months", "hours"}
    //   POST /api/projects/<id>/retainer            {"fee_minor", "hours_included", "hour_rate_minor", "day", "starts_on"}
    //   POST /api/projects/<id>/retainer/stop       {"on": "2027-06-20"}: the month running then is the last billed
    //   POST /api/projects/<id>/hours               {"worked_on", "minutes", "note"} → 201 {"id"}
    svr.Get(R"(/api/projects/([A-Za-z0-9-]{1,64})/support)", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal&) {
        std::lock_guard<std::mutex> lock(d.mu);
        try {
            send_json(res, 200, support::view(d.db, req.matches[1].str()));
        } catch (const Error& e) {
            send_error(res, http_status(e.kind), e.what());
        }
    }));
    svr.Post(R"(/api/projects/([A-Za-z0-9-]{1,64})/retainer(/stop)?)", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        json b = body_json(req);
        guarded_write(d, res, [&] {
            if (req.matches[2].length() > 0)
                send_json(res, 200, support::stop_retainer(d.db, req.matches[1].str(), str_field(b, "on", true), actor_of(d.db, p), now_iso()));
            else
                send_json(res, 200, support::set_retainer(d.db, req.matches[1].str(), b, actor_of(d.db, p), now_iso()));
        });
    }));
    svr.Post(R"(/api/projects/([A-Za-z0-9-]{1,64})/hours)", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        json b = body_json(req);
        if (!b.contains("minutes") || !b["minutes"].is_number_integer()) return send_error(res, 400, "hours: minutes: expected a whole number from 1 to 1440");
        const std::string day = str_field(b, "worked_on", true), note = str_field(b, "note", false);
        guarded_write(d, res, [&] {
            send_json(res, 201, json{{"id", support::log_hours(d.db, req.matches[1].str(), day, b["minutes"].get<int64_t>(), note, actor_of(d.db, p), now_iso())}});
        });
    }));
    svr.Post(R"(/api/project_stages/([A-Za-z0-9-]{1,64})(/move|/status)?)", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        json b = body_json(req);
        const std::string stage = req.matches[1].str(), what = req.matches[2].str();
        guarded_write(d, res, [&] {
            if (what == "/move") projects::move_stage(d.db, stage, str_field(b, "start", true), actor_of(d.db, p), now_iso());
            else if (what == "/status") projects::set_stage_status(d.db, stage, str_field(b, "status", true), actor_of(d.db, p), now_iso());
            else projects::edit_stage(d.db, stage, b, actor_of(d.db, p), now_iso());
            Stmt q(d.db, "SELECT project_id FROM project_stages WHERE id = ?1");
            q.bind(1, stage).step();
            send_json(res, 200, projects::view(d.db, q.text(0)));
        });
    }));
    // Reports (analytics.h): the same tables as SELECT * FROM atelier_<name>(...).
    //   GET /api/reports/funnel?from=2026-01-01&to=2026-12-31&group_by=source
    //   GET /api/reports/funnel/leads?from=…&to=…&grp=website&key=proposal_sent   the leads behind a figure
    // One route for both: the report's table, or with "/leads" the leads behind one of its figures.
    svr.Get(R"(/api/reports/([a-z_]{1,32})(/leads)?)", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal&) {
        const std::string name = req.matches[1];
        const analytics::Report* r = analytics::find_report(name);
        if (!r) return send_error(res, 404, "report: no report \"" + name + "\" (funnel, lost_reasons, win_rate, forecast, revenue, receivables, proposals, time)");
        std::vector<std::string> args;
        for (const char* a : r->arguments) args.push_back(req.has_param(a) ? req.get_param_value(a) : "");
        std::lock_guard<std::mutex> lock(d.mu);
        try {
            if (req.matches[2].length() > 0) {
                send_json(res, 200, json{{"leads", analytics::drill(d.db, name, args, req.get_param_value("grp"), req.get_param_value("key"))}});
            } else {
                const analytics::Table t = analytics::run(d.db, name, args);
                send_json(res, 200, json{{"report", name}, {"columns", t.columns}, {"rows", t.json()}});
            }
        } catch (const Error& e) {
            send_error(res, 400, e.what());
        }
    }));
    svr.Get("/api/waiting", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal&) {
        std::lock_guard<std::mutex> lock(d.mu);
        send_json(res, 200, waiting_on_manager(d.db, now_iso().substr(0, 10), req.has_param("owner") ? req.get_param_value("owner") : ""));
    }));
    svr.Get("/api/tasks", authed([&d](const httplib::Request&, httplib::Response& res, const auth::Principal&) {
        std::lock_guard<std::mutex> lock(d.mu);
        send_json(res, 200, automation::tasks(d.db, now_iso()));
    }));
    svr.Post("/api/tasks", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        json b = body_json(req);
        std::string lead = str_field(b, "lead_id", false), title = str_field(b, "title", true), due = str_field(b, "due_at", true);
        guarded_write(d, res, [&] {
            std::string id = automation::add_task(d.db, lead, title, due, actor_of(d.db, p), now_iso());
            send_json(res, 201, json{{"id", id}});
        });
    }));
    svr.Post(R"(/api/tasks/([A-Za-z0-9-]{1,64})/(done|snooze))", authed([&d](const httplib::Request& req, httplib::Response& res, const auth::Principal& p) {
        json b = body_json(req);
        std::string until = req.matches[2].str() == "snooze" ? str_field(b, "until", true) : "";
        guarded_write(d, res, [&] {
            if (req.matches[2].str() == "done") automation::task_done(d.db, req.matches[1].str(), actor_of(d.db, p), now_iso());
            else automation::task_snooze(d.db, req.matches[1].str(), until, now_iso());
            send_json(res, 200, json{{"id", req.matches[1].str()}});
        });
    }));
}

}  // namespace atelier
