// Projects: a signed contract's stages planned over Russia's New Year
// holidays (the dates checked against a day-by-day count written here from
// the production calendar's facts, not by the calendar code), a stage moved
// and the later ones following, stages completed, the client's materials
// asked and answered, what is late; the SQL functions; an older database's
// signed contracts becoming projects when it is upgraded.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "analytics.h"
#include "conveyor.h"
#include "demo.h"
#include "error.h"
#include "functions.h"
#include "pricing.h"
#include "projects.h"
#include "test_db.h"
#include "workflow.h"

using namespace atelier;
using nlohmann::json;

namespace {

const Actor anna{"user-anna", "Anna Petrova", "app", false};

// Russia's working days around the 2027 New Year as the production calendar
// has them: weekends, 31 December 2026 (moved from 4 January) and 1 to 8
// January 2027 off.
bool ru_working(const std::string& d) {
    static const std::set<std::string> off = {"2026-12-31", "2027-01-01", "2027-01-04", "2027-01-05", "2027-01-06", "2027-01-07", "2027-01-08",
                                              "2027-02-23", "2027-03-08"};
    const int64_t n = day_number(d, "d");
    const int64_t weekday = ((n % 7) + 7 + 3) % 7;  // 1970-01-01 was a Thursday: 0 Monday .. 6 Sunday
    return weekday < 5 && !off.count(d);
}
std::string next_ru_working(std::string d, int skip) {
    // The working day `skip` working days after d (d itself when skip is 0 and it is one).
    int64_t n = day_number(d, "d");
    while (!ru_working(iso_date(n))) ++n;
    for (int i = 0; i < skip; ++i) {
        ++n;
        while (!ru_working(iso_date(n))) ++n;
    }
    return iso_date(n);
}

struct Signed {
    TestDb t;
    std::string lead, contract;
    json timeline;
    Signed(const char* signed_at = "2026-12-28T10:00:00Z") {
        seed_demo(t.db);
        install_defaults(t.db, "2026-12-01T09:00:00Z");
        NewLead l = new_lead_from_json(json{{"client_name", "Иван Смирнов"}, {"email", "ivan@example.ru"}, {"lang", "ru"}, {"currency", "RUB"}});
        lead = conveyor::create(t.db, l, anna, "2026-12-21T09:00:00Z").lead_id;
        json answers = {{"company", "ООО Ромашка"}, {"activity", "Цветы"}, {"goals", {"sales"}}, {"pages", 8},
                        {"sections", {"about", "contacts"}}, {"content_pages", 4}, {"languages", 1}, {"needs_catalogue", false},
                        {"design_level", "custom"}, {"integrations", json::array()}, {"seo", false}, {"urgency", "normal"}};
        conveyor::save_brief(t.db, lead, "corporate", answers, true, anna, "2026-12-21T10:00:00Z");
        const std::string est = conveyor::estimate(t.db, lead, json::object(), anna, "2026-12-21T11:00:00Z").made["estimate_id"];
        Stmt e(t.db, "SELECT body_json FROM estimates WHERE id = ?1");
        e.bind(1, est).step();
        timeline = json::parse(e.text(0))["timeline"];
        const std::string prop = conveyor::propose(t.db, est, anna, "2026-12-21T11:05:00Z").made["proposal_id"];
        contract = conveyor::accept(t.db, prop, Acceptance{"phone", "Иван", "", ""}, anna, "2026-12-22T10:00:00Z").made["contract_id"];
        conveyor::sign(t.db, contract, Acceptance{"paper", "Иван", "", ""}, anna, signed_at);
    }
};

// The stages as "stage planned_start..planned_end status" lines.
std::string plan(const json& p) {
    std::string out;
    for (const json& s : p["stages"])
        out += s["stage"].get<std::string>() + " " + s["planned_start"].get<std::string>() + ".." + s["planned_end"].get<std::string>() + " " +
               s["status"].get<std::string>() + "\n";
    return out;
}

// The same, worked out day by day from `start` and the timeline's lengths.
std::string expected_plan(const json& timeline, std::string start, const std::vector<std::string>& statuses) {
    std::string out;
    size_t i = 0;
    for (const json& t : timeline) {
        const int days = t["days"];
        const std::string first = next_ru_working(start, 0), last = next_ru_working(first, days - 1);
        out += t["stage"].get<std::string>() + " " + first + ".." + last + " " + statuses[i++] + "\n";
        start = next_ru_working(last, 1);
    }
    return out;
}

}  // namespace

TEST_CASE("projects: a signed contract opens its project, the estimate's stages planned by Russia's working days") {
    Signed s;
    REQUIRE(s.timeline.size() >= 3);
    const json p = projects::view(s.t.db, s.lead);
    CHECK(p["contract_id"] == s.contract);
    CHECK(p["status"] == "active");
    CHECK(p["client"] == "Иван Смирнов");
    CHECK(p["started_on"] == "2026-12-28");
    std::vector<std::string> statuses(s.timeline.size(), "planned");
    statuses[0] = "in_progress";
    // Signed on Monday 28 December: the first stage starts that day; 31
    // December and 1-8 January are not worked.
    CHECK(plan(p) == expected_plan(s.timeline, "2026-12-28", statuses));
    CHECK(p["stages"][0]["actual_start"] == "2026-12-28");
    CHECK(p["stages"][0]["name"] == "Исследование и прототип");
    CHECK(p["stages"][0]["owner_name"] == "Anna Petrova");  // the lead's owner
    // Opened once: the same project again, on any replica (ids from the contract).
    CHECK(projects::open(s.t.db, s.contract, "2027-01-11T10:00:00Z") == p["id"]);
    CHECK(s.t.count("SELECT count(*) FROM projects") == 1);
    CHECK(s.t.count("SELECT count(*) FROM events WHERE kind = 'contract_signed' AND json_extract(payload_json, '$.project_id') IS NOT NULL") == 1);
}

TEST_CASE("projects: a stage moved takes the later ones with it; stages completed start the next; the project ends with its last") {
    Signed s;
    json p = projects::view(s.t.db, s.lead);
    const std::string second = p["stages"][1]["id"];
    // The second stage to start on Saturday 2 January: the first working day is Monday 11.
    projects::move_stage(s.t.db, second, "2027-01-02", anna, "2026-12-29T10:00:00Z");
    p = projects::view(s.t.db, s.lead);
    CHECK(p["stages"][1]["planned_start"] == "2027-01-11");
    std::vector<std::string> statuses(s.timeline.size(), "planned");
    statuses[0] = "in_progress";
    // The first stage keeps its dates; from the second on, planned from the 11th.
    json rest = json::array();
    for (size_t i = 1; i < s.timeline.size(); ++i) rest.push_back(s.timeline[i]);
    const std::string first_line = plan(json{{"stages", json::array({p["stages"][0]})}});
    CHECK(plan(p) == first_line + expected_plan(rest, "2027-01-11", std::vector<std::string>(statuses.begin() + 1, statuses.end())));
    CHECK(s.t.count("SELECT count(*) FROM events WHERE kind = 'project_stage_moved'") == 1);
    // A wrong date is refused, naming it; nothing changes.
    CHECK_THROWS_WITH(projects::move_stage(s.t.db, second, "2027-02-30", anna, "2026-12-29T10:00:00Z"),
                      doctest::Contains("stage: start: "));
    CHECK_THROWS_WITH(projects::move_stage(s.t.db, second, "soon", anna, "2026-12-29T10:00:00Z"),
                      "atelier: stage: start: expected a date YYYY-MM-DD, got \"soon\"");
    CHECK_THROWS_WITH_AS(projects::move_stage(s.t.db, "no-such-stage", "2027-01-11", anna, "2026-12-29T10:00:00Z"),
                         "atelier: stage: stage_id: no project stage with id \"no-such-stage\"", Error);
    CHECK(projects::view(s.t.db, s.lead)["stages"][1]["planned_start"] == "2027-01-11");

    // The first stage done on 12 January: the second is in progress from then.
    const std::string first = s.timeline[0]["stage"];
    conveyor::complete_stage(s.t.db, s.lead, first, anna, "2027-01-12T15:00:00Z");
    p = projects::view(s.t.db, s.lead);
    CHECK(p["stages"][0]["status"] == "done");
    CHECK(p["stages"][0]["actual_end"] == "2027-01-12");
    CHECK(p["stages"][1]["status"] == "in_progress");
    CHECK(p["stages"][1]["actual_start"] == "2027-01-12");
    // A done stage keeps what happened.
    CHECK_THROWS_WITH(projects::move_stage(s.t.db, p["stages"][0]["id"].get<std::string>(), "2027-01-13", anna, "2027-01-13T10:00:00Z"),
                      doctest::Contains("is done: its dates are what happened"));
    CHECK_THROWS_WITH(projects::set_stage_status(s.t.db, second, "done", anna, "2027-01-13T10:00:00Z"),
                      doctest::Contains("stage: status: expected planned, in_progress or waiting_client"));
    // Every stage done: the project is.
    for (size_t i = 1; i < s.timeline.size(); ++i)
        conveyor::complete_stage(s.t.db, s.lead, s.timeline[i]["stage"].get<std::string>(), anna, "2027-02-01T10:00:00Z");
    p = projects::view(s.t.db, s.lead);
    CHECK(p["status"] == "done");
    CHECK(s.t.count("SELECT count(*) FROM project_stages WHERE status = 'done'") == (long long)s.timeline.size());
    CHECK(s.t.count("SELECT count(*) FROM acts") == (long long)s.timeline.size());
}

TEST_CASE("projects: materials asked of the client and answered; what is late or waits on the client") {
    Signed s;
    json p = projects::view(s.t.db, s.lead);
    const std::string project = p["id"], first = p["stages"][0]["stage"], second_id = p["stages"][1]["id"];
    // Refused with every problem named, nothing stored.
    CHECK_THROWS_WITH(projects::request_material(s.t.db, project, "painting", "", "2027-13-01", anna, "2026-12-28T11:00:00Z"),
                      doctest::Contains("material: title: required; due_on: "));
    CHECK_THROWS_WITH(projects::request_material(s.t.db, project, "painting", "Логотип", "", anna, "2026-12-28T11:00:00Z"),
                      "atelier: material: stage: the project has no stage \"painting\"");
    CHECK(s.t.count("SELECT count(*) FROM material_requests") == 0);
    const std::string logo = projects::request_material(s.t.db, project, first, "Логотип в SVG", "2027-01-12", anna, "2026-12-28T11:00:00Z");
    const std::string texts = projects::request_material(s.t.db, project, "", "Тексты для страниц", "2027-01-20", anna, "2026-12-28T11:00:00Z");
    CHECK(s.t.count("SELECT count(*) FROM events WHERE kind = 'material_requested'") == 2);

    const json first_stage = p["stages"][0];
    const std::string first_end = first_stage["planned_end"];
    // The day after the first stage's planned end: it is late; the logo is late too.
    const std::string day_after = iso_date(day_number(first_end, "d") + 1);
    analytics::Table late = projects::late(s.t.db, day_after);
    std::set<std::string> reasons;
    for (const auto& r : late.rows) reasons.insert(r[4].get<std::string>() + ":" + r[3].get<std::string>());
    const bool logo_late = day_after > "2027-01-12";
    CHECK(reasons.count("late:" + first) == 1);
    CHECK(reasons.count("materials_late:" + first) == (logo_late ? 1u : 0u));
    for (const auto& r : late.rows)
        if (r[4] == "late") {
            CHECK(r[5] == first_end);
            CHECK(r[6] == 1);
            CHECK(r[2] == "Иван Смирнов");
        }
    // Answered: no longer late; the answer kept, the event journaled.
    projects::answer_material(s.t.db, logo, "https://disk.example/logo.svg", client_actor("Иван"), "2027-01-13T09:00:00Z");
    CHECK_THROWS_WITH(projects::answer_material(s.t.db, texts, "  ", client_actor("Иван"), "2027-01-13T09:00:00Z"),
                      "atelier: material: answer: required");
    p = projects::view(s.t.db, s.lead);
    CHECK(p["requests"][0]["status"] == "answered");
    CHECK(p["requests"][0]["answer"] == "https://disk.example/logo.svg");
    CHECK(p["requests"][0]["answered_by"] == "client");
    CHECK(p["requests"][1]["status"] == "open");
    CHECK(s.t.count("SELECT count(*) FROM events WHERE kind = 'material_answered'") == 1);
    // On 21 January: the texts are late (due the 20th), one day.
    late = projects::late(s.t.db, "2027-01-21");
    bool texts_late = false;
    for (const auto& r : late.rows) texts_late = texts_late || (r[4] == "materials_late" && r[5] == "2027-01-20" && r[6] == 1);
    CHECK(texts_late);
    // A stage waiting on the client is listed as such, whatever its dates.
    projects::set_stage_status(s.t.db, second_id, "waiting_client", anna, "2026-12-29T10:00:00Z");
    late = projects::late(s.t.db, "2026-12-29");
    REQUIRE(late.rows.size() == 1);
    CHECK(late.rows[0][4] == "waiting_client");
    CHECK(late.rows[0][5] == "2026-12-29");
    // Through SQL: the table-valued function, the transitions.
    REQUIRE(atelier_register_functions(s.t.db) == SQLITE_OK);
    CHECK(s.t.text("SELECT reason || ':' || days FROM atelier_projects_late('2026-12-30')") == "waiting_client:1");
    CHECK(s.t.text(("SELECT json_extract(atelier_project('" + project + "'), '$.stages[1].status')").c_str()) == "waiting_client");
    CHECK(s.t.text(("SELECT json_extract(atelier_project_stage_status('" + second_id + "', 'in_progress', 'Anna', '2026-12-30T10:00:00Z'), '$.stages[1].status')").c_str()) ==
          "in_progress");
    CHECK(s.t.text(("SELECT json_extract(atelier_project_stage_edit('" + second_id +
                    "', '{\"checklist\": [\"Макет главной\", {\"text\": \"Мобильная версия\", \"done\": true}], \"client_provides\": \"Фотографии товаров\"}', 'Anna'),"
                    " '$.stages[1].checklist[1].done')").c_str()) == "1");
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(s.t.db, ("SELECT atelier_project_stage_edit('" + second_id + "', '{\"colour\": \"red\", \"checklist\": [1]}', 'Anna')").c_str(), -1, &st, nullptr);
    CHECK(sqlite3_step(st) == SQLITE_ERROR);
    CHECK(std::string(sqlite3_errmsg(s.t.db)) ==
          "atelier: atelier_project_stage_edit: stage: checklist[0]: expected a text or {\"text\", \"done\"}; colour: unknown field (owner_id, owner_name, checklist, client_provides)");
    sqlite3_finalize(st);
    CHECK(s.t.text("SELECT count(*) FROM atelier_projects_late('2026-12-30')") == "0");
}

TEST_CASE("projects: an older database's signed contracts become projects when it is upgraded, with their stages, acts and payments intact") {
    TestDb t(false);
    migrate(t.db, 11);  // the schema before projects, with a year of history
    seed_demo(t.db);
    install_defaults(t.db, "2026-12-01T00:00:00Z");
    REQUIRE(seed_demo_history(t.db, "2026-12-01T09:00:00Z", "https://studio.example", 120) > 0);
    const long long signed_leads = t.count("SELECT count(DISTINCT lead_id) FROM contracts WHERE status = 'accepted'");
    const long long done = t.count("SELECT count(*) FROM events WHERE kind = 'stage_completed'");
    const long long acts = t.count("SELECT count(*) FROM acts"), invoices = t.count("SELECT count(*) FROM invoices"),
                    payments = t.count("SELECT count(*) FROM payments"), links = t.count("SELECT count(*) FROM doc_links");
    REQUIRE(signed_leads > 5);
    REQUIRE(done > 5);
    migrate(t.db);
    CHECK(t.count("SELECT count(*) FROM projects") == signed_leads);
    CHECK(t.count("SELECT count(*) FROM project_stages WHERE status = 'done'") == done);
    CHECK(t.count("SELECT count(*) FROM project_stages WHERE status = 'in_progress'") ==
          t.count("SELECT count(*) FROM projects WHERE status = 'active'"));
    // Each done stage's dates are its completion's.
    CHECK(t.count("SELECT count(*) FROM project_stages s JOIN projects p ON p.id = s.project_id JOIN events e ON e.lead_id = p.lead_id"
                  " AND e.kind = 'stage_completed' AND json_extract(e.payload_json, '$.stage') = s.stage WHERE s.actual_end = substr(e.at, 1, 10)") == done);
    CHECK(t.count("SELECT count(*) FROM acts") == acts);
    CHECK(t.count("SELECT count(*) FROM invoices") == invoices);
    CHECK(t.count("SELECT count(*) FROM payments") == payments);
    CHECK(t.count("SELECT count(*) FROM doc_links") == links);
    // The client links now take the project page.
    exec(t.db, "INSERT INTO doc_links(token, kind, doc_id, lead_id, created_at) SELECT 'tttttttttttttttttttttt', 'project', id, lead_id, created_at FROM projects LIMIT 1");
    CHECK(t.count("SELECT count(*) FROM doc_links WHERE kind = 'project'") == 1);
}
