// Leads: creation with validation, listing, demo data.
#include <doctest/doctest.h>

#include "demo.h"
#include "error.h"
#include "leads.h"
#include "pipeline.h"
#include "test_db.h"

using namespace atelier;
using nlohmann::json;

TEST_CASE("leads: create and list") {
    TestDb t;
    NewLead l = new_lead_from_json(json{{"client_name", "Студия Éclair"}, {"email", "hello@eclair.fr"},
                                        {"phone", "+33 1 42 68 53 00"}, {"source", "website"}, {"lang", "fr"},
                                        {"currency", "EUR"}, {"amount_minor", 1500000}});
    std::string id = create_lead(t.db, l, "web", "2026-11-26T10:00:00Z");
    json all = leads_json(t.db);
    REQUIRE(all.size() == 1);
    CHECK(all[0]["id"] == id);
    CHECK(all[0]["client"] == "Студия Éclair");
    CHECK(all[0]["stage"] == "new");
    CHECK(all[0]["currency"] == "EUR");
    CHECK(all[0]["amount_minor"] == 1500000);
    CHECK(t.count("SELECT count(*) FROM stage_events WHERE from_stage IS NULL AND to_stage = 'new'") == 1);
}

TEST_CASE("leads: every problem is reported at once, and nothing is written") {
    TestDb t;
    NewLead l;
    l.client_name = "  ";
    l.email = "not-an-email";
    l.phone = "call me";
    l.lang = "de";
    try {
        create_lead(t.db, l, "web", "2026-11-26T10:00:00Z");
        FAIL("expected an error");
    } catch (const Error& e) {
        std::string m = e.what();
        CHECK(m.find("client_name: required") != std::string::npos);
        CHECK(m.find("email: \"not-an-email\" is not an e-mail address") != std::string::npos);
        CHECK(m.find("phone: \"call me\" is not a phone number") != std::string::npos);
        CHECK(m.find("lang: unknown language \"de\"") != std::string::npos);
    }
    CHECK(t.count("SELECT count(*) FROM leads") == 0);
    CHECK(t.count("SELECT count(*) FROM clients") == 0);
    CHECK(t.count("SELECT count(*) FROM studio") == 0);
}

TEST_CASE("leads: JSON input is checked key by key") {
    CHECK_THROWS_WITH(new_lead_from_json(json::array()), "atelier: lead: expected a JSON object");
    CHECK_THROWS_WITH(new_lead_from_json(json{{"client_name", 5}}), "atelier: lead: client_name: expected a string");
    CHECK_THROWS_WITH(new_lead_from_json(json{{"clientname", "x"}}), "atelier: lead: clientname: unknown field");
    CHECK_THROWS_WITH(new_lead_from_json(json{{"amount_minor", 1.5}}),
                      "atelier: lead: amount_minor: expected an integer of minor units");
}

TEST_CASE("demo: a dozen leads in every stage, in Russian and French, seeded once") {
    TestDb t;
    CHECK(seed_demo(t.db));
    CHECK_FALSE(seed_demo(t.db));
    CHECK(t.count("SELECT count(*) FROM leads") == 12);
    CHECK(t.count("SELECT count(DISTINCT stage) FROM leads") >= 9);
    CHECK(t.count("SELECT count(*) FROM leads WHERE lang = 'fr'") >= 2);
    CHECK(t.count("SELECT count(*) FROM price_lists") == 1);
    // Every lead's history replays to its current stage through allowed moves.
    Stmt q(t.db, "SELECT l.stage, (SELECT to_stage FROM stage_events e WHERE e.lead_id = l.id ORDER BY at DESC LIMIT 1)"
                 " FROM leads l");
    while (q.step()) CHECK(q.text(0) == q.text(1));
    Stmt ev(t.db, "SELECT from_stage, to_stage FROM stage_events WHERE from_stage IS NOT NULL");
    while (ev.step()) CHECK(stage_allowed(ev.text(0), ev.text(1)));
}
