// atelier/support.h — support after launch: a project's retainer (a monthly
// fee with hours included, an hour rate beyond them, a day of the month),
// billed in arrears with an invoice and an act; the hours log.
//
// A retainer's months end the day before its billing day: one that starts
// on 15 January with day 5 bills [15 Jan, 4 Feb] on 5 February, then
// [5 Feb, 4 Mar] on 5 March, and so on. bill() issues every month whose
// billing day has come and that has no bill yet, so a server that was down
// on the day catches up when it is back, once: a month is a row with a
// UNIQUE key. The hours of a month are those logged up to its last day and
// not billed yet (hours logged late go to the next bill, not lost).
//
//   support::set_retainer(db, project, {{"fee_minor", 3000000}, {"hours_included", 10},
//                         {"hour_rate_minor", 250000}, {"day", 5}, {"starts_on", "2027-03-01"}}, by, at);
//   support::log_hours(db, project, "2027-03-12", 90, "Форма обратной связи", by, at);
//   support::bill(db, "2027-04-05", at);   // the March invoice and act
#pragma once
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "atelier_sqlite.h"
#include "conveyor.h"
#include "money.h"

namespace atelier::support {

// Sets the project's retainer (made, or its terms changed for the months
// not billed yet): fee_minor (≥ 0), hours_included (0–744), hour_rate_minor
// (≥ 0), day (1–28), starts_on (YYYY-MM-DD; on a change it stays what it
// was unless given). The currency is the lead's. Returns view().
nlohmann::json set_retainer(sqlite3* db, std::string_view project_id, const nlohmann::json& terms, const Actor& by,
                            std::string_view at);
// Stops the retainer at the end of the month running on `on` (that month
// is still billed, none after it). Returns view().
nlohmann::json stop_retainer(sqlite3* db, std::string_view project_id, std::string_view on, const Actor& by, std::string_view at);
// Logs time worked on the project: a day, 1–1440 minutes, what was done
// (at most 500 characters). Returns the entry's id.
std::string log_hours(sqlite3* db, std::string_view project_id, std::string_view worked_on, int64_t minutes, std::string_view note,
                      const Actor& by, std::string_view at);
// Bills every retainer month whose billing day is on or before `today` and
// that has no bill yet: the invoice (issued, numbered, dated `today`) and
// the act. Returns the months billed: [{"retainer_id", "period", "invoice_id",
// "act_id", "minutes", "extra_minutes"}].
nlohmann::json bill(sqlite3* db, std::string_view today, std::string_view at);
// The project's retainer (null when none), its billed months, newest first,
// and its hours log (those not billed yet first).
nlohmann::json view(sqlite3* db, std::string_view project_id);

// An act's stage names a support month: "support:2027-04". The month's
// title for documents and messages ("Техническая поддержка: 15.03–04.04.2027"),
// or "" when the stage is not one.
std::string month_title(sqlite3* db, std::string_view contract_id, std::string_view stage, Lang l);

}  // namespace atelier::support
