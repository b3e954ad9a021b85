// sqlite_ext/functions.cpp — Atelier's SQL functions, thin wrappers over the core.
//
//   SELECT atelier_version();                                  -- '0.1.0'
//   SELECT atelier_migrate();                                  -- schema version, creates/upgrades tables
//   SELECT atelier_money(123456789, 'RUB', 'ru');              -- '1 234 567,89 ₽'
//   SELECT atelier_money_parse('1 234,50 €', 'EUR', 'fr');     -- 123450
//   SELECT atelier_stage_allowed('new', 'brief_sent');         -- 1
//   SELECT atelier_lead_create('{"client_name":"Анна"}', 'anna', '2026-11-26T10:00:00Z'); -- lead id
//   SELECT atelier_lead_move(id, 'brief_sent', 'anna');        -- event id
//   SELECT atelier_lead_move(id, 'lost', 'anna', 'too expensive', '2026-11-26T10:00:00Z');
//   SELECT atelier_seed_demo();                                -- 1 if it seeded demo data
//   SELECT atelier_sync_export(0);                             -- every change as a bundle (JSON)
//   SELECT atelier_sync_apply(readfile('changes.json'));       -- merges a replica's bundle
//   SELECT atelier_sync_digest();                              -- equal replicas, equal digests
//
// How it works: each function checks its arguments (count, type, NULL) and
// calls one core function; any exception becomes sqlite3_result_error() with
// the core's message, so a bad call never crashes the host. Functions that
// write are SQLITE_DIRECTONLY (not usable from triggers or views); pure ones
// are SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS. Writes take their time and
// actor as arguments (time defaults to now when left out).
#include "functions.h"

#include <algorithm>
#include <memory>
#include <new>
#include <vector>
#include <string>

#include "error.h"
#include "json_in.h"
#include "ids.h"
#include "leads.h"
#include "money.h"
#include "pipeline.h"
#include "projects.h"
#include "support.h"
#include "store.h"
#include "demo.h"
#include "brief.h"
#include "documents.h"
#include "numbering.h"
#include "pricing.h"
#include "words.h"
#include "links.h"
#include "workflow.h"
#include "automation.h"
#include "conveyor.h"
#include "payments_in.h"
#include "sync.h"
#include "version.h"

namespace {

using atelier::Error;
using nlohmann::json;

// A small per-connection cache of compiled price lists, keyed by their text:
// atelier_estimate over many rows compiles each distinct price list once,
// even when SQLite drops the auxdata of a non-constant argument.
struct PriceListCache {
    struct Entry {
        std::string text;
        std::shared_ptr<const atelier::PriceList> pl;
    };
    std::vector<Entry> entries;  // most recently used first, at most 4

    std::shared_ptr<const atelier::PriceList> get(std::string_view text) {
        for (size_t i = 0; i < entries.size(); ++i)
            if (entries[i].text == text) {
                if (i) std::rotate(entries.begin(), entries.begin() + (long)i, entries.begin() + (long)i + 1);
                return entries[0].pl;
            }
        auto pl = atelier::compile_price_list_text(text);
        entries.insert(entries.begin(), Entry{std::string(text), pl});
        if (entries.size() > 4) entries.pop_back();
        return pl;
    }
};

// What each registered function gets as its user data.
struct FnData {
    const char* name;
    PriceListCache cache;
};

const char* fn_name(sqlite3_context* ctx) { return static_cast<FnData*>(sqlite3_user_data(ctx))->name; }

const char* type_name(int t) {
    switch (t) {
        case SQLITE_INTEGER: return "integer";
        case SQLITE_FLOAT: return "real";
        case SQLITE_TEXT: return "text";
        case SQLITE_BLOB: return "blob";
        default: return "null";
    }
}

struct Args {
    const char* fn;
    int argc;
    sqlite3_value** argv;

    std::string text(int i, const char* name) const {
        int t = sqlite3_value_type(argv[i]);
        if (t != SQLITE_TEXT)
            throw Error(std::string(name) + ": expected text, got " + type_name(t));
        const unsigned char* p = sqlite3_value_text(argv[i]);
        if (!p) throw std::bad_alloc();
        return std::string((const char*)p, (size_t)sqlite3_value_bytes(argv[i]));
    }
    std::string text_or(int i, const char* name, std::string dflt) const {
        if (i >= argc || sqlite3_value_type(argv[i]) == SQLITE_NULL) return dflt;
        return text(i, name);
    }
    int64_t integer(int i, const char* name) const {
        int t = sqlite3_value_type(argv[i]);
        if (t != SQLITE_INTEGER)
            throw Error(std::string(name) + ": expected an integer, got " + type_name(t));
        return sqlite3_value_int64(argv[i]);
    }
};

using Body = void (*)(sqlite3_context*, const Args&);

template <Body F>
void guarded(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
    try {
        F(ctx, Args{fn_name(ctx), argc, argv});
    } catch (const std::bad_alloc&) {
        sqlite3_result_error_nomem(ctx);
    } catch (const atelier::Error& e) {
        // "atelier: <function>: <field>: <problem>"
        std::string msg = e.what();
        const std::string fn = fn_name(ctx);
        if (msg.compare(0, 9, "atelier: ") == 0) msg.erase(0, 9);
        const std::string op = fn.substr(8) + ": ";  // the core's own name, "lead_move: "
        if (msg.compare(0, op.size(), op) == 0) msg.erase(0, op.size());
        if (msg.compare(0, fn.size() + 1, fn + ":") != 0) msg = fn + ": " + msg;
        msg = "atelier: " + msg;
        sqlite3_result_error(ctx, msg.c_str(), (int)msg.size());
    } catch (const std::exception& e) {
        sqlite3_result_error(ctx, e.what(), -1);
    } catch (...) {
        sqlite3_result_error(ctx, "atelier: unexpected error", -1);
    }
}

void result_text(sqlite3_context* ctx, const std::string& s) {
    sqlite3_result_text(ctx, s.data(), (int)s.size(), SQLITE_TRANSIENT);
}

// The actor of a writing function: a name (text), or {"id", "name", "owner"}.
atelier::Actor actor_arg(const Args& a, int i, const char* dflt = nullptr) {
    std::string v = dflt && (i >= a.argc || sqlite3_value_type(a.argv[i]) == SQLITE_NULL) ? std::string(dflt) : a.text(i, "actor");
    if (!v.empty() && v[0] == '{') {
        json j = atelier::parse_json(v, "actor", 4096, 2);
        if (!j.is_object() || !j.contains("id") || !j["id"].is_string()) throw Error("actor: expected {\"id\": ..., \"name\": ...}");
        std::string id = j["id"];
        return atelier::Actor{id, j.value("name", id), "sql", j.value("owner", false)};
    }
    if (v.empty()) throw Error("actor: expected a non-empty name");
    return atelier::Actor{v, v, "sql", false};
}

std::string at_arg(const Args& a, int i) { return a.text_or(i, "at", atelier::now_iso()); }

// The project a stage belongs to ("" when there is no such stage).
std::string project_of_stage(sqlite3* db, const std::string& stage_id) {
    atelier::Stmt q(db, "SELECT project_id FROM project_stages WHERE id = ?1");
    q.bind(1, stage_id);
    return q.step() ? q.text(0) : std::string();
}

void fn_version(sqlite3_context* ctx, const Args&) { result_text(ctx, ATELIER_VERSION); }

void fn_migrate(sqlite3_context* ctx, const Args&) {
    sqlite3* db = sqlite3_context_db_handle(ctx);
    int v = atelier::migrate(db);
    atelier::sync::attach(db);  // from now on every write is in the change log
    sqlite3_result_int(ctx, v);
}

sqlite3* synced(sqlite3_context* ctx) {
    sqlite3* db = sqlite3_context_db_handle(ctx);
    if (!atelier::sync::attached(db)) atelier::sync::attach(db);
    return db;
}

void fn_sync_apply(sqlite3_context* ctx, const Args& a) {
    // A blob is read as its bytes: readfile('changes.json') gives one.
    std::string bundle = sqlite3_value_type(a.argv[0]) == SQLITE_BLOB
        ? std::string((const char*)sqlite3_value_blob(a.argv[0]), (size_t)sqlite3_value_bytes(a.argv[0]))
        : a.text(0, "bundle");
    result_text(ctx, atelier::sync::apply(synced(ctx), bundle).json());
}

void fn_sync_export(sqlite3_context* ctx, const Args& a) {
    atelier::sync::ExportOptions o;
    o.since = a.integer(0, "since");
    if (o.since < 0) throw Error("since: expected a change sequence number (0 for all), got " + std::to_string(o.since));
    if (a.argc > 1) {
        o.limit = a.integer(1, "limit");
        if (o.limit < 1) throw Error("limit: expected 1 or more, got " + std::to_string(o.limit));
    }
    result_text(ctx, atelier::sync::export_changes(synced(ctx), o));
}

void fn_sync_digest(sqlite3_context* ctx, const Args& a) {
    result_text(ctx, atelier::sync::digest(synced(ctx), a.argc > 0 ? a.text(0, "table") : std::string()));
}

void fn_sync_device(sqlite3_context* ctx, const Args&) {
    result_text(ctx, atelier::sync::device_id(synced(ctx)));
}

void fn_money(sqlite3_context* ctx, const Args& a) {
    atelier::Money m{a.integer(0, "amount_minor"), atelier::parse_currency(a.text(1, "currency"))};
    if (m.minor > atelier::kMaxAmountMinor || m.minor < -atelier::kMaxAmountMinor)
        throw Error("amount_minor: out of range: at most " + std::to_string(atelier::kMaxAmountMinor) + " minor units either way");
    result_text(ctx, atelier::format(m, atelier::parse_lang(a.text(2, "lang"))));
}

void fn_money_parse(sqlite3_context* ctx, const Args& a) {
    auto cur = atelier::parse_currency(a.text(1, "currency"));
    auto lang = atelier::parse_lang(a.text(2, "lang"));
    sqlite3_result_int64(ctx, atelier::parse_money(a.text(0, "text"), cur, lang).minor);
}

void fn_stage_allowed(sqlite3_context* ctx, const Args& a) {
    sqlite3_result_int(ctx, atelier::stage_allowed(a.text(0, "from"), a.text(1, "to")) ? 1 : 0);
}

void fn_lead_move(sqlite3_context* ctx, const Args& a) {
    auto o = atelier::conveyor::move(sqlite3_context_db_handle(ctx), a.text(0, "lead_id"), a.text(1, "to_stage"),
                                     a.text_or(3, "reason", ""), actor_arg(a, 2), at_arg(a, 4));
    result_text(ctx, o.event_id);
}

void fn_lead_create(sqlite3_context* ctx, const Args& a) {
    std::string body = a.text(0, "lead_json");
    auto j = atelier::parse_json(body, "lead_json");
    auto lead = atelier::new_lead_from_json(j);
    auto o = atelier::conveyor::create(sqlite3_context_db_handle(ctx), lead, actor_arg(a, 1, "sql"), at_arg(a, 2), a.text_or(3, "id", ""));
    result_text(ctx, o.lead_id);
}

// atelier_seed_demo(): the demo studio and its dozen leads.
// atelier_seed_demo(now [, base_url [, leads]]): also the defaults and a
// year of history ending at `now` (demo.h). 1 if it seeded, 0 if the
// database already had a studio.
void fn_seed_demo(sqlite3_context* ctx, const Args& a) {
    sqlite3* db = sqlite3_context_db_handle(ctx);
    if (a.argc == 0) {
        sqlite3_result_int(ctx, atelier::seed_demo(db) ? 1 : 0);
        return;
    }
    const std::string now = a.text(0, "now");
    const std::string base = a.text_or(1, "base_url", "");
    const int64_t leads = a.argc > 2 ? a.integer(2, "leads") : 290;
    if (leads < 0 || leads > 5000) throw atelier::Error("leads: expected 0 to 5000, got " + std::to_string(leads));
    atelier::Savepoint sp(db, "atelier_seed_demo");
    if (!atelier::seed_demo(db)) {
        sqlite3_result_int(ctx, 0);
        return;
    }
    atelier::install_defaults(db, now);
    atelier::seed_demo_history(db, now, base, (int)leads);
    sp.commit();
    sqlite3_result_int(ctx, 1);
}

void fn_uuid(sqlite3_context* ctx, const Args&) { result_text(ctx, atelier::new_uuid()); }

json parse_json_arg(const Args& a, int i, const char* name) {
    std::string text = a.text(i, name);
    json j = atelier::parse_json(text, name);
    return j;
}

void result_json(sqlite3_context* ctx, const std::string& s) {
    sqlite3_result_text(ctx, s.data(), (int)s.size(), SQLITE_TRANSIENT);
    sqlite3_result_subtype(ctx, 'J');  // SQLite's JSON functions take it as JSON, not text
}

void destroy_price_list(void* p) { delete static_cast<std::shared_ptr<const atelier::PriceList>*>(p); }

void fn_estimate(sqlite3_context* ctx, const Args& a) {
    // The compiled price list: auxdata when the argument is constant, else the cache.
    auto* held = static_cast<std::shared_ptr<const atelier::PriceList>*>(sqlite3_get_auxdata(ctx, 1));
    std::shared_ptr<const atelier::PriceList> pl;
    if (held) {
        pl = *held;
    } else {
        if (sqlite3_value_type(a.argv[1]) != SQLITE_TEXT)
            throw Error(std::string("pricelist_json: expected text, got ") + type_name(sqlite3_value_type(a.argv[1])));
        std::string_view text((const char*)sqlite3_value_text(a.argv[1]), (size_t)sqlite3_value_bytes(a.argv[1]));
        pl = static_cast<FnData*>(sqlite3_user_data(ctx))->cache.get(text);
        sqlite3_set_auxdata(ctx, 1, new std::shared_ptr<const atelier::PriceList>(pl), destroy_price_list);
    }
    if (sqlite3_value_type(a.argv[0]) != SQLITE_TEXT)
        throw Error(std::string("brief_json: expected text, got ") + type_name(sqlite3_value_type(a.argv[0])));
    const char* b = (const char*)sqlite3_value_text(a.argv[0]);
    json answers = atelier::parse_json(std::string_view(b, (size_t)sqlite3_value_bytes(a.argv[0])), "brief_json");
    atelier::EstimateOptions opt;
    if (a.argc > 2 && sqlite3_value_type(a.argv[2]) != SQLITE_NULL)
        opt = atelier::estimate_options_from_json(parse_json_arg(a, 2, "options_json"));
    std::string_view out = atelier::estimate_json_view(*pl, answers, opt);
    sqlite3_result_text64(ctx, out.data(), out.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    sqlite3_result_subtype(ctx, 'J');
}

void fn_amount_words(sqlite3_context* ctx, const Args& a) {
    atelier::Money m{a.integer(0, "amount_minor"), atelier::parse_currency(a.text(1, "currency"))};
    if (m.minor > atelier::kMaxAmountMinor || m.minor < -atelier::kMaxAmountMinor)
        throw Error("amount_minor: out of range: at most " + std::to_string(atelier::kMaxAmountMinor) + " minor units either way");
    result_text(ctx, atelier::amount_in_words(m, atelier::parse_lang(a.text(2, "lang"))));
}

void fn_render(sqlite3_context* ctx, const Args& a) {
    result_text(ctx, atelier::render_template(a.text(0, "template"), parse_json_arg(a, 1, "data_json")));
}

void fn_document(sqlite3_context* ctx, const Args& a) {
    result_text(ctx, atelier::document_html(sqlite3_context_db_handle(ctx), a.text(0, "kind"), a.text(1, "id"),
                                            atelier::parse_lang(a.text(2, "lang"))));
}

void fn_number_format(sqlite3_context* ctx, const Args& a) {
    result_text(ctx, atelier::set_number_format(sqlite3_context_db_handle(ctx), a.text(0, "series"), a.text(1, "prefix"),
                                                a.integer(2, "with_year") != 0, (int)a.integer(3, "width"),
                                                (int)(a.argc > 4 ? a.integer(4, "from_year") : std::stoi(atelier::now_iso().substr(0, 4)))));
}

void fn_next_number(sqlite3_context* ctx, const Args& a) {
    result_text(ctx, atelier::next_number(sqlite3_context_db_handle(ctx), a.text(0, "series"), (int)a.integer(1, "year")));
}

void fn_brief_validate(sqlite3_context* ctx, const Args& a) {
    json tpl = parse_json_arg(a, 0, "template_json");
    atelier::check_brief_template(tpl);
    json out = json::array();
    for (const auto& p : atelier::validate_answers(tpl, parse_json_arg(a, 1, "answers_json")))
        out.push_back({{"question", p.question}, {"message", p.message}});
    result_json(ctx, out.dump());
}

void fn_install_defaults(sqlite3_context* ctx, const Args& a) {
    atelier::install_defaults(sqlite3_context_db_handle(ctx), a.text_or(0, "at", atelier::now_iso()));
    sqlite3_result_int(ctx, 1);
}

void fn_brief_save(sqlite3_context* ctx, const Args& a) {
    auto o = atelier::conveyor::save_brief(sqlite3_context_db_handle(ctx), a.text(0, "lead_id"), a.text(1, "template_code"),
                                           parse_json_arg(a, 2, "answers_json"), a.integer(3, "submit") != 0, actor_arg(a, 4), at_arg(a, 5));
    result_text(ctx, o.made["brief_id"].get<std::string>());
}

void fn_estimate_lead(sqlite3_context* ctx, const Args& a) {
    json opt = sqlite3_value_type(a.argv[1]) == SQLITE_NULL ? json::object() : parse_json_arg(a, 1, "options_json");
    auto o = atelier::conveyor::estimate(sqlite3_context_db_handle(ctx), a.text(0, "lead_id"), opt, actor_arg(a, 2), at_arg(a, 3));
    result_text(ctx, o.made["estimate_id"].get<std::string>());
}

void fn_proposal_create(sqlite3_context* ctx, const Args& a) {
    auto o = atelier::conveyor::propose(sqlite3_context_db_handle(ctx), a.text(0, "estimate_id"), actor_arg(a, 1), at_arg(a, 2));
    result_text(ctx, o.made["proposal_id"].get<std::string>());
}

// An acceptance: (id, name [, ip [, at]]) is the client's own, online; (id,
// '{"channel": "phone"|"email"|"paper", "name", "note"}', actor [, at]) one
// a manager records. Either way the transition's outcome as JSON.
enum class Accepting { proposal, contract, act };

atelier::Outcome accept_or_sign(sqlite3_context* ctx, const Args& a, Accepting what) {
    sqlite3* db = sqlite3_context_db_handle(ctx);
    std::string id = a.text(0, what == Accepting::contract ? "contract_id" : what == Accepting::act ? "act_id" : "proposal_id"),
                second = a.text(1, "name");
    atelier::Acceptance how;
    atelier::Actor by;
    std::string at;
    if (!second.empty() && second[0] == '{') {
        json j = atelier::parse_json(second, "acceptance", 16384, 2);
        if (!j.is_object()) throw Error("acceptance: expected {\"channel\", \"name\", \"note\"}");
        how.channel = j.value("channel", "");
        how.name = j.value("name", "");
        how.note = j.value("note", "");
        if (a.argc < 3) throw Error("actor: a recorded acceptance names the manager who records it");
        by = actor_arg(a, 2);
        at = at_arg(a, 3);
    } else {
        how = atelier::Acceptance{"online", second, a.text_or(2, "ip", ""), ""};
        by = atelier::client_actor(second);
        by.channel = "online";
        at = at_arg(a, 3);
    }
    if (what == Accepting::act) return atelier::conveyor::sign_act(db, id, how, by, at);
    return what == Accepting::contract ? atelier::conveyor::sign(db, id, how, by, at) : atelier::conveyor::accept(db, id, how, by, at);
}

void fn_proposal_accept(sqlite3_context* ctx, const Args& a) { result_json(ctx, accept_or_sign(ctx, a, Accepting::proposal).json().dump()); }

void fn_act_sign(sqlite3_context* ctx, const Args& a) { result_json(ctx, accept_or_sign(ctx, a, Accepting::act).json().dump()); }

// (contract_id, stage ('' for the whole project), actor [, at]) → the outcome; made.act_id.
void fn_act_issue(sqlite3_context* ctx, const Args& a) {
    auto o = atelier::conveyor::issue_act(sqlite3_context_db_handle(ctx), a.text(0, "contract_id"), a.text_or(1, "stage", ""), actor_arg(a, 2),
                                          at_arg(a, 3));
    result_json(ctx, o.json().dump());
}

void fn_contract_create(sqlite3_context* ctx, const Args& a) {
    result_text(ctx, atelier::create_contract(sqlite3_context_db_handle(ctx), a.text(0, "proposal_id"), a.text(1, "actor"),
                                              a.text_or(2, "at", atelier::now_iso())));
}

void fn_invoices_create(sqlite3_context* ctx, const Args& a) {
    auto ids = atelier::create_invoices(sqlite3_context_db_handle(ctx), a.text(0, "contract_id"), a.text(1, "issued_on"),
                                        (int)a.integer(2, "due_days"), a.text(3, "actor"), a.text_or(4, "at", atelier::now_iso()));
    result_json(ctx, json(ids).dump());
}

void fn_invoice_issue(sqlite3_context* ctx, const Args& a) {
    auto o = atelier::conveyor::issue(sqlite3_context_db_handle(ctx), a.text(0, "invoice_id"), actor_arg(a, 3), at_arg(a, 4),
                                      a.text(1, "issued_on"), (int)a.integer(2, "due_days"));
    result_text(ctx, o.made["number"].get<std::string>());
}

void fn_payment_record(sqlite3_context* ctx, const Args& a) {
    auto o = atelier::conveyor::pay(sqlite3_context_db_handle(ctx), a.text(0, "invoice_id"), a.integer(1, "amount_minor"),
                                    a.text(2, "reference"), a.text(3, "received_on"), a.text_or(4, "method", ""),
                                    atelier::Actor{"sql", "sql", "sql", false}, at_arg(a, 5));
    result_text(ctx, o.made["status"].get<std::string>());
}

void fn_link(sqlite3_context* ctx, const Args& a) {
    result_text(ctx, atelier::link_for(sqlite3_context_db_handle(ctx), a.text(0, "kind"), a.text(1, "doc_id"),
                                       a.text_or(2, "at", atelier::now_iso())));
}

void fn_link_create(sqlite3_context* ctx, const Args& a) {
    result_text(ctx, atelier::create_link(sqlite3_context_db_handle(ctx), a.text(0, "kind"), a.text(1, "doc_id"),
                                          a.text_or(2, "at", atelier::now_iso()), a.text_or(3, "expires_at", "")));
}

void fn_link_revoke(sqlite3_context* ctx, const Args& a) {
    atelier::revoke_link(sqlite3_context_db_handle(ctx), a.text(0, "token"), a.text_or(1, "at", atelier::now_iso()));
    sqlite3_result_int(ctx, 1);
}

void fn_send_brief(sqlite3_context* ctx, const Args& a) {
    auto o = atelier::conveyor::send_brief(sqlite3_context_db_handle(ctx), a.text(0, "lead_id"), a.text(1, "template_code"),
                                           a.text(2, "base_url"), actor_arg(a, 3), at_arg(a, 4));
    result_text(ctx, o.made["token"].get<std::string>());
}

void fn_contract_accept(sqlite3_context* ctx, const Args& a) { result_json(ctx, accept_or_sign(ctx, a, Accepting::contract).json().dump()); }

void fn_lead_won(sqlite3_context* ctx, const Args& a) {
    auto o = atelier::conveyor::win(sqlite3_context_db_handle(ctx), a.text(0, "lead_id"), a.text_or(2, "reason", ""), actor_arg(a, 1),
                                    at_arg(a, 3));
    result_json(ctx, o.json().dump());
}

void fn_lead_lost(sqlite3_context* ctx, const Args& a) {
    auto o = atelier::conveyor::lose(sqlite3_context_db_handle(ctx), a.text(0, "lead_id"), a.text(1, "reason"), a.text_or(2, "text", ""),
                                     actor_arg(a, 3), at_arg(a, 4));
    result_json(ctx, o.json().dump());
}

void fn_lead_owner(sqlite3_context* ctx, const Args& a) {
    auto o = atelier::conveyor::set_owner(sqlite3_context_db_handle(ctx), a.text(0, "lead_id"), a.text(1, "owner_id"),
                                          a.text(2, "owner_name"), actor_arg(a, 3), at_arg(a, 4));
    result_json(ctx, o.json().dump());
}

void fn_lead_view(sqlite3_context* ctx, const Args& a) {
    result_json(ctx, atelier::lead_view(sqlite3_context_db_handle(ctx), a.text(0, "lead_id"), a.text_or(1, "today", atelier::now_iso().substr(0, 10))).dump());
}

void fn_next_action(sqlite3_context* ctx, const Args& a) {
    result_json(ctx, atelier::next_action(sqlite3_context_db_handle(ctx), a.text(0, "lead_id"), a.text_or(1, "today", atelier::now_iso().substr(0, 10))).dump());
}

// -- automation: rules, the outbox, tasks, views ---------------------------

void fn_rules_tick(sqlite3_context* ctx, const Args& a) {
    auto r = atelier::automation::tick(sqlite3_context_db_handle(ctx), a.text(0, "now"), a.text_or(1, "base_url", ""),
                                       (a.argc <= 2 || a.integer(2, "timers") != 0));
    result_json(ctx, r.json().dump());
}

void fn_rule_set(sqlite3_context* ctx, const Args& a) {
    result_json(ctx, atelier::automation::set_rule(sqlite3_context_db_handle(ctx), parse_json_arg(a, 0, "rule_json"), at_arg(a, 1)).dump());
}

void fn_rules(sqlite3_context* ctx, const Args&) { result_json(ctx, atelier::automation::rules(sqlite3_context_db_handle(ctx)).dump()); }

void fn_rule_preview(sqlite3_context* ctx, const Args& a) {
    result_json(ctx, atelier::automation::preview(sqlite3_context_db_handle(ctx), a.text(0, "rule"), a.text(1, "lead_id"),
                                                  at_arg(a, 2), a.text_or(3, "base_url", "")).dump());
}

void fn_outbox(sqlite3_context* ctx, const Args& a) {
    result_json(ctx, atelier::automation::outbox(sqlite3_context_db_handle(ctx), a.text_or(0, "lead_id", ""), a.text_or(1, "status", ""))
                         .dump());
}

void fn_document_send(sqlite3_context* ctx, const Args& a) {
    auto o = atelier::automation::send_document(sqlite3_context_db_handle(ctx), a.text(0, "kind"), a.text(1, "doc_id"),
                                                actor_arg(a, 2), at_arg(a, 3));
    result_json(ctx, o.json().dump());
}

void fn_task_add(sqlite3_context* ctx, const Args& a) {
    result_text(ctx, atelier::automation::add_task(sqlite3_context_db_handle(ctx), a.text_or(0, "lead_id", ""), a.text(1, "title"),
                                                   a.text(2, "due_at"), actor_arg(a, 3), at_arg(a, 4)));
}

void fn_task_done(sqlite3_context* ctx, const Args& a) {
    atelier::automation::task_done(sqlite3_context_db_handle(ctx), a.text(0, "task_id"), actor_arg(a, 1), at_arg(a, 2));
    sqlite3_result_int(ctx, 1);
}

void fn_tasks(sqlite3_context* ctx, const Args& a) {
    result_json(ctx, atelier::automation::tasks(sqlite3_context_db_handle(ctx), at_arg(a, 0)).dump());
}

void fn_lead_note(sqlite3_context* ctx, const Args& a) {
    auto o = atelier::conveyor::note(sqlite3_context_db_handle(ctx), a.text(0, "lead_id"), a.text(1, "text"), actor_arg(a, 2), at_arg(a, 3));
    result_json(ctx, o.json().dump());
}

void fn_stage_complete(sqlite3_context* ctx, const Args& a) {
    auto o = atelier::conveyor::complete_stage(sqlite3_context_db_handle(ctx), a.text(0, "lead_id"), a.text(1, "stage"), actor_arg(a, 2),
                                               at_arg(a, 3));
    result_json(ctx, o.json().dump());
}

// Projects (projects.h): the project as JSON, and its transitions.
void fn_project(sqlite3_context* ctx, const Args& a) {
    result_json(ctx, atelier::projects::view(sqlite3_context_db_handle(ctx), a.text(0, "id")).dump());
}

void fn_project_stage_move(sqlite3_context* ctx, const Args& a) {
    sqlite3* db = sqlite3_context_db_handle(ctx);
    atelier::projects::move_stage(db, a.text(0, "stage_id"), a.text(1, "start"), actor_arg(a, 2), at_arg(a, 3));
    result_json(ctx, atelier::projects::view(db, project_of_stage(db, a.text(0, "stage_id"))).dump());
}

void fn_project_stage_status(sqlite3_context* ctx, const Args& a) {
    sqlite3* db = sqlite3_context_db_handle(ctx);
    atelier::projects::set_stage_status(db, a.text(0, "stage_id"), a.text(1, "status"), actor_arg(a, 2), at_arg(a, 3));
    result_json(ctx, atelier::projects::view(db, project_of_stage(db, a.text(0, "stage_id"))).dump());
}

void fn_project_stage_edit(sqlite3_context* ctx, const Args& a) {
    sqlite3* db = sqlite3_context_db_handle(ctx);
    atelier::projects::edit_stage(db, a.text(0, "stage_id"), parse_json_arg(a, 1, "changes_json"), actor_arg(a, 2), at_arg(a, 3));
    result_json(ctx, atelier::projects::view(db, project_of_stage(db, a.text(0, "stage_id"))).dump());
}

void fn_material_request(sqlite3_context* ctx, const Args& a) {
    result_text(ctx, atelier::projects::request_material(sqlite3_context_db_handle(ctx), a.text(0, "project_id"), a.text_or(1, "stage", ""),
                                                         a.text(2, "title"), a.text_or(3, "due_on", ""), actor_arg(a, 4), at_arg(a, 5)));
}

void fn_material_answer(sqlite3_context* ctx, const Args& a) {
    atelier::projects::answer_material(sqlite3_context_db_handle(ctx), a.text(0, "request_id"), a.text(1, "answer"),
                                       actor_arg(a, 2, "client"), at_arg(a, 3));
    sqlite3_result_int(ctx, 1);
}

// Support after launch (support.h): the retainer, the hours log, billing.
void fn_retainer(sqlite3_context* ctx, const Args& a) {
    result_json(ctx, atelier::support::view(sqlite3_context_db_handle(ctx), a.text(0, "project_id")).dump());
}

void fn_retainer_set(sqlite3_context* ctx, const Args& a) {
    result_json(ctx, atelier::support::set_retainer(sqlite3_context_db_handle(ctx), a.text(0, "project_id"), parse_json_arg(a, 1, "terms_json"),
                                                    actor_arg(a, 2), at_arg(a, 3)).dump());
}

void fn_retainer_stop(sqlite3_context* ctx, const Args& a) {
    result_json(ctx, atelier::support::stop_retainer(sqlite3_context_db_handle(ctx), a.text(0, "project_id"), a.text(1, "on"), actor_arg(a, 2),
                                                     at_arg(a, 3)).dump());
}

void fn_hours_log(sqlite3_context* ctx, const Args& a) {
    result_text(ctx, atelier::support::log_hours(sqlite3_context_db_handle(ctx), a.text(0, "project_id"), a.text(1, "worked_on"),
                                                 a.integer(2, "minutes"), a.text_or(3, "note", ""), actor_arg(a, 4), at_arg(a, 5)));
}

void fn_support_bill(sqlite3_context* ctx, const Args& a) {
    result_json(ctx, atelier::support::bill(sqlite3_context_db_handle(ctx), a.text(0, "today"), at_arg(a, 1)).dump());
}

void fn_lead_contacts(sqlite3_context* ctx, const Args& a) {
    auto o = atelier::conveyor::edit_contacts(sqlite3_context_db_handle(ctx), a.text(0, "lead_id"), parse_json_arg(a, 1, "changes_json"), actor_arg(a, 2),
                                              at_arg(a, 3));
    result_json(ctx, o.json().dump());
}

void fn_waiting(sqlite3_context* ctx, const Args& a) {
    result_json(ctx, atelier::waiting_on_manager(sqlite3_context_db_handle(ctx), a.text_or(1, "today", atelier::now_iso().substr(0, 10)),
                                                 a.text_or(0, "owner_id", "")).dump());
}

void fn_link_view(sqlite3_context* ctx, const Args& a) {
    atelier::automation::record_view(sqlite3_context_db_handle(ctx), a.text(0, "token"), at_arg(a, 1));
    sqlite3_result_int(ctx, 1);
}

void fn_client_requisites(sqlite3_context* ctx, const Args& a) {
    auto o = atelier::conveyor::set_requisites(sqlite3_context_db_handle(ctx), a.text(0, "lead_id"), parse_json_arg(a, 1, "requisites_json"),
                                               actor_arg(a, 2), at_arg(a, 3));
    result_json(ctx, o.json().dump());
}

void fn_studio_requisites(sqlite3_context* ctx, const Args& a) {
    atelier::set_studio_requisites(sqlite3_context_db_handle(ctx), parse_json_arg(a, 0, "requisites_json"));
    sqlite3_result_int(ctx, 1);
}

void fn_calendar_set(sqlite3_context* ctx, const Args& a) {
    int64_t working = a.integer(2, "working");
    if (working != 0 && working != 1) throw Error("working: expected 1 (a working day) or 0 (a day off)");
    atelier::set_calendar_day(sqlite3_context_db_handle(ctx), a.text(0, "country"), a.text(1, "day"), working == 1,
                              a.text_or(3, "name", ""));
    sqlite3_result_int(ctx, 1);
}

void fn_working_days(sqlite3_context* ctx, const Args& a) {
    int64_t n = a.integer(1, "days");
    if (n < 0 || n > 3650) throw Error("days: expected 0 to 3650");
    const atelier::WorkCalendar cal = atelier::load_calendar(sqlite3_context_db_handle(ctx), a.text_or(2, "country", ""));
    result_text(ctx, atelier::add_working_days(a.text(0, "date"), (int)n, cal));
}

void fn_invoice_payment_url(sqlite3_context* ctx, const Args& a) {
    atelier::payments_in::set_payment_url(sqlite3_context_db_handle(ctx), a.text(0, "invoice_id"), a.text_or(1, "url", ""), at_arg(a, 2));
    sqlite3_result_int(ctx, 1);
}

// A payment provider's notice, trusted as it is: SQL is the studio's own
// hand; the server's webhook checks the signature before it gets here.
void fn_payment_notice(sqlite3_context* ctx, const Args& a) {
    auto o = atelier::payments_in::apply_notice(sqlite3_context_db_handle(ctx),
                                                atelier::payments_in::parse_notice(parse_json_arg(a, 0, "notice_json")), at_arg(a, 1));
    result_json(ctx, o.json().dump());
}

struct FunctionDef {
    const char* name;
    int min_args, max_args;
    int flags;
    void (*fn)(sqlite3_context*, int, sqlite3_value**);
};

constexpr int PURE = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
constexpr int WRITES = SQLITE_UTF8 | SQLITE_DIRECTONLY;
constexpr int VOLATILE = SQLITE_UTF8;

const FunctionDef kFunctions[] = {
    {"atelier_version", 0, 0, PURE, guarded<fn_version>},
    {"atelier_migrate", 0, 0, WRITES, guarded<fn_migrate>},
    {"atelier_money", 3, 3, PURE, guarded<fn_money>},
    {"atelier_money_parse", 3, 3, PURE, guarded<fn_money_parse>},
    {"atelier_stage_allowed", 2, 2, PURE, guarded<fn_stage_allowed>},
    {"atelier_lead_move", 3, 5, WRITES, guarded<fn_lead_move>},
    {"atelier_lead_create", 1, 4, WRITES, guarded<fn_lead_create>},
    {"atelier_seed_demo", 0, 3, WRITES, guarded<fn_seed_demo>},
    {"atelier_uuid", 0, 0, VOLATILE, guarded<fn_uuid>},
    {"atelier_estimate", 2, 3, PURE, guarded<fn_estimate>},
    {"atelier_amount_words", 3, 3, PURE, guarded<fn_amount_words>},
    {"atelier_render", 2, 2, PURE, guarded<fn_render>},
    {"atelier_document", 3, 3, SQLITE_UTF8, guarded<fn_document>},
    {"atelier_next_number", 2, 2, WRITES, guarded<fn_next_number>},
    {"atelier_number_format", 4, 5, WRITES, guarded<fn_number_format>},
    {"atelier_brief_validate", 2, 2, PURE, guarded<fn_brief_validate>},
    {"atelier_install_defaults", 0, 1, WRITES, guarded<fn_install_defaults>},
    {"atelier_brief_save", 5, 6, WRITES, guarded<fn_brief_save>},
    {"atelier_estimate_lead", 3, 4, WRITES, guarded<fn_estimate_lead>},
    {"atelier_proposal_create", 2, 3, WRITES, guarded<fn_proposal_create>},
    {"atelier_proposal_accept", 2, 4, WRITES, guarded<fn_proposal_accept>},
    {"atelier_contract_create", 2, 3, WRITES, guarded<fn_contract_create>},
    {"atelier_invoices_create", 4, 5, WRITES, guarded<fn_invoices_create>},
    {"atelier_invoice_issue", 4, 5, WRITES, guarded<fn_invoice_issue>},
    {"atelier_payment_record", 4, 6, WRITES, guarded<fn_payment_record>},
    {"atelier_link", 2, 3, WRITES, guarded<fn_link>},
    {"atelier_link_create", 2, 4, WRITES, guarded<fn_link_create>},
    {"atelier_link_revoke", 1, 2, WRITES, guarded<fn_link_revoke>},
    {"atelier_send_brief", 4, 5, WRITES, guarded<fn_send_brief>},
    {"atelier_contract_accept", 2, 4, WRITES, guarded<fn_contract_accept>},
    {"atelier_lead_won", 2, 4, WRITES, guarded<fn_lead_won>},
    {"atelier_lead_lost", 4, 5, WRITES, guarded<fn_lead_lost>},
    {"atelier_lead_owner", 4, 5, WRITES, guarded<fn_lead_owner>},
    {"atelier_lead_view", 1, 2, SQLITE_UTF8, guarded<fn_lead_view>},
    {"atelier_next_action", 1, 2, SQLITE_UTF8, guarded<fn_next_action>},
    {"atelier_rules_tick", 1, 3, WRITES, guarded<fn_rules_tick>},
    {"atelier_rule_set", 1, 2, WRITES, guarded<fn_rule_set>},
    {"atelier_rules", 0, 0, SQLITE_UTF8, guarded<fn_rules>},
    {"atelier_rule_preview", 2, 4, WRITES, guarded<fn_rule_preview>},
    {"atelier_outbox", 0, 2, SQLITE_UTF8, guarded<fn_outbox>},
    {"atelier_document_send", 3, 4, WRITES, guarded<fn_document_send>},
    {"atelier_task_add", 4, 5, WRITES, guarded<fn_task_add>},
    {"atelier_task_done", 2, 3, WRITES, guarded<fn_task_done>},
    {"atelier_tasks", 0, 1, SQLITE_UTF8, guarded<fn_tasks>},
    {"atelier_link_view", 1, 2, WRITES, guarded<fn_link_view>},
    {"atelier_lead_note", 3, 4, WRITES, guarded<fn_lead_note>},
    {"atelier_stage_complete", 3, 4, WRITES, guarded<fn_stage_complete>},
    {"atelier_project", 1, 1, SQLITE_UTF8, guarded<fn_project>},
    {"atelier_project_stage_move", 3, 4, WRITES, guarded<fn_project_stage_move>},
    {"atelier_project_stage_status", 3, 4, WRITES, guarded<fn_project_stage_status>},
    {"atelier_project_stage_edit", 3, 4, WRITES, guarded<fn_project_stage_edit>},
    {"atelier_material_request", 5, 6, WRITES, guarded<fn_material_request>},
    {"atelier_material_answer", 2, 4, WRITES, guarded<fn_material_answer>},
    {"atelier_retainer", 1, 1, SQLITE_UTF8, guarded<fn_retainer>},
    {"atelier_retainer_set", 3, 4, WRITES, guarded<fn_retainer_set>},
    {"atelier_retainer_stop", 3, 4, WRITES, guarded<fn_retainer_stop>},
    {"atelier_hours_log", 5, 6, WRITES, guarded<fn_hours_log>},
    {"atelier_support_bill", 1, 2, WRITES, guarded<fn_support_bill>},
    {"atelier_lead_contacts", 3, 4, WRITES, guarded<fn_lead_contacts>},
    {"atelier_waiting", 0, 2, SQLITE_UTF8, guarded<fn_waiting>},
    {"atelier_calendar_set", 3, 4, WRITES, guarded<fn_calendar_set>},
    {"atelier_client_requisites", 2, 4, WRITES, guarded<fn_client_requisites>},
    {"atelier_studio_requisites", 1, 1, WRITES, guarded<fn_studio_requisites>},
    {"atelier_working_days", 2, 3, SQLITE_UTF8, guarded<fn_working_days>},
    {"atelier_invoice_payment_url", 2, 3, WRITES, guarded<fn_invoice_payment_url>},
    {"atelier_payment_notice", 1, 2, WRITES, guarded<fn_payment_notice>},
    {"atelier_act_issue", 3, 4, WRITES, guarded<fn_act_issue>},
    {"atelier_act_sign", 2, 4, WRITES, guarded<fn_act_sign>},
    {"atelier_sync_apply", 1, 1, WRITES, guarded<fn_sync_apply>},
    {"atelier_sync_export", 1, 2, WRITES, guarded<fn_sync_export>},
    {"atelier_sync_digest", 0, 1, WRITES, guarded<fn_sync_digest>},
    {"atelier_sync_device", 0, 0, WRITES, guarded<fn_sync_device>},
};

}  // namespace

const char* const atelier_function_names[] = {
    "atelier_version", "atelier_migrate", "atelier_money", "atelier_money_parse", "atelier_stage_allowed",
    "atelier_lead_move", "atelier_lead_create", "atelier_seed_demo", "atelier_uuid", "atelier_estimate",
    "atelier_amount_words", "atelier_render", "atelier_document", "atelier_next_number", "atelier_number_format", "atelier_brief_validate",
    "atelier_install_defaults", "atelier_brief_save", "atelier_estimate_lead", "atelier_proposal_create",
    "atelier_proposal_accept", "atelier_contract_create", "atelier_invoices_create", "atelier_invoice_issue", "atelier_payment_record", "atelier_link", "atelier_link_create",
    "atelier_link_revoke", "atelier_send_brief", "atelier_contract_accept", "atelier_sync_apply", "atelier_sync_export",
    "atelier_sync_digest", "atelier_sync_device", "atelier_lead_won", "atelier_lead_lost", "atelier_lead_owner",
    "atelier_lead_view", "atelier_next_action", "atelier_rules_tick", "atelier_rule_set", "atelier_rules",
    "atelier_rule_preview", "atelier_outbox", "atelier_document_send", "atelier_task_add", "atelier_task_done", "atelier_tasks",
    "atelier_link_view", "atelier_lead_note", "atelier_stage_complete", "atelier_waiting", "atelier_lead_contacts",
    "atelier_calendar_set", "atelier_working_days", "atelier_invoice_payment_url", "atelier_payment_notice",
    "atelier_client_requisites", "atelier_studio_requisites", "atelier_act_issue", "atelier_act_sign", "atelier_project",
    "atelier_project_stage_move", "atelier_project_stage_status", "atelier_project_stage_edit", "atelier_material_request",
    "atelier_material_answer", "atelier_retainer", "atelier_retainer_set", "atelier_retainer_stop", "atelier_hours_log",
    "atelier_support_bill", nullptr};

int atelier_register_functions(sqlite3* db) {
    for (const FunctionDef& f : kFunctions) {
        for (int n = f.min_args; n <= f.max_args; ++n) {
            // Each registration owns its FnData; SQLite frees it with the connection.
            auto* data = new FnData{f.name, {}};
            int rc = sqlite3_create_function_v2(db, f.name, n, f.flags, data, f.fn, nullptr, nullptr,
                                                [](void* p) { delete static_cast<FnData*>(p); });
            if (rc != SQLITE_OK) return rc;
        }
    }
    return atelier_register_reports(db);
}

void atelier_attach_sync(sqlite3* db) {
    try {
        if (atelier::schema_version(db) >= 4 && !sqlite3_db_readonly(db, "main")) atelier::sync::attach(db);
    } catch (const std::exception&) {
        // The sync functions report the problem when they are called.
    }
}

extern "C" int atelier_auto_init(sqlite3* db, char**, const sqlite3_api_routines*) {
    return atelier_register_functions(db);
}
