// wasm_app/app_db.cpp — see app_db.h.
#include "json_in.h"
#include "app_db.h"

#include <cstring>

#include "error.h"
#include "functions.h"
#include "ids.h"
#include "demo.h"
#include "pipeline.h"
#include "store.h"
#include "sync.h"
#include "workflow.h"

#include <cstdio>

namespace app {

Db::~Db() {
    atelier::release_statements(db_);
    sqlite3_close(db_);
}

std::string Db::reopen_as_demo() {
    atelier::release_statements(db_);
    sqlite3_close(db_);
    db_ = nullptr;
    std::remove(path_.c_str());
    leads_.clear();
    card_ = LeadCard();
    card_generation_ = 0;
    templates_.clear();
    price_lists_.clear();
    undo_.clear();
    generation_++;
    const std::string path = path_;
    return open(path.c_str(), true);
}

std::string Db::open(const char* path, bool demo) {
    path_ = path;
    sqlite3_auto_extension((void (*)())atelier_auto_init);
    if (sqlite3_open_v2(path, &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
        std::string msg = std::string("cannot open ") + path + ": " + sqlite3_errmsg(db_);
        sqlite3_close(db_);
        db_ = nullptr;
        return msg;
    }
    try {
        atelier::exec(db_, "PRAGMA foreign_keys = ON; PRAGMA journal_mode = MEMORY; PRAGMA temp_store = MEMORY;");
        atelier::cache_statements(db_);
        atelier::migrate(db_);
        const bool seeded = demo && atelier::seed_demo(db_);
        atelier::ensure_studio(db_, atelier::now_iso());
        atelier::install_defaults(db_, atelier::now_iso());
        if (seeded) atelier::seed_demo_history(db_, atelier::now_iso(), "");
        // The app is a replica of the studio's server: its writes are logged
        // for sync, and its documents get provisional numbers.
        bool fresh = atelier::sync::meta(db_, "device").empty();
        atelier::sync::attach(db_);
        if (fresh) atelier::sync::make_replica(db_);
    } catch (const std::exception& e) {
        atelier::release_statements(db_);
        sqlite3_close(db_);
        db_ = nullptr;
        return e.what();
    }
    sqlite3_commit_hook(db_, &Db::on_commit, this);
    dirty_ = true;  // a new or migrated file is written back once
    return "";
}

int Db::on_commit(void* self) {
    auto* d = static_cast<Db*>(self);
    d->dirty_ = true;
    d->generation_++;
    return 0;
}

bool Db::take_dirty() {
    bool d = dirty_;
    dirty_ = false;
    return d;
}

atelier::Actor Db::actor() const {
    atelier::Actor a;
    a.channel = "app";
    if (!db_) return a;
    a.id = atelier::sync::meta(db_, "user_id", "");
    a.name = atelier::sync::meta(db_, "user_name", "");
    a.owner = atelier::sync::meta(db_, "user_role", "") == "owner";
    if (a.id.empty()) {
        // Not connected yet: this device's own user, named by its device id.
        a.id = "device:" + atelier::sync::device_id(db_);
        a.name = atelier::sync::meta(db_, "email", "");
        if (a.name.empty()) a.name = "local";
        a.owner = true;  // a copy used alone is its owner's
    }
    return a;
}

std::string Db::add_lead(const atelier::NewLead& lead, std::string* id) {
    return act([&](sqlite3* d) {
        std::string made = atelier::conveyor::create(d, lead, actor(), atelier::now_iso()).lead_id;
        if (id) *id = made;
    }, "new lead");
}

std::string Db::move_next(const std::string& lead_id) {
    return act([&](sqlite3* d) {
        std::string from = atelier::next_action(d, lead_id, atelier::now_iso().substr(0, 10))["stage"];
        std::string to = atelier::next_stage(from);
        if (to.empty()) throw atelier::Error("lead_move: '" + from + "' is a final stage");
        atelier::conveyor::move(d, lead_id, to, "", actor(), atelier::now_iso());
    }, "next stage");
}

std::map<std::string, BoardFacts> Db::board_facts(const std::vector<std::string>& ids, const std::string& now) {
    std::map<std::string, BoardFacts> out;
    if (!db_) return out;
    try {
        atelier::Stmt q(db_, "SELECT coalesce(l.owner_name, ''), l.stage IN ('won', 'lost'),"
                             " coalesce((SELECT max(e.at) FROM events e WHERE e.lead_id = l.id"
                             "   AND json_extract(e.payload_json, '$.stage.to') = l.stage), l.created_at),"
                             " EXISTS (SELECT 1 FROM tasks t WHERE t.lead_id = l.id AND t.done_at IS NULL"
                             "   AND coalesce(t.snoozed_until, t.due_at) < ?2)"
                             " FROM leads l WHERE l.id = ?1");
        const std::string today = now.substr(0, 10);
        for (const std::string& id : ids) {
            q.reset();
            q.bind(1, id).bind(2, now);
            if (!q.step()) continue;
            BoardFacts f;
            f.owner = q.text(0);
            f.since = q.text(2);
            f.overdue = q.int64(3) != 0;
            if (q.int64(1) == 0) {
                const nlohmann::json na = atelier::next_action(db_, id, today);
                f.action = na.value("action", "");
                f.client_turn = na.value("who", "") == "client";
                f.overdue = f.overdue || na.value("overdue", false);
            }
            out[id] = std::move(f);
        }
    } catch (const std::exception&) {
        // the cards then show their rows only
    }
    return out;
}

const std::vector<LeadRow>& Db::leads() {
    if (loaded_generation_ == generation_ || !db_) return leads_;
    leads_.clear();
    for (const nlohmann::json& r : atelier::leads_json(db_, INT64_MAX))
        leads_.push_back(LeadRow{r["id"], r["client"], r["company"], r["source"], r["stage"], r["currency"], r["created_at"],
                                 r["amount_minor"].get<int64_t>()});
    loaded_generation_ = generation_;
    return leads_;
}

}  // namespace app

namespace app {

const Doc* LeadCard::latest(const char* kind) const {
    const Doc* d = nullptr;
    for (const Doc& x : docs)
        if (x.kind == kind) d = &x;
    return d;
}

const LeadCard* Db::card(const std::string& lead_id) {
    if (!db_ || lead_id.empty()) return nullptr;
    if (card_.id == lead_id && card_generation_ == generation_) return &card_;
    LeadCard c;
    nlohmann::json v;
    try {
        v = atelier::lead_view(db_, lead_id, atelier::now_iso().substr(0, 10));
    } catch (const atelier::Error&) {
        return nullptr;
    }
    c.id = v["id"]; c.client = v["client"]; c.company = v["company"]; c.email = v["email"]; c.phone = v["phone"];
    c.title = v["title"]; c.stage = v["stage"]; c.lang = v["lang"]; c.currency = v["currency"];
    c.amount_minor = v["amount_minor"].get<int64_t>();
    for (const nlohmann::json& e : v["stages"])
        c.events.push_back({e["from"].is_string() ? e["from"].get<std::string>() : "", e["to"], e["at"], e["actor"],
                            e["reason"].is_string() ? e["reason"].get<std::string>() : ""});
    if (v["brief"].is_object()) {
        c.brief_id = v["brief"]["id"]; c.brief_code = v["brief"]["template"]; c.brief_status = v["brief"]["status"];
        c.answers = v["brief"]["answers"];
    }
    for (const nlohmann::json& d : v["documents"])
        c.docs.push_back({d["kind"], d["id"], d.value("status", "ready"), d.value("number", ""), d["version"].get<int64_t>(),
                          d.value("total_minor", int64_t(0))});
    if (v["estimate"].is_object()) {
        c.estimate = v["estimate"]["body"];
        c.estimate_overrides = v["estimate"]["overrides"];
        c.estimate_version = v["estimate"]["version"].get<int64_t>();
        if (v["previous_estimate"].is_object()) c.previous_estimate = v["previous_estimate"]["body"];
    }
    c.view = std::move(v);
    card_ = std::move(c);
    card_generation_ = generation_;
    return &card_;
}

const nlohmann::json& Db::brief_template(const std::string& code) {
    if (templates_generation_ != generation_) {
        templates_.clear();  // a new version may have been saved or synced
        templates_generation_ = generation_;
    }
    auto it = templates_.find(code);
    if (it != templates_.end()) return it->second;
    return templates_[code] = atelier::latest_brief_template(db_, code);
}

}  // namespace app

namespace app {

sqlite3_session* Db::begin_recording() {
    sqlite3_session* s = nullptr;
    if (sqlite3session_create(db_, "main", &s) != SQLITE_OK) return nullptr;
    if (sqlite3session_attach(s, nullptr) != SQLITE_OK) {
        sqlite3session_delete(s);
        return nullptr;
    }
    // Every table of the data, not the sync bookkeeping: an undo is a new
    // change of the data (logged as such), never a rewrite of the log. Nor
    // what triggers derive from the data (lead_paths, and the leads a merge
    // holds in lead_paths_held): undoing the data derives it again.
    sqlite3session_table_filter(s, [](void*, const char* table) -> int {
        return std::strcmp(table, "change_log") != 0 && std::strncmp(table, "sync_", 5) != 0 &&
               std::strncmp(table, "lead_paths", 10) != 0 &&
               std::strcmp(table, "number_series") != 0;
    }, nullptr);
    return s;
}

void Db::end_recording(sqlite3_session* s, const char* label) {
    if (!s) return;
    if (label) {
        int n = 0;
        void* p = nullptr;
        if (sqlite3session_changeset(s, &n, &p) == SQLITE_OK && n > 0) {
            undo_.push_back({label, std::string((const char*)p, (size_t)n)});
            if (undo_.size() > 50) undo_.erase(undo_.begin());
        }
        sqlite3_free(p);
    }
    sqlite3session_delete(s);
}

const std::string& Db::undo_label() const {
    static const std::string none;
    return undo_.empty() ? none : undo_.back().label;
}

std::string Db::undo() {
    if (undo_.empty()) return "nothing to undo";
    Change c = undo_.back();
    int n = 0;
    void* inv = nullptr;
    if (sqlite3changeset_invert((int)c.changeset.size(), c.changeset.data(), &n, &inv) != SQLITE_OK)
        return "cannot undo: the change could not be inverted";
    // A row changed since by another action makes the undo refuse, not guess.
    // A row already gone when the undo deletes it (removed by a cascade
    // earlier in the same undo) is what the undo wants: skip it.
    auto on_conflict = [](void*, int conflict, sqlite3_changeset_iter* it) -> int {
        const char* table = nullptr;
        int ncol = 0, op = 0, indirect = 0;
        sqlite3changeset_op(it, &table, &ncol, &op, &indirect);
        if (conflict == SQLITE_CHANGESET_NOTFOUND && op == SQLITE_DELETE) return SQLITE_CHANGESET_OMIT;
        return SQLITE_CHANGESET_ABORT;
    };
    int rc = sqlite3changeset_apply(db_, n, inv, nullptr, on_conflict, nullptr);
    sqlite3_free(inv);
    if (rc != SQLITE_OK) return std::string("cannot undo \"") + c.label + "\": the data changed since";
    undo_.pop_back();
    return "";
}

}  // namespace app

namespace app {

std::shared_ptr<const atelier::PriceList> Db::price_list(const std::string& currency) {
    auto it = price_lists_.find(currency);
    if (it != price_lists_.end() && it->second.first == generation_) return it->second.second;
    std::shared_ptr<const atelier::PriceList> pl;
    try {
        pl = atelier::compile_price_list_text(atelier::active_price_list(db_, currency).body);
    } catch (const std::exception&) {
        pl = nullptr;
    }
    price_lists_[currency] = {generation_, pl};
    return pl;
}

}  // namespace app
