// atelier/analytics.h — the pipeline's reports, computed from the stage
// history, the event journal, the documents and the time ledger.
//
// Each report is a table (named columns, rows of JSON scalars) and takes its
// period as arguments: nothing here reads the clock. The same functions back
// the SQL table-valued functions (atelier_funnel(...) and the rest, in every
// host), GET /api/reports/<name> and the app's Reports view.
//
//   funnel(from, to, group_by, only)  per stage: entered, advanced, lost, conversions, median days in it
//   lost_reasons(from, to, group_by)  per stage and reason: leads and their amounts, by currency
//   win_rate(from, to, group_by)      leads, won, lost, win rate, average won amount, median days to won
//   forecast(from_month, months)      the open pipeline weighted by stage_weights, by expected month
//   revenue(from, to)                 per month and currency: invoiced, paid, outstanding
//   receivables(at)                   open invoices by days past due: not due, 0-30, 31-60, 61-90, 90+
//   proposals(from, to, group_by)     made, opened, accepted; median hours to the first opening and to acceptance
//   time(from, to, group_by)          the manager's minutes per request and conveyor step, against the seed's 110
//
// A lead counts in the period in which it was created (from and to are
// dates, both included). group_by is "source", "owner", "month" or "" (one
// group, "all"). The lead reports (funnel, lost reasons, win rate,
// proposals, time) take a last, optional `only`: "owner:NAME" or
// "source:NAME" keeps one owner's or one source's leads, named as the groups
// name them ("owner:(unassigned)"); money reports are the whole studio's. Amounts are minor units in their own currency, never summed
// across currencies. Bad arguments throw Error naming the argument.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "atelier_sqlite.h"

namespace atelier::analytics {

struct Table {
    std::vector<std::string> columns;
    std::vector<std::vector<nlohmann::json>> rows;  // scalars: integer, real, text or null
    nlohmann::json json() const;                    // [{column: value, ...}, ...]
};

// The arguments a report takes, in order; `required` of them must be given.
struct Report {
    const char* name;                     // "funnel"
    std::vector<const char*> columns;     // the result's columns
    std::vector<const char*> arguments;   // "from", "to", "group_by"
    int required;
};
const std::vector<Report>& reports();
const Report* find_report(std::string_view name);

// Runs a report by name with its arguments as text (missing: empty).
Table run(sqlite3* db, std::string_view name, const std::vector<std::string>& args);

Table funnel(sqlite3* db, const std::string& from, const std::string& to, const std::string& group_by,
             const std::string& only = {});
Table lost_reasons(sqlite3* db, const std::string& from, const std::string& to, const std::string& group_by,
                   const std::string& only = {});
Table win_rate(sqlite3* db, const std::string& from, const std::string& to, const std::string& group_by,
               const std::string& only = {});
Table forecast(sqlite3* db, const std::string& from_month, int months);
Table revenue(sqlite3* db, const std::string& from, const std::string& to);
Table receivables(sqlite3* db, const std::string& at);
Table proposals(sqlite3* db, const std::string& from, const std::string& to, const std::string& group_by,
                const std::string& only = {});
Table time(sqlite3* db, const std::string& from, const std::string& to, const std::string& group_by,
           const std::string& only = {});

// The leads behind a figure: a report's group and stage (or step, reason,
// bucket) as the report names them; their ids, newest first.
std::vector<std::string> drill(sqlite3* db, std::string_view report, const std::vector<std::string>& args,
                               const std::string& grp, const std::string& key);

// The conveyor step a manager works on for a lead in `stage` (the seed's
// steps: intake, brief, estimate, proposal, contract, invoice, payment), or
// "other" with no lead.
std::string step_of_stage(std::string_view stage);
// Adds active seconds to the ledger: one row per user, device, lead, step
// and day, so devices never write the same row.
void add_time(sqlite3* db, const std::string& user_id, const std::string& device, const std::string& lead_id,
              const std::string& step, const std::string& day, int64_t seconds, std::string_view at);

// The seed's minutes per request before automation, by step (110 in all).
int baseline_minutes(std::string_view step);

// The report paths (lead_paths) held for a merge: while held, a new lead or
// stage move notes its lead in lead_paths_held instead of writing its path;
// release_paths() rebuilds the noted leads' paths, one statement for all,
// the same rows the triggers give, and lets go. Both inside the caller's
// transaction.
void hold_paths(sqlite3* db);
void release_paths(sqlite3* db);

}  // namespace atelier::analytics
