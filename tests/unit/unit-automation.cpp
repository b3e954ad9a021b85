// Notification rules as data, the outbox, tasks and views: each message once
// per lead and occasion, in the lead's language, with its link; conditions
// checked again when due and before sending; a simulated year of leads with
// the mail server down for a day.
#include <doctest/doctest.h>

#include <map>
#include <random>
#include <set>

#include "automation.h"
#include "conveyor.h"
#include "demo.h"
#include "error.h"
#include "ids.h"
#include "links.h"
#include "mail.h"
#include "test_db.h"
#include "workflow.h"

using namespace atelier;
using nlohmann::json;
namespace au = atelier::automation;

namespace {

const Actor anna{"user-anna", "Anna Petrova", "app", false};
const char* const kBase = "https://studio.test";

const json kAnswers = {{"company", "ООО Ромашка"}, {"activity", "Цветы"}, {"goals", {"sales", "brand"}},
                       {"pages", 8}, {"sections", {"about", "services", "blog", "contacts"}}, {"content_pages", 12},
                       {"languages", 1}, {"needs_catalogue", false}, {"design_level", "custom"},
                       {"integrations", {"analytics"}}, {"seo", true}, {"urgency", "normal"}};

struct World {
    TestDb t;
    explicit World(const char* at0 = "2026-11-20T09:00:00Z") {
        seed_demo(t.db);
        install_defaults(t.db, at0);
    }
    std::string intake(const std::string& name, const std::string& email, const char* lang, const char* currency, const std::string& at) {
        NewLead l = new_lead_from_json(json{{"client_name", name}, {"email", email}, {"lang", lang}, {"currency", currency}});
        return conveyor::intake(t.db, l, json::object(), system_actor(), kBase, at).lead_id;
    }
    // Every message due: claimed and marked sent, as the server's sender does.
    std::vector<au::Message> send(const std::string& now) {
        std::vector<au::Message> out;
        while (auto m = au::claim(t.db, now)) {
            au::mark_sent(t.db, m->id, now);
            out.push_back(*m);
        }
        return out;
    }
    std::string rules_of(const std::string& lead, const char* status = "sent") {
        std::string out;
        Stmt q(t.db, "SELECT rule FROM outbox WHERE lead_id = ?1 AND status = ?2 ORDER BY created_at, due_at, rule");
        q.bind(1, lead).bind(2, status);
        while (q.step()) out += (out.empty() ? "" : " ") + q.text(0);
        return out;
    }
};

const au::Message* find(const std::vector<au::Message>& ms, const std::string& rule) {
    for (const auto& m : ms)
        if (m.rule == rule) return &m;
    return nullptr;
}

// The document a client link in a body points at, or "".
std::string link_target(sqlite3* db, const std::string& body) {
    size_t at = body.find(std::string(kBase) + "/c/");
    if (at == std::string::npos) return "";
    std::string token = body.substr(at + std::string(kBase).size() + 3, 22);
    auto l = resolve_link(db, token, "2026-12-01T00:00:00Z");
    return l ? l->kind + ":" + l->doc_id : "";
}

}  // namespace

TEST_CASE("automation: a lead through the conveyor gets each default message once, in its language, with its link") {
    World w;
    SUBCASE("ru") {
        std::string lead = w.intake("Иван Смирнов", "ivan@example.ru", "ru", "RUB", "2026-11-23T09:00:00Z");
        au::tick(w.t.db, "2026-11-23T09:00:00Z", kBase);
        auto sent = w.send("2026-11-23T09:00:00Z");
        REQUIRE(sent.size() == 1);
        CHECK(sent[0].rule == "brief_link");
        CHECK(sent[0].recipient == "ivan@example.ru");
        CHECK(sent[0].reply_to == "owner@atlas-studio.ru");
        CHECK(sent[0].subject == "Бриф по вашему проекту — Студия «Атлас»");  // plain text: no &laquo; or &amp;
        CHECK(sent[0].body.find("Здравствуйте, Иван Смирнов!") == 0);
        CHECK(link_target(w.t.db, sent[0].body).rfind("brief:", 0) == 0);
        CHECK(sent[0].html.find("<a href=\"https://studio.test/c/") != std::string::npos);
        // A second tick finds nothing new.
        CHECK(au::tick(w.t.db, "2026-11-23T09:05:00Z", kBase).scheduled == 0);
        CHECK(w.send("2026-11-23T09:05:00Z").empty());

        conveyor::save_brief(w.t.db, lead, "corporate", kAnswers, true, client_actor("Иван Смирнов"), "2026-11-23T10:00:00Z");
        std::string est = conveyor::estimate(w.t.db, lead, json{{"start_date", "2026-12-01"}}, anna, "2026-11-23T11:00:00Z").made["estimate_id"];
        std::string proposal = conveyor::propose(w.t.db, est, anna, "2026-11-23T11:05:00Z").made["proposal_id"];
        au::tick(w.t.db, "2026-11-23T11:06:00Z", kBase);
        sent = w.send("2026-11-23T11:06:00Z");
        REQUIRE(sent.size() == 2);
        REQUIRE(find(sent, "brief_submitted"));
        CHECK(find(sent, "brief_submitted")->recipient == "owner@atlas-studio.ru");
        REQUIRE(find(sent, "proposal_link"));
        CHECK(link_target(w.t.db, find(sent, "proposal_link")->body) == "proposal:" + proposal);
        CHECK(find(sent, "proposal_link")->subject == "Коммерческое предложение " + w.t.text("SELECT number FROM proposals") + " — Студия «Атлас»");

        std::string contract = conveyor::accept(w.t.db, proposal, Acceptance{"online", "Иван Смирнов", "203.0.113.9", ""},
                                                client_actor("Иван Смирнов"), "2026-11-24T10:00:00Z").made["contract_id"];
        au::tick(w.t.db, "2026-11-24T10:00:30Z", kBase);
        sent = w.send("2026-11-24T10:00:30Z");
        REQUIRE(find(sent, "contract_link"));
        CHECK(link_target(w.t.db, find(sent, "contract_link")->body) == "contract:" + contract);
        CHECK(find(sent, "proposal_accepted"));

        json ids = conveyor::sign(w.t.db, contract, Acceptance{"online", "Иван Смирнов", "203.0.113.9", ""},
                                  client_actor("Иван Смирнов"), "2026-11-25T10:00:00Z").made["invoice_ids"];
        au::tick(w.t.db, "2026-11-25T10:00:30Z", kBase);
        sent = w.send("2026-11-25T10:00:30Z");
        // Each issued invoice of the schedule gets its link (the planned balance is not issued yet).
        int links = 0;
        for (const auto& m : sent)
            if (m.rule == "invoice_link") {
                ++links;
                CHECK(link_target(w.t.db, m.body).rfind("invoice:", 0) == 0);
                CHECK(m.body.find("₽") != std::string::npos);
            }
        CHECK(links == w.t.count("SELECT count(*) FROM invoices WHERE issued_on IS NOT NULL"));
        CHECK(links >= 1);
        CHECK(find(sent, "contract_signed"));
        // The planned one, issued later, gets its own.
        std::string planned = w.t.text("SELECT id FROM invoices WHERE status = 'draft'");
        REQUIRE(planned != "<no row>");
        conveyor::issue(w.t.db, planned, anna, "2026-12-20T10:00:00Z");
        au::tick(w.t.db, "2026-12-20T10:01:00Z", kBase);
        sent = w.send("2026-12-20T10:01:00Z");
        REQUIRE(find(sent, "invoice_link"));
        CHECK(link_target(w.t.db, find(sent, "invoice_link")->body) == "invoice:" + planned);
        CHECK(w.t.count("SELECT count(*) FROM outbox GROUP BY rule, lead_id, occasion ORDER BY count(*) DESC LIMIT 1") == 1);
    }
    SUBCASE("fr") {
        std::string lead = w.intake("Claire Martin", "claire@example.fr", "fr", "EUR", "2026-11-23T09:00:00Z");
        au::tick(w.t.db, "2026-11-23T09:00:00Z", kBase);
        auto sent = w.send("2026-11-23T09:00:00Z");
        REQUIRE(sent.size() == 1);
        CHECK(sent[0].lang == "fr");
        CHECK(sent[0].subject.find("Le brief de votre projet") == 0);
        CHECK(sent[0].body.find("Bonjour Claire Martin,") == 0);
        CHECK(sent[0].html.find("<html lang=\"fr\">") != std::string::npos);
        CHECK(w.rules_of(lead) == "brief_link");
    }
}

TEST_CASE("automation: conditions are checked again when a message falls due and before it goes") {
    World w;
    std::string lead = w.intake("Иван Смирнов", "ivan@example.ru", "ru", "RUB", "2026-11-23T09:00:00Z");
    au::tick(w.t.db, "2026-11-23T09:00:00Z", kBase);
    w.send("2026-11-23T09:00:00Z");
    SUBCASE("a brief filled before the reminder: no reminder") {
        conveyor::save_brief(w.t.db, lead, "corporate", kAnswers, true, client_actor("Иван"), "2026-11-25T09:00:00Z");
        au::tick(w.t.db, "2026-11-27T09:00:00Z", kBase);
        w.send("2026-11-27T09:00:00Z");
        CHECK(w.t.count("SELECT count(*) FROM outbox WHERE rule = 'brief_reminder'") == 0);
    }
    SUBCASE("an unfilled brief: one reminder after three days, never two") {
        au::tick(w.t.db, "2026-11-26T08:59:00Z", kBase);
        CHECK(w.send("2026-11-26T08:59:00Z").empty());
        au::tick(w.t.db, "2026-11-26T09:00:00Z", kBase);
        auto sent = w.send("2026-11-26T09:00:00Z");
        REQUIRE(sent.size() == 1);
        CHECK(sent[0].rule == "brief_reminder");
        CHECK(link_target(w.t.db, sent[0].body).rfind("brief:", 0) == 0);
        au::tick(w.t.db, "2026-11-30T09:00:00Z", kBase);
        CHECK(w.send("2026-11-30T09:00:00Z").empty());
    }
    SUBCASE("a queued message whose condition stopped holding while the mail server was down is cancelled, not sent") {
        // A delayed copy of brief_link: queued, then the brief is submitted before the mail server answers.
        au::set_rule(w.t.db, json{{"code", "brief_nudge"}, {"spec", {{"trigger", {{"timer", "brief_sent"}, {"days", 1}}},
                                                                    {"conditions", {"brief_unsubmitted"}}, {"channel", "email"},
                                                                    {"template", "brief_reminder"}}}},
                     "2026-11-23T08:00:00Z");
        au::tick(w.t.db, "2026-11-24T09:00:00Z", kBase);
        auto m = au::claim(w.t.db, "2026-11-24T09:00:00Z");
        REQUIRE(m);
        au::mark_retry(w.t.db, m->id, "2026-11-24T09:00:01Z", "Connection refused", 60);
        conveyor::save_brief(w.t.db, lead, "corporate", kAnswers, true, client_actor("Иван"), "2026-11-24T09:30:00Z");
        CHECK_FALSE(au::claim(w.t.db, "2026-11-24T10:00:00Z"));
        CHECK(w.t.text("SELECT status || ' ' || last_error FROM outbox WHERE rule = 'brief_nudge'") ==
              "cancelled condition no longer holds: brief_unsubmitted");
    }
}

TEST_CASE("automation: rules are data, checked when saved; a rule never reaches back before it was enabled") {
    World w;
    CHECK(au::rules(w.t.db).size() >= 15);
    CHECK_THROWS_WITH_AS(au::set_rule(w.t.db, json{{"code", "x"}, {"spec", {{"trigger", {{"event", "nope"}}}, {"channel", "email"}, {"template", "brief_link"}}}},
                                      "2026-11-23T09:00:00Z"),
                         doctest::Contains("rule: spec.trigger.event: expected one of"), Error);
    CHECK_THROWS_WITH_AS(au::set_rule(w.t.db, json{{"code", "x"}, {"spec", {{"trigger", {{"timer", "invoice_due"}, {"days", 2}}}, {"channel", "email"}, {"template", "missing"}}}},
                                      "2026-11-23T09:00:00Z"),
                         doctest::Contains("spec.template: no e-mail template \"missing\""), Error);
    CHECK_THROWS_WITH_AS(au::set_rule(w.t.db, json{{"code", "x"}, {"spec", {{"trigger", {{"event", "won"}}}, {"channel", "webhook"}, {"url", "https://hooks.example/a"}, {"secret", "short"}}}},
                                      "2026-11-23T09:00:00Z"),
                         doctest::Contains("spec.secret"), Error);
    CHECK_THROWS_WITH_AS(au::set_rule(w.t.db, json{{"code", "Bad Code"}, {"spec", json::object()}}, "2026-11-23T09:00:00Z"),
                         doctest::Contains("rule: code"), Error);
    CHECK(w.t.count("SELECT count(*) FROM rules WHERE code = 'x'") == 0);

    // A lead from before the rule: its event is not mailed by a rule made later.
    std::string lead = w.intake("Иван", "ivan@example.ru", "ru", "RUB", "2026-11-23T09:00:00Z");
    au::set_rule(w.t.db, json{{"code", "hook"}, {"spec", {{"trigger", {{"event", "lead_created"}}}, {"channel", "webhook"},
                                                           {"url", "https://hooks.example/a"}, {"secret", "0123456789abcdef0123"}}}},
                 "2026-11-23T10:00:00Z");
    au::tick(w.t.db, "2026-11-23T10:00:00Z", kBase);
    CHECK(w.t.count("SELECT count(*) FROM outbox WHERE rule = 'hook'") == 0);
    std::string second = w.intake("Пётр", "petr@example.ru", "ru", "RUB", "2026-11-23T10:30:00Z");
    au::tick(w.t.db, "2026-11-23T10:30:00Z", kBase);
    auto sent = w.send("2026-11-23T10:30:00Z");
    REQUIRE(find(sent, "hook"));
    json body = json::parse(find(sent, "hook")->body);
    CHECK(body["lead_id"] == second);
    CHECK(body["event"]["kind"] == "lead_created");
    CHECK(find(sent, "hook")->recipient == "https://hooks.example/a");

    // Switched off: what it scheduled is cancelled when due.
    au::set_rule(w.t.db, json{{"code", "brief_reminder"}, {"enabled", false}}, "2026-11-24T09:00:00Z");
    au::tick(w.t.db, "2026-11-27T09:00:00Z", kBase);
    CHECK(w.t.count("SELECT count(*) FROM outbox WHERE rule = 'brief_reminder' AND status = 'sent'") == 0);
    (void)lead;
}

TEST_CASE("automation: the studio edits an e-mail's text; a broken one is refused and changes nothing") {
    World w;
    CHECK_THROWS_WITH_AS(au::save_email_template(w.t.db, "brief_link", "ru", "Бриф {{#client}}", "x", "2026-11-23T08:00:00Z"),
                         doctest::Contains("email_template: subject: render: line 1"), Error);
    CHECK_THROWS_WITH_AS(au::save_email_template(w.t.db, "brief_link", "ru", "  ", "x", "2026-11-23T08:00:00Z"),
                         doctest::Contains("email_template: subject: required"), Error);
    CHECK(au::email_template(w.t.db, "brief_link", "ru")["version"] == 1);
    CHECK(au::save_email_template(w.t.db, "brief_link", "ru", "Анкета для {{client.name}}", "Ссылка: {{link}}", "2026-11-23T08:00:00Z") == 2);
    w.intake("Иван", "ivan@example.ru", "ru", "RUB", "2026-11-23T09:00:00Z");
    au::tick(w.t.db, "2026-11-23T09:00:00Z", kBase);
    auto sent = w.send("2026-11-23T09:00:00Z");
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].subject == "Анкета для Иван");
    CHECK(sent[0].body.rfind("Ссылка: https://studio.test/c/", 0) == 0);
    CHECK(au::trigger_text(json{{"trigger", {{"timer", "invoice_due"}, {"days", -2}}}}) == "invoice_due −2 d");
}

TEST_CASE("automation: the outbox survives a crash, backs off while the server is down, keeps a permanent failure") {
    World w;
    w.intake("Иван", "ivan@example.ru", "ru", "RUB", "2026-11-23T09:00:00Z");
    au::tick(w.t.db, "2026-11-23T09:00:00Z", kBase);
    auto m = au::claim(w.t.db, "2026-11-23T09:00:00Z");
    REQUIRE(m);
    CHECK(w.t.text("SELECT status FROM outbox WHERE rule = 'brief_link'") == "sending");
    // A crash here: the message in flight goes back to the queue, with the same id (and Message-ID).
    CHECK(au::recover(w.t.db) == 1);
    auto again = au::claim(w.t.db, "2026-11-23T09:00:10Z");
    REQUIRE(again);
    CHECK(again->id == m->id);
    CHECK(mail::message_id(again->id, "studio@atlas.test") == mail::message_id(m->id, "studio@atlas.test"));
    // Down: back-off 60 s, 120 s, 240 s …, at most an hour.
    au::mark_retry(w.t.db, again->id, "2026-11-23T09:00:10Z", "Couldn't connect to server", 60);
    CHECK(w.t.text("SELECT next_attempt_at FROM outbox WHERE rule = 'brief_link'") == "2026-11-23T09:02:10Z");
    CHECK_FALSE(au::claim(w.t.db, "2026-11-23T09:02:09Z"));
    auto third = au::claim(w.t.db, "2026-11-23T09:02:10Z");
    REQUIRE(third);
    CHECK(third->attempts == 3);
    au::mark_retry(w.t.db, third->id, "2026-11-23T09:02:10Z", "Couldn't connect to server", 60);
    CHECK(w.t.text("SELECT next_attempt_at FROM outbox WHERE rule = 'brief_link'") == "2026-11-23T09:06:10Z");
    // Refused for good: kept with the server's reply; "send again" queues it.
    auto fourth = au::claim(w.t.db, "2026-11-23T09:06:10Z");
    REQUIRE(fourth);
    au::mark_failed(w.t.db, fourth->id, "2026-11-23T09:06:11Z", "550 5.1.1 <ivan@example.ru>: Recipient address rejected");
    CHECK(w.t.text("SELECT status || ': ' || last_error FROM outbox WHERE rule = 'brief_link'") ==
          "failed: 550 5.1.1 <ivan@example.ru>: Recipient address rejected");
    CHECK(au::outbox(w.t.db, "", "failed").size() == 1);
    CHECK_THROWS_AS(au::cancel(w.t.db, fourth->id, "2026-11-23T09:07:00Z", "Anna"), Error);
    au::resend(w.t.db, fourth->id, "2026-11-23T09:07:00Z");
    CHECK(au::claim(w.t.db, "2026-11-23T09:07:00Z"));
}

TEST_CASE("automation: views, tasks and manual sending") {
    World w;
    std::string lead = w.intake("Иван", "ivan@example.ru", "ru", "RUB", "2026-11-23T09:00:00Z");
    conveyor::save_brief(w.t.db, lead, "corporate", kAnswers, true, client_actor("Иван"), "2026-11-23T10:00:00Z");
    std::string est = conveyor::estimate(w.t.db, lead, json{{"start_date", "2026-12-01"}}, anna, "2026-11-23T11:00:00Z").made["estimate_id"];
    std::string proposal = conveyor::propose(w.t.db, est, anna, "2026-11-23T11:05:00Z").made["proposal_id"];
    au::tick(w.t.db, "2026-11-23T11:05:00Z", kBase);
    w.send("2026-11-23T11:05:00Z");
    std::string token = link_for(w.t.db, "proposal", proposal, "2026-11-23T11:05:00Z");

    SUBCASE("never opened: the reminder after two days; a task after five") {
        au::tick(w.t.db, "2026-11-25T11:05:00Z", kBase);
        auto sent = w.send("2026-11-25T11:05:00Z");
        REQUIRE(find(sent, "proposal_unopened"));
        au::tick(w.t.db, "2026-11-28T11:05:00Z", kBase);
        json tasks = au::tasks(w.t.db, "2026-11-28T12:00:00Z");
        REQUIRE(tasks.size() == 1);
        CHECK(tasks[0]["title"] == "Позвонить: Иван не ответил(а) на предложение " + w.t.text("SELECT number FROM proposals"));
        CHECK(tasks[0]["lead_id"] == lead);
        au::task_snooze(w.t.db, tasks[0]["id"].get<std::string>(), "2026-11-29", "2026-11-28T12:00:00Z");
        CHECK(au::tasks(w.t.db, "2026-11-28T12:00:01Z").empty());
        REQUIRE(au::tasks(w.t.db, "2026-11-29T09:00:00Z").size() == 1);
        CHECK(au::tasks(w.t.db, "2026-11-29T09:00:00Z")[0]["due_at"] == "2026-11-29T09:00:00Z");
        au::task_done(w.t.db, tasks[0]["id"].get<std::string>(), anna, "2026-11-29T10:00:00Z");
        CHECK(au::tasks(w.t.db, "2026-11-29T10:00:01Z").empty());
        CHECK(w.t.count("SELECT count(*) FROM events WHERE kind = 'task_done'") == 1);
    }
    SUBCASE("opened: counted, an event, and no 'not opened' reminder") {
        au::record_view(w.t.db, token, "2026-11-23T15:00:00Z");
        au::record_view(w.t.db, token, "2026-11-23T15:10:00Z");
        au::record_view(w.t.db, token, "2026-11-24T09:00:00Z");
        CHECK(w.t.text(("SELECT open_count || ' ' || first_opened_at || ' ' || last_opened_at FROM doc_links WHERE token = '" + token + "'").c_str()) ==
              "3 2026-11-23T15:00:00Z 2026-11-24T09:00:00Z");
        CHECK(w.t.count("SELECT count(*) FROM events WHERE kind = 'document_opened'") == 2);  // at most one an hour
        // Forty openings recorded together (the server batches them): counted, one event at the first.
        au::record_view(w.t.db, token, "2026-11-24T12:00:00Z", 40, "2026-11-24T12:00:09Z");
        CHECK(w.t.text(("SELECT open_count || ' ' || last_opened_at FROM doc_links WHERE token = '" + token + "'").c_str()) ==
              "43 2026-11-24T12:00:09Z");
        CHECK(w.t.text("SELECT at || ' ' || json_extract(payload_json, '$.count') FROM events WHERE kind = 'document_opened' ORDER BY at DESC LIMIT 1") ==
              "2026-11-24T12:00:00Z 4");
        au::tick(w.t.db, "2026-11-25T11:05:00Z", kBase);
        w.send("2026-11-25T11:05:00Z");
        CHECK(w.t.count("SELECT count(*) FROM outbox WHERE rule = 'proposal_unopened' AND status = 'sent'") == 0);
    }
    SUBCASE("send to client: one more e-mail each time, through the rule") {
        au::send_document(w.t.db, "proposal", proposal, anna, "2026-11-24T09:00:00Z");
        au::send_document(w.t.db, "proposal", proposal, anna, "2026-11-24T09:30:00Z");
        au::tick(w.t.db, "2026-11-24T09:30:00Z", kBase);
        auto sent = w.send("2026-11-24T09:30:00Z");
        CHECK(sent.size() == 2);
        for (const auto& m : sent) CHECK(link_target(w.t.db, m.body) == "proposal:" + proposal);
        CHECK_THROWS_WITH_AS(au::send_document(w.t.db, "proposal", "nope", anna, "2026-11-24T09:30:00Z"),
                             doctest::Contains("send: doc_id"), Error);
    }
    SUBCASE("preview renders without writing") {
        const long long links = w.t.count("SELECT count(*) FROM doc_links");
        json p = au::preview(w.t.db, "proposal_unopened", lead, "2026-11-25T11:05:00Z", kBase);
        CHECK(p["subject"] == "Вы видели наше предложение?");
        CHECK(p["recipient"] == "ivan@example.ru");
        CHECK(w.t.count("SELECT count(*) FROM doc_links") == links);
    }
    SUBCASE("preview of a text being edited: in its language, nothing stored; a broken text says why") {
        const long long templates = w.t.count("SELECT count(*) FROM templates");
        const au::EmailText fr{"fr", "Avez-vous vu notre offre, {{client.name}} ?", "Bonjour {{client.name}}"};
        json p = au::preview(w.t.db, "proposal_unopened", lead, "2026-11-25T11:05:00Z", kBase, &fr);
        CHECK(p["lang"] == "fr");
        CHECK(p["subject"] == "Avez-vous vu notre offre, Иван ?");
        CHECK(p["body"] == "Bonjour Иван");
        const au::EmailText broken{"ru", "Тема", "{{#client}} без конца"};
        json b = au::preview(w.t.db, "proposal_unopened", lead, "2026-11-25T11:05:00Z", kBase, &broken);
        CHECK(b["subject"] == "");
        CHECK(b["problem"].get<std::string>().find("Unclosed section") != std::string::npos);
        CHECK(w.t.count("SELECT count(*) FROM templates") == templates);
    }
}

TEST_CASE("mail: a message as it goes on the wire") {
    mail::Envelope e;
    e.from_addr = "hello@atlas.test";
    e.from_name = "Студия «Атлас»";
    e.to = "ivan@example.ru";
    e.reply_to = "owner@atlas.test";
    e.subject = "Бриф по вашему проекту — очень длинная тема письма, которая не помещается в одно закодированное слово";
    e.text = "Здравствуйте!\n\nСсылка: https://studio.test/c/abc.\n";
    e.html = mail::text_to_html(e.text, "ru", "Студия «Атлас»");
    e.message_id = mail::message_id("0f1e", e.from_addr);
    e.date = mail::rfc5322_date("2026-11-29T14:02:00Z");
    std::string m = mail::build(e);
    CHECK(m.find("Date: Sun, 29 Nov 2026 14:02:00 +0000\r\n") == 0);
    CHECK(m.find("\r\nMessage-ID: <0f1e@atlas.test>\r\n") != std::string::npos);
    CHECK(m.find("\r\nReply-To: <owner@atlas.test>\r\n") != std::string::npos);
    CHECK(m.find("Subject: =?UTF-8?B?") != std::string::npos);
    CHECK(m.find("multipart/alternative") != std::string::npos);
    // No bare LF, no line over 998 characters.
    size_t start = 0;
    for (size_t i = 0; i < m.size(); ++i)
        if (m[i] == '\n') {
            CHECK(i > 0);
            CHECK(m[i - 1] == '\r');
            CHECK(i - start < 998);
            start = i + 1;
        }
    CHECK(e.html.find("<a href=\"https://studio.test/c/abc\"") != std::string::npos);  // the final period is not the link's
    CHECK(mail::base64("Ma") == "TWE=");
    CHECK(mail::plain_address("a@b.c"));
    CHECK_FALSE(mail::plain_address("a@b.c>\r\nBcc: x@y"));
}
