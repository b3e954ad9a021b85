// Store: the migration runner and the schema's constraints.
#include <doctest/doctest.h>

#include "error.h"
#include "demo.h"
#include "test_db.h"

using namespace atelier;

TEST_CASE("store: migrations") {
    SUBCASE("an empty database is migrated to the latest version") {
        TestDb t(false);
        CHECK(schema_version(t.db) == 0);
        CHECK(migrate(t.db) == latest_schema_version());
        CHECK(schema_version(t.db) == latest_schema_version());
        for (const char* table : {"studio", "users", "clients", "leads", "stage_events", "brief_templates", "briefs",
                                  "price_lists", "estimates", "proposals", "contracts", "invoices", "payments",
                                  "templates", "outbox", "rules", "tasks", "automation_meta", "change_log", "number_series", "doc_links"}) {
            CAPTURE(table);
            atelier::Stmt s(t.db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1");
            s.bind(1, table);
            s.step();
            CHECK(s.int64(0) == 1);
        }
    }
    SUBCASE("running twice is a no-op") {
        TestDb t;
        long long n = t.count("SELECT count(*) FROM atelier_migrations");
        std::string schema = t.text("SELECT group_concat(sql, ';') FROM sqlite_master");
        CHECK(migrate(t.db) == latest_schema_version());
        CHECK(t.count("SELECT count(*) FROM atelier_migrations") == n);
        CHECK(t.text("SELECT group_concat(sql, ';') FROM sqlite_master") == schema);
    }
    SUBCASE("an older file is upgraded and keeps its data") {
        TestDb t(false);
        CHECK(migrate(t.db, 1) == 1);
        exec(t.db, "INSERT INTO studio(id, name, created_at) VALUES ('s1', 'Студия', '2026-01-01T00:00:00Z')");
        CHECK(t.count("SELECT count(*) FROM sqlite_master WHERE name = 'number_series'") == 0);
        CHECK(migrate(t.db) == latest_schema_version());
        CHECK(t.count("SELECT count(*) FROM sqlite_master WHERE name = 'number_series'") == 1);
        CHECK(t.text("SELECT name FROM studio WHERE id = 's1'") == "Студия");
    }
    SUBCASE("version 9 widens client links and templates to acts, their rows kept") {
        TestDb t(false);
        CHECK(migrate(t.db, 8) == 8);
        seed_demo(t.db);
        const std::string lead = t.text("SELECT id FROM leads LIMIT 1");
        exec(t.db, ("INSERT INTO doc_links(token, kind, doc_id, lead_id, created_at, open_count) VALUES"
                    " ('tok-aaaaaaaaaaaaaaaaaaa', 'brief', 'b1', '" + lead + "', '2026-11-01T00:00:00Z', 3)").c_str());
        exec(t.db, "INSERT INTO templates(id, kind, lang, body, updated_at) VALUES ('t1', 'contract', 'ru', '<p>{{doc.number}}</p>', '2026-11-01T00:00:00Z')");
        CHECK_THROWS(exec(t.db, "INSERT INTO templates(id, kind, lang, body, updated_at) VALUES ('t2', 'act', 'ru', 'x', '2026-11-01T00:00:00Z')"));
        CHECK(migrate(t.db) == latest_schema_version());
        CHECK(t.text("SELECT kind || '|' || open_count || '|' || lead_id FROM doc_links WHERE token = 'tok-aaaaaaaaaaaaaaaaaaa'") == "brief|3|" + lead);
        CHECK(t.text("SELECT body FROM templates WHERE id = 't1'") == "<p>{{doc.number}}</p>");
        exec(t.db, "INSERT INTO templates(id, kind, lang, body, updated_at) VALUES ('t2', 'act', 'ru', 'x', '2026-11-01T00:00:00Z')");
        CHECK(t.count("SELECT count(*) FROM sqlite_master WHERE name = 'doc_links_doc'") == 1);
        CHECK(t.count("SELECT count(*) FROM pragma_foreign_key_check") == 0);
    }
    SUBCASE("a file from a newer schema is refused and left untouched") {
        TestDb t;
        exec(t.db, "INSERT INTO atelier_migrations VALUES (999, 'future', '2030-01-01T00:00:00Z')");
        CHECK_THROWS_WITH_AS(migrate(t.db),
                             doctest::Contains("newer than this build of Atelier knows"), Error);
        CHECK(schema_version(t.db) == 999);
    }
    SUBCASE("a failing migration leaves the file as it was") {
        TestDb t(false);
        exec(t.db, "CREATE TABLE studio (x)");  // collides with migration 1
        CHECK_THROWS_WITH_AS(migrate(t.db), doctest::Contains("migrate: version 1 (domain)"), Error);
        CHECK(schema_version(t.db) == 0);
        CHECK(t.count("SELECT count(*) FROM sqlite_master WHERE name IN ('leads', 'atelier_migrations')") == 0);
    }
    SUBCASE("a target beyond the latest is an error") {
        TestDb t(false);
        CHECK_THROWS_AS(migrate(t.db, latest_schema_version() + 1), Error);
    }
}

TEST_CASE("store: constraints hold") {
    TestDb t;
    exec(t.db, "INSERT INTO studio(id, name, created_at) VALUES ('s1', 'S', '2026-01-01T00:00:00Z')");
    SUBCASE("foreign keys are on") {
        CHECK_THROWS_AS(exec(t.db, "INSERT INTO clients(id, studio_id, name, created_at) VALUES ('c', 'nope', 'n', 'x')"),
                        Error);
    }
    SUBCASE("stage names are checked") {
        exec(t.db, "INSERT INTO clients(id, studio_id, name, created_at) VALUES ('c', 's1', 'n', 'x')");
        CHECK_THROWS_AS(exec(t.db, "INSERT INTO leads(id, studio_id, client_id, stage, created_at, updated_at)"
                                   " VALUES ('l', 's1', 'c', 'maybe', 'x', 'x')"),
                        Error);
    }
    SUBCASE("JSON columns must hold JSON") {
        CHECK_THROWS_AS(exec(t.db, "UPDATE studio SET bank_json = '{broken' WHERE id = 's1'"), Error);
    }
}

TEST_CASE("store: savepoints roll back unless committed") {
    TestDb t;
    {
        Savepoint sp(t.db, "t");
        exec(t.db, "INSERT INTO studio(id, name, created_at) VALUES ('s1', 'S', 'x')");
    }
    CHECK(t.count("SELECT count(*) FROM studio") == 0);
    {
        Savepoint sp(t.db, "t");
        exec(t.db, "INSERT INTO studio(id, name, created_at) VALUES ('s1', 'S', 'x')");
        sp.commit();
    }
    CHECK(t.count("SELECT count(*) FROM studio") == 1);
}
