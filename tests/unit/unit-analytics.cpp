// Reports on a small studio built by hand, whose answers are worked out by
// hand below (not by the code under test): five requests in January 2027
// and one in February, two sources, two owners, their stage histories at
// chosen times, invoices and payments at chosen dates. The same figures
// through the SQL table-valued functions; bad arguments named.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "analytics.h"
#include "conveyor.h"
#include "demo.h"
#include "error.h"
#include "functions.h"
#include "test_db.h"
#include "workflow.h"

using namespace atelier;
using nlohmann::json;
namespace an = atelier::analytics;

namespace {

const Actor anna{"user-anna", "Anna", "app", true};
const Actor boris{"user-boris", "Boris", "app", false};

struct Studio {
    TestDb t;
    std::string a, b, c, d, e, f;

    std::string lead(const char* name, const char* source, const Actor& owner, int64_t amount, const char* at) {
        NewLead l;
        l.client_name = name;
        l.source = source;
        l.currency = "RUB";
        l.amount_minor = amount;
        const std::string id = conveyor::create(t.db, l, anna, at).lead_id;
        conveyor::set_owner(t.db, id, owner.id, owner.name, anna, at);
        return id;
    }
    void walk(const std::string& id, const char* to, const char* at) { conveyor::move(t.db, id, to, "", anna, at); }

    Studio() {
        seed_demo(t.db);  // the studio; its dozen leads are from November 2026, outside the periods here
        install_defaults(t.db, "2027-01-01T00:00:00Z");
        // A: web, Anna; the brief sent a day later, lost for no answer.
        a = lead("A", "website", anna, 300000, "2027-01-05T10:00:00Z");
        walk(a, "brief_sent", "2027-01-06T10:00:00Z");
        conveyor::lose(t.db, a, "no_answer", "", anna, "2027-01-10T10:00:00Z");
        // B: web, Anna; all the way: 3 days in proposal_sent; won on 01-20.
        b = lead("B", "website", anna, 1000000, "2027-01-06T10:00:00Z");
        walk(b, "brief_sent", "2027-01-07T10:00:00Z");
        walk(b, "brief_filled", "2027-01-08T10:00:00Z");
        walk(b, "estimated", "2027-01-09T10:00:00Z");
        walk(b, "proposal_sent", "2027-01-10T10:00:00Z");
        walk(b, "contract_sent", "2027-01-13T10:00:00Z");
        walk(b, "invoiced", "2027-01-14T10:00:00Z");
        conveyor::win(t.db, b, "paid by cash", anna, "2027-01-20T10:00:00Z");
        // C: referral, Boris; lost at the proposal as too expensive.
        c = lead("C", "referral", boris, 500000, "2027-01-07T10:00:00Z");
        walk(c, "brief_sent", "2027-01-08T10:00:00Z");
        walk(c, "brief_filled", "2027-01-09T10:00:00Z");
        walk(c, "estimated", "2027-01-10T10:00:00Z");
        walk(c, "proposal_sent", "2027-01-11T10:00:00Z");
        conveyor::lose(t.db, c, "too_expensive", "", boris, "2027-01-20T10:00:00Z");
        // D: referral, Boris; 5 days in proposal_sent; won on 01-31, 24 days after it came.
        d = lead("D", "referral", boris, 2000000, "2027-01-07T12:00:00Z");
        walk(d, "brief_sent", "2027-01-08T12:00:00Z");
        walk(d, "brief_filled", "2027-01-09T12:00:00Z");
        walk(d, "estimated", "2027-01-10T12:00:00Z");
        walk(d, "proposal_sent", "2027-01-11T12:00:00Z");
        walk(d, "contract_sent", "2027-01-16T12:00:00Z");
        walk(d, "invoiced", "2027-01-17T12:00:00Z");
        conveyor::win(t.db, d, "paid by cash", anna, "2027-01-31T12:00:00Z");
        // E: web, Boris; still new.
        e = lead("E", "website", boris, 700000, "2027-01-20T09:00:00Z");
        // F: February, outside January.
        f = lead("F", "website", anna, 900000, "2027-02-02T09:00:00Z");
        walk(f, "brief_sent", "2027-02-03T09:00:00Z");
    }
};

// The row of a report whose first columns are these values.
const std::vector<json>* row(const an::Table& t, std::initializer_list<json> key) {
    for (const auto& r : t.rows) {
        size_t i = 0;
        bool ok = true;
        for (const json& k : key) ok = ok && r[i++] == k;
        if (ok) return &r;
    }
    return nullptr;
}

}  // namespace

TEST_CASE("reports: the funnel of a hand-built January, stage by stage") {
    Studio s;
    const an::Table t = an::funnel(s.t.db, "2027-01-01", "2027-01-31", "");
    REQUIRE(t.rows.size() == 8);
    // grp, stage, entered, advanced, lost, conversion_next, conversion_won, median_days
    CHECK(*row(t, {"all", "new"}) == std::vector<json>{"all", "new", 5, 4, 0, 0.8, 0.4, 1.0});
    CHECK(*row(t, {"all", "brief_sent"}) == std::vector<json>{"all", "brief_sent", 4, 3, 1, 0.75, 0.5, 1.0});
    CHECK(*row(t, {"all", "brief_filled"}) == std::vector<json>{"all", "brief_filled", 3, 3, 0, 1.0, 0.6667, 1.0});
    CHECK(*row(t, {"all", "proposal_sent"}) == std::vector<json>{"all", "proposal_sent", 3, 2, 1, 0.6667, 0.6667, 4.0});
    CHECK(*row(t, {"all", "contract_sent"}) == std::vector<json>{"all", "contract_sent", 2, 2, 0, 1.0, 1.0, 1.0});
    // B 6 days in invoiced, D 14: the median is 10.
    CHECK(*row(t, {"all", "invoiced"}) == std::vector<json>{"all", "invoiced", 2, 2, 0, 1.0, 1.0, 10.0});
    CHECK(*row(t, {"all", "won"}) == std::vector<json>{"all", "won", 2, 0, 0, nullptr, 1.0, nullptr});
    // By source: the web's new stage has A, B, E; the referrals' C and D.
    const an::Table g = an::funnel(s.t.db, "2027-01-01", "2027-01-31", "source");
    CHECK(*row(g, {"website", "new"}) == std::vector<json>{"website", "new", 3, 2, 0, 0.6667, 0.3333, 1.0});
    CHECK(*row(g, {"referral", "proposal_sent"}) == std::vector<json>{"referral", "proposal_sent", 2, 1, 1, 0.5, 0.5, 5.0});
    // February alone: F, in brief_sent.
    const an::Table feb = an::funnel(s.t.db, "2027-02-01", "2027-02-28", "month");
    CHECK(*row(feb, {"2027-02", "brief_sent"}) == std::vector<json>{"2027-02", "brief_sent", 1, 0, 0, 0.0, 0.0, nullptr});
    // Drilled down: the leads that reached the proposal.
    auto leads = an::drill(s.t.db, "funnel", {"2027-01-01", "2027-01-31", ""}, "all", "proposal_sent");
    std::sort(leads.begin(), leads.end());
    std::vector<std::string> want = {s.b, s.c, s.d};
    std::sort(want.begin(), want.end());
    CHECK(leads == want);
}

TEST_CASE("reports: lost reasons, win rate per owner and source, with amounts and days") {
    Studio s;
    const an::Table l = an::lost_reasons(s.t.db, "2027-01-01", "2027-01-31", "");
    REQUIRE(l.rows.size() == 2);
    CHECK(l.rows[0] == std::vector<json>{"all", "brief_sent", "no_answer", 1, 300000, "RUB"});
    CHECK(l.rows[1] == std::vector<json>{"all", "proposal_sent", "too_expensive", 1, 500000, "RUB"});
    CHECK(an::drill(s.t.db, "lost_reasons", {"2027-01-01", "2027-01-31", ""}, "all", "proposal_sent/too_expensive") ==
          std::vector<std::string>{s.c});

    // grp, leads, won, lost, win_rate, avg_won_minor, currency, median_days_to_won
    const an::Table w = an::win_rate(s.t.db, "2027-01-01", "2027-01-31", "owner");
    REQUIRE(w.rows.size() == 2);
    // Anna: A lost, B won 14 days after it came.
    CHECK(*row(w, {"Anna"}) == std::vector<json>{"Anna", 2, 1, 1, 0.5, 1000000, "RUB", 14.0});
    // Boris: C lost, D won after 24 days, E open.
    CHECK(*row(w, {"Boris"}) == std::vector<json>{"Boris", 3, 1, 1, 0.5, 2000000, "RUB", 24.0});
    const an::Table ws = an::win_rate(s.t.db, "2027-01-01", "2027-02-28", "source");
    // The web: A lost, B won, E and F open; average of B alone.
    CHECK(*row(ws, {"website"}) == std::vector<json>{"website", 4, 1, 1, 0.5, 1000000, "RUB", 14.0});
}

TEST_CASE("reports: one owner's or one source's leads only, grouped as asked, drilled the same") {
    Studio s;
    // Boris's January: C (lost at the proposal), D (won), E (new).
    const an::Table t = an::funnel(s.t.db, "2027-01-01", "2027-01-31", "", "owner:Boris");
    CHECK(*row(t, {"all", "new"}) == std::vector<json>{"all", "new", 3, 2, 0, 0.6667, 0.3333, 1.0});
    CHECK(*row(t, {"all", "proposal_sent"}) == std::vector<json>{"all", "proposal_sent", 2, 1, 1, 0.5, 0.5, 5.0});
    // His leads by source: the referrals C and D, the web's E.
    const an::Table w = an::win_rate(s.t.db, "2027-01-01", "2027-01-31", "source", "owner:Boris");
    REQUIRE(w.rows.size() == 2);
    CHECK(*row(w, {"referral"}) == std::vector<json>{"referral", 2, 1, 1, 0.5, 2000000, "RUB", 24.0});
    CHECK(*row(w, {"website"}) == std::vector<json>{"website", 1, 0, 0, nullptr, nullptr, "RUB", nullptr});
    // The web's losses: A alone.
    const an::Table l = an::lost_reasons(s.t.db, "2027-01-01", "2027-01-31", "", "source:website");
    REQUIRE(l.rows.size() == 1);
    CHECK(l.rows[0] == std::vector<json>{"all", "brief_sent", "no_answer", 1, 300000, "RUB"});
    // Nobody's leads: none, so no group.
    CHECK(an::funnel(s.t.db, "2027-01-01", "2027-01-31", "", "owner:(unassigned)").rows.empty());
    // Drilled down: Anna's won lead is B; the web's lost, A.
    CHECK(an::drill(s.t.db, "funnel", {"2027-01-01", "2027-01-31", "", "owner:Anna"}, "all", "won") == std::vector<std::string>{s.b});
    CHECK(an::drill(s.t.db, "lost_reasons", {"2027-01-01", "2027-01-31", "", "source:website"}, "all", "") == std::vector<std::string>{s.a});
    // Through SQL, and refused when it names neither an owner nor a source.
    REQUIRE(atelier_register_functions(s.t.db) == SQLITE_OK);
    CHECK(s.t.text("SELECT group_concat(grp || ':' || won || '/' || leads, ' ') FROM atelier_win_rate('2027-01-01', '2027-01-31', 'source', 'owner:Boris')") ==
          "referral:1/2 website:0/1");
    CHECK_THROWS_WITH_AS(an::funnel(s.t.db, "2027-01-01", "2027-01-31", "", "colour:red"),
                         "atelier: report: only: expected owner:NAME or source:NAME, got \"colour:red\"", Error);
    CHECK_THROWS_WITH_AS(an::run(s.t.db, "time", {"2027-01-01", "2027-01-31", "", "owner:"}), doctest::Contains("only: expected owner:NAME"), Error);
}

TEST_CASE("reports: revenue by month and currency, receivables by days past due, never summed across currencies") {
    Studio s;
    auto invoice = [&](const std::string& lead, const char* number, const char* cur, int64_t total, const char* issued, const char* due) {
        Stmt q(s.t.db, "INSERT INTO invoices(id, lead_id, number, status, currency, total_minor, issued_on, due_on, created_at, updated_at)"
                       " VALUES (?1, ?2, ?3, 'issued', ?4, ?5, ?6, ?7, ?6, ?6)");
        q.bind(1, std::string("inv-") + number).bind(2, lead).bind(3, number).bind(4, cur).bind(5, total).bind(6, issued).bind(7, due).step();
        return std::string("inv-") + number;
    };
    auto pay = [&](const std::string& inv, const char* cur, int64_t amount, const char* on) {
        Stmt q(s.t.db, "INSERT INTO payments(id, invoice_id, amount_minor, currency, method, reference, received_on, created_at)"
                       " VALUES (?1, ?2, ?3, ?4, 'bank_transfer', ?1, ?5, ?5)");
        q.bind(1, inv + "-" + on).bind(2, inv).bind(3, amount).bind(4, cur).bind(5, on).step();
    };
    const std::string i1 = invoice(s.b, "T-1", "RUB", 100000, "2027-01-10", "2027-01-17");
    const std::string i2 = invoice(s.d, "T-2", "RUB", 250000, "2027-01-20", "2027-01-27");
    const std::string i3 = invoice(s.c, "T-3", "EUR", 9000, "2027-02-01", "2027-02-08");
    const std::string i4 = invoice(s.e, "T-4", "RUB", 40000, "2026-10-01", "2026-10-08");
    pay(i1, "RUB", 100000, "2027-01-12");
    pay(i2, "RUB", 50000, "2027-02-03");
    pay(i3, "EUR", 1000, "2027-02-05");

    // month, currency, invoiced, paid, outstanding (of that month's invoices, at the period's end)
    const an::Table r = an::revenue(s.t.db, "2027-01-01", "2027-02-28");
    CHECK(*row(r, {"2027-01", "RUB"}) == std::vector<json>{"2027-01", "RUB", 350000, 100000, 200000});
    CHECK(*row(r, {"2027-02", "RUB"}) == std::vector<json>{"2027-02", "RUB", 0, 50000, 0});
    CHECK(*row(r, {"2027-01", "EUR"}) == std::vector<json>{"2027-01", "EUR", 0, 0, 0});
    CHECK(*row(r, {"2027-02", "EUR"}) == std::vector<json>{"2027-02", "EUR", 9000, 1000, 8000});
    // At 2027-01-31 the second payment has not come: January's outstanding is the whole of T-2.
    CHECK(*row(an::revenue(s.t.db, "2027-01-01", "2027-01-31"), {"2027-01", "RUB"}) == std::vector<json>{"2027-01", "RUB", 350000, 100000, 250000});

    // On 2027-03-10: T-2 is 42 days late (200000 left), T-3 30 days (8000 EUR), T-4 153 days (40000).
    const an::Table a = an::receivables(s.t.db, "2027-03-10");
    REQUIRE(a.rows.size() == 3);
    CHECK(*row(a, {"0-30", "EUR"}) == std::vector<json>{"0-30", "EUR", 1, 8000});
    CHECK(*row(a, {"31-60", "RUB"}) == std::vector<json>{"31-60", "RUB", 1, 200000});
    CHECK(*row(a, {"90+", "RUB"}) == std::vector<json>{"90+", "RUB", 1, 40000});
    // On 2027-01-25, T-2 is not due and T-1 is paid; T-4 is 109 days late.
    const an::Table early = an::receivables(s.t.db, "2027-01-25");
    CHECK(*row(early, {"not_due", "RUB"}) == std::vector<json>{"not_due", "RUB", 1, 250000});
    CHECK(an::drill(s.t.db, "receivables", {"2027-03-10"}, "", "31-60") == std::vector<std::string>{s.d});
}

TEST_CASE("reports: the manager's minutes per request and step, against the seed's 110") {
    Studio s;
    an::add_time(s.t.db, anna.id, "dev1", s.b, "intake", "2027-01-06", 90, "2027-01-06T10:02:00Z");
    an::add_time(s.t.db, anna.id, "dev1", s.b, "intake", "2027-01-06", 30, "2027-01-06T10:05:00Z");  // added to the same row
    an::add_time(s.t.db, anna.id, "dev2", s.b, "proposal", "2027-01-09", 300, "2027-01-09T11:00:00Z");
    an::add_time(s.t.db, boris.id, "dev3", s.d, "proposal", "2027-01-10", 420, "2027-01-10T13:00:00Z");
    an::add_time(s.t.db, boris.id, "dev3", "", "other", "2027-01-10", 600, "2027-01-10T13:00:00Z");  // no lead: not a request's
    CHECK(s.t.count("SELECT count(*) FROM time_ledger") == 4);
    const an::Table t = an::time(s.t.db, "2027-01-01", "2027-01-31", "");
    // 5 requests; intake 120 s = 2 min → 0.4 per request; proposal 720 s = 12 min → 2.4; total 14 min → 2.8.
    CHECK(*row(t, {"all", "intake"}) == std::vector<json>{"all", "intake", 5, 2.0, 0.4, 5});
    CHECK(*row(t, {"all", "proposal"}) == std::vector<json>{"all", "proposal", 5, 12.0, 2.4, 40});
    CHECK(*row(t, {"all", "contract"}) == std::vector<json>{"all", "contract", 5, 0.0, 0.0, 30});
    CHECK(*row(t, {"all", "total"}) == std::vector<json>{"all", "total", 5, 14.0, 2.8, 110});
    CHECK_THROWS_WITH_AS(an::add_time(s.t.db, anna.id, "d", s.b, "coffee", "2027-01-06", 5, "2027-01-06T10:00:00Z"),
                         doctest::Contains("time: step: expected intake"), Error);
    CHECK_THROWS_WITH_AS(an::add_time(s.t.db, anna.id, "d", s.b, "brief", "2027-01-06", -5, "2027-01-06T10:00:00Z"),
                         doctest::Contains("time: seconds"), Error);
}

TEST_CASE("reports: the forecast weighs the open pipeline by stage_weights, month by month") {
    Studio s;
    // The pipeline is every open lead, whenever it came: without the demo's dozen.
    Stmt del(s.t.db, "DELETE FROM leads WHERE created_at < '2027-01-01'");
    del.step();
    // Open before signing: E (new, 700000, no estimate): 5 % in the first month. F is in brief_sent: 10 % of 900000.
    const an::Table f = an::forecast(s.t.db, "2027-03", 2);
    CHECK(*row(f, {"2027-03", "RUB"}) == std::vector<json>{"2027-03", "RUB", 2, 1600000, 35000 + 90000});
    Stmt w(s.t.db, "UPDATE stage_weights SET percent = 50 WHERE stage = 'new'");
    w.step();
    CHECK((*row(an::forecast(s.t.db, "2027-03", 1), {"2027-03", "RUB"}))[4] == 350000 + 90000);
    CHECK_THROWS_WITH_AS(an::forecast(s.t.db, "2027-3", 2), doctest::Contains("from_month: expected a month YYYY-MM"), Error);
    CHECK_THROWS_WITH_AS(an::run(s.t.db, "forecast", {"2027-03", "0"}), doctest::Contains("months: expected 1 to 60"), Error);
}

TEST_CASE("reports: the same figures through SQL; arguments wrong, missing, NULL or reversed are errors naming them") {
    Studio s;
    REQUIRE(atelier_register_functions(s.t.db) == SQLITE_OK);
    CHECK(s.t.count("SELECT entered FROM atelier_funnel('2027-01-01', '2027-01-31') WHERE stage = 'proposal_sent'") == 3);
    CHECK(s.t.count("SELECT advanced FROM atelier_funnel WHERE \"from\" = '2027-01-01' AND \"to\" = '2027-01-31' AND stage = 'new'") == 4);
    CHECK(s.t.text("SELECT group_concat(grp || ':' || won || '/' || leads, ' ') FROM atelier_win_rate('2027-01-01', '2027-01-31', 'owner')") ==
          "Anna:1/2 Boris:1/3");
    CHECK(s.t.count("SELECT sum(leads) FROM atelier_lost_reasons('2027-01-01', '2027-01-31', 'source')") == 2);
    CHECK(s.t.text("SELECT typeof(conversion_next) || typeof(median_days) FROM atelier_funnel('2027-01-01', '2027-01-31') WHERE stage = 'won'") ==
          "nullnull");
    auto error_of = [&](const char* sql) {
        sqlite3_stmt* st = nullptr;
        int rc = sqlite3_prepare_v2(s.t.db, sql, -1, &st, nullptr);
        if (rc == SQLITE_OK) {
            while ((rc = sqlite3_step(st)) == SQLITE_ROW) {}
        }
        std::string msg = sqlite3_errmsg(s.t.db);
        sqlite3_finalize(st);
        return rc == SQLITE_DONE ? std::string("no error") : msg;
    };
    CHECK(error_of("SELECT * FROM atelier_funnel('2027-01-31', '2027-01-01')") ==
          "atelier: atelier_funnel: to: 2027-01-01 is before from (2027-01-31)");
    CHECK(error_of("SELECT * FROM atelier_funnel(NULL, '2027-01-01')") ==
          "atelier: atelier_funnel: from: required (atelier_funnel(from, to, [group_by], [only]))");
    CHECK(error_of("SELECT * FROM atelier_funnel") == "atelier: atelier_funnel: from: required (atelier_funnel(from, to, [group_by], [only]))");
    CHECK(error_of("SELECT * FROM atelier_funnel('2027-13-01', '2027-12-01')").find("atelier_funnel: from") != std::string::npos);
    CHECK(error_of("SELECT * FROM atelier_funnel('2027-01-01', '2027-01-31', 'colour')") ==
          "atelier: atelier_funnel: group_by: expected source, owner, month or nothing, got \"colour\"");
    CHECK(error_of("SELECT * FROM atelier_win_rate('2027-01-01', '2027-01-31')").find("group_by: required") != std::string::npos);
    CHECK(error_of("SELECT * FROM atelier_receivables(x'00')") == "atelier: atelier_receivables: at: expected text");
    CHECK(error_of("SELECT * FROM atelier_forecast('2027-03', 99)") == "atelier: atelier_forecast: months: expected 1 to 60, got \"99\"");
    // A join that gives the arguments row by row.
    CHECK(s.t.count("SELECT sum(f.entered) FROM (SELECT '2027-01-01' AS a, '2027-01-31' AS b) p, atelier_funnel(p.a, p.b) f WHERE f.stage = 'won'") == 2);
}

namespace {

// Every lead's path as the triggers keep it, one text per lead.
std::vector<std::string> kept_paths(sqlite3* db) {
    std::vector<std::string> out;
    Stmt q(db, "SELECT json_array(id, created_at, source, owner_name, currency, amount_minor, stage, summary, value_minor, reached,"
               " lost_stage, lost_at, lost_reason, lost_reason_at, e0, e1, e2, e3, e4, e5, e6, e7, x0, x1, x2, x3, x4, x5, x6, x7)"
               " FROM lead_paths ORDER BY id");
    while (q.step()) out.push_back(q.text(0));
    return out;
}

// The same paths derived again from scratch, from the leads and their history.
std::vector<std::string> rebuilt_paths(sqlite3* db) {
    exec(db, "SAVEPOINT rebuild; DELETE FROM lead_paths; INSERT INTO lead_path_rebuilds SELECT id FROM leads");
    std::vector<std::string> out = kept_paths(db);
    exec(db, "ROLLBACK TO rebuild; RELEASE rebuild");
    return out;
}

}  // namespace

TEST_CASE("reports: the paths the triggers keep equal a rebuild from scratch, after an upgrade and after any change") {
    TestDb t(false);
    migrate(t.db, 10);  // a database of the schema before the paths, with a year of history
    seed_demo(t.db);
    install_defaults(t.db, "2026-12-01T00:00:00Z");
    REQUIRE(seed_demo_history(t.db, "2026-12-01T09:00:00Z", "https://studio.example", 80) > 0);
    migrate(t.db);
    CHECK(t.count("SELECT count(*) FROM lead_paths") == t.count("SELECT count(*) FROM leads"));
    CHECK(t.count("SELECT count(*) FROM lead_paths WHERE reached >= 7") == t.count("SELECT count(DISTINCT lead_id) FROM stage_events WHERE to_stage = 'won'"));
    CHECK(kept_paths(t.db) == rebuilt_paths(t.db));

    SUBCASE("a stage move removed, another moved in time") {
        exec(t.db, "DELETE FROM stage_events WHERE rowid = (SELECT min(rowid) FROM stage_events WHERE to_stage = 'estimated')");
        exec(t.db, "UPDATE stage_events SET at = '2026-01-01T00:00:00Z' WHERE rowid = (SELECT min(rowid) FROM stage_events WHERE to_stage = 'lost')");
    }
    SUBCASE("a lead's creation, owner, amount and stage changed; a lead deleted") {
        exec(t.db, "UPDATE leads SET created_at = '2026-02-02T10:00:00Z', owner_name = 'Ирина Белова', amount_minor = amount_minor + 100"
                   " WHERE rowid = (SELECT min(rowid) FROM leads WHERE stage = 'lost')");
        exec(t.db, "UPDATE leads SET stage = 'estimated' WHERE rowid = (SELECT max(rowid) FROM leads WHERE stage = 'brief_filled')");
        exec(t.db, "DELETE FROM leads WHERE rowid = (SELECT max(rowid) FROM leads WHERE stage = 'new')");
    }
    SUBCASE("invoices voided and estimates added; a loss's reason changed; time added and removed") {
        exec(t.db, "UPDATE invoices SET status = 'void' WHERE rowid = (SELECT min(rowid) FROM invoices WHERE status = 'paid')");
        exec(t.db, "INSERT INTO estimates(id, lead_id, price_list_id, version, currency, total_minor, body_json, created_at)"
                   " SELECT 'est-x', l.id, e.price_list_id, 99, e.currency, 123456, e.body_json, '2026-11-30T00:00:00Z'"
                   " FROM leads l, estimates e WHERE l.stage = 'lost' ORDER BY l.rowid, e.rowid LIMIT 1");
        exec(t.db, "UPDATE events SET payload_json = json_set(payload_json, '$.code', 'competitor') WHERE rowid = (SELECT min(rowid) FROM events WHERE kind = 'lost')");
        an::add_time(t.db, "u1", "d1", t.text("SELECT id FROM leads ORDER BY rowid LIMIT 1"), "brief", "2026-11-30", 90, "2026-11-30T10:00:00Z");
        exec(t.db, "DELETE FROM time_ledger WHERE rowid = (SELECT max(rowid) FROM time_ledger WHERE lead_id IS NOT NULL)");
    }
    CHECK(kept_paths(t.db) == rebuilt_paths(t.db));
}
