// wasm_app/app_db.cpp — see app_db.h.
#include "app_db.h"

#include "error.h"
#include "functions.h"
#include "ids.h"
#include "pipeline.h"
#include "store.h"
#include "workflow.h"

namespace app {

Db::~Db() { sqlite3_close(db_); }

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
        atelier::migrate(db_);
        atelier::ensure_studio(db_, atelier::now_iso());
        atelier::install_defaults(db_, atelier::now_iso());
    } catch (const std::exception& e) {
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

std::string Db::add_lead(const atelier::NewLead& lead) {
    try {
        atelier::create_lead(db_, lead, "manager", atelier::now_iso());
        return "";
    } catch (const std::exception& e) {
        return e.what();
    }
}

std::string Db::move_next(const std::string& lead_id) {
    try {
        atelier::Stmt q(db_, "SELECT stage FROM leads WHERE id = ?1");
        q.bind(1, lead_id);
        if (!q.step()) return "atelier: lead not found";
        std::string to = atelier::next_stage(q.text(0));
        if (to.empty()) return "atelier: lead_move: '" + q.text(0) + "' is a final stage";
        atelier::move_lead(db_, lead_id, to, "manager", "", atelier::now_iso());
        return "";
    } catch (const std::exception& e) {
        return e.what();
    }
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
