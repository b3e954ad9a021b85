// Pipeline: the stage state machine and recorded moves.
#include <doctest/doctest.h>

#include "error.h"
#include "leads.h"
#include "pipeline.h"
#include "test_db.h"

using namespace atelier;

TEST_CASE("pipeline: which moves are allowed") {
    SUBCASE("forward one stage along the main line") {
        const auto& s = stages();
        for (size_t i = 0; i + 2 < s.size(); ++i) {  // up to invoiced → won
            CAPTURE(s[i]);
            CHECK(stage_allowed(s[i], s[i + 1]));
        }
    }
    SUBCASE("skips and jumps are refused, with the listed exceptions") {
        CHECK_FALSE(stage_allowed("new", "estimated"));
        CHECK_FALSE(stage_allowed("new", "won"));
        CHECK(stage_allowed("new", "brief_filled"));
        CHECK_FALSE(stage_allowed("estimated", "brief_sent"));
        CHECK(stage_allowed("proposal_sent", "estimated"));
        CHECK(stage_allowed("contract_sent", "estimated"));
        CHECK_FALSE(stage_allowed("invoiced", "estimated"));
        CHECK_FALSE(stage_allowed("new", "new"));
    }
    SUBCASE("lost from anywhere but won; won is final; lost reopens to new") {
        for (const auto& st : stages()) {
            CAPTURE(st);
            if (st == "won" || st == "lost") CHECK_FALSE(stage_allowed(st, "lost"));
            else CHECK(stage_allowed(st, "lost"));
            if (st != "won") CHECK_FALSE(stage_allowed("won", st));
        }
        CHECK(stage_allowed("lost", "new"));
        CHECK_FALSE(stage_allowed("lost", "estimated"));
    }
    SUBCASE("unknown stages are errors naming the argument") {
        CHECK_THROWS_WITH(stage_allowed("nouveau", "new"), doctest::Contains("from: unknown stage \"nouveau\""));
        CHECK_THROWS_WITH(stage_allowed("new", ""), doctest::Contains("to: unknown stage \"\""));
    }
}

TEST_CASE("pipeline: move_lead records events and refuses illegal moves") {
    TestDb t;
    NewLead l;
    l.client_name = "Анна";
    std::string id = create_lead(t.db, l, "manager", "2026-11-01T10:00:00Z");

    auto r = move_lead(t.db, id, "brief_sent", "manager", "", "2026-11-01T11:00:00Z");
    CHECK(r.from == "new");
    CHECK(r.to == "brief_sent");
    CHECK(t.text("SELECT stage FROM leads") == "brief_sent");
    CHECK(t.count("SELECT count(*) FROM stage_events") == 2);  // created + moved
    std::string sql = "SELECT from_stage || '>' || to_stage || '@' || at || ' by ' || actor FROM stage_events"
                      " WHERE id = '" + r.event_id + "'";
    CHECK(t.text(sql.c_str()) == "new>brief_sent@2026-11-01T11:00:00Z by manager");

    SUBCASE("an illegal move names both stages and changes nothing") {
        CHECK_THROWS_WITH(move_lead(t.db, id, "won", "manager", "", "2026-11-01T12:00:00Z"),
                          "atelier: lead_move: cannot move a lead from 'brief_sent' to 'won'");
        CHECK(t.text("SELECT stage FROM leads") == "brief_sent");
        CHECK(t.count("SELECT count(*) FROM stage_events") == 2);
    }
    SUBCASE("lost needs a reason, and keeps it") {
        CHECK_THROWS_WITH(move_lead(t.db, id, "lost", "manager", "", "2026-11-01T12:00:00Z"),
                          doctest::Contains("reason"));
        CHECK(t.count("SELECT count(*) FROM stage_events") == 2);
        move_lead(t.db, id, "lost", "manager", "Слишком дорого", "2026-11-01T12:00:00Z");
        CHECK(t.text("SELECT lost_reason FROM leads") == "Слишком дорого");
        CHECK(t.text("SELECT reason FROM stage_events WHERE to_stage = 'lost'") == "Слишком дорого");
        move_lead(t.db, id, "new", "manager", "", "2026-11-02T12:00:00Z");
        CHECK(t.count("SELECT count(*) FROM leads WHERE lost_reason IS NULL AND stage = 'new'") == 1);
    }
    SUBCASE("unknown lead, bad time, empty actor") {
        CHECK_THROWS_WITH(move_lead(t.db, "nope", "brief_filled", "m", "", "2026-11-01T12:00:00Z"),
                          doctest::Contains("lead_id: no lead with id \"nope\""));
        CHECK_THROWS_WITH(move_lead(t.db, id, "brief_filled", "m", "", "yesterday"), doctest::Contains("at:"));
        CHECK_THROWS_WITH(move_lead(t.db, id, "brief_filled", "", "", "2026-11-01T12:00:00Z"),
                          doctest::Contains("actor"));
    }
    SUBCASE("event ids are deterministic for the same replayed write") {
        TestDb t2;
        std::string id2 = create_lead(t2.db, l, "manager", "2026-11-01T10:00:00Z", id);
        auto r2 = move_lead(t2.db, id2, "brief_sent", "manager", "", "2026-11-01T11:00:00Z");
        CHECK(r2.event_id == r.event_id);
    }
}
