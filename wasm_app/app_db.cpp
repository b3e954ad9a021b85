// wasm_app/app_db.cpp — see app_db.h.
#include "json_in.h"
#include "app_db.h"

#include <cstring>

#include "error.h"
#include "functions.h"
#include "ids.h"
#include "pipeline.h"
#include "store.h"
#include "sync.h"
#include "workflow.h"

namespace app {

Db::~Db() {
    atelier::release_statements(db_);
    sqlite3_close(db_);
}

std::string Db::open(const char* path) {
    sqlite3_auto_extension((void (*)())atelier_auto_init);
    if (sqlite3_open_v2(path, &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
        std::string msg = std::string("cannot open ") + path + ": " + sqlite3_errmsg(db_);
        sqlite3_close(db_);
        db_ = nullptr;
        return msg;
    }
    try {
        atelier::exec(db_, "PRAGMA foreign_keys = ON; PRAGMA journal_mode = MEMORY;");
        atelier::cache_statements(db_);
        atelier::migrate(db_);
        atelier::ensure_studio(db_, atelier::now_iso());
        atelier::install_defaults(db_, atelier::now_iso());
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

std::string Db::add_lead(const atelier::NewLead& lead, std::string* id) {
    return act([&](sqlite3* d) {
        std::string made = atelier::create_lead(d, lead, "manager", atelier::now_iso());
        if (id) *id = made;
    }, "new lead");
}

std::string Db::move_next(const std::string& lead_id) {
    return act([&](sqlite3* d) {
        atelier::Stmt q(d, "SELECT stage FROM leads WHERE id = ?1");
        q.bind(1, lead_id);
        if (!q.step()) throw atelier::Error("lead_id: no lead with id \"" + lead_id + "\"");
        std::string from = q.text(0);
        std::string to = atelier::next_stage(from);
        if (to.empty()) throw atelier::Error("lead_move: '" + from + "' is a final stage");
        atelier::move_lead(d, lead_id, to, "manager", "", atelier::now_iso());
    }, "next stage");
}

const std::vector<LeadRow>& Db::leads() {
    if (loaded_generation_ == generation_ || !db_) return leads_;
    leads_.clear();
    atelier::Stmt q(db_, "SELECT l.id, c.name, c.company, l.source, l.stage, l.currency, l.created_at, l.amount_minor"
                         " FROM leads l JOIN clients c ON c.id = l.client_id ORDER BY l.created_at DESC, l.id");
    while (q.step())
        leads_.push_back(LeadRow{q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5), q.text(6), q.int64(7)});
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
    atelier::Stmt q(db_, "SELECT l.id, c.name, c.company, c.email, c.phone, l.title, l.stage, l.lang, l.currency, l.amount_minor"
                         " FROM leads l JOIN clients c ON c.id = l.client_id WHERE l.id = ?1");
    q.bind(1, lead_id);
    if (!q.step()) return nullptr;
    c.id = q.text(0); c.client = q.text(1); c.company = q.text(2); c.email = q.text(3); c.phone = q.text(4);
    c.title = q.text(5); c.stage = q.text(6); c.lang = q.text(7); c.currency = q.text(8); c.amount_minor = q.int64(9);
    atelier::Stmt e(db_, "SELECT coalesce(from_stage, ''), to_stage, at, actor, coalesce(reason, '') FROM stage_events"
                         " WHERE lead_id = ?1 ORDER BY at, rowid");
    e.bind(1, lead_id);
    while (e.step()) c.events.push_back({e.text(0), e.text(1), e.text(2), e.text(3), e.text(4)});
    atelier::Stmt b(db_, "SELECT b.id, bt.code, b.status, b.answers_json FROM briefs b JOIN brief_templates bt ON bt.id = b.template_id"
                         " WHERE b.lead_id = ?1 ORDER BY b.updated_at DESC LIMIT 1");
    b.bind(1, lead_id);
    if (b.step()) {
        c.brief_id = b.text(0); c.brief_code = b.text(1); c.brief_status = b.text(2);
        c.answers = atelier::parse_json_or_discard(b.text(3));
    }
    // In the order made; the invoices of a schedule in its order.
    atelier::Stmt d(db_, "SELECT 'estimate', id, 'ready', '', version, total_minor, created_at, 0 FROM estimates WHERE lead_id = ?1"
                         " UNION ALL SELECT 'proposal', id, status, coalesce(number, provisional_number, ''), version, 0, created_at, 0 FROM proposals WHERE lead_id = ?1"
                         " UNION ALL SELECT 'contract', id, status, coalesce(number, provisional_number, ''), version, 0, created_at, 0 FROM contracts WHERE lead_id = ?1"
                         " UNION ALL SELECT 'invoice', id, status, coalesce(number, provisional_number, ''), 1, total_minor, created_at, position FROM invoices WHERE lead_id = ?1"
                         " ORDER BY 7, 8, 4");
    d.bind(1, lead_id);
    while (d.step()) c.docs.push_back({d.text(0), d.text(1), d.text(2), d.text(3), d.int64(4), d.int64(5)});
    atelier::Stmt es(db_, "SELECT body_json, overrides_json, version FROM estimates WHERE lead_id = ?1 ORDER BY version DESC LIMIT 2");
    es.bind(1, lead_id);
    if (es.step()) {
        c.estimate = atelier::parse_json_or_discard(es.text(0));
        c.estimate_overrides = atelier::parse_json_or_discard(es.text(1));
        c.estimate_version = es.int64(2);
        if (es.step()) c.previous_estimate = atelier::parse_json_or_discard(es.text(0));
    }
    card_ = std::move(c);
    card_generation_ = generation_;
    return &card_;
}

const nlohmann::json& Db::brief_template(const std::string& code) {
    auto it = templates_.find(code);
    if (it != templates_.end()) return it->second;
    nlohmann::json t = nlohmann::json::object();
    atelier::Stmt q(db_, "SELECT body_json FROM brief_templates WHERE code = ?1 ORDER BY version DESC LIMIT 1");
    q.bind(1, code);
    if (q.step()) t = atelier::parse_json_or_discard(q.text(0));
    return templates_[code] = t;
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
    // change of the data (logged as such), never a rewrite of the log.
    sqlite3session_table_filter(s, [](void*, const char* table) -> int {
        return std::strcmp(table, "change_log") != 0 && std::strncmp(table, "sync_", 5) != 0 &&
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
        atelier::Stmt q(db_, "SELECT body_json FROM price_lists WHERE currency = ?1 AND active = 1 ORDER BY version DESC LIMIT 1");
        q.bind(1, currency);
        if (q.step()) pl = atelier::compile_price_list_text(q.text(0));
    } catch (const std::exception&) {
        pl = nullptr;
    }
    price_lists_[currency] = {generation_, pl};
    return pl;
}

}  // namespace app
