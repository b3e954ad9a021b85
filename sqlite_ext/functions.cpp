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
//
// How it works: each function checks its arguments (count, type, NULL) and
// calls one core function; any exception becomes sqlite3_result_error() with
// the core's message, so a bad call never crashes the host. Functions that
// write are SQLITE_DIRECTONLY (not usable from triggers or views); pure ones
// are SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS. Writes take their time and
// actor as arguments (time defaults to now when left out).
#include "functions.h"

#include <new>
#include <string>

#include "error.h"
#include "ids.h"
#include "leads.h"
#include "money.h"
#include "pipeline.h"
#include "store.h"
#include "demo.h"
#include "version.h"

namespace {

using atelier::Error;

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
        F(ctx, Args{(const char*)sqlite3_user_data(ctx), argc, argv});
    } catch (const std::bad_alloc&) {
        sqlite3_result_error_nomem(ctx);
    } catch (const atelier::Error& e) {
        // "atelier: <function>: <field>: <problem>"
        std::string msg = e.what();
        const std::string fn = (const char*)sqlite3_user_data(ctx);
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

void fn_version(sqlite3_context* ctx, const Args&) { result_text(ctx, ATELIER_VERSION); }

void fn_migrate(sqlite3_context* ctx, const Args&) {
    sqlite3_result_int(ctx, atelier::migrate(sqlite3_context_db_handle(ctx)));
}

void fn_money(sqlite3_context* ctx, const Args& a) {
    atelier::Money m{a.integer(0, "amount_minor"), atelier::parse_currency(a.text(1, "currency"))};
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
    auto r = atelier::move_lead(sqlite3_context_db_handle(ctx), a.text(0, "lead_id"), a.text(1, "to_stage"),
                                a.text(2, "actor"), a.text_or(3, "reason", ""),
                                a.text_or(4, "at", atelier::now_iso()));
    result_text(ctx, r.event_id);
}

void fn_lead_create(sqlite3_context* ctx, const Args& a) {
    std::string body = a.text(0, "lead_json");
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded()) throw Error("lead_json: malformed JSON");
    auto lead = atelier::new_lead_from_json(j);
    std::string id = atelier::create_lead(sqlite3_context_db_handle(ctx), lead, a.text_or(1, "actor", "sql"),
                                          a.text_or(2, "at", atelier::now_iso()), a.text_or(3, "id", ""));
    result_text(ctx, id);
}

void fn_seed_demo(sqlite3_context* ctx, const Args&) {
    sqlite3_result_int(ctx, atelier::seed_demo(sqlite3_context_db_handle(ctx)) ? 1 : 0);
}

void fn_uuid(sqlite3_context* ctx, const Args&) { result_text(ctx, atelier::new_uuid()); }

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
    {"atelier_seed_demo", 0, 0, WRITES, guarded<fn_seed_demo>},
    {"atelier_uuid", 0, 0, VOLATILE, guarded<fn_uuid>},
};

}  // namespace

const char* const atelier_function_names[] = {
    "atelier_version", "atelier_migrate", "atelier_money", "atelier_money_parse", "atelier_stage_allowed",
    "atelier_lead_move", "atelier_lead_create", "atelier_seed_demo", "atelier_uuid", nullptr};

int atelier_register_functions(sqlite3* db) {
    for (const FunctionDef& f : kFunctions) {
        for (int n = f.min_args; n <= f.max_args; ++n) {
            int rc = sqlite3_create_function_v2(db, f.name, n, f.flags, (void*)f.name, f.fn, nullptr, nullptr,
                                                nullptr);
            if (rc != SQLITE_OK) return rc;
        }
    }
    return SQLITE_OK;
}

extern "C" int atelier_auto_init(sqlite3* db, char**, const sqlite3_api_routines*) {
    return atelier_register_functions(db);
}
