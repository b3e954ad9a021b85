// atelier/projects.h — the project a signed contract opens: its stages with
// owners, planned and actual dates, status, checklist and what the client
// must provide; and the materials asked of the client.
//
// A project is one row per signed contract (`projects`), its stages are the
// accepted estimate's timeline (`project_stages`), planned one after another
// from the signing date by the working days of the lead's calendar. Ids are
// derived from the contract and the stage, so every replica that opens the
// same project makes the same rows. conveyor::sign() opens it,
// conveyor::complete_stage() closes a stage and starts the next.
//
//   projects::move_stage(db, stage_id, "2027-01-11", by, at);   // later stages follow
//   projects::request_material(db, project_id, "design", "Logo in SVG", "2027-01-15", by, at);
//   projects::answer_material(db, request_id, "https://disk.example/logo.svg", client_actor("Anna"), at);
//   projects::late(db, "2027-01-20");   // what is late or waits on the client
#pragma once
#include <string>
#include <optional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "analytics.h"
#include "atelier_sqlite.h"
#include "conveyor.h"
#include "money.h"

namespace atelier::projects {

// The project of a signed contract, opened if it is not yet (its id). The
// first stage is in progress from `at`.
std::string open(sqlite3* db, std::string_view contract_id, std::string_view at);
// The project's first stage is announced as started by whoever signed (once:
// the event's id is the stage's); conveyor::sign() calls it after the
// signing's event.
void announce_start(sqlite3* db, std::string_view project_id, const Actor& by, std::string_view at);
// Every signed contract's project, for a database from before projects:
// opened at the signing, its stages done as their stage_completed events say.
void backfill(sqlite3* db);
// A stage of the contract's project done at `at`; the next one starts.
void stage_done(sqlite3* db, std::string_view contract_id, std::string_view stage, std::string_view at);

// The project (by its id, or its lead's id): stages in order, the client's
// material requests, the page's link token when it has one.
nlohmann::json view(sqlite3* db, std::string_view project_or_lead_id);

// A stage not done yet planned to start on `start` (moved to the first
// working day on or after it), keeping its length in working days; the
// later stages not done follow it, one after another.
void move_stage(sqlite3* db, std::string_view stage_id, std::string_view start, const Actor& by, std::string_view at);
// A stage's status: planned, in_progress, waiting_client (done comes from
// conveyor::complete_stage, which also issues its invoices and act).
void set_stage_status(sqlite3* db, std::string_view stage_id, std::string_view status, const Actor& by, std::string_view at);
// A stage's owner, checklist (["item", ...] or [{"text", "done"}, ...]) and
// what the client must provide for it, any of them.
void edit_stage(sqlite3* db, std::string_view stage_id, const nlohmann::json& changes, const Actor& by, std::string_view at);

// Materials asked of the client for a stage ("" for the project): a title
// (1 to 200 characters) and a date it is needed by (may be empty). Returns
// the request's id.
std::string request_material(sqlite3* db, std::string_view project_id, std::string_view stage, std::string_view title,
                             std::string_view due_on, const Actor& by, std::string_view at);
// A file the client sent, stored by the host under `id` (uploads.h).
struct FileMeta {
    std::string id, name, type, sha256;
    int64_t size = 0;
};
// The client's answer: words (at most 10,000 characters) and/or files (at
// most uploads::kFilesPerAnswer); one of them is required. The request is
// answered; answering again replaces the words (when given) and adds the
// files.
void answer_material(sqlite3* db, std::string_view request_id, std::string_view text, const Actor& by, std::string_view at,
                     const std::vector<FileMeta>& files = {});
// A file of a project by id: its row, or nothing.
std::optional<FileMeta> file(sqlite3* db, std::string_view file_id, std::string_view project_id = {});

// The projects late or waiting on the client on `today`: one row per cause,
// a stage past its planned end ("late"), a stage waiting for the client
// ("waiting_client"), a material request past its date ("materials_late").
// Columns: project_id, lead_id, client, stage, reason, since, days.
analytics::Table late(sqlite3* db, const std::string& today);

}  // namespace atelier::projects

namespace atelier::projects {

// The client's project page (plain HTML, no script, phone width,
// printable) in `l`: the stages with their dates and where the project is,
// what the studio expects from the client now (open material requests with
// a form to answer each, posted to the page's own address; the current
// stage's preparation), the documents with their links and status, the
// payments. `notice` (thanks) and `error` (a refusal) are shown on top.
// Links of documents that have none yet are made (dated `now`).
std::string page_html(sqlite3* db, std::string_view project_id, Lang l, std::string_view now, std::string_view notice = {},
                      std::string_view error = {});

}  // namespace atelier::projects
