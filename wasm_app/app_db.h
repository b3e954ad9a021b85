// wasm_app/app_db.h — the app's own SQLite database, in IndexedDB-backed /data.
//
// Same schema and SQL functions as the server. The screens read from cached
// rows that are reloaded only when the data changed (generation counter),
// never per frame. Writes go through the core and each one is a transaction;
// a commit marks the database dirty, and the frame loop persists it.
#pragma once
#include <cstdint>
#include <string>
#include <map>
#include <vector>

#include <nlohmann/json.hpp>

#include "atelier_sqlite.h"
#include "conveyor.h"
#include "leads.h"
#include "pricing.h"
#include "ui_text.h"

#include <memory>

namespace app {

struct Event {
    std::string from, to, at, actor, reason;
};

struct Doc {
    std::string kind, id, status, number;
    int64_t version = 0, total = 0;
};

// Everything the lead card shows, read once per change of the data.
struct LeadCard {
    std::string id, client, company, email, phone, title, stage, lang, currency;
    int64_t amount_minor = 0;
    std::vector<Event> events;
    std::string brief_id, brief_code, brief_status;
    nlohmann::json answers = nlohmann::json::object();
    std::vector<Doc> docs;
    nlohmann::json estimate, previous_estimate;  // the two latest versions' JSON (null when absent)
    nlohmann::json estimate_overrides = nlohmann::json::object();
    int64_t estimate_version = 0;
    nlohmann::json view;  // the core's lead_view: journal, next action, links
    const Doc* latest(const char* kind) const;
};

struct LeadRow {
    std::string id, client, company, source, stage, currency, created_at;
    int64_t amount_minor = 0;
};

// What a pipeline card says besides its row: who owns the lead, since when
// it is in its stage, what it waits for and whether something is overdue.
struct BoardFacts {
    std::string owner, since, action;
    bool client_turn = false, overdue = false;
};

class Db {
public:
    ~Db();
    // Opens (or creates) and migrates; returns "" or an error message.
    // Opens (creating) the database at `path`; a new file with `demo` gets
    // the demo studio and its leads.
    std::string open(const char* path, bool demo = false);
    // Starts over on a new file holding the demo studio (the first run of
    // a copy without a server, before anything was entered).
    std::string reopen_as_demo();
    bool is_open() const { return db_ != nullptr; }
    sqlite3* raw() const { return db_; }

    // Both return "" on success or the core's error message.
    std::string add_lead(const atelier::NewLead& lead, std::string* id = nullptr);
    // The facts of the pipeline cards for these leads; `now` is an ISO time.
    std::map<std::string, BoardFacts> board_facts(const std::vector<std::string>& ids, const std::string& now);
    // The person acting on this device: the user who connected it to the
    // studio's server, or this device's own local user before that.
    atelier::Actor actor() const;
    std::string move_next(const std::string& lead_id);

    const std::vector<LeadRow>& leads();  // reloaded only after a change
    const LeadCard* card(const std::string& lead_id);  // likewise; nullptr for an unknown lead
    const nlohmann::json& brief_template(const std::string& code);
    // The active price list of a currency, compiled; nullptr if there is none.
    std::shared_ptr<const atelier::PriceList> price_list(const std::string& currency);

    // Runs one core action; returns "" or the core's error message. The
    // action's changes are recorded (SQLite's session extension) so that
    // undo() can take them back.
    template <class F>
    std::string act(F&& f, const char* label = "") {
        sqlite3_session* s = begin_recording();
        detail_.clear();
        try {
            f(db_);
        } catch (const atelier::Error& e) {
            // The core's refusal, said in the interface's language; its own
            // words stay in detail() (the owner's raw editors show them).
            end_recording(s, nullptr);
            detail_ = e.what();
            return ui::core_error(e.what(), e.kind, lang_);
        } catch (const std::exception& e) {
            end_recording(s, nullptr);
            return e.what();
        }
        end_recording(s, label);
        return "";
    }
    // The language refusals are said in; the last refusal in the core's words.
    void set_lang(atelier::Lang l) { lang_ = l; }
    const std::string& detail() const { return detail_; }
    // Takes back the last recorded action; "" or why it cannot.
    std::string undo();
    bool can_undo() const { return !undo_.empty(); }
    const std::string& undo_label() const;
    uint64_t generation() const { return generation_; }

    // True once after any commit since the last call: time to persist.
    bool take_dirty();

private:
    static int on_commit(void* self);
    sqlite3* db_ = nullptr;
    std::string path_;
    atelier::Lang lang_ = atelier::Lang::ru;
    std::string detail_;
    uint64_t generation_ = 1, loaded_generation_ = 0;
    bool dirty_ = false;
    std::vector<LeadRow> leads_;
    LeadCard card_;
    uint64_t card_generation_ = 0;
    std::map<std::string, nlohmann::json> templates_;
    uint64_t templates_generation_ = 0;
    std::map<std::string, std::pair<uint64_t, std::shared_ptr<const atelier::PriceList>>> price_lists_;
    struct Change {
        std::string label;
        std::string changeset;  // the action's changes, as SQLite's session extension records them
    };
    std::vector<Change> undo_;
    sqlite3_session* begin_recording();
    void end_recording(sqlite3_session* s, const char* label);
};

}  // namespace app
