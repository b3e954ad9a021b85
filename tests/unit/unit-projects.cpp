// Projects: a signed contract's stages planned over Russia's New Year
// holidays (the dates checked against a day-by-day count written here from
// the production calendar's facts, not by the calendar code), a stage moved
// and the later ones following, stages completed, the client's materials
// asked and answered, what is late; the SQL functions; an older database's
// signed contracts becoming projects when it is upgraded.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>

#include "analytics.h"
#include "automation.h"
#include "ids.h"
#include "links.h"
#include "conveyor.h"
#include "demo.h"
#include "error.h"
#include "functions.h"
#include "pricing.h"
#include "projects.h"
#include "support.h"
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
    // with_process: the default price list's stages keep what the client
    // provides, their checklists and the materials they ask for; without,
    // a studio whose process asks for nothing by itself.
    explicit Signed(const char* signed_at = "2026-12-28T10:00:00Z", bool with_process = false) {
        seed_demo(t.db);
        install_defaults(t.db, "2026-12-01T09:00:00Z");
        if (!with_process)
            exec(t.db, "UPDATE price_lists SET body_json = json_set(body_json, '$.stages', (SELECT json_group_array(json_remove(value,"
                       " '$.client_provides', '$.checklist', '$.materials')) FROM json_each(price_lists.body_json, '$.stages')))");
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
                      "atelier: material: answer: required (words or files)");
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
    // The stage notices came with the upgrade, from now on: none for the history.
    CHECK(t.count("SELECT count(*) FROM rules WHERE code IN ('stage_started', 'stage_prepare', 'stage_finished', 'act_reminder',"
                  " 'material_request', 'material_late', 'material_answered') AND active_from > '2026-12-01'") == 7);
    automation::tick(t.db, now_iso(), "https://studio.example");
    CHECK(t.count("SELECT count(*) FROM outbox WHERE rule IN ('stage_started', 'stage_prepare', 'stage_finished', 'act_reminder')"
                  " AND status IN ('queued', 'sent')") == 0);
    // The client links now take the project page.
    exec(t.db, "INSERT INTO doc_links(token, kind, doc_id, lead_id, created_at) SELECT 'tttttttttttttttttttttt', 'project', id, lead_id, created_at FROM projects LIMIT 1");
    CHECK(t.count("SELECT count(*) FROM doc_links WHERE kind = 'project'") == 1);
}

TEST_CASE("projects: the studio's process per stage: what the client provides, the checklist and the materials asked, in the client's language") {
    Signed s("2026-12-28T10:00:00Z", true);
    json p = projects::view(s.t.db, s.lead);
    const json& research = p["stages"][0];
    const json& design = p["stages"][1];
    CHECK(research["client_provides"].get<std::string>().find("Час на интервью") == 0);
    REQUIRE(research["checklist"].size() == 5);
    CHECK(research["checklist"][0] == json{{"text", "Интервью с клиентом"}, {"done", false}});
    CHECK(design["client_provides"] == "Логотип в векторе, фирменные цвета и шрифты, фотографии.");
    // The materials: one request each, of its stage, needed by its start (the
    // first stage's: three working days after the signing on Monday 28 December,
    // 31 December and the New Year holidays being off: 11 January).
    std::map<std::string, std::vector<std::string>> asked;
    for (const json& r : p["requests"]) asked[r["stage"].get<std::string>()].push_back(r["title"].get<std::string>() + " @" + r["due_on"].get<std::string>());
    CHECK(asked["research"] == std::vector<std::string>{"Доступ к аналитике текущего сайта (если есть) @2027-01-11",
                                                         "Три сайта, которые вам нравятся, и почему @2027-01-11"});
    REQUIRE(asked["design"].size() == 3);
    CHECK(asked["design"][0] == "Логотип в SVG или AI @" + design["planned_start"].get<std::string>());
    CHECK(s.t.count("SELECT count(*) FROM material_requests WHERE created_by = 'template'") == (long long)p["requests"].size());
    CHECK(s.t.count("SELECT count(*) FROM events WHERE kind = 'material_requested'") == 0);  // the stage notices tell the client
    // The client's page lists what is needed, with the dates.
    const std::string html = projects::page_html(s.t.db, p["id"].get<std::string>(), Lang::ru, "2026-12-28T11:00:00Z");
    CHECK(html.find("Логотип в SVG или AI") != std::string::npos);
    CHECK(html.find("Час на интервью") != std::string::npos);
    // The design stage moved a week later: its materials are needed later;
    // moved back sooner, they keep the later date the client was given.
    const std::string design_id = design["id"], start = design["planned_start"], moved = iso_date(day_number(start, "d") + 7);
    projects::move_stage(s.t.db, design_id, moved, anna, "2026-12-29T10:00:00Z");
    p = projects::view(s.t.db, s.lead);
    const std::string later = p["stages"][1]["planned_start"];
    CHECK(later > start);
    CHECK(s.t.count(("SELECT count(*) FROM material_requests WHERE stage = 'design' AND due_on = '" + later + "'").c_str()) == 3);
    projects::move_stage(s.t.db, design_id, start, anna, "2026-12-29T11:00:00Z");
    CHECK(s.t.count(("SELECT count(*) FROM material_requests WHERE stage = 'design' AND due_on = '" + later + "'").c_str()) == 3);
    // The process is part of the price list: checked when it is saved.
    json pl = json::parse(s.t.text("SELECT body_json FROM price_lists WHERE currency = 'RUB' ORDER BY version DESC LIMIT 1"));
    pl["stages"][1]["checklist"]["ru"][2] = "";
    CHECK_THROWS_WITH(save_price_list(s.t.db, pl.dump(), "2026-12-29T12:00:00Z"), doctest::Contains("stages[1].checklist.ru[2]: expected UTF-8 text of 1 to 200 characters"));
    pl["stages"][1]["checklist"]["ru"][2] = "Мобильные версии";
    pl["stages"][1]["materials"] = {{"de", json::array({"Logo"})}};
    CHECK_THROWS_WITH(save_price_list(s.t.db, pl.dump(), "2026-12-29T12:00:00Z"), doctest::Contains("stages[1].materials.de: unknown language (ru, fr, en)"));
}

TEST_CASE("projects: an answer with files: listed with the request, on the client's page and in the studio's e-mail; bad metadata changes nothing") {
    Signed s;
    json p = projects::view(s.t.db, s.lead);
    const std::string project = p["id"];
    const std::string logo = projects::request_material(s.t.db, project, "", "Логотип и фото", "2027-01-12", anna, "2026-12-28T11:00:00Z");
    const std::string sha(64, 'a');
    // A file without its hash, and eleven files: refused, nothing written.
    CHECK_THROWS_WITH(projects::answer_material(s.t.db, logo, "", client_actor("Иван"), "2027-01-10T09:00:00Z",
                                                {{"f-1", "logo.svg", "image/svg+xml", "", 120}}),
                      "atelier: material: files: \"logo.svg\": expected an id, a name, a type, a size and a SHA-256");
    std::vector<projects::FileMeta> eleven;
    for (int i = 0; i < 11; ++i) eleven.push_back({"f-" + std::to_string(i), "p.png", "image/png", sha, 10});
    CHECK_THROWS_WITH(projects::answer_material(s.t.db, logo, "", client_actor("Иван"), "2027-01-10T09:00:00Z", eleven),
                      "atelier: material: files: at most 10 in one answer");
    CHECK(s.t.count("SELECT count(*) FROM material_files") == 0);
    CHECK(s.t.text("SELECT status FROM material_requests") == "open");
    // Files alone answer the request; words sent later keep the files.
    projects::answer_material(s.t.db, logo, "", client_actor("Иван"), "2027-01-10T09:00:00Z",
                              {{"f-logo", "logo.svg", "image/svg+xml", sha, 2048}, {"f-photo", "Офис.jpg", "image/jpeg", sha, 2516582}});
    projects::answer_material(s.t.db, logo, "Фото команды пришлю завтра", client_actor("Иван"), "2027-01-10T10:00:00Z");
    p = projects::view(s.t.db, s.lead);
    CHECK(p["requests"][0]["status"] == "answered");
    CHECK(p["requests"][0]["answer"] == "Фото команды пришлю завтра");
    REQUIRE(p["requests"][0]["files"].size() == 2);
    CHECK(p["requests"][0]["files"][1]["name"] == "Офис.jpg");
    CHECK(p["requests"][0]["files"][1]["size"] == 2516582);
    CHECK(projects::file(s.t.db, "f-photo", project)->name == "Офис.jpg");
    CHECK_FALSE(projects::file(s.t.db, "f-photo", "another-project").has_value());
    CHECK(projects::file(s.t.db, "f-logo")->name == "logo.svg");  // the studio, any project
    CHECK_FALSE(projects::file(s.t.db, "f-none").has_value());
    // The client's page lists them under the request with their sizes, by
    // the page's own link.
    const std::string token = create_link(s.t.db, "project", project, "2027-01-10T11:00:00Z");
    const std::string html = projects::page_html(s.t.db, project, Lang::ru, "2027-01-10T11:00:00Z");
    CHECK(html.find("<a href=\"/c/" + token + "/files/f-photo\">Офис.jpg</a> <span class=\"sub\">2,4 МБ</span>") != std::string::npos);
    CHECK(html.find("/files/f-logo\">logo.svg</a>") != std::string::npos);
    // The studio's e-mail of the answer names the files.
    automation::tick(s.t.db, "2027-01-10T12:00:00Z", "https://studio.example");
    const std::string mail = s.t.text("SELECT body FROM outbox WHERE subject LIKE 'Клиент ответил%' ORDER BY rowid LIMIT 1");
    CHECK(mail.find("Файл: logo.svg (2 КБ)") != std::string::npos);
    CHECK(mail.find("Файл: Офис.jpg (2,4 МБ)") != std::string::npos);
}

TEST_CASE("projects: the client hears of each stage once: started, what to prepare, finished, act to sign, materials asked and late; the studio of an answer") {
    Signed s;
    json p = projects::view(s.t.db, s.lead);
    const std::string project = p["id"], first = p["stages"][0]["stage"], first_name = p["stages"][0]["name"];
    const std::string first_end = p["stages"][0]["planned_end"], second_id = p["stages"][1]["id"], second_name = p["stages"][1]["name"];
    const size_t stages = p["stages"].size();
    projects::edit_stage(s.t.db, second_id, json{{"client_provides", "Тексты для главной и фотографии команды"}}, anna, "2026-12-28T11:00:00Z");
    const std::string logo = projects::request_material(s.t.db, project, first, "Логотип в SVG", "2027-01-12", anna, "2026-12-28T11:00:00Z");
    auto tick = [&](const std::string& at) { automation::tick(s.t.db, at, "https://studio.test"); };
    auto sent = [&](const char* rule) {
        return s.t.count(("SELECT count(*) FROM outbox WHERE rule = '" + std::string(rule) + "' AND status IN ('queued', 'sent')").c_str());
    };
    auto body = [&](const char* rule) { return s.t.text(("SELECT subject || '\n' || body FROM outbox WHERE rule = '" + std::string(rule) +
                                                        "' AND status = 'queued' ORDER BY rowid LIMIT 1").c_str()); };
    // Day by day from the signing to the end of March, twice a day; the first
    // stage done on its planned last day, its act left unsigned; the logo
    // answered two days late; every other stage done on 1 March, its act signed.
    for (int64_t d = day_number("2026-12-28", "d"); d <= day_number("2027-03-31", "d"); ++d) {
        const std::string day = iso_date(d);
        tick(day + "T10:00:00Z");
        if (day == "2027-01-14") projects::answer_material(s.t.db, logo, "https://disk.example/logo.svg", client_actor("Иван"), day + "T12:00:00Z");
        if (day == first_end) conveyor::complete_stage(s.t.db, s.lead, first, anna, day + "T15:00:00Z");
        if (day == "2027-03-01")
            for (size_t i = 1; i < stages; ++i) {
                const std::string act = conveyor::complete_stage(s.t.db, s.lead, p["stages"][i]["stage"].get<std::string>(), anna, day + "T15:00:00Z").made["act_id"];
                conveyor::sign_act(s.t.db, act, Acceptance{"paper", "Иван", "", ""}, anna, day + "T15:30:00Z");
            }
        tick(day + "T18:00:00Z");
    }
    // Each notice once.
    CHECK(sent("stage_started") == 1);        // the first stage, at the signing; the later ones are told with the previous one's end
    CHECK(sent("stage_prepare") == 1);        // the second stage, the only one needing something from the client
    CHECK(sent("stage_finished") == (long long)stages);
    CHECK(sent("act_link") == (long long)stages);
    CHECK(sent("act_reminder") == 1);         // the first stage's act, not signed; the others were signed the same day
    CHECK(sent("material_request") == 1);
    CHECK(sent("material_late") == 1);
    CHECK(sent("material_answered") == 1);
    // What they say, in the lead's language, with the project page's link.
    const std::string started = body("stage_started");
    CHECK(started.find("Начался этап «" + first_name + "»") != std::string::npos);
    CHECK(started.find("https://studio.test/c/") != std::string::npos);
    const std::string token = s.t.text(("SELECT token FROM doc_links WHERE kind = 'project' AND doc_id = '" + project + "'").c_str());
    CHECK(started.find("https://studio.test/c/" + token) != std::string::npos);
    const std::string prepare = body("stage_prepare");
    CHECK(prepare.find("Подготовка к этапу «" + second_name + "»") != std::string::npos);
    CHECK(prepare.find("Тексты для главной и фотографии команды") != std::string::npos);
    const std::string finished = body("stage_finished");
    CHECK(finished.find("Этап «" + first_name + "» завершён") != std::string::npos);
    CHECK(finished.find("Следующий — «" + second_name + "»") != std::string::npos);
    CHECK(finished.find("Тексты для главной") != std::string::npos);
    CHECK(s.t.count("SELECT count(*) FROM outbox WHERE rule = 'stage_finished' AND body LIKE '%последний этап%'") == 1);
    CHECK(body("material_late").find("Логотип в SVG") != std::string::npos);
    CHECK(body("act_reminder").find("ждёт вашей подписи") != std::string::npos);
    CHECK(s.t.text("SELECT recipient FROM outbox WHERE rule = 'material_answered'") != "ivan@example.ru");
    CHECK(body("material_answered").find("https://disk.example/logo.svg") != std::string::npos);
    CHECK(s.t.text("SELECT group_concat(DISTINCT recipient) FROM outbox WHERE rule IN ('stage_started', 'stage_prepare', 'stage_finished', 'material_late') AND status = 'queued'") ==
          "ivan@example.ru");
    // Again: nothing new.
    const long long all = s.t.count("SELECT count(*) FROM outbox");
    tick("2027-04-01T10:00:00Z");
    tick("2027-04-02T10:00:00Z");
    CHECK(s.t.count("SELECT count(*) FROM outbox") == all);
    // Each notice exists in Russian, French and English.
    CHECK(s.t.count("SELECT count(*) FROM templates WHERE kind = 'email' AND code IN ('stage_started', 'stage_prepare', 'stage_finished',"
                    " 'act_reminder', 'material_request', 'material_late', 'owner_material_answered')") == 21);
}

TEST_CASE("support: a simulated year of a retainer: twelve invoices and twelve acts, none twice, a two-week stop caught up once, extra hours billed") {
    Signed s;
    json p = projects::view(s.t.db, s.lead);
    const std::string project = p["id"];
    for (const json& st : p["stages"]) {
        const std::string act = conveyor::complete_stage(s.t.db, s.lead, st["stage"].get<std::string>(), anna, "2027-03-01T10:00:00Z").made["act_id"];
        conveyor::sign_act(s.t.db, act, Acceptance{"paper", "Иван", "", ""}, anna, "2027-03-01T10:30:00Z");
    }
    // Terms refused with every problem named; nothing stored.
    CHECK_THROWS_WITH(support::set_retainer(s.t.db, project, json{{"fee_minor", -5}, {"day", 31}, {"rate", 1}}, anna, "2027-03-01T11:00:00Z"),
                      "atelier: retainer: rate: unknown field (fee_minor, hours_included, hour_rate_minor, day, starts_on);"
                      " fee_minor: expected a whole number from 0 to 100000000000 (minor units: kopecks, cents); hours_included: required;"
                      " hour_rate_minor: required; day: expected a whole number from 1 to 28; starts_on: required");
    CHECK_THROWS_WITH(support::log_hours(s.t.db, project, "2027-02-30", 0, "", anna, "2027-03-01T11:00:00Z"),
                      doctest::Contains("hours: worked_on: "));
    CHECK(s.t.count("SELECT count(*) FROM retainers") + s.t.count("SELECT count(*) FROM hours_log") == 0);
    // 30,000 ₽ a month with 10 hours, 2,500 ₽ an hour beyond, billed on the 5th.
    json v = support::set_retainer(s.t.db, project, json{{"fee_minor", 3000000}, {"hours_included", 10}, {"hour_rate_minor", 250000}, {"day", 5},
                                                         {"starts_on", "2027-03-05"}}, anna, "2027-03-01T11:00:00Z");
    CHECK(v["retainer"]["next"]["billed_on"] == "2027-04-05");
    CHECK(v["retainer"]["next"]["ends_on"] == "2027-04-04");
    // The month [5 April, 4 May]: 12.5 hours, 2.5 beyond those included.
    for (const char* d : {"2027-04-12", "2027-04-20", "2027-04-28", "2027-05-04"}) support::log_hours(s.t.db, project, d, 180, "Правки", anna, std::string(d) + "T18:00:00Z");
    support::log_hours(s.t.db, project, "2027-05-04", 30, "Обновление модулей", anna, "2027-05-04T18:00:00Z");
    std::string late_entry;
    // The server runs every day but from 1 to 14 August 2027: the 5 August
    // bill is made on the 15th, once. Stopped on 20 February 2028: the
    // month running then is still billed, none after.
    auto running = [](const std::string& day) { return day < "2027-08-01" || day > "2027-08-14"; };
    for (int64_t d = day_number("2027-03-01", "d"); d <= day_number("2028-05-10", "d"); ++d) {
        const std::string day = iso_date(d);
        if (day == "2027-05-20")  // a day of May's month logged after its bill: billed with June's
            late_entry = support::log_hours(s.t.db, project, "2027-05-01", 60, "Забыл записать", anna, day + "T10:00:00Z");
        if (day == "2028-02-20") support::stop_retainer(s.t.db, project, day, anna, day + "T10:00:00Z");
        if (!running(day)) continue;
        support::bill(s.t.db, day, day + "T09:00:00Z");
        support::bill(s.t.db, day, day + "T09:00:01Z");  // twice in a row: nothing more
        automation::tick(s.t.db, day + "T09:01:00Z", "https://studio.test");
    }
    CHECK(s.t.count("SELECT count(*) FROM retainer_periods") == 12);
    CHECK(s.t.count("SELECT count(*) FROM invoices WHERE id IN (SELECT invoice_id FROM retainer_periods)") == 12);
    CHECK(s.t.count("SELECT count(DISTINCT number) FROM invoices WHERE id IN (SELECT invoice_id FROM retainer_periods)") == 12);
    CHECK(s.t.count("SELECT count(*) FROM acts WHERE stage LIKE 'support:%'") == 12);
    CHECK(s.t.text("SELECT group_concat(period, ' ') FROM (SELECT period FROM retainer_periods ORDER BY period)") ==
          "2027-04 2027-05 2027-06 2027-07 2027-08 2027-09 2027-10 2027-11 2027-12 2028-01 2028-02 2028-03");
    // The months follow each other without a gap or an overlap.
    CHECK(s.t.count("SELECT count(*) FROM retainer_periods a JOIN retainer_periods b ON b.period > a.period AND NOT EXISTS"
                    " (SELECT 1 FROM retainer_periods c WHERE c.period > a.period AND c.period < b.period) WHERE date(a.ends_on, '+1 day') != b.starts_on") == 0);
    CHECK(s.t.text("SELECT starts_on || ' ' || ends_on || ' ' || billed_on FROM retainer_periods WHERE period = '2027-08'") ==
          "2027-07-05 2027-08-04 2027-08-15");
    CHECK(s.t.text("SELECT starts_on || ' ' || ends_on FROM retainer_periods WHERE period = '2027-04'") == "2027-03-05 2027-04-04");
    // Extra hours: 150 minutes at 2,500 ₽ an hour.
    CHECK(s.t.text("SELECT minutes || ' ' || extra_minutes FROM retainer_periods WHERE period = '2027-05'") == "750 150");
    CHECK(s.t.count("SELECT total_minor FROM invoices WHERE id = (SELECT invoice_id FROM retainer_periods WHERE period = '2027-05')") == 3625000);
    CHECK(s.t.count("SELECT total_minor FROM invoices WHERE id = (SELECT invoice_id FROM retainer_periods WHERE period = '2027-06')") == 3000000);
    CHECK(s.t.text(("SELECT period FROM retainer_periods WHERE id = (SELECT billed_in FROM hours_log WHERE id = '" + late_entry + "')").c_str()) == "2027-06");
    CHECK(s.t.count("SELECT count(*) FROM hours_log WHERE billed_in IS NULL") == 0);
    // The documents: the invoice names the month and the extra hours; the act certifies the month's services.
    const std::string inv = s.t.text("SELECT snapshot_html FROM invoices WHERE id = (SELECT invoice_id FROM retainer_periods WHERE period = '2027-05')");
    CHECK(inv.find("Техническая поддержка: 05.04.2027 – 04.05.2027") != std::string::npos);
    CHECK(inv.find("<td>Работы сверх включённых в абонемент часов (10 ч)</td><td class=\"num\">2,5</td><td>ч</td><td class=\"num\">2\u00a0500,00\u00a0₽</td>") != std::string::npos);
    CHECK(inv.find("36\u00a0250,00") != std::string::npos);
    const std::string act = s.t.text("SELECT snapshot_html FROM acts WHERE stage = 'support:2027-05'");
    CHECK(act.find("услуги технической поддержки сайта за период с") != std::string::npos);
    CHECK(act.find("36\u00a0250,00") != std::string::npos);
    // Each went to the client once, by the rules that send invoices and acts.
    CHECK(s.t.count("SELECT count(*) FROM outbox WHERE rule = 'invoice_link' AND status = 'queued' AND occasion IN"
                    " (SELECT 'invoice:' || invoice_id FROM retainer_periods)") == 12);
    CHECK(s.t.count("SELECT count(*) FROM outbox WHERE rule = 'act_link' AND status = 'queued' AND occasion IN"
                    " (SELECT 'act:' || act_id FROM retainer_periods)") == 12);
    CHECK(s.t.count("SELECT count(*) FROM outbox WHERE rule = 'act_link' AND subject LIKE '%Техническая поддержка%'") == 12);
    // The project page lists them.
    const std::string page = projects::page_html(s.t.db, project, Lang::ru, "2028-05-10T10:00:00Z");
    CHECK(page.find("Техническая поддержка: 05.04.2027 – 04.05.2027") != std::string::npos);
    v = support::view(s.t.db, project);
    CHECK(v["retainer"]["status"] == "stopped");
    CHECK(v["retainer"]["stopped_on"] == "2028-03-04");
    CHECK(v["months"].size() == 12);
    CHECK(v["months"][0]["period"] == "2028-03");
    CHECK_FALSE(v["retainer"].contains("next"));
}
