// The demo studio's year of history: what a newcomer sees on the first start
// (documents of every kind, payments, acts, losses with reasons, two
// managers, several sources), the same story for the same `now`, and the
// invoices' numbers in the order of their dates.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "demo.h"
#include "documents.h"
#include "error.h"
#include "test_db.h"
#include "workflow.h"

using namespace atelier;

namespace {

const char* const kNow = "2026-12-04T12:00:00Z";

void demo_year(TestDb& t, const char* now = kNow, int leads = 290) {
    REQUIRE(seed_demo(t.db));
    install_defaults(t.db, now);
    seed_demo_history(t.db, now, "https://studio.test", leads);
}

// The studio a new server gets, made once for the tests that only read it.
TestDb& demo_studio() {
    static TestDb t;
    static const bool made = (demo_year(t), true);
    (void)made;
    return t;
}

// The story as a text: who, from where, in which stage, for how much, with
// which documents; ids and tokens aside.
std::string story(TestDb& t) {
    atelier::Stmt q(t.db,
                    "SELECT group_concat(x, '\n') FROM (SELECT c.name || '|' || c.company || '|' || l.source || '|' || l.stage || '|'"
                    " || l.created_at || '|' || coalesce((SELECT group_concat(coalesce(number, '-') || ':' || total_minor || ':' || status)"
                    " FROM (SELECT * FROM invoices i WHERE i.lead_id = l.id ORDER BY position)), '') AS x"
                    " FROM leads l JOIN clients c ON c.id = l.client_id ORDER BY l.created_at, c.name)");
    q.step();
    return q.text(0);
}

}  // namespace

TEST_CASE("demo history: a year of requests with every document behind them") {
    TestDb& t = demo_studio();
    const long long leads = t.count("SELECT count(*) FROM leads");
    CHECK(leads >= 280);
    CHECK(leads <= 320);
    // Every kind of document, and enough of each for a report to show a shape.
    CHECK(t.count("SELECT count(DISTINCT lead_id) FROM briefs") >= 150);
    CHECK(t.count("SELECT count(*) FROM estimates") >= 120);
    CHECK(t.count("SELECT count(*) FROM proposals") >= 100);
    CHECK(t.count("SELECT count(*) FROM proposals WHERE status = 'accepted'") >= 40);
    CHECK(t.count("SELECT count(*) FROM contracts WHERE status = 'accepted'") >= 40);
    CHECK(t.count("SELECT count(*) FROM invoices WHERE status = 'paid'") >= 60);
    CHECK(t.count("SELECT count(*) FROM payments") >= 60);
    CHECK(t.count("SELECT count(*) FROM acts") >= 40);
    CHECK(t.count("SELECT count(*) FROM acts WHERE signed_at IS NOT NULL") >= 30);
    CHECK(t.count("SELECT count(*) FROM leads WHERE stage = 'won'") >= 20);
    // Some overdue: issued, unpaid, past their due date on the demo's day.
    CHECK(t.count("SELECT count(*) FROM invoices WHERE status IN ('issued', 'partially_paid') AND due_on < '2026-12-04'") >= 3);
    // Lost with reasons, from several sources, owned by two managers.
    CHECK(t.count("SELECT count(DISTINCT json_extract(payload_json, '$.code')) FROM events WHERE kind = 'lost'") >= 4);
    CHECK(t.count("SELECT count(*) FROM leads WHERE stage = 'lost'") >= 60);
    CHECK(t.count("SELECT count(DISTINCT source) FROM leads") >= 5);
    CHECK(t.count("SELECT count(DISTINCT owner_id) FROM leads WHERE owner_id IN (SELECT id FROM users WHERE role = 'manager')") == 2);
    CHECK(t.count("SELECT count(DISTINCT lang) FROM leads") == 2);
    CHECK(t.count("SELECT count(DISTINCT currency) FROM invoices") == 2);
    // Still open work at every step of the conveyor.
    for (const char* stage : {"brief_sent", "estimated", "proposal_sent", "invoiced", "won", "lost"}) {
        CAPTURE(stage);
        atelier::Stmt q(t.db, "SELECT count(*) FROM leads WHERE stage = ?1");
        q.bind(1, stage).step();
        CHECK(q.int64(0) >= 1);
    }
    // The year: nothing after `now`, the first requests a year before.
    CHECK(t.text("SELECT max(at) FROM events") < std::string(kNow));
    CHECK(t.text("SELECT min(created_at) FROM leads") < std::string("2025-12-10"));
    // Nobody real is written to.
    CHECK(t.count("SELECT count(*) FROM clients WHERE email NOT LIKE '%.example' AND email NOT LIKE '%.ru' AND email NOT LIKE '%.fr'"
                  " AND email NOT LIKE '%.clinic' AND email NOT LIKE '%.coffee'") == 0);
    CHECK(t.count("SELECT count(*) FROM clients WHERE email LIKE '%.example'") >= 280);
}

TEST_CASE("demo history: invoice numbers follow their dates, without gaps, per series and year") {
    TestDb& t = demo_studio();
    atelier::Stmt q(t.db, "SELECT number, issued_on FROM invoices WHERE number IS NOT NULL ORDER BY issued_on, number");
    std::map<std::string, long> last;  // "2026" -> last sequence
    int n = 0;
    while (q.step()) {
        const std::string number = q.text(0), year = number.substr(0, 4);
        CAPTURE(number);
        CHECK(year == q.text(1).substr(0, 4));
        const long k = std::stol(number.substr(5));
        CHECK(k == last[year] + 1);
        last[year] = k;
        ++n;
    }
    CHECK(n >= 80);
}

TEST_CASE("demo history: the same story for the same day, another for another day") {
    TestDb a, b, c;
    demo_year(a, kNow, 120);
    demo_year(b, kNow, 120);
    demo_year(c, "2027-03-01T09:00:00Z", 120);
    const std::string sa = story(a);
    CHECK(sa.size() > 5000);
    CHECK(sa == story(b));
    CHECK(sa != story(c));
}

TEST_CASE("demo history: the first unpaid rouble invoice carries its payment QR") {
    TestDb& t = demo_studio();
    const std::string id = t.text("SELECT id FROM invoices WHERE currency = 'RUB' AND status = 'issued' ORDER BY issued_on LIMIT 1");
    REQUIRE(id != "<no row>");
    const nlohmann::json d = document_data(t.db, "invoice", id, Lang::ru);
    REQUIRE(d.contains("payment"));
    const std::string qr = d["payment"]["qr_text"];
    CHECK(qr.rfind("ST00012|", 0) == 0);
    CHECK(qr.find("PersonalAcc=40802810900001234567") != std::string::npos);
    atelier::Stmt s(t.db, "SELECT total_minor FROM invoices WHERE id = ?1");
    s.bind(1, id).step();
    CHECK(qr.find("Sum=" + std::to_string(s.int64(0))) != std::string::npos);
    CHECK(document_html(t.db, "invoice", id, Lang::ru).find("<svg") != std::string::npos);
}

TEST_CASE("demo history: refused without a studio, and for an absurd size, changing nothing") {
    TestDb t;
    CHECK_THROWS_WITH_AS(seed_demo_history(t.db, kNow, ""), doctest::Contains("seed_demo"), Error);
    CHECK(t.count("SELECT count(*) FROM users") == 0);
    seed_demo(t.db);
    CHECK_THROWS_WITH_AS(seed_demo_history(t.db, kNow, "", 100000), doctest::Contains("leads: at most"), Error);
    CHECK(t.count("SELECT count(*) FROM leads") == 12);
}
