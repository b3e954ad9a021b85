// Leads: creation with validation, listing, demo data.
#include <doctest/doctest.h>

#include "demo.h"
#include "error.h"
#include "ids.h"
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

TEST_CASE("ids: new ids sort in the order they were made; rows derived from a lead sort beside it") {
    std::vector<std::string> made;
    for (int i = 0; i < 5000; ++i) made.push_back(new_uuid());
    for (size_t i = 0; i < made.size(); ++i) {
        CAPTURE(made[i]);
        REQUIRE(made[i].size() == 36);
        CHECK(made[i][14] == '7');  // version 7
        CHECK(std::string("89ab").find(made[i][19]) != std::string::npos);  // RFC 9562 variant
        REQUIRE(uuid_time_ms(made[i]));
        if (i) CHECK(made[i - 1] < made[i]);
    }
    // The time of an id: its first 48 bits; nothing for other versions or text.
    CHECK(uuid_time_ms("01938a1c-2b00-7abc-8def-0123456789ab") == uint64_t{0x01938a1c2b00});
    CHECK_FALSE(uuid_time_ms("01938a1c-2b00-4abc-8def-0123456789ab"));  // version 4
    CHECK_FALSE(uuid_time_ms("01938a1c-2b00-7abc-cdef-0123456789ab"));  // another variant
    CHECK_FALSE(uuid_time_ms("01938a1c-2b00-7abc-8def-0123456789aB"));
    CHECK_FALSE(uuid_time_ms("lead-1"));

    // A derived id keeps the time of the id it is derived beside, and is the
    // same every time; beside anything else it is uuid_from(seed).
    const std::string near = "01938a1c-2b00-7abc-8def-0123456789ab";
    const std::string a = uuid_from("client|" + near, near);
    CHECK(a == uuid_from("client|" + near, near));
    CHECK(a.compare(0, 13, near, 0, 13) == 0);
    CHECK(a[14] == '8');
    CHECK(a != uuid_from("created|" + near, near));
    CHECK(uuid_from("client|x", "lead-1") == uuid_from("client|x"));
    CHECK(uuid_from("client|x", "01938a1c-2b00-4abc-8def-0123456789ab") == uuid_from("client|x"));

    // A lead's client, its first stage event and its moves sort beside it.
    TestDb t;
    NewLead l;
    l.client_name = "Студия Éclair";
    l.lang = "fr";
    const std::string id = create_lead(t.db, l, "web", "2026-11-26T10:00:00Z");
    move_lead(t.db, id, "brief_sent", "anna", "", "2026-11-26T11:00:00Z");
    atelier::Stmt q(t.db, "SELECT id FROM clients UNION ALL SELECT id FROM stage_events");
    int rows = 0;
    while (q.step()) {
        CAPTURE(q.text(0));
        CHECK(q.text(0).compare(0, 13, id, 0, 13) == 0);
        ++rows;
    }
    CHECK(rows == 3);
}
