// wasm_app/time_meter.h — the manager's active time, measured where it is
// spent: while input arrives, the time since the previous input (idle gaps
// capped at 60 s) counts for the lead on screen and its conveyor step
// (analytics::step_of_stage; "other" with no lead open), and goes into the
// time ledger every 15 s of it, or when the lead or step changes. The app
// draws frames only on input, so a frame with input is a moment of work.
#pragma once
#include <string>

#include "app_db.h"

namespace app {

class TimeMeter {
public:
    static constexpr double kIdleCapMs = 60000, kFlushMs = 15000;
    // One frame: `input` when input arrived for it; `lead` the lead on screen ("" none).
    void frame(Db& db, double now_ms, bool input, const std::string& lead);
    // What is counted and not yet in the ledger, and what went in since the start (seconds).
    double pending_seconds() const { return pending_ms_ / 1000; }
    double recorded_seconds() const { return recorded_s_; }
    void flush(Db& db, bool all);

private:
    double last_input_ms_ = 0, pending_ms_ = 0, recorded_s_ = 0;
    std::string lead_, step_;
};

TimeMeter& time_meter();

}  // namespace app
