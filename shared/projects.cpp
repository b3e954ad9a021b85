// atelier/projects.cpp — see projects.h.
#include "projects.h"

#include <algorithm>
#include <vector>

#include "calendar.h"
#include "error.h"
#include "ids.h"
#include "json_in.h"
#include "money.h"
#include "store.h"
#include "uploads.h"

namespace atelier::projects {

using nlohmann::json;

namespace {

constexpr int kSchemaWithProjects = 12;

// A date argument: YYYY-MM-DD, a real day.
int64_t date_of(std::string_view v, const std::string& field) {
    if (v.size() != 10) throw Error(field + ": expected a date YYYY-MM-DD, got \"" + clip_utf8(v, 40) + "\"");
    return day_number(std::string(v), field.c_str());
}

void check_at(std::string_view at, const char* op) {
    if (at.size() < 10) throw Error(std::string(op) + ": at: expected an ISO 8601 time, got \"" + clip_utf8(at, 40) + "\"");
    date_of(at.substr(0, 10), std::string(op) + ": at");
}

struct StageRow {
    std::string id, project_id, stage, status, planned_start, planned_end;
    int64_t position = 0, days = 1;
};

StageRow stage_row(sqlite3* db, std::string_view stage_id, const char* op) {
    Stmt q(db, "SELECT id, project_id, stage, status, planned_start, planned_end, position, days FROM project_stages WHERE id = ?1");
    q.bind(1, stage_id);
    if (!q.step()) throw not_found(std::string(op) + ": stage_id", "project stage", std::string(stage_id));
    return {q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5), q.int64(6), q.int64(7)};
}

std::string lead_of_project(sqlite3* db, std::string_view project_id, const char* op) {
    Stmt q(db, "SELECT lead_id FROM projects WHERE id = ?1");
    q.bind(1, project_id);
    if (!q.step()) throw not_found(std::string(op) + ": project_id", "project", std::string(project_id));
    return q.text(0);
}

WorkCalendar calendar_of(sqlite3* db, std::string_view project_id) {
    Stmt q(db, "SELECT calendar FROM projects WHERE id = ?1");
    q.bind(1, project_id);
    return load_calendar(db, q.step() ? q.text(0) : std::string());
}

// The stages not done from `position` on planned one after another from
// `day` (a working day), each keeping its length.
void replan_from(sqlite3* db, std::string_view project_id, int64_t position, int64_t day, const WorkCalendar& cal, std::string_view at) {
    Stmt q(db, "SELECT id, days FROM project_stages WHERE project_id = ?1 AND position >= ?2 AND status != 'done' ORDER BY position");
    q.bind(1, project_id).bind(2, position);
    std::vector<std::pair<std::string, int64_t>> rows;
    while (q.step()) rows.emplace_back(q.text(0), q.int64(1));
    Stmt up(db, "UPDATE project_stages SET planned_start = ?2, planned_end = ?3, updated_at = ?4 WHERE id = ?1"
                " AND (planned_start IS NOT ?2 OR planned_end IS NOT ?3)");
    // The process's own requests for a stage moved later are needed later
    // too; one moved sooner keeps the date the client was given.
    Stmt later(db, "UPDATE material_requests SET due_on = ?3 WHERE project_id = ?1 AND created_by = 'template' AND status = 'open'"
                   " AND stage = (SELECT stage FROM project_stages WHERE id = ?2) AND due_on < ?3");
    for (const auto& [id, days] : rows) {
        const int64_t end = cal.plus_working(day, days - 1);
        up.bind(1, id).bind(2, iso_date(day)).bind(3, iso_date(end)).bind(4, at).step();
        up.reset();
        later.bind(1, project_id).bind(2, id).bind(3, iso_date(day)).step();
        later.reset();
        day = cal.plus_working(end, 1);
    }
}

// A stage that starts on its own (the project's first at signing, one set
// in progress by hand) is announced once: one event a stage, whichever
// replica records it. One started by the previous stage's completion is
// announced with that completion (stage_completed).
void stage_started(sqlite3* db, std::string_view lead_id, std::string_view project_id, std::string_view stage_id, std::string_view stage,
                   const Actor& by, std::string_view at) {
    const std::string id = uuid_from("project_stage_started|" + std::string(stage_id));
    Stmt have(db, "SELECT 1 FROM events WHERE id = ?1");
    have.bind(1, id);
    if (have.step()) return;
    record_event(db, lead_id, "project_stage_started", by, at,
                 json{{"project_id", std::string(project_id)}, {"stage_id", std::string(stage_id)}, {"stage", std::string(stage)}}, id);
}

}  // namespace

std::string open(sqlite3* db, std::string_view contract_id, std::string_view at) {
    check_at(at, "project");
    // A database of a schema before projects gets them when it is migrated
    // (backfill), from what the conveyor recorded meanwhile.
    if (schema_version(db) < kSchemaWithProjects) return "";
    const std::string id = uuid_from("project|" + std::string(contract_id));
    {
        Stmt have(db, "SELECT 1 FROM projects WHERE id = ?1");
        have.bind(1, id);
        if (have.step()) return id;
    }
    Stmt c(db, "SELECT c.lead_id, l.currency, l.lang, l.owner_id, l.owner_name, e.body_json, pl.body_json FROM contracts c JOIN leads l ON l.id = c.lead_id"
               " JOIN proposals p ON p.id = c.proposal_id JOIN estimates e ON e.id = p.estimate_id"
               " LEFT JOIN price_lists pl ON pl.id = e.price_list_id WHERE c.id = ?1 AND c.status = 'accepted'");
    c.bind(1, contract_id);
    if (!c.step()) throw Error("project: contract_id: no signed contract with id \"" + clip_utf8(contract_id, 64) + "\"", ErrorKind::not_found);
    const std::string lead = c.text(0), country(calendar_country_of(c.text(1))), lang = c.text(2);
    const std::string owner_id = c.is_null(3) ? "" : c.text(3), owner_name = c.text(4);
    json est = json::parse(c.text(5), nullptr, false);
    if (est.is_discarded()) est = json::object();
    // The studio's process for each stage (the price list's stages): what
    // the client provides, the checklist, the materials to ask for.
    json process = json::object();
    if (!c.is_null(6)) {
        const json pl = json::parse(c.text(6), nullptr, false);
        if (pl.is_object() && pl.contains("stages") && pl["stages"].is_array())
            for (const json& s : pl["stages"])
                if (s.is_object() && s.contains("id") && s["id"].is_string()) process[s["id"].get<std::string>()] = s;
    }
    auto in_lang = [&](const std::string& stage, const char* field) -> json {
        if (!process.contains(stage)) return nullptr;
        const json& f = process[stage].contains(field) ? process[stage][field] : json();
        return f.is_object() && f.contains(lang) ? f[lang] : json();
    };
    const WorkCalendar cal = load_calendar(db, country);
    const std::string today = std::string(at.substr(0, 10));
    Savepoint sp(db, "atelier_project");
    Stmt ins(db, "INSERT INTO projects(id, lead_id, contract_id, status, calendar, started_on, created_at, updated_at)"
                 " VALUES (?1, ?2, ?3, 'active', ?4, ?5, ?6, ?6)");
    ins.bind(1, id).bind(2, lead).bind(3, contract_id).bind(4, country).bind(5, today).bind(6, at).step();
    // The estimate's timeline, planned from the signing day.
    Stmt st(db, "INSERT INTO project_stages(id, project_id, stage, position, name, days, owner_id, owner_name, planned_start, planned_end,"
                " actual_start, status, updated_at, checklist_json, client_provides) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
    Stmt ask(db, "INSERT INTO material_requests(id, project_id, stage, title, due_on, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, 'template', ?6)");
    const int64_t soonest = cal.plus_working(cal.first_working(day_number(today, "project: at")), 3);
    int64_t day = cal.first_working(day_number(today, "project: at")), position = 0;
    const json& timeline = est.contains("timeline") && est["timeline"].is_array() ? est["timeline"] : json::array();
    for (const json& t : timeline) {
        const std::string stage = t.value("stage", "");
        const int64_t days = std::max<int64_t>(1, t.value("days", (int64_t)1));
        if (stage.empty()) continue;
        std::string name = stage;
        const json* names = est.contains("names") && est["names"].contains("stages") ? &est["names"]["stages"] : nullptr;
        if (names && names->contains(stage)) {
            const json& n = (*names)[stage];
            if (n.is_object() && n.contains(lang) && n[lang].is_string()) name = n[lang];
            else if (n.is_string()) name = n;
        }
        const int64_t end = cal.plus_working(day, days - 1);
        ++position;
        st.bind(1, uuid_from("project_stage|" + std::string(contract_id) + "|" + stage)).bind(2, id).bind(3, stage).bind(4, position)
            .bind(5, name).bind(6, days).bind(8, owner_name).bind(9, iso_date(day)).bind(10, iso_date(end))
            .bind(12, position == 1 ? "in_progress" : "planned").bind(13, at);
        if (owner_id.empty()) st.bind_null(7); else st.bind(7, owner_id);
        if (position == 1) st.bind(11, today); else st.bind_null(11);
        json checklist = json::array();
        const json items = in_lang(stage, "checklist");
        if (items.is_array())
            for (const json& it : items)
                if (it.is_string()) checklist.push_back({{"text", it}, {"done", false}});
        const json provides = in_lang(stage, "client_provides");
        st.bind(14, checklist.dump()).bind(15, provides.is_string() ? provides.get<std::string>() : std::string());
        st.step();
        st.reset();
        // Materials the process asks for this stage: needed by its start
        // (not sooner than three working days from the signing).
        const json materials = in_lang(stage, "materials");
        if (materials.is_array())
            for (size_t i = 0; i < materials.size(); ++i) {
                if (!materials[i].is_string() || materials[i].get<std::string>().empty()) continue;
                ask.bind(1, uuid_from("material|" + std::string(contract_id) + "|" + stage + "|" + std::to_string(i))).bind(2, id).bind(3, stage)
                    .bind(4, clip_utf8(materials[i].get<std::string>(), 199)).bind(5, iso_date(std::max(day, soonest))).bind(6, at);
                ask.step();
                ask.reset();
            }
        day = cal.plus_working(end, 1);
    }
    sp.commit();
    return id;
}

void announce_start(sqlite3* db, std::string_view project_id, const Actor& by, std::string_view at) {
    Stmt first(db, "SELECT s.id, s.stage, p.lead_id FROM project_stages s JOIN projects p ON p.id = s.project_id WHERE s.project_id = ?1"
                   " AND s.status = 'in_progress' ORDER BY s.position LIMIT 1");
    first.bind(1, project_id);
    if (first.step()) stage_started(db, first.text(2), project_id, first.text(0), first.text(1), by, at);
}

void backfill(sqlite3* db) {
    // The newest signed version of each lead's contract, as the conveyor reads it.
    Stmt q(db, "SELECT c.id, c.lead_id, coalesce(c.accepted_at, c.updated_at) FROM contracts c WHERE c.status = 'accepted'"
               " AND NOT EXISTS (SELECT 1 FROM contracts n WHERE n.lead_id = c.lead_id AND n.status = 'accepted' AND (n.version > c.version"
               " OR (n.version = c.version AND n.rowid > c.rowid))) ORDER BY c.rowid");
    std::vector<std::array<std::string, 3>> signed_;
    while (q.step()) signed_.push_back({q.text(0), q.text(1), q.text(2)});
    for (const auto& [contract, lead, at] : signed_) {
        open(db, contract, at);
        Stmt done(db, "SELECT json_extract(payload_json, '$.stage'), at FROM events WHERE lead_id = ?1 AND kind = 'stage_completed' ORDER BY at, id");
        done.bind(1, lead);
        std::vector<std::pair<std::string, std::string>> stages;
        while (done.step()) stages.emplace_back(done.text(0), done.text(1));
        for (const auto& [stage, when] : stages) stage_done(db, contract, stage, when);
    }
}

void stage_done(sqlite3* db, std::string_view contract_id, std::string_view stage, std::string_view at) {
    if (schema_version(db) < kSchemaWithProjects) return;
    const std::string project = uuid_from("project|" + std::string(contract_id));
    const std::string today = std::string(at.substr(0, 10));
    Stmt cur(db, "SELECT position FROM project_stages WHERE project_id = ?1 AND stage = ?2");
    cur.bind(1, project).bind(2, stage);
    if (!cur.step()) return;  // a stage the project does not have (an older contract's)
    const int64_t position = cur.int64(0);
    Stmt up(db, "UPDATE project_stages SET status = 'done', actual_start = coalesce(actual_start, ?3), actual_end = ?3, updated_at = ?4"
                " WHERE project_id = ?1 AND stage = ?2 AND status != 'done'");
    up.bind(1, project).bind(2, stage).bind(3, today).bind(4, at).step();
    // The next stage not done starts, unless it has already.
    Stmt next(db, "UPDATE project_stages SET status = 'in_progress', actual_start = ?3, updated_at = ?4 WHERE id = (SELECT id FROM project_stages"
                  " WHERE project_id = ?1 AND position > ?2 AND status != 'done' ORDER BY position LIMIT 1) AND status = 'planned'");
    next.bind(1, project).bind(2, position).bind(3, today).bind(4, at).step();
    Stmt left(db, "SELECT count(*) FROM project_stages WHERE project_id = ?1 AND status != 'done'");
    left.bind(1, project);
    left.step();
    if (left.int64(0) == 0) {
        Stmt fin(db, "UPDATE projects SET status = 'done', updated_at = ?2 WHERE id = ?1 AND status != 'done'");
        fin.bind(1, project).bind(2, at).step();
    }
}

json view(sqlite3* db, std::string_view project_or_lead_id) {
    Stmt p(db, "SELECT p.id, p.lead_id, p.contract_id, p.status, p.calendar, p.started_on, cl.name, coalesce(c.number, c.provisional_number, ''), l.lang"
               " FROM projects p JOIN leads l ON l.id = p.lead_id JOIN clients cl ON cl.id = l.client_id JOIN contracts c ON c.id = p.contract_id"
               " WHERE p.id = ?1 OR p.lead_id = ?1 ORDER BY p.created_at DESC LIMIT 1");
    p.bind(1, project_or_lead_id);
    if (!p.step()) throw not_found("project: id", "project", std::string(project_or_lead_id));
    json out = {{"id", p.text(0)}, {"lead_id", p.text(1)}, {"contract_id", p.text(2)}, {"status", p.text(3)}, {"calendar", p.text(4)},
                {"started_on", p.text(5)}, {"client", p.text(6)}, {"contract_number", p.text(7)}, {"lang", p.text(8)}};
    const std::string id = p.text(0);
    json stages = json::array();
    Stmt s(db, "SELECT id, stage, position, name, days, owner_id, owner_name, planned_start, planned_end, actual_start, actual_end, status,"
               " checklist_json, client_provides FROM project_stages WHERE project_id = ?1 ORDER BY position");
    s.bind(1, id);
    while (s.step()) {
        json checklist = json::parse(s.text(12), nullptr, false);
        stages.push_back({{"id", s.text(0)}, {"stage", s.text(1)}, {"position", s.int64(2)}, {"name", s.text(3)}, {"days", s.int64(4)},
                          {"owner_id", s.is_null(5) ? json(nullptr) : json(s.text(5))}, {"owner_name", s.text(6)},
                          {"planned_start", s.text(7)}, {"planned_end", s.text(8)},
                          {"actual_start", s.is_null(9) ? json(nullptr) : json(s.text(9))}, {"actual_end", s.is_null(10) ? json(nullptr) : json(s.text(10))},
                          {"status", s.text(11)}, {"checklist", checklist.is_discarded() ? json::array() : checklist}, {"client_provides", s.text(13)}});
    }
    out["stages"] = stages;
    json requests = json::array();
    Stmt r(db, "SELECT id, stage, title, due_on, status, answer_text, answered_at, answered_by, created_at FROM material_requests"
               " WHERE project_id = ?1 ORDER BY created_at, rowid");
    r.bind(1, id);
    while (r.step()) {
        json files = json::array();
        Stmt f(db, "SELECT id, name, type, size, uploaded_at FROM material_files WHERE request_id = ?1 ORDER BY uploaded_at, name, id");
        f.bind(1, r.text(0));
        while (f.step())
            files.push_back({{"id", f.text(0)}, {"name", f.text(1)}, {"type", f.text(2)}, {"size", f.int64(3)}, {"uploaded_at", f.text(4)}});
        requests.push_back({{"id", r.text(0)}, {"stage", r.text(1)}, {"title", r.text(2)}, {"due_on", r.is_null(3) ? json(nullptr) : json(r.text(3))},
                            {"status", r.text(4)}, {"answer", r.text(5)}, {"answered_at", r.is_null(6) ? json(nullptr) : json(r.text(6))},
                            {"answered_by", r.is_null(7) ? json(nullptr) : json(r.text(7))}, {"created_at", r.text(8)},
                            {"files", files}});
    }
    out["requests"] = requests;
    Stmt t(db, "SELECT token FROM doc_links WHERE kind = 'project' AND doc_id = ?1 AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 1");
    t.bind(1, id);
    out["token"] = t.step() ? json(t.text(0)) : json(nullptr);
    return out;
}

void move_stage(sqlite3* db, std::string_view stage_id, std::string_view start, const Actor& by, std::string_view at) {
    check_at(at, "stage");
    const StageRow s = stage_row(db, stage_id, "stage");
    const int64_t wanted = date_of(start, "stage: start");
    if (s.status == "done") throw conflict("stage: the stage \"" + s.stage + "\" is done: its dates are what happened");
    Savepoint sp(db, "atelier_project");
    const WorkCalendar cal = calendar_of(db, s.project_id);
    replan_from(db, s.project_id, s.position, cal.first_working(wanted), cal, at);
    record_event(db, lead_of_project(db, s.project_id, "stage"), "project_stage_moved", by, at,
                 json{{"project_id", s.project_id}, {"stage", s.stage}, {"from", s.planned_start}, {"to", iso_date(cal.first_working(wanted))}});
    sp.commit();
}

void set_stage_status(sqlite3* db, std::string_view stage_id, std::string_view status, const Actor& by, std::string_view at) {
    check_at(at, "stage");
    const StageRow s = stage_row(db, stage_id, "stage");
    if (status != "planned" && status != "in_progress" && status != "waiting_client")
        throw Error("stage: status: expected planned, in_progress or waiting_client (a stage is done by completing it), got \"" +
                    clip_utf8(status, 40) + "\"");
    if (s.status == "done") throw conflict("stage: the stage \"" + s.stage + "\" is done already");
    if (s.status == status) return;
    Savepoint sp(db, "atelier_project");
    Stmt up(db, "UPDATE project_stages SET status = ?2, actual_start = CASE WHEN ?2 = 'planned' THEN NULL ELSE coalesce(actual_start, ?3) END,"
                " updated_at = ?4 WHERE id = ?1");
    up.bind(1, stage_id).bind(2, status).bind(3, std::string(at.substr(0, 10))).bind(4, at).step();
    const std::string lead = lead_of_project(db, s.project_id, "stage");
    record_event(db, lead, "project_stage_status", by, at,
                 json{{"project_id", s.project_id}, {"stage", s.stage}, {"from", s.status}, {"to", std::string(status)}});
    if (s.status == "planned") stage_started(db, lead, s.project_id, s.id, s.stage, by, at);
    sp.commit();
}

void edit_stage(sqlite3* db, std::string_view stage_id, const json& changes, const Actor& by, std::string_view at) {
    check_at(at, "stage");
    const StageRow s = stage_row(db, stage_id, "stage");
    if (!changes.is_object() || changes.empty())
        throw Error("stage: expected an object with owner_id, owner_name, checklist or client_provides");
    std::vector<std::string> problems;
    for (const auto& [k, v] : changes.items()) {
        if (k == "owner_id" || k == "owner_name" || k == "client_provides") {
            if (!v.is_string() && !(k == "owner_id" && v.is_null())) problems.push_back(k + ": expected text");
            else if (v.is_string() && (!valid_utf8(v.get<std::string>()) || v.get<std::string>().size() > (k == "client_provides" ? 4000u : 200u)))
                problems.push_back(k + ": expected UTF-8 text of at most " + (k == "client_provides" ? "4000" : "200") + " bytes");
        } else if (k == "checklist") {
            if (!v.is_array()) problems.push_back("checklist: expected an array");
            else
                for (size_t i = 0; i < v.size(); ++i) {
                    const json& it = v[i];
                    const bool ok = (it.is_string() && !it.get<std::string>().empty()) ||
                                    (it.is_object() && it.contains("text") && it["text"].is_string() && !it["text"].get<std::string>().empty() &&
                                     (!it.contains("done") || it["done"].is_boolean()));
                    if (!ok) problems.push_back("checklist[" + std::to_string(i) + "]: expected a text or {\"text\", \"done\"}");
                }
        } else {
            problems.push_back(k + ": unknown field (owner_id, owner_name, checklist, client_provides)");
        }
    }
    refuse_if_any("stage", problems);
    Savepoint sp(db, "atelier_project");
    for (const auto& [k, v] : changes.items()) {
        if (k == "checklist") {
            json items = json::array();
            for (const json& it : v) items.push_back(it.is_string() ? json{{"text", it}, {"done", false}} : json{{"text", it["text"]}, {"done", it.value("done", false)}});
            Stmt up(db, "UPDATE project_stages SET checklist_json = ?2, updated_at = ?3 WHERE id = ?1");
            up.bind(1, stage_id).bind(2, items.dump()).bind(3, at).step();
        } else {
            Stmt up(db, ("UPDATE project_stages SET " + k + " = ?2, updated_at = ?3 WHERE id = ?1").c_str());
            up.bind(1, stage_id).bind(3, at);
            if (v.is_null()) up.bind_null(2); else up.bind(2, v.get<std::string>());
            up.step();
        }
    }
    record_event(db, lead_of_project(db, s.project_id, "stage"), "project_stage_edited", by, at,
                 json{{"project_id", s.project_id}, {"stage", s.stage}, {"changes", changes}});
    sp.commit();
}

std::string request_material(sqlite3* db, std::string_view project_id, std::string_view stage, std::string_view title,
                             std::string_view due_on, const Actor& by, std::string_view at) {
    check_at(at, "material");
    const std::string lead = lead_of_project(db, project_id, "material");
    std::vector<std::string> problems;
    const std::string t(title);
    if (t.find_first_not_of(" \t\r\n") == std::string::npos) problems.push_back("title: required");
    else if (!valid_utf8(t) || utf8_length(t) > 200) problems.push_back("title: expected UTF-8 text of 1 to 200 characters");
    if (!due_on.empty()) {
        try {
            date_of(due_on, "due_on");
        } catch (const Error& e) {
            problems.push_back(std::string(e.what()).substr(9));
        }
    }
    if (!stage.empty()) {
        Stmt s(db, "SELECT 1 FROM project_stages WHERE project_id = ?1 AND stage = ?2");
        s.bind(1, project_id).bind(2, stage);
        if (!s.step()) problems.push_back("stage: the project has no stage \"" + clip_utf8(stage, 40) + "\"");
    }
    refuse_if_any("material", problems);
    Savepoint sp(db, "atelier_project");
    const std::string id = new_uuid();
    Stmt ins(db, "INSERT INTO material_requests(id, project_id, stage, title, due_on, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    ins.bind(1, id).bind(2, project_id).bind(3, stage).bind(4, t).bind(6, by.id).bind(7, at);
    if (due_on.empty()) ins.bind_null(5); else ins.bind(5, due_on);
    ins.step();
    record_event(db, lead, "material_requested", by, at, json{{"project_id", std::string(project_id)}, {"request_id", id}, {"title", t},
                                                               {"stage", std::string(stage)}, {"due_on", std::string(due_on)}});
    sp.commit();
    return id;
}

void answer_material(sqlite3* db, std::string_view request_id, std::string_view text, const Actor& by, std::string_view at,
                     const std::vector<FileMeta>& files) {
    check_at(at, "material");
    Stmt q(db, "SELECT project_id, title FROM material_requests WHERE id = ?1");
    q.bind(1, request_id);
    if (!q.step()) throw not_found("material: request_id", "material request", std::string(request_id));
    const std::string project = q.text(0), title = q.text(1);
    const std::string t(text);
    const bool words = t.find_first_not_of(" \t\r\n") != std::string::npos;
    if (!words && files.empty()) throw Error("material: answer: required (words or files)");
    if (!valid_utf8(t) || utf8_length(t) > 10000) throw Error("material: answer: expected UTF-8 text of at most 10,000 characters");
    if (files.size() > uploads::kFilesPerAnswer)
        throw Error("material: files: at most " + std::to_string(uploads::kFilesPerAnswer) + " in one answer");
    for (const FileMeta& f : files)
        if (f.id.empty() || f.name.empty() || f.type.empty() || f.size <= 0 || f.sha256.size() != 64)
            throw Error("material: files: \"" + clip_utf8(f.name, 60) + "\": expected an id, a name, a type, a size and a SHA-256");
    const std::string who = by.id == "client" ? std::string("client") : by.id;
    Savepoint sp(db, "atelier_project");
    Stmt up(db, "UPDATE material_requests SET status = 'answered', answer_text = CASE WHEN ?5 THEN ?2 ELSE answer_text END,"
                " answered_at = ?3, answered_by = ?4 WHERE id = ?1");
    up.bind(1, request_id).bind(2, t).bind(3, at).bind(4, who).bind(5, (int64_t)words).step();
    json names = json::array();
    for (const FileMeta& f : files) {
        Stmt ins(db, "INSERT INTO material_files(id, request_id, project_id, name, type, size, sha256, uploaded_by, uploaded_at)"
                     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
        ins.bind(1, f.id).bind(2, request_id).bind(3, project).bind(4, f.name).bind(5, f.type).bind(6, f.size).bind(7, f.sha256)
            .bind(8, who).bind(9, at).step();
        names.push_back(f.name);
    }
    record_event(db, lead_of_project(db, project, "material"), "material_answered", by, at,
                 json{{"project_id", project}, {"request_id", std::string(request_id)}, {"title", title}, {"files", names}});
    sp.commit();
}

std::optional<FileMeta> file(sqlite3* db, std::string_view file_id, std::string_view project_id) {
    Stmt q(db, "SELECT id, name, type, sha256, size FROM material_files WHERE id = ?1 AND (?2 IS NULL OR project_id = ?2)");
    q.bind(1, file_id);
    if (project_id.empty()) q.bind_null(2); else q.bind(2, project_id);
    if (!q.step()) return std::nullopt;
    return FileMeta{q.text(0), q.text(1), q.text(2), q.text(3), q.int64(4)};
}

analytics::Table late(sqlite3* db, const std::string& today) {
    const int64_t now = date_of(today, "report: today");
    analytics::Table t{{"project_id", "lead_id", "client", "stage", "reason", "since", "days"}, {}};
    Stmt q(db, "SELECT p.id, p.lead_id, cl.name, s.stage, CASE WHEN s.status = 'waiting_client' THEN 'waiting_client' ELSE 'late' END,"
               " CASE WHEN s.status = 'waiting_client' THEN coalesce(substr(s.updated_at, 1, 10), s.planned_end) ELSE s.planned_end END, s.position"
               " FROM project_stages s JOIN projects p ON p.id = s.project_id JOIN leads l ON l.id = p.lead_id JOIN clients cl ON cl.id = l.client_id"
               " WHERE p.status = 'active' AND s.status != 'done' AND (s.status = 'waiting_client' OR s.planned_end < ?1)"
               " UNION ALL"
               " SELECT p.id, p.lead_id, cl.name, m.stage, 'materials_late', m.due_on, 1000000"
               " FROM material_requests m JOIN projects p ON p.id = m.project_id JOIN leads l ON l.id = p.lead_id JOIN clients cl ON cl.id = l.client_id"
               " WHERE p.status = 'active' AND m.status = 'open' AND m.due_on IS NOT NULL AND m.due_on < ?1"
               " ORDER BY 6, 1, 7");
    q.bind(1, today);
    while (q.step()) {
        const std::string since = q.text(5);
        t.rows.push_back({q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), since, now - day_number(since, "since")});
    }
    return t;
}

}  // namespace atelier::projects
