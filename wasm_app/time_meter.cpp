// wasm_app/time_meter.cpp — see time_meter.h.
#include "time_meter.h"

#include <algorithm>

#include "analytics.h"
#include "ids.h"
#include "store.h"
#include "sync.h"

namespace app {

TimeMeter& time_meter() {
    static TimeMeter m;
    return m;
}

void TimeMeter::flush(Db& db, bool all) {
    // Whole seconds; what is left stays with this lead and step, or is
    // rounded into it when they change.
    const int64_t seconds = all ? (int64_t)(pending_ms_ / 1000 + 0.5) : (int64_t)(pending_ms_ / 1000);
    if (all) pending_ms_ = 0;
    else pending_ms_ -= (double)seconds * 1000;
    if (seconds <= 0 || !db.is_open()) return;
    const atelier::Actor me = db.actor();
    const std::string now = atelier::now_iso();
    // Straight to the database, not through Db::act: measuring is not an
    // action of the manager's, and undo never takes it back.
    try {
        sqlite3* x = db.raw();
        atelier::analytics::add_time(x, me.id, atelier::sync::device_id(x), lead_, step_.empty() ? "other" : step_, now.substr(0, 10), seconds, now);
    } catch (const std::exception&) {
        return;  // a lead deleted meanwhile, or storage trouble: these seconds are not kept
    }
    recorded_s_ += (double)seconds;
}

void TimeMeter::frame(Db& db, double now_ms, bool input, const std::string& lead) {
    if (!input || !db.is_open()) return;
    // The gap since the last input is work on what was on screen then.
    if (last_input_ms_ > 0) pending_ms_ += std::min(now_ms - last_input_ms_, kIdleCapMs);
    last_input_ms_ = now_ms;
    std::string step = "other";
    if (!lead.empty()) {
        if (const LeadCard* c = db.card(lead)) step = atelier::analytics::step_of_stage(c->stage);
    }
    const std::string current = lead.empty() || step == "other" ? std::string() : lead;
    if (current != lead_ || step != step_) {
        flush(db, true);
        lead_ = current;
        step_ = step;
    } else if (pending_ms_ >= kFlushMs) {
        flush(db, false);
    }
}

}  // namespace app
