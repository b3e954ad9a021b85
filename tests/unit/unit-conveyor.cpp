// The conveyor's transitions: one event per transition, people as actors,
// the manager's recorded acceptance distinct from the client's own, closing
// won or lost by the rules, next_action, error kinds.
#include <doctest/doctest.h>

#include "automation.h"
#include "brief.h"
#include "client_pages.h"
#include "conveyor.h"
#include "demo.h"
#include "documents.h"
#include "pricing.h"
#include "error.h"
#include "test_db.h"
#include "workflow.h"

using namespace atelier;
using nlohmann::json;

namespace {

const Actor anna{"user-anna", "Anna Petrova", "app", false};
const Actor owner{"user-olga", "Olga Smirnova", "api", true};

struct Lead {
    TestDb t;
    std::string id, estimate, proposal, contract;
    std::vector<std::string> invoices;
    Lead() {
        seed_demo(t.db);
        install_defaults(t.db, "2026-11-20T09:00:00Z");
        NewLead l = new_lead_from_json(json{{"client_name", "Иван Смирнов"}, {"email", "ivan@example.ru"}, {"lang", "ru"},
                                            {"currency", "RUB"}});
        id = conveyor::create(t.db, l, anna, "2026-11-23T09:00:00Z").lead_id;
        json answers = {{"company", "ООО Ромашка"}, {"activity", "Цветы"}, {"goals", {"sales", "brand"}},
                        {"pages", 8}, {"sections", {"about", "services", "blog", "contacts"}}, {"content_pages", 12},
                        {"languages", 1}, {"needs_catalogue", false}, {"design_level", "custom"},
                        {"integrations", {"analytics"}}, {"seo", true}, {"urgency", "normal"}};
        conveyor::save_brief(t.db, id, "corporate", answers, true, anna, "2026-11-23T10:00:00Z");
        estimate = conveyor::estimate(t.db, id, json{{"start_date", "2026-12-01"}}, anna, "2026-11-23T11:00:00Z").made["estimate_id"];
        proposal = conveyor::propose(t.db, estimate, anna, "2026-11-23T11:05:00Z").made["proposal_id"];
    }
    std::string field(const char* expr) {
        Stmt q(t.db, (std::string("SELECT ") + expr + " FROM leads WHERE id = ?1").c_str());
        q.bind(1, id);
        return q.step() ? q.text(0) : "<no lead>";
    }
    std::string kinds() {
        std::string out;
        Stmt q(t.db, "SELECT kind FROM events WHERE lead_id = ?1 ORDER BY at, rowid");
        q.bind(1, id);
        while (q.step()) out += (out.empty() ? "" : " ") + q.text(0);
        return out;
    }
};

}  // namespace

TEST_CASE("conveyor: each transition is one event with its actor, in the same transaction") {
    Lead f;
    CHECK(f.kinds() == "lead_created brief_submitted estimated proposal_created");
    CHECK(f.field("owner_id || '/' || owner_name") == "user-anna/Anna Petrova");
    CHECK(f.t.count("SELECT count(*) FROM events WHERE actor = 'user-anna' AND actor_name = 'Anna Petrova' AND channel = 'app'") == 4);
    CHECK(f.t.text("SELECT json_extract(payload_json, '$.stage.to') FROM events WHERE kind = 'estimated'") == "estimated");
    // A refused transition writes nothing, not even its event.
    const long long before = f.t.count("SELECT count(*) FROM events");
    CHECK_THROWS(conveyor::propose(f.t.db, "no-such-estimate", anna, "2026-11-23T12:00:00Z"));
    CHECK_THROWS(conveyor::move(f.t.db, f.id, "invoiced", "", anna, "2026-11-23T12:00:00Z"));
    CHECK(f.t.count("SELECT count(*) FROM events") == before);
}

TEST_CASE("conveyor: the client's online acceptance and a manager's recorded one differ, on the document and in the events") {
    SUBCASE("online, by the client") {
        Lead f;
        Outcome o = conveyor::accept(f.t.db, f.proposal, Acceptance{"online", "Иван Смирнов", "203.0.113.9", ""},
                                     client_actor("Иван Смирнов"), "2026-11-24T10:00:00Z");
        CHECK(o.stage_from == "proposal_sent");
        CHECK(o.stage_to == "contract_sent");
        CHECK(o.made["contract_id"].is_string());
        CHECK(f.t.text("SELECT actor || '|' || channel || '|' || json_extract(payload_json, '$.channel') FROM events WHERE kind = 'proposal_accepted'") ==
              "client|online|online");
        CHECK(f.t.text("SELECT accepted_ip FROM proposals") == "203.0.113.9");
        std::string html = document_html(f.t.db, "proposal", f.proposal, Lang::ru);
        CHECK(html.find("Принято клиентом онлайн: Иван Смирнов") != std::string::npos);
    }
    SUBCASE("by phone, recorded by the manager") {
        Lead f;
        Outcome o = conveyor::accept(f.t.db, f.proposal, Acceptance{"phone", "Иван Смирнов", "198.51.100.1", "звонок 24.11"}, anna,
                                     "2026-11-24T10:00:00Z");
        CHECK(o.stage_to == "contract_sent");
        CHECK(f.t.text("SELECT actor || '|' || json_extract(payload_json, '$.channel') || '|' || json_extract(payload_json, '$.recorded_by')"
                       " FROM events WHERE kind = 'proposal_accepted'") == "user-anna|phone|Anna Petrova");
        CHECK(f.t.text("SELECT coalesce(accepted_ip, '') || '|' || recorded_by || '|' || accepted_note FROM proposals") ==
              "|Anna Petrova|звонок 24.11");  // no address: the client did not act online
        std::string html = document_html(f.t.db, "proposal", f.proposal, Lang::ru);
        CHECK(html.find("Принято по телефону: Иван Смирнов") != std::string::npos);
        CHECK(html.find("записано менеджером: Anna Petrova") != std::string::npos);
        CHECK(html.find("клиентом онлайн") == std::string::npos);
    }
    SUBCASE("a manager cannot accept 'online' in the client's name, nor the client by phone") {
        Lead f;
        try {
            conveyor::accept(f.t.db, f.proposal, Acceptance{"online", "Иван Смирнов", "", ""}, anna, "2026-11-24T10:00:00Z");
            FAIL("accepted");
        } catch (const Error& e) {
            CHECK(e.kind == ErrorKind::forbidden);
            CHECK(std::string(e.what()).rfind("atelier: accept: channel: ", 0) == 0);
        }
        CHECK_THROWS_WITH(conveyor::accept(f.t.db, f.proposal, Acceptance{"phone", "И", "", ""}, client_actor("И"), "2026-11-24T10:00:00Z"),
                          doctest::Contains("accept: channel: the client's own acceptance is online"));
        CHECK_THROWS_WITH(conveyor::accept(f.t.db, f.proposal, Acceptance{"fax", "И", "", ""}, anna, "2026-11-24T10:00:00Z"),
                          doctest::Contains("accept: channel: expected online, phone, email or paper"));
        CHECK(f.t.text("SELECT status FROM proposals") == "sent");
        CHECK(f.t.count("SELECT count(*) FROM contracts") == 0);
    }
}

TEST_CASE("conveyor: signing issues the schedule's first invoice; paying everything wins; nothing is doubled") {
    Lead f;
    std::string contract = conveyor::accept(f.t.db, f.proposal, Acceptance{"email", "Иван", "", ""}, anna, "2026-11-24T10:00:00Z").made["contract_id"];
    Outcome s = conveyor::sign(f.t.db, contract, Acceptance{"paper", "Иван Смирнов", "", "скан получен"}, anna, "2026-11-25T09:00:00Z");
    CHECK(s.stage_to == "invoiced");
    auto ids = s.made["invoice_ids"].get<std::vector<std::string>>();
    REQUIRE(ids.size() == 2);
    CHECK(f.t.text(("SELECT status || '|' || due_on FROM invoices WHERE id = '" + ids[0] + "'").c_str()) == "issued|2026-12-02");
    json next = next_action(f.t.db, f.id, "2026-11-26");
    CHECK(next["action"] == "pay_invoice");
    CHECK(next["who"] == "client");
    CHECK(next["invoice_id"] == ids[0]);
    CHECK(next["overdue"] == false);
    CHECK(next_action(f.t.db, f.id, "2026-12-03")["overdue"] == true);
    // The same click twice, the same bank line imported twice: one payment, one event.
    Outcome p1 = conveyor::pay(f.t.db, ids[0], 0, "", "2026-11-26", "", anna, "2026-11-26T10:00:00Z");
    CHECK(p1.made["status"] == "paid");
    try {
        conveyor::pay(f.t.db, ids[0], 0, "", "2026-11-26", "", anna, "2026-11-26T10:00:01Z");
        FAIL("paid twice");
    } catch (const Error& e) {
        CHECK(e.kind == ErrorKind::conflict);
    }
    const int64_t advance = f.t.count("SELECT amount_minor FROM payments");
    Outcome p2 = conveyor::pay(f.t.db, ids[0], advance, p1.made["reference"].get<std::string>(), "2026-11-26", "", anna, "2026-11-26T10:00:02Z");
    CHECK(p2.event_id.empty());
    CHECK(p2.made["duplicate"] == true);
    CHECK(f.t.count("SELECT count(*) FROM payments") == 1);
    CHECK(f.t.count("SELECT count(*) FROM events WHERE kind = 'payment_recorded'") == 1);
    // The balance is due at launch: the studio's work comes first (the
    // manager may still issue it early); won is refused while it is unpaid.
    CHECK(next_action(f.t.db, f.id, "2026-11-26")["action"] == "complete_stage");
    CHECK(next_action(f.t.db, f.id, "2026-11-26")["stage_id"] == "launch");
    conveyor::issue(f.t.db, ids[1], anna, "2026-12-20T09:00:00Z");
    try {
        conveyor::win(f.t.db, f.id, "", anna, "2026-12-20T10:00:00Z");
        FAIL("won with an unpaid invoice");
    } catch (const Error& e) {
        CHECK(e.kind == ErrorKind::forbidden);
    }
    CHECK_THROWS_WITH(conveyor::move(f.t.db, f.id, "won", "", anna, "2026-12-20T10:00:00Z"), doctest::Contains("not paid"));
    CHECK_THROWS_WITH(conveyor::win(f.t.db, f.id, " ", owner, "2026-12-20T10:00:00Z"), doctest::Contains("win: reason:"));
    CHECK(f.field("stage") == "invoiced");
    Outcome last = conveyor::pay(f.t.db, ids[1], 0, "bank-42", "2026-12-21", "bank_transfer", anna, "2026-12-21T10:00:00Z");
    CHECK(last.stage_to == "won");
    CHECK(next_action(f.t.db, f.id, "2026-12-21")["action"] == "none");
    CHECK(f.kinds() == "lead_created brief_submitted estimated proposal_created proposal_accepted contract_signed project_stage_started payment_recorded"
                       " invoice_issued payment_recorded");
}

TEST_CASE("conveyor: the owner closes a lead as won with unpaid invoices only with a reason") {
    Lead f;
    std::string contract = conveyor::accept(f.t.db, f.proposal, Acceptance{"phone", "Иван", "", ""}, anna, "2026-11-24T10:00:00Z").made["contract_id"];
    conveyor::sign(f.t.db, contract, Acceptance{"paper", "Иван", "", ""}, anna, "2026-11-25T09:00:00Z");
    Outcome w = conveyor::win(f.t.db, f.id, "оплата наличными, квитанция у Ольги", owner, "2026-11-26T09:00:00Z");
    CHECK(w.stage_to == "won");
    CHECK(f.t.text("SELECT json_extract(payload_json, '$.unpaid.invoices') || '|' || json_extract(payload_json, '$.reason') FROM events WHERE kind = 'won'") ==
          "2|оплата наличными, квитанция у Ольги");
}

TEST_CASE("conveyor: lost needs a reason from the studio's list; 'other' needs words") {
    Lead f;
    CHECK(lost_reasons(f.t.db).size() == 6);
    CHECK_THROWS_WITH(conveyor::lose(f.t.db, f.id, "bored", "", anna, "2026-11-24T10:00:00Z"),
                      doctest::Contains("lose: reason: expected one of too_expensive, competitor"));
    CHECK_THROWS_WITH(conveyor::lose(f.t.db, f.id, "other", " ", anna, "2026-11-24T10:00:00Z"), doctest::Contains("lose: text:"));
    Outcome o = conveyor::lose(f.t.db, f.id, "competitor", "ушли к «Вектору»", anna, "2026-11-24T10:00:00Z");
    CHECK(o.stage_to == "lost");
    CHECK(f.field("lost_reason") == "Выбрали другую студию — ушли к «Вектору»");
    CHECK(f.t.text("SELECT json_extract(payload_json, '$.code') FROM events WHERE kind = 'lost'") == "competitor");
    // A studio's own reason is data.
    exec(f.t.db, "INSERT INTO lost_reasons(code, label_ru, label_fr, label_en, position) VALUES ('budget_cut', 'Урезали бюджет', 'Budget coupé', 'Budget cut', 7)");
    conveyor::move(f.t.db, f.id, "new", "", anna, "2026-11-25T10:00:00Z");
    conveyor::move(f.t.db, f.id, "lost", "budget_cut", anna, "2026-11-25T11:00:00Z");
    CHECK(f.field("lost_reason") == "Урезали бюджет");
}

TEST_CASE("conveyor: owners, next_action through the stages, error kinds") {
    Lead f;
    CHECK(next_action(f.t.db, f.id, "2026-11-23")["action"] == "accept_proposal");
    CHECK(next_action(f.t.db, f.id, "2026-11-23")["who"] == "client");
    CHECK(next_action(f.t.db, f.id, "2026-11-23")["since"] == "2026-11-23T11:05:00Z");
    conveyor::set_owner(f.t.db, f.id, "user-olga", "Olga Smirnova", anna, "2026-11-23T12:00:00Z");
    CHECK(f.field("owner_name") == "Olga Smirnova");
    CHECK_THROWS_AS(conveyor::set_owner(f.t.db, f.id, "x", "X", client_actor("Иван"), "2026-11-23T12:00:00Z"), Error);
    try {
        conveyor::pay(f.t.db, "nope", 100, "r", "2026-11-26", "", anna, "2026-11-26T10:00:00Z");
        FAIL("paid");
    } catch (const Error& e) {
        CHECK(e.kind == ErrorKind::not_found);
        CHECK(std::string(e.what()) == "atelier: payment: invoice_id: no invoice with id \"nope\"");
    }
    try {
        conveyor::accept(f.t.db, f.proposal, Acceptance{"phone", "Иван", "", ""}, anna, "2026-11-24T10:00:00Z");
        conveyor::accept(f.t.db, f.proposal, Acceptance{"phone", "Иван", "", ""}, anna, "2026-11-24T10:00:00Z");
        FAIL("accepted twice");
    } catch (const Error& e) {
        CHECK(e.kind == ErrorKind::conflict);
    }
    json view = lead_view(f.t.db, f.id, "2026-11-24");
    CHECK(view["owner"]["name"] == "Olga Smirnova");
    CHECK(view["next_action"]["action"] == "sign_contract");
    CHECK(view["events"].size() == 6);
    CHECK(view["brief"]["answers"]["company"] == "ООО Ромашка");
    CHECK(view["documents"][1]["acceptance"]["channel"] == "phone");
    CHECK(view["documents"][1]["acceptance"]["recorded_by"] == "Anna Petrova");
}

TEST_CASE("conveyor: the leads waiting on the manager, by their next action, longest waiting first") {
    Lead f;  // proposal sent: the client's move
    const Actor olga = owner;
    auto waiting = [&](const char* owner_id) {
        std::string out;
        for (const json& w : waiting_on_manager(f.t.db, "2026-11-25", owner_id)) {
            const std::string who = w["client"];
            if (who != "Алиса" && who != "Борис" && who != "Иван Смирнов") continue;  // not the demo's leads
            out += (out.empty() ? "" : " ") + who + ":" + w["action"].get<std::string>();
        }
        return out;
    };
    CHECK(waiting("") == "");
    CHECK(waiting_on_manager(f.t.db, "2026-11-25").size() > 0);  // the demo's
    NewLead a = new_lead_from_json(json{{"client_name", "Алиса"}, {"lang", "ru"}, {"currency", "RUB"}});
    std::string alice = conveyor::create(f.t.db, a, anna, "2026-11-24T09:00:00Z").lead_id;
    NewLead b = new_lead_from_json(json{{"client_name", "Борис"}, {"lang", "ru"}, {"currency", "RUB"}});
    std::string boris = conveyor::create(f.t.db, b, anna, "2026-11-23T08:00:00Z").lead_id;
    CHECK(waiting("") == "Борис:send_brief Алиса:send_brief");
    // Olga's lead is not Anna's; a lead nobody owns is everyone's.
    conveyor::set_owner(f.t.db, boris, "user-olga", "Olga Smirnova", olga, "2026-11-24T10:00:00Z");
    conveyor::set_owner(f.t.db, alice, "user-anna", "Anna Petrova", olga, "2026-11-24T10:00:00Z");
    CHECK(waiting("user-anna") == "Алиса:send_brief");
    CHECK(waiting("user-olga") == "Борис:send_brief");
    // Accepted by phone: the contract is the client's to sign, Иван still
    // waits on nobody here. Борис fills his brief: now the estimate is due.
    conveyor::accept(f.t.db, f.proposal, Acceptance{"phone", "Иван", "", ""}, anna, "2026-11-24T10:00:00Z");
    conveyor::save_brief(f.t.db, boris, "corporate", json{{"company", "Б"}}, false, anna, "2026-11-24T12:00:00Z");
    CHECK(waiting("") == "Борис:send_brief Алиса:send_brief");
    const json answers = {{"company", "Б"}, {"activity", "Книги"}, {"goals", {"sales"}}, {"pages", 5}, {"sections", {"about"}},
                          {"content_pages", 2}, {"languages", 1}, {"needs_catalogue", false}, {"design_level", "template"},
                          {"integrations", json::array()}, {"seo", false}, {"urgency", "normal"}};
    conveyor::save_brief(f.t.db, boris, "corporate", answers, true, anna, "2026-11-24T12:30:00Z");
    CHECK(waiting("") == "Алиса:send_brief Борис:estimate");
    conveyor::move(f.t.db, alice, "lost", "too_expensive", anna, "2026-11-24T13:00:00Z");
    CHECK(waiting("") == "Борис:estimate");
}

TEST_CASE("conveyor: each payment of the schedule is issued when its condition is met, due from then, numbered in order") {
    TestDb t;
    seed_demo(t.db);
    install_defaults(t.db, "2026-11-20T09:00:00Z");
    // 30 % at signing, 40 % when the design is done, 30 % at launch (the
    // last stage: a later line's default).
    json pl = json::parse(default_price_list_rub());
    pl["payment_schedule"] = json::array({
        json{{"percent", 30}, {"name", {{"ru", "Аванс"}, {"fr", "Acompte"}, {"en", "Advance"}}}},
        json{{"percent", 40}, {"on", "design"}, {"name", {{"ru", "После дизайна"}, {"fr", "Après le design"}, {"en", "After design"}}}},
        json{{"percent", 30}, {"name", {{"ru", "После запуска"}, {"fr", "À la mise en ligne"}, {"en", "On launch"}}}}});
    save_price_list(t.db, pl.dump(), "2026-11-20T10:00:00Z");
    NewLead l = new_lead_from_json(json{{"client_name", "Иван Смирнов"}, {"email", "ivan@example.ru"}, {"lang", "ru"}, {"currency", "RUB"}});
    std::string lead = conveyor::create(t.db, l, anna, "2026-11-23T09:00:00Z").lead_id;
    json answers = {{"company", "ООО Ромашка"}, {"activity", "Цветы"}, {"goals", {"sales"}}, {"pages", 8},
                    {"sections", {"about", "contacts"}}, {"content_pages", 4}, {"languages", 1}, {"needs_catalogue", false},
                    {"design_level", "custom"}, {"integrations", json::array()}, {"seo", false}, {"urgency", "normal"}};
    conveyor::save_brief(t.db, lead, "corporate", answers, true, anna, "2026-11-23T10:00:00Z");
    std::string est = conveyor::estimate(t.db, lead, json{{"start_date", "2026-12-01"}}, anna, "2026-11-23T11:00:00Z").made["estimate_id"];
    std::string prop = conveyor::propose(t.db, est, anna, "2026-11-23T11:05:00Z").made["proposal_id"];
    std::string contract = conveyor::accept(t.db, prop, Acceptance{"phone", "Иван", "", ""}, anna, "2026-11-24T10:00:00Z").made["contract_id"];
    // Before signing there is no project to have stages.
    CHECK_THROWS_WITH(conveyor::complete_stage(t.db, lead, "design", anna, "2026-11-24T11:00:00Z"),
                      "atelier: stage: the lead has no signed contract: its production stages start at signing");
    conveyor::sign(t.db, contract, Acceptance{"paper", "Иван", "", ""}, anna, "2026-11-25T10:00:00Z");
    auto invoices = [&] {
        std::string out;
        Stmt q(t.db, "SELECT position, status, coalesce(number, '-'), coalesce(issued_on, '-'), coalesce(due_on, '-') FROM invoices"
                     " WHERE lead_id = ?1 ORDER BY position");
        q.bind(1, lead);
        while (q.step()) out += (out.empty() ? "" : "; ") + q.text(0) + " " + q.text(1) + " " + q.text(2) + " " + q.text(3) + " " + q.text(4);
        return out;
    };
    CHECK(invoices() == "1 issued 2026-0001 2026-11-25 2026-12-02; 2 draft - - -; 3 draft - - -");
    json na = next_action(t.db, lead, "2026-11-26");
    CHECK(na["action"] == "pay_invoice");
    // Stages: only those of the project's timeline, each once.
    CHECK_THROWS_WITH(conveyor::complete_stage(t.db, lead, "handover", anna, "2026-12-05T10:00:00Z"),
                      doctest::Contains("stage: stage: expected one of the project's stages: \"research\", \"design\""));
    // The advance paid: the lead waits on the studio's work, not on anyone's click.
    Stmt first(t.db, "SELECT id, total_minor FROM invoices WHERE lead_id = ?1 AND position = 1");
    first.bind(1, lead).step();
    conveyor::pay(t.db, first.text(0), first.int64(1), "REF-1", "2026-11-27", "", anna, "2026-11-27T10:00:00Z");
    na = next_action(t.db, lead, "2026-11-28");
    CHECK(na["action"] == "complete_stage");
    CHECK(na["who"] == "studio");
    CHECK(na["stage_id"] == "design");
    // The design is done on Thursday 10 December: the second payment is
    // issued that day, due five working days later.
    Outcome o = conveyor::complete_stage(t.db, lead, "design", anna, "2026-12-10T10:00:00Z");
    CHECK(o.made["invoice_ids"].size() == 1);
    CHECK(invoices() == "1 paid 2026-0001 2026-11-25 2026-12-02; 2 issued 2026-0002 2026-12-10 2026-12-17; 3 draft - - -");
    CHECK_THROWS_WITH(conveyor::complete_stage(t.db, lead, "design", anna, "2026-12-11T10:00:00Z"),
                      "atelier: stage: the stage \"design\" is done already");
    // A stage with no payment due is recorded, and issues nothing.
    CHECK(conveyor::complete_stage(t.db, lead, "development", anna, "2026-12-15T10:00:00Z").made["invoice_ids"].empty());
    conveyor::complete_stage(t.db, lead, "launch", anna, "2026-12-21T10:00:00Z");
    CHECK(invoices() == "1 paid 2026-0001 2026-11-25 2026-12-02; 2 issued 2026-0002 2026-12-10 2026-12-17; 3 issued 2026-0003 2026-12-21 2026-12-28");
    // Each invoice gets its link by e-mail once, even when the rules run
    // after all three were issued.
    automation::tick(t.db, "2026-12-21T10:01:00Z", "https://studio.test");
    Stmt links(t.db, "SELECT count(*) FROM outbox WHERE lead_id = ?1 AND rule = 'invoice_link'");
    links.bind(1, lead).step();
    CHECK(links.int64(0) == 3);
    CHECK(t.count("SELECT count(*) FROM events WHERE kind = 'stage_completed'") == 3);
    // The card's project: the stages of the timeline, done or not, with their payments.
    json project = lead_view(t.db, lead, "2026-12-21")["project"];
    std::string shown;
    for (const json& st : project["stages"]) {
        shown += (shown.empty() ? "" : "; ") + st["id"].get<std::string>() + (st["done_at"].is_null() ? "" : " done");
        for (const json& p : st["payments"]) shown += " " + std::to_string(p["percent"].get<int>()) + "% " + p["status"].get<std::string>();
    }
    CHECK(shown == "research; design done 40% issued; development done; content; launch done 30% issued");
    CHECK(project["stages"][1]["name"]["ru"] == "Дизайн");
}

TEST_CASE("conveyor: the client's contacts are corrected, checked like a new lead's, and journaled") {
    Lead f;
    Outcome o = conveyor::edit_contacts(f.t.db, f.id, json{{"email", " ivan.smirnov@example.ru "}, {"phone", "+7 903 123-45-67"}}, anna,
                                        "2026-11-24T09:00:00Z");
    CHECK(o.kind == "contacts_changed");
    CHECK_FALSE(o.event_id.empty());
    json view = lead_view(f.t.db, f.id, "2026-11-24");
    CHECK(view["email"] == "ivan.smirnov@example.ru");
    CHECK(view["phone"] == "+7 903 123-45-67");
    CHECK(f.t.text("SELECT json_extract(payload_json, '$.fields.email.from') || ' → ' || json_extract(payload_json, '$.fields.email.to')"
                   " FROM events WHERE kind = 'contacts_changed'") == "ivan@example.ru → ivan.smirnov@example.ru");
    // Bad input names the field and changes nothing.
    CHECK_THROWS_WITH(conveyor::edit_contacts(f.t.db, f.id, json{{"email", "ivan@"}, {"client_name", " "}}, anna, "2026-11-24T09:05:00Z"),
                      "atelier: contacts: client_name: required; email: \"ivan@\" is not an e-mail address");
    CHECK_THROWS_WITH(conveyor::edit_contacts(f.t.db, f.id, json{{"iban", "FR76"}}, anna, "2026-11-24T09:05:00Z"),
                      "atelier: contacts: iban: unknown field, expected client_name, company, email, phone, lang or currency");
    CHECK(lead_view(f.t.db, f.id, "2026-11-24")["email"] == "ivan.smirnov@example.ru");
    // The same values again: nothing changed, no event.
    CHECK(conveyor::edit_contacts(f.t.db, f.id, json{{"email", "ivan.smirnov@example.ru"}}, anna, "2026-11-24T09:10:00Z").event_id.empty());
    CHECK(f.t.count("SELECT count(*) FROM events WHERE kind = 'contacts_changed'") == 1);
}

TEST_CASE("conveyor: a lead's currency follows its language by the studio's rule, and the manager changes it until the contract is signed") {
    Lead f;
    // A French request from the site form: euros, the EUR price list, a French calendar.
    Intake in = intake_from_fields(json{{"name", "Claire Dubois"}, {"email", "claire@exemple.fr"}, {"lang", "fr"}});
    std::string fr = conveyor::intake(f.t.db, in.lead, in.utm, client_actor("Claire Dubois"), "https://studio.test", "2026-11-24T09:00:00Z").lead_id;
    CHECK(f.t.text(("SELECT currency FROM leads WHERE id = '" + fr + "'").c_str()) == "EUR");
    CHECK(f.t.text(("SELECT json_extract(payload_json, '$.currency') FROM events WHERE kind = 'lead_created' AND lead_id = '" + fr + "'").c_str()) == "EUR");
    Intake ru = intake_from_fields(json{{"name", "Ольга"}, {"email", "olga@example.ru"}, {"lang", "ru"}});
    std::string rl = conveyor::intake(f.t.db, ru.lead, ru.utm, client_actor("Ольга"), "https://studio.test", "2026-11-24T09:00:00Z").lead_id;
    CHECK(f.t.text(("SELECT currency FROM leads WHERE id = '" + rl + "'").c_str()) == "RUB");
    // The rule is data.
    exec(f.t.db, "UPDATE studio SET currency_rules_json = '{\"fr\":\"USD\"}'");
    CHECK(currency_for(f.t.db, "fr") == "USD");
    CHECK(currency_for(f.t.db, "en") == "RUB");  // no rule: the studio's currency
    // The manager changes the currency (and language) of a lead; the journal says so.
    conveyor::save_brief(f.t.db, fr, "landing", json{{"company", "Éclair"}, {"activity", "Pâtisserie"}, {"goals", {"leads"}}, {"pages", 2},
                                                     {"languages", 1}, {"design_level", "template"}, {"urgency", "normal"}}, true, anna, "2026-11-24T10:00:00Z");
    conveyor::edit_contacts(f.t.db, fr, json{{"currency", "RUB"}, {"lang", "ru"}}, anna, "2026-11-24T10:05:00Z");
    json e = json::parse(f.t.text(("SELECT body_json FROM estimates WHERE id = '" +
                                   conveyor::estimate(f.t.db, fr, json::object(), anna, "2026-11-24T10:10:00Z").made["estimate_id"].get<std::string>() + "'").c_str()));
    CHECK(e["currency"] == "RUB");
    CHECK(f.t.text("SELECT json_extract(payload_json, '$.fields.currency.to') FROM events WHERE kind = 'contacts_changed'") == "RUB");
    CHECK_THROWS_WITH(conveyor::edit_contacts(f.t.db, fr, json{{"currency", "GBP"}}, anna, "2026-11-24T10:06:00Z"),
                      doctest::Contains("currency: unknown currency \"GBP\""));
    // Once the contract is signed, the currency stays.
    conveyor::accept(f.t.db, f.proposal, Acceptance{"phone", "Иван Смирнов", "", ""}, anna, "2026-11-24T11:00:00Z");
    std::string contract = f.t.text(("SELECT id FROM contracts WHERE lead_id = '" + f.id + "'").c_str());
    conveyor::sign(f.t.db, contract, Acceptance{"paper", "Иван Смирнов", "", ""}, anna, "2026-11-24T12:00:00Z");
    CHECK_THROWS_WITH(conveyor::edit_contacts(f.t.db, f.id, json{{"currency", "EUR"}}, anna, "2026-11-24T12:05:00Z"),
                      "atelier: contacts: currency: the contract is signed in RUB; the currency stays");
}

TEST_CASE("documents: an act of completed work for each stage done, and one for the whole project") {
    Lead f;
    conveyor::accept(f.t.db, f.proposal, Acceptance{"phone", "Иван Смирнов", "", ""}, anna, "2026-11-24T11:00:00Z");
    const std::string contract = f.t.text(("SELECT id FROM contracts WHERE lead_id = '" + f.id + "'").c_str());
    CHECK_THROWS_WITH(document_html(f.t.db, "act", contract + "/design", Lang::ru), "atelier: act: the contract is not signed");
    conveyor::sign(f.t.db, contract, Acceptance{"paper", "Иван Смирнов", "", ""}, anna, "2026-11-24T12:00:00Z");
    CHECK_THROWS_WITH(document_html(f.t.db, "act", contract + "/design", Lang::ru), "atelier: act: the stage \"design\" is not completed yet");
    CHECK_THROWS_WITH(document_html(f.t.db, "act", contract + "/handover", Lang::ru), doctest::Contains("act: stage: not a stage of this contract"));
    conveyor::complete_stage(f.t.db, f.id, "design", anna, "2026-12-10T10:00:00Z");
    const std::string number = f.t.text(("SELECT number FROM contracts WHERE id = '" + contract + "'").c_str());
    std::string act = document_html(f.t.db, "act", contract + "/design", Lang::ru);
    CHECK(act.find("<h1>Акт сдачи-приёмки выполненных работ № " + number + "/2</h1>") != std::string::npos);
    CHECK(act.find("работы этапа «Дизайн»") != std::string::npos);
    CHECK(act.find("Дизайн макета страницы") != std::string::npos);
    CHECK(act.find("Вёрстка макета страницы") == std::string::npos);  // another stage's work
    CHECK(act.find("10.12.2026") != std::string::npos);
    CHECK(act.find("Заказчик претензий по объёму, качеству и срокам не имеет") != std::string::npos);
    CHECK(act.find("/ Иван Смирнов") != std::string::npos);  // the customer's signature line
    // The whole project's act once the last stage is done, for the contract's full price.
    CHECK_THROWS_WITH(document_html(f.t.db, "act", contract, Lang::ru), doctest::Contains("is not completed yet"));
    json e = json::parse(f.t.text(("SELECT body_json FROM estimates WHERE id = '" + f.estimate + "'").c_str()));
    for (const json& st : e["timeline"])
        if (st["stage"] != "design") conveyor::complete_stage(f.t.db, f.id, st["stage"].get<std::string>(), anna, "2026-12-20T10:00:00Z");
    std::string whole = document_html(f.t.db, "act", contract, Lang::en);
    CHECK(whole.find("<h1>Acceptance certificate No. " + number + "/A</h1>") != std::string::npos);
    CHECK(whole.find("all the work under the contract") != std::string::npos);
    e = json::parse(f.t.text(("SELECT body_json FROM estimates WHERE id = '" + f.estimate + "'").c_str()));
    CHECK(whole.find("<strong>" + format(Money{e["total"].get<int64_t>(), Currency::RUB}, Lang::en) + "</strong>") != std::string::npos);
}

TEST_CASE("brief: the requisites block collects the client's legal details, checked, and the submitted brief keeps them on the client") {
    Lead f;
    const json tpl = latest_brief_template(f.t.db, "corporate");
    // The client page's fields: the chosen country's, posted as <question>.<country>.<field>.
    FormFields fields = {{"requisites.country", "ru"},
                         {"requisites.ru.legal_name", " ООО «Ромашка» "},
                         {"requisites.ru.inn", "7707083893"},
                         {"requisites.ru.ogrn", "1027700132195"},
                         {"requisites.fr.siret", "73282932000074"}};  // another country's field: not taken
    std::vector<BriefProblem> typing;
    json r = answers_from_form(tpl, fields, &typing)["requisites"];
    CHECK(typing.empty());
    CHECK(r == json{{"country", "ru"}, {"kind", "company"}, {"legal_name", "ООО «Ромашка»"}, {"inn", "7707083893"}, {"ogrn", "1027700132195"}});
    // A wrong check digit is a problem of the question, the field named.
    json bad = r;
    bad["inn"] = "7707083894";
    auto problems = validate_answers(tpl, json{{"requisites", bad}});
    bool named = false;
    for (const auto& p : problems) named |= p.question == "requisites" && p.message == "inn: check digit does not match";
    CHECK(named);
    CHECK(requisite_problem_text("inn: check digit does not match", "ru", Lang::ru) == "ИНН: не сходится контрольная цифра — проверьте номер");
    CHECK(requisite_problem_text("siret: check digit does not match (Luhn)", "fr", Lang::fr) ==
          "SIRET : la clé de contrôle ne correspond pas : vérifiez le numéro");
    // The block is optional: a brief without it is complete.
    json answers = json::parse(f.t.text(("SELECT answers_json FROM briefs WHERE lead_id = '" + f.id + "'").c_str()));
    for (const auto& p : validate_answers(tpl, answers)) CHECK(p.question != "requisites");
    // The manager's bank details stay when the brief brings the rest.
    conveyor::set_requisites(f.t.db, f.id, json{{"country", "ru"}, {"kind", "company"}, {"bik", "044525225"}, {"account", "40702810938000000001"}},
                             anna, "2026-11-24T08:00:00Z");
    answers["requisites"] = r;
    // A draft keeps the answer in the brief only.
    conveyor::save_brief(f.t.db, f.id, "corporate", answers, false, anna, "2026-11-24T09:00:00Z");
    CHECK(f.t.text("SELECT json_extract(requisites_json, '$.inn') FROM clients") == "");
    conveyor::save_brief(f.t.db, f.id, "corporate", answers, true, anna, "2026-11-24T09:10:00Z");
    json client = json::parse(f.t.text(("SELECT c.requisites_json FROM leads l JOIN clients c ON c.id = l.client_id WHERE l.id = '" + f.id + "'").c_str()));
    CHECK(client["inn"] == "7707083893");
    CHECK(client["legal_name"] == "ООО «Ромашка»");
    CHECK(client["account"] == "40702810938000000001");
    CHECK(f.t.count(("SELECT count(*) FROM events WHERE kind = 'requisites_changed' AND lead_id = '" + f.id + "'").c_str()) == 2);
    // A submitted brief with a bad number is refused whole: nothing changes.
    answers["requisites"] = bad;
    CHECK_THROWS_WITH(conveyor::save_brief(f.t.db, f.id, "corporate", answers, true, anna, "2026-11-24T09:20:00Z"),
                      doctest::Contains("requisites: inn: check digit does not match"));
    CHECK(f.t.text("SELECT json_extract(requisites_json, '$.inn') FROM clients WHERE requisites_json LIKE '%7707%'") == "7707083893");
    // The contract prints what the brief brought.
    conveyor::accept(f.t.db, f.proposal, Acceptance{"phone", "Иван Смирнов", "", ""}, anna, "2026-11-24T11:00:00Z");
    std::string contract = f.t.text(("SELECT id FROM contracts WHERE lead_id = '" + f.id + "'").c_str());
    std::string html = document_html(f.t.db, "contract", contract, Lang::ru);
    CHECK(html.find("7707083893") != std::string::npos);
    CHECK(html.find("1027700132195") != std::string::npos);
}

TEST_CASE("acts: issued frozen when a stage is done, signed by the client or recorded, the studio's template, sent by rule") {
    Lead f;
    conveyor::accept(f.t.db, f.proposal, Acceptance{"phone", "Иван Смирнов", "", ""}, anna, "2026-11-24T11:00:00Z");
    const std::string contract = f.t.text(("SELECT id FROM contracts WHERE lead_id = '" + f.id + "'").c_str());
    conveyor::sign(f.t.db, contract, Acceptance{"paper", "Иван Смирнов", "", ""}, anna, "2026-11-24T12:00:00Z");
    const std::string number = f.t.text(("SELECT number FROM contracts WHERE id = '" + contract + "'").c_str());
    CHECK_THROWS_WITH(conveyor::issue_act(f.t.db, contract, "design", anna, "2026-12-01T10:00:00Z"),
                      "atelier: act: the stage \"design\" is not completed yet");
    // The stage done: its act is issued with it, numbered after the contract, and frozen.
    Outcome done = conveyor::complete_stage(f.t.db, f.id, "design", anna, "2026-12-10T10:00:00Z");
    const std::string act = done.made["act_id"];
    CHECK(f.t.text(("SELECT number || '|' || status || '|' || stage FROM acts WHERE id = '" + act + "'").c_str()) == number + "/2|issued|design");
    CHECK(f.t.count(("SELECT count(*) FROM events WHERE kind = 'act_issued' AND lead_id = '" + f.id + "'").c_str()) == 1);
    const std::string frozen = document_html(f.t.db, "act", act, Lang::ru);
    CHECK(frozen.find("№ " + number + "/2") != std::string::npos);
    exec(f.t.db, "UPDATE studio SET name = 'Другая студия'");
    CHECK(document_html(f.t.db, "act", act, Lang::ru) == frozen);               // the issued act does not change
    CHECK(document_html(f.t.db, "act", contract + "/design", Lang::ru) == frozen);  // by its contract and stage too
    // Issuing it again is the same act, and records nothing.
    Outcome again = conveyor::issue_act(f.t.db, contract, "design", anna, "2026-12-11T10:00:00Z");
    CHECK(again.made["act_id"] == act);
    CHECK(again.event_id.empty());
    // The rule sends the client its link to the act, in the client's language.
    automation::tick(f.t.db, "2026-12-10T10:05:00Z", "https://studio.test");
    CHECK(f.t.text(("SELECT subject FROM outbox WHERE rule = 'act_link' AND lead_id = '" + f.id + "'").c_str()).find("Акт " + number + "/2") == 0);
    CHECK(f.t.text(("SELECT body FROM outbox WHERE rule = 'act_link' AND lead_id = '" + f.id + "'").c_str()).find("https://studio.test/c/") != std::string::npos);
    // A manager cannot sign for the client online; the client can, once.
    CHECK_THROWS_WITH(conveyor::sign_act(f.t.db, act, Acceptance{"online", "Иван", "", ""}, anna, "2026-12-12T10:00:00Z"),
                      doctest::Contains("act: channel: only the client accepts online"));
    CHECK_THROWS_WITH(conveyor::sign_act(f.t.db, act, Acceptance{"online", "  ", "", ""}, client_actor(""), "2026-12-12T10:00:00Z"),
                      "atelier: act: name: required (who signs the act)");
    conveyor::sign_act(f.t.db, act, Acceptance{"online", "Иван Смирнов", "203.0.113.7", ""}, client_actor("Иван Смирнов"), "2026-12-12T10:00:00Z");
    CHECK(f.t.text(("SELECT status || '|' || signed_by || '|' || signed_ip FROM acts WHERE id = '" + act + "'").c_str()) == "signed|Иван Смирнов|203.0.113.7");
    const std::string signed_html = document_html(f.t.db, "act", act, Lang::ru);
    CHECK(signed_html.find("Принято клиентом онлайн: Иван Смирнов, 12.12.2026") != std::string::npos);
    CHECK_THROWS_WITH(conveyor::sign_act(f.t.db, act, Acceptance{"online", "Иван Смирнов", "", ""}, client_actor("Иван Смирнов"), "2026-12-12T11:00:00Z"),
                      doctest::Contains(("act: the act " + number + "/2 is signed already").c_str()));
    automation::tick(f.t.db, "2026-12-12T10:05:00Z", "https://studio.test");
    CHECK(f.t.count(("SELECT count(*) FROM outbox WHERE rule = 'act_signed' AND lead_id = '" + f.id + "'").c_str()) == 1);
    // The studio's own act template: the next act is made with it, the card lists both.
    exec(f.t.db, "INSERT INTO templates(id, kind, lang, body, updated_at) VALUES ('act-ru', 'act', 'ru',"
                 " '<h1>АКТ {{doc.number}}</h1><p>{{act.intro}}</p>', '2026-12-13T00:00:00Z')");
    json e = json::parse(f.t.text(("SELECT body_json FROM estimates WHERE id = '" + f.estimate + "'").c_str()));
    std::string second;
    int second_place = 0;
    for (size_t i = 0; i < e["timeline"].size() && second.empty(); ++i)
        if (e["timeline"][i]["stage"] != "design") second = e["timeline"][i]["stage"], second_place = (int)i + 1;
    const std::string act2 = conveyor::complete_stage(f.t.db, f.id, second, anna, "2026-12-14T10:00:00Z").made["act_id"];
    CHECK(document_html(f.t.db, "act", act2, Lang::ru).rfind("<h1>АКТ " + number + "/" + std::to_string(second_place) + "</h1>", 0) == 0);
    // A recorded signature names who recorded it.
    conveyor::sign_act(f.t.db, act2, Acceptance{"paper", "Иван Смирнов", "", "скан получен"}, anna, "2026-12-15T10:00:00Z");
    CHECK(f.t.text(("SELECT recorded_by FROM acts WHERE id = '" + act2 + "'").c_str()) == "Anna Petrova");
    json view = lead_view(f.t.db, f.id, "2026-12-15");
    int acts = 0;
    for (const json& d : view["documents"]) acts += d["kind"] == "act";
    CHECK(acts == 2);
    CHECK(view["project"]["stages"][0]["act"]["status"] == "signed");
}

TEST_CASE("brief: the template editor's preview is the client's form of that template, empty; a broken template is refused") {
    TestDb t;
    ensure_studio(t.db, "2026-11-20T09:00:00Z");
    install_defaults(t.db, "2026-11-20T09:00:00Z");
    json tpl = default_brief_templates()[0];
    tpl["sections"][0]["questions"].push_back({{"id", "budget_limit"}, {"type", "number"}, {"required", true},
                                               {"label", {{"ru", "Какой бюджет проекта?"}, {"fr", "Quel budget ?"}, {"en", "What budget?"}}}});
    const std::string ru = brief_preview_html(t.db, tpl, Lang::ru);
    CHECK(ru.find("Какой бюджет проекта?") != std::string::npos);
    CHECK(ru.find("name=\"budget_limit\"") != std::string::npos);
    CHECK(brief_preview_html(t.db, tpl, Lang::fr).find("Quel budget ?") != std::string::npos);
    // Nothing is stored: the preview is of a template not saved yet.
    CHECK(t.count("SELECT count(*) FROM briefs") == 0);
    tpl["sections"][0]["questions"].back()["type"] = "colour";
    CHECK_THROWS_WITH(brief_preview_html(t.db, tpl, Lang::ru), doctest::Contains("unknown type \"colour\""));
}

TEST_CASE("brief: an edit after the estimate is a new version; the lead's view lists every version with what it changed") {
    Lead f;  // version 1, submitted and estimated
    json v1 = lead_view(f.t.db, f.id, "2026-11-23")["brief"];
    REQUIRE(v1["history"].size() == 1);
    CHECK(v1["history"][0]["version"] == 1);
    CHECK(v1["history"][0]["changed"] == json::array());
    CHECK(v1["history"][0]["estimates"] == json::array({1}));

    json answers = v1["answers"];
    answers["pages"] = 14;
    answers["seo"] = false;
    answers["integrations"] = json::array({"analytics", "crm"});
    conveyor::save_brief(f.t.db, f.id, "corporate", answers, true, anna, "2026-11-24T10:00:00Z");
    json view = lead_view(f.t.db, f.id, "2026-11-24");
    const json& h = view["brief"]["history"];
    REQUIRE(h.size() == 2);
    CHECK(view["brief"]["versions"] == 2);
    // Version 1 keeps its answers and its estimate; version 2 has none yet.
    CHECK(h[0]["answers"]["pages"] == 8);
    CHECK(h[0]["estimates"] == json::array({1}));
    CHECK(h[1]["answers"]["pages"] == 14);
    CHECK(h[1]["estimates"] == json::array());
    // In the template's order.
    CHECK(h[1]["changed"] == json::array({"pages", "integrations", "seo"}));
    // Estimating again prices version 2.
    conveyor::estimate(f.t.db, f.id, json{{"start_date", "2026-12-01"}}, anna, "2026-11-24T11:00:00Z");
    CHECK(lead_view(f.t.db, f.id, "2026-11-24")["brief"]["history"][1]["estimates"] == json::array({2}));
    // A second edit of the estimated version 2 makes version 3; an edit of an
    // unestimated draft stays in its version.
    answers["pages"] = 15;
    conveyor::save_brief(f.t.db, f.id, "corporate", answers, false, anna, "2026-11-25T10:00:00Z");
    answers["pages"] = 16;
    conveyor::save_brief(f.t.db, f.id, "corporate", answers, false, anna, "2026-11-25T10:05:00Z");
    const json h3 = lead_view(f.t.db, f.id, "2026-11-25")["brief"]["history"];
    REQUIRE(h3.size() == 3);
    CHECK(h3[2]["status"] == "draft");
    CHECK(h3[2]["changed"] == json::array({"pages"}));
}

TEST_CASE("brief: an answer as a person reads it, in each language") {
    const json& tpl = default_brief_templates()[0];
    auto question = [&](const char* id) -> const json& {
        for (const json& s : tpl["sections"])
            for (const json& q : s["questions"])
                if (q["id"] == id) return q;
        FAIL("no question " << id);
        return tpl;
    };
    CHECK(answer_text(question("seo"), true, Lang::ru) == "да");
    CHECK(answer_text(question("seo"), false, Lang::fr) == "non");
    CHECK(answer_text(question("pages"), 12, Lang::en) == "12");
    CHECK(answer_text(question("pages"), json(), Lang::en) == "");
    const std::string custom = question("design_level")["options"][1]["label"]["ru"];
    CHECK(answer_text(question("design_level"), question("design_level")["options"][1]["id"], Lang::ru) == custom);
    const json& integ = question("integrations")["options"];
    CHECK(answer_text(question("integrations"), json::array({integ[0]["id"], integ[1]["id"]}), Lang::fr) ==
          integ[0]["label"]["fr"].get<std::string>() + ", " + integ[1]["label"]["fr"].get<std::string>());
    // A refusal of an answer, said to the person who typed it.
    CHECK(problem_text("must be at most 3", Lang::ru) == "не больше 3");
    CHECK(problem_text("must be at least 1", Lang::fr) == "au moins 1");
    CHECK(problem_text("expected a date YYYY-MM-DD", Lang::ru) == "нужна дата в виде ГГГГ-ММ-ДД");
    // Missing and empty are the same answer; a key the template does not ask comes last.
    CHECK(changed_answers(tpl, json{{"activity", ""}, {"goals", json::array()}}, json::object()) == std::vector<std::string>{});
    CHECK(changed_answers(tpl, json{{"old_key", 1}}, json{{"pages", 3}}) == std::vector<std::string>{"pages", "old_key"});
}
